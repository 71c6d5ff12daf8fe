import { z } from 'zod';

/**
 * The sandbox fixture format of the Pulse emulator (`pulseSandboxFixture` below is the built-in one). Users are global
 * identities (one email) with a membership per account, as the `user_added_to_account` /
 * `user_removed_from_account` events suggest; roles, team and the active flag belong to the
 * membership (inferred; see shared/vendors/README.md).
 */
const teamIdSchema = z.union([z.number().int(), z.string().min(1)]);

export const pulseFixtureSchema = z
  .object({
    /** Session lifetime; the docs give `expiresAt` but no duration (inferred default: one hour). */
    tokenTtlSeconds: z.number().positive().optional(),
    accounts: z
      .array(z.object({ accountId: z.string().min(1), accountName: z.string(), repcode: z.string().optional() }).strict())
      .min(1),
    apiKeys: z
      .array(
        z
          .object({
            apiKey: z.string().min(1),
            apiSecret: z.string().min(1),
            /** The account the key is attached to: its primary account. */
            accountId: z.string().min(1),
            /** Other accounts the key may select with x-account-id (child accounts). */
            extraAccounts: z.array(z.string()).default([]),
            /** Email of the user who created the key: `createdBy` of everything done with it. */
            user: z.string().min(1),
            permissions: z.array(z.string()),
          })
          .strict(),
      )
      .default([]),
    roles: z.array(z.object({ id: z.number().int(), name: z.string().min(1), permissions: z.array(z.string()) }).strict()),
    teams: z.array(z.object({ id: teamIdSchema, name: z.string(), accountId: z.string().min(1) }).strict()).default([]),
    users: z.array(
      z
        .object({
          id: z.number().int(),
          email: z.string().min(3),
          name: z.string().nullable().default(null),
          phone: z.string().nullable().default(null),
          imgSrc: z.string().nullable().default(null),
          /** An object, as the seed's User schema says (`type: object`). */
          notificationPreferences: z.record(z.string(), z.unknown()).default({}),
          /** Only for `{email, password}` logins in the sandbox; never returned. */
          password: z.string().optional(),
          createdBy: z.string().default('system'),
          createdAt: z.string().default('2025-01-01T00:00:00.000Z'),
          updatedBy: z.string().optional(),
          updatedAt: z.string().optional(),
          accounts: z.array(
            z
              .object({
                accountId: z.string().min(1),
                roles: z.array(z.string()).default([]),
                teamId: teamIdSchema.nullable().default(null),
                active: z.boolean().default(true),
                usersPrimaryAccount: z.boolean().default(false),
                accountAdmin: z.boolean().default(false),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

export type PulseFixture = z.infer<typeof pulseFixtureSchema>;

export function parsePulseFixture(fixture: unknown): PulseFixture {
  const parsed = pulseFixtureSchema.safeParse(fixture);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid Pulse sandbox fixture: ${problems}`);
  }
  return parsed.data;
}

/** The account the key is attached to, for `configFor` and the sandbox credentials. */
export function sandboxAccountId(fixture: unknown, apiKey: string): string {
  const parsed = parsePulseFixture(fixture);
  const key = parsed.apiKeys.find((k) => k.apiKey === apiKey) ?? parsed.apiKeys[0];
  return key?.accountId ?? parsed.accounts[0].accountId;
}

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
