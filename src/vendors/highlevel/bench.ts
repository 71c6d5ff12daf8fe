/**
 * HighLevel's profile for `npm run bench`: its roster.yaml entry, roles, offices and emulator fixture for a
 * generated organisation. Part of the benchmark's build only (tsconfig.bench.json), never the shipped CLI.
 */
import { envName, driftedPhone, usersOf, type BenchVendor, type BenchOffice } from '../../../bench/profile.js';

const HIGHLEVEL_COMPANY = 'BenchCompany00000001';
const locationOf = (office: BenchOffice) => `BenchLocation${String(office.index).padStart(7, '0')}`;

/** "+1 512-200-0001": how HighLevel shows a number; roster compares it in E.164. */
function highlevelPhone(e164: string): string {
  const d = e164.slice(2);
  return `+1 ${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`;
}

export const benchProfile: BenchVendor = {
  kind: 'highlevel',
  listPath: '/users/search',
  pageSize: 100,
  liveUsers: usersOf,
  config: { kind: 'highlevel', companyId: HIGHLEVEL_COMPANY, credentials: { token: { env: envName('highlevel', 'token') } } },
  roles: { manager: { type: 'account', role: 'admin' }, rep: { type: 'account', role: 'user' } },
  office: (office) => ({ locationIds: [locationOf(office)] }),
  fixture(people, offices) {
    const users: unknown[] = [
      // The agency owner: a live user git does not describe (left alone).
      { id: 'BenchOwner0000000001', firstName: 'Bench', lastName: 'Owner', email: 'owner@bench.example', type: 'agency', role: 'admin' },
    ];
    for (const p of people) {
      if (p.live === 'new') continue;
      const drift = p.live === 'update' ? p.drift : undefined;
      users.push({
        // 20 alphanumerics, as HighLevel ids are.
        id: `BenchUser${String(p.index).padStart(11, '0')}`,
        firstName: p.firstName,
        lastName: drift === 'name' ? `${p.lastName}-Old` : p.lastName,
        email: p.email,
        phone: highlevelPhone(drift === 'phone' ? driftedPhone(p.phone) : p.phone),
        type: 'account',
        role: p.role === 'manager' || drift === 'roles' ? 'admin' : 'user',
        locationIds: [locationOf(p.office)],
      });
    }
    return {
      companyId: HIGHLEVEL_COMPANY,
      locations: offices.map((o) => ({ id: locationOf(o), name: `Bench Solar - ${o.name}` })),
      tokens: [{ token: 'sandbox-highlevel-token', kind: 'agency', scopes: ['users.readonly', 'users.write'] }],
      users,
    };
  },
};
