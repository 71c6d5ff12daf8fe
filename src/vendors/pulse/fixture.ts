import type { z } from 'zod';
import type { pulseFixtureSchema } from './emulator-fixture.js';

/**
 * The Pulse emulator's built-in sandbox fixture (`roster sandbox`, `--sandbox`, the demo, the tests): SunPath's
 * account and another ISO's, with the sandbox key attached to SunPath's. A function, so every caller gets a
 * fresh copy it may change.
 */
export function pulseSandboxFixture(): z.input<typeof pulseFixtureSchema> {
  return {
    tokenTtlSeconds: 3600,
    accounts: [
      { accountId: '6591739253089529', accountName: 'SunPath Solar', repcode: 'SUNP01' },
      { accountId: '4820015577310046', accountName: 'Northwind Payments (another ISO)', repcode: 'NWP07' },
    ],
    apiKeys: [
      {
        apiKey: 'sandbox-pulse-key',
        apiSecret: 'sandbox-pulse-secret',
        accountId: '6591739253089529',
        user: 'it@sunpath.example',
        permissions: ['readUsers', 'writeUsers', 'readTeams', 'writeTeams', 'readRoles'],
      },
    ],
    roles: [
      { id: 1, name: 'admin', permissions: ['readUsers', 'writeUsers', 'readTeams', 'writeTeams', 'readRoles', 'writeRoles', 'readLeads', 'writeLeads', 'readApplications', 'writeApplications', 'readMerchants', 'writeMerchants', 'readSupport', 'writeApiKeys'] },
      { id: 2, name: 'salesManager', permissions: ['readUsers', 'readTeams', 'readLeads', 'writeLeads', 'readApplications', 'writeApplications', 'readMerchants'] },
      { id: 3, name: 'salesRep', permissions: ['readLeads', 'writeLeads', 'readApplications', 'writeApplications'] },
      { id: 4, name: 'setter', permissions: ['readLeads', 'writeLeads'] },
      { id: 5, name: 'officeAdmin', permissions: ['readUsers', 'readTeams', 'readLeads', 'readApplications', 'readSupport'] },
      { id: 6, name: 'support', permissions: ['readSupport', 'readMerchants', 'readApplications'] },
      { id: 7, name: 'accounting', permissions: ['readMerchants', 'readApplications', 'readInvoices'] },
    ],
    teams: [
      { id: 11, name: 'Austin', accountId: '6591739253089529' },
      { id: 12, name: 'Phoenix', accountId: '6591739253089529' },
      { id: 13, name: 'Denver', accountId: '6591739253089529' },
      { id: 21, name: 'Northwind Sales', accountId: '4820015577310046' },
    ],
    users: [
      {
        id: 1001, email: 'it@sunpath.example', name: 'SunPath IT', password: 'sandbox-pulse-password',
        createdAt: '2024-11-02T15:04:05.000Z',
        accounts: [{ accountId: '6591739253089529', roles: ['admin'], usersPrimaryAccount: true, accountAdmin: true }],
      },
      {
        id: 1002, email: 'maria.gonzalez@sunpath.example', name: 'Maria Gonzalez', phone: '(512) 555-0101',
        createdBy: 'it@sunpath.example', createdAt: '2025-01-13T16:20:00.000Z',
        accounts: [{ accountId: '6591739253089529', roles: ['salesManager'], teamId: 11, usersPrimaryAccount: true }],
      },
      {
        id: 1003, email: 'jake.thompson@sunpath.example', name: 'Jake Thomson',
        createdBy: 'it@sunpath.example', createdAt: '2025-02-03T14:00:00.000Z',
        accounts: [{ accountId: '6591739253089529', roles: ['salesRep'], teamId: 11, usersPrimaryAccount: true }],
      },
      {
        id: 1004, email: 'Priya.Patel@sunpath.example', name: 'Priya Patel', phone: '512-555-0103',
        createdBy: 'it@sunpath.example', createdAt: '2025-02-03T14:05:00.000Z',
        accounts: [{ accountId: '6591739253089529', roles: ['salesRep'], teamId: 11, usersPrimaryAccount: true }],
      },
      {
        id: 1005, email: 'olivia.chen@sunpath.example', name: 'Olivia Chen', phone: '+15125550108',
        createdBy: 'it@sunpath.example', createdAt: '2025-03-10T09:30:00.000Z',
        accounts: [{ accountId: '6591739253089529', roles: ['officeAdmin'], teamId: 11, usersPrimaryAccount: true }],
      },
      {
        id: 1006, email: 'diego.ramirez@sunpath.example', name: 'Diego Ramirez', phone: '+15125550107',
        createdBy: 'it@sunpath.example', createdAt: '2025-03-17T11:00:00.000Z',
        accounts: [{ accountId: '6591739253089529', roles: ['salesRep'], teamId: 11, usersPrimaryAccount: true }],
      },
      {
        id: 1007, email: 'daniel.reyes@sunpath.example', name: 'Daniel Reyes', phone: '+16025550121',
        createdBy: 'it@sunpath.example', createdAt: '2025-04-01T17:00:00.000Z',
        accounts: [{ accountId: '6591739253089529', roles: ['salesRep', 'salesManager'], teamId: 11, usersPrimaryAccount: true }],
      },
      {
        id: 1008, email: 'aisha.khan@sunpath.example', name: 'Aisha Khan', phone: '+16025550122',
        createdBy: 'it@sunpath.example', createdAt: '2025-04-22T18:45:00.000Z',
        accounts: [{ accountId: '6591739253089529', roles: ['salesRep'], teamId: 12, active: false, usersPrimaryAccount: true }],
      },
      {
        id: 1009, email: 'samantha.ortiz@sunpath.example', name: 'Samantha Ortiz', phone: '(512) 555-0161',
        createdBy: 'it@sunpath.example', createdAt: '2025-05-05T08:15:00.000Z',
        accounts: [{ accountId: '6591739253089529', roles: ['support'], teamId: 11, usersPrimaryAccount: true }],
      },
      {
        id: 1010, email: 'summer.intern@gmail.example', name: 'Summer Intern', phone: '+16025550199',
        createdBy: 'maria.gonzalez@sunpath.example', createdAt: '2025-06-30T12:00:00.000Z',
        accounts: [{ accountId: '6591739253089529', roles: ['salesRep'], teamId: 12, usersPrimaryAccount: true }],
      },
      {
        id: 1011, email: 'owner@northwind.example', name: 'Northwind Owner',
        createdAt: '2024-08-01T10:00:00.000Z',
        accounts: [{ accountId: '4820015577310046', roles: ['admin'], teamId: 21, usersPrimaryAccount: true, accountAdmin: true }],
      },
      {
        id: 1012, email: 'kevin.brown@sunpath.example', name: 'Kevin Brown', phone: '+15125550162',
        createdBy: 'owner@northwind.example', createdAt: '2024-09-12T10:00:00.000Z',
        accounts: [{ accountId: '4820015577310046', roles: ['support'], teamId: 21, usersPrimaryAccount: true }],
      },
      {
        id: 1013, email: 'rachel.foster@sunpath.example', name: 'Rachel Foster', phone: '+17205550141',
        createdBy: 'it@sunpath.example', createdAt: '2025-01-20T10:30:00.000Z',
        accounts: [{ accountId: '6591739253089529', roles: ['salesManager'], teamId: 13, usersPrimaryAccount: true }],
      },
    ],
  };
}
