/**
 * Enerflo's profile for `npm run bench`: its roster.yaml entry, roles, offices and emulator fixture for a
 * generated organisation. Part of the benchmark's build only (tsconfig.bench.json), never the shipped CLI.
 */
import { enerfloPhone } from './phone.js';
import { envName, liveId, driftedPhone, usersOf, type BenchVendor } from '../../../bench/profile.js';

export const benchProfile: BenchVendor = {
  kind: 'enerflo',
  listPath: '/api/v3/users',
  pageSize: 200,
  liveUsers: usersOf,
  // Every generated user is active, so each status listing is one empty page.
  requiredReads: { count: 2, why: 'Enerflo lists inactive and suspended users apart (`status=inactive`, `status=suspended`: inactiveStatus, suspendedStatuses), a page each at least' },
  config: { kind: 'enerflo', credentials: { apiKey: { env: envName('enerflo', 'apiKey') } } },
  roles: { manager: { roles: ['Regional Manager'] }, rep: { roles: ['Sales Rep'] } },
  office: (office) => ({ officeId: 101 + office.index }),
  fixture(people, offices) {
    const users = [];
    for (const p of people) {
      if (p.live === 'new') continue;
      const drift = p.live === 'update' ? p.drift : undefined;
      const roles = p.role === 'manager' ? ['Regional Manager'] : drift === 'roles' ? ['Sales Rep', 'Setter'] : ['Sales Rep'];
      users.push({
        id: liveId(p),
        company_id: 1,
        email: p.email,
        first_name: p.firstName,
        last_name: drift === 'name' ? `${p.lastName}-Old` : p.lastName,
        // Enerflo stores the bare ten digits.
        phone: enerfloPhone(drift === 'phone' ? driftedPhone(p.phone) : p.phone) ?? null,
        active: true,
        roles,
        office_ids: [101 + p.office.index],
        manager_id: p.manager === undefined ? null : 100_000 + p.manager,
        timezone: p.office.timezone,
        external_user_id: p.externalId,
        can_create_customers: true,
        allow_optimus: false,
        can_reassign_leads: true,
      });
    }
    // The key's owner: a live user git does not describe (left alone; prune is off).
    users.push({ id: 1, company_id: 1, email: 'admin@bench.example', first_name: 'Bench', last_name: 'Admin', roles: ['Company Admin'] });
    return {
      companies: [{ id: 1, name: 'Bench Solar', offices: offices.map((o) => ({ id: 101 + o.index, name: o.name })) }],
      apiKeys: [{ key: 'sandbox-enerflo-key', company_id: 1, owner: 'admin@bench.example' }],
      users,
    };
  },
};
