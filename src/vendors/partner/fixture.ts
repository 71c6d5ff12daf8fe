import type { PartnerFixture } from './emulator.js';

/**
 * The SimplePin emulator's built-in sandbox fixture (`roster sandbox`, `--sandbox`, the demo, the tests):
 * company 1001 (SunPath, whose two keys are the sandbox credentials) and company 2002 (someone else's),
 * each with its account owner. A function, so every caller gets a fresh copy it may change.
 */
export function partnerSandboxFixture(): PartnerFixture {
  return {
    companies: [
      {
        id: 1001,
        name: 'SunPath Solar LLC',
        keys: { authorization: 'sandbox-simplepin-authorization-key', token: 'sandbox-simplepin-token' },
        owner: {
          user_code: 'OWNER-1001',
          email: 'owner@sunpath.example',
          first_name: 'Samuel',
          last_name: 'Pathak',
          phone: '+15125550100',
          account_title: 'Owner',
          time_zone_id: 'America/Chicago',
          state: 'ACTIVE',
          password: 'Owner-Sandbox-Passw0rd!',
          ssn: '078-05-1120',
          date_of_birth: '1974-06-15',
          owner_ship: 100,
        },
      },
      {
        id: 2002,
        name: 'Northwind Payments',
        keys: { authorization: 'other-company-authorization-key', token: 'other-company-token' },
        owner: {
          user_code: 'OWNER-2002',
          email: 'owner@northwind.example',
          first_name: 'Oliver',
          last_name: 'North',
          state: 'ACTIVE',
          ssn: '219-09-9999',
          date_of_birth: '1968-02-29',
          owner_ship: 51.5,
        },
      },
    ],
    users: [
      {
        company_id: 1001,
        user_code: 'HR-1001',
        email: 'maria.gonzalez@sunpath.example',
        first_name: 'Maria',
        last_name: 'Gonzalez',
        phone: '(512) 555-0101',
        role: 'MANAGER',
        state: 'ACTIVE',
        account_title: 'Regional Manager',
        time_zone_id: 'America/Chicago',
        date_of_birth: '1985-03-14',
        ssn: '123-45-6789',
      },
      {
        company_id: 1001,
        user_code: 'HR-4001',
        email: 'samantha.ortiz@sunpath.example',
        first_name: 'Samantha',
        last_name: 'Ortiz',
        phone: '+15125550161',
        role: 'CUSTOMER_CARE',
        state: 'ACTIVE',
        account_title: 'Customer Care Lead',
        time_zone_id: 'America/Chicago',
      },
      {
        company_id: 1001,
        user_code: 'FL-0001',
        email: 'former.bookkeeper@sunpath.example',
        first_name: 'Frank',
        last_name: 'Ledger',
        role: 'ACCOUNTING',
        state: 'INACTIVE',
        time_zone_id: 'America/Chicago',
      },
      {
        company_id: 1001,
        user_code: 'HR-4004',
        email: 'robert.hayes@sunpath.example',
        first_name: 'Robert',
        last_name: 'Hayes',
        phone: '512-555-0164',
        role: 'ACCOUNTING',
        state: 'ACTIVE',
        account_title: 'Controller',
        time_zone_id: 'America/Chicago',
      },
      {
        company_id: 2002,
        user_code: 'HR-1001',
        email: 'nina.west@northwind.example',
        first_name: 'Nina',
        last_name: 'West',
        role: 'MANAGER',
        state: 'ACTIVE',
      },
    ],
  };
}
