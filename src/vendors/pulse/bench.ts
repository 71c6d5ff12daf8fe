/**
 * Pulse's profile for `npm run bench`: its roster.yaml entry, roles, offices and emulator fixture for a
 * generated organisation. Part of the benchmark's build only (tsconfig.bench.json), never the shipped CLI.
 */
import { envName, liveId, driftedPhone, usersOf, type BenchVendor } from '../../../bench/profile.js';

const PULSE_ACCOUNT = '6591739253089529';

/** (512) 200-0001: how a number typed in Pulse's UI looks; roster compares it in E.164. */
function pulsePhone(e164: string): string {
  const d = e164.slice(2);
  return `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`;
}

export const benchProfile: BenchVendor = {
  kind: 'pulse',
  listPath: '/api/users',
  pageSize: 100,
  liveUsers: usersOf,
  config: {
    kind: 'pulse',
    accountId: PULSE_ACCOUNT,
    credentials: { apiKey: { env: envName('pulse', 'apiKey') }, apiSecret: { env: envName('pulse', 'apiSecret') } },
  },
  roles: { manager: { roles: ['manager'] }, rep: { roles: ['salesRep'] } },
  office: (office) => ({ teamId: 11 + office.index }),
  fixture(people, offices) {
    const users: unknown[] = [
      {
        id: 1,
        email: 'integrations@bench.example',
        name: 'Bench Integrations',
        accounts: [{ accountId: PULSE_ACCOUNT, roles: ['admin'], usersPrimaryAccount: true, accountAdmin: true }],
      },
    ];
    for (const p of people) {
      if (p.live === 'new') continue;
      const drift = p.live === 'update' ? p.drift : undefined;
      const roles = p.role === 'manager' ? ['manager'] : drift === 'roles' ? ['salesRep', 'setter'] : ['salesRep'];
      users.push({
        id: liveId(p),
        email: p.email,
        name: `${p.firstName} ${drift === 'name' ? `${p.lastName}-Old` : p.lastName}`,
        phone: pulsePhone(drift === 'phone' ? driftedPhone(p.phone) : p.phone),
        createdAt: '2025-01-01T00:00:00.000Z',
        accounts: [{ accountId: PULSE_ACCOUNT, roles, teamId: 11 + p.office.index, active: true, usersPrimaryAccount: true }],
      });
    }
    return {
      accounts: [{ accountId: PULSE_ACCOUNT, accountName: 'Bench Solar', repcode: 'BEN01' }],
      apiKeys: [
        {
          apiKey: 'sandbox-pulse-key',
          apiSecret: 'sandbox-pulse-secret',
          accountId: PULSE_ACCOUNT,
          user: 'integrations@bench.example',
          permissions: ['readUsers', 'writeUsers', 'readTeams', 'writeTeams', 'readRoles'],
        },
      ],
      roles: [
        { id: 1, name: 'admin', permissions: ['readUsers', 'writeUsers'] },
        { id: 2, name: 'manager', permissions: ['readUsers', 'readLeads', 'writeLeads'] },
        { id: 3, name: 'salesRep', permissions: ['readLeads', 'writeLeads'] },
        { id: 4, name: 'setter', permissions: ['readLeads'] },
      ],
      teams: offices.map((o) => ({ id: 11 + o.index, name: o.name, accountId: PULSE_ACCOUNT })),
      users,
    };
  },
  requiredReads: { count: 1, why: 'Pulse: one login per run (POST /api/auth/login) before the first page' },
  writesPerCreate: { count: 3, why: 'Pulse creates with `{email}` (createFields), then PATCHes the other fields and PUTs the roles on their own endpoint' },
};
