/**
 * SimplePin's profile for `npm run bench`: its roster.yaml entry, roles, offices and emulator fixture for a
 * generated organisation. Part of the benchmark's build only (tsconfig.bench.json), never the shipped CLI.
 */
import { envName, driftedPhone, usersOf, type BenchVendor, type BenchPerson } from '../../../bench/profile.js';

const partnerRole = (p: BenchPerson, drift?: string) => (p.role === 'manager' ? 'MANAGER' : drift === 'roles' ? 'ACCOUNTING' : 'CUSTOMER_CARE');

export const benchProfile: BenchVendor = {
  kind: 'partner',
  // No list endpoint (shared/vendors/README.md, SimplePin): plan reads each declared person by user_code.
  listPath: '/v2/user/get',
  readByKey: true,
  requiredReads: { count: 1, why: 'SimplePin: the probe user_code (the account owner, probeUserCode) is read first, so a 404 can be trusted to mean absent' },
  pageSize: 1,
  // The company's users and its account owner (which plan cannot see).
  liveUsers: (fixture) => usersOf(fixture) + 1,
  config: {
    kind: 'partner',
    credentials: { authorizationKey: { env: envName('partner', 'authorizationKey') }, token: { env: envName('partner', 'token') } },
  },
  roles: { manager: { role: 'MANAGER' }, rep: { role: 'CUSTOMER_CARE' } },
  office: () => ({}),
  fixture(people) {
    const users = [];
    for (const p of people) {
      if (p.live === 'new') continue;
      const drift = p.live === 'update' ? p.drift : undefined;
      users.push({
        company_id: 1001,
        // roster creates people with their externalId as user_code.
        user_code: p.externalId,
        email: p.email,
        first_name: p.firstName,
        last_name: drift === 'name' ? `${p.lastName}-Old` : p.lastName,
        phone: drift === 'phone' ? driftedPhone(p.phone) : p.phone,
        role: partnerRole(p, drift),
        state: 'ACTIVE',
        time_zone_id: p.office.timezone,
      });
    }
    return {
      companies: [
        {
          id: 1001,
          name: 'Bench Solar LLC',
          keys: { authorization: 'sandbox-simplepin-authorization-key', token: 'sandbox-simplepin-token' },
          // The account owner: never read (git does not describe it), never managed.
          owner: { user_code: 'OWNER-1001', email: 'owner@bench.example', first_name: 'Bench', last_name: 'Owner', state: 'ACTIVE' },
        },
      ],
      users,
    };
  },
};
