import type { BambooEmployee } from './emulator.js';

/**
 * The sample organisation as BambooHR would hold it (test data): a few existing people, a new hire, a
 * leaver, and the SSNs and birth dates BambooHR keeps, which roster must never ask for.
 */
export function sampleBambooEmployees(): BambooEmployee[] {
  const base = { ssn: '123-45-6789', dateOfBirth: '1990-01-01', terminationDate: '0000-00-00', status: 'Active', department: 'Sales' };
  return [
    { ...base, employeeId: '1001', employeeNumber: 'HR-1001', firstName: 'Maria', lastName: 'Gonzalez', workEmail: 'maria.gonzalez@sunpath.example', mobilePhone: '(512) 555-0101', jobTitleName: 'Regional Manager, Texas', location: 'Austin, TX', supervisorEId: null, supervisorEmail: null, hireDate: '2021-03-01' },
    { ...base, employeeId: '1002', employeeNumber: 'HR-1002', firstName: 'Jake', lastName: 'Thompson', workEmail: 'jake.thompson@sunpath.example', mobilePhone: '512.555.0102', jobTitleName: 'Sales Representative', location: 'Austin, TX', supervisorEId: '1001', supervisorEmail: 'maria.gonzalez@sunpath.example', hireDate: '2022-06-14', terminationDate: '2026-12-18' },
    { ...base, employeeId: '1003', employeeNumber: 'HR-1003', firstName: 'Priya', lastName: 'Patel', workEmail: 'priya.patel@sunpath.example', mobilePhone: '+1 512 555 0103', jobTitleName: 'Sales Representative', location: 'Austin, TX', supervisorEId: '1001', supervisorEmail: 'maria.gonzalez@sunpath.example', hireDate: '2023-01-09' },
    { ...base, employeeId: '1021', employeeNumber: 'HR-1021', firstName: 'Dana', lastName: 'Whitfield', workEmail: 'dana.whitfield@sunpath.example', mobilePhone: '(512) 555-0121', jobTitleName: 'Sales Representative', location: 'Austin, TX', supervisorEId: '1001', supervisorEmail: 'maria.gonzalez@sunpath.example', hireDate: '2026-12-14' },
    { ...base, employeeId: '2001', employeeNumber: 'HR-2001', firstName: 'Daniel', lastName: 'Reyes', workEmail: 'daniel.reyes@sunpath.example', mobilePhone: '+1-602-555-0121', jobTitleName: 'Regional Manager, Arizona', location: 'Phoenix, AZ', supervisorEId: null, supervisorEmail: null, hireDate: '2021-03-01' },
    { ...base, employeeId: '2021', employeeNumber: 'HR-2021', firstName: 'Luis', lastName: 'Herrera', workEmail: 'luis.herrera@sunpath.example', mobilePhone: '(602) 555-0131', jobTitleName: 'Sales Representative', location: 'Phoenix, AZ', supervisorEId: '2001', supervisorEmail: 'daniel.reyes@sunpath.example', hireDate: '2026-12-16' },
  ];
}
