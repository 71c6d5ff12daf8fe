import { enerfloPhone } from '../src/vendors/enerflo/phone.js';
import type { BenchOffice, BenchPerson } from './people.js';

/**
 * What the benchmark needs to know about one vendor: its entry in roster.yaml, what the two roles
 * and each office mean there, and the vendor's live users before the plan, in the emulator's own
 * fixture format. A vendor joins the benchmark by adding a profile here.
 */
export interface BenchVendor {
  kind: string;
  /** The path list pages are read from (or, read by key, the per-person GET): the floor loop reads the GETs on it. */
  listPath: string;
  /**
   * Read by key (SimplePin publishes no user list): the floor is one GET per declared person, not list
   * pages, and a real plan is bounded by the vendor's rate limit times that count.
   */
  readByKey?: boolean;
  /** Users per list page with the default config (the floor is live users / pageSize, rounded up). */
  pageSize: number;
  /** Live users the key can see in a fixture: what the plan must page through. */
  liveUsers(fixture: unknown): number;
  /** The roster.yaml vendor entry, less `baseUrl` (the sandbox sets it). */
  config: Record<string, unknown>;
  /** `roles[].<kind>` for the two generated roles. */
  roles: { manager: unknown; rep: unknown };
  /** `offices[].<kind>`. */
  office(office: BenchOffice): unknown;
  /** The emulator fixture: the live users, 90% matching git, 5% drifted, 5% missing. */
  fixture(people: BenchPerson[], offices: BenchOffice[]): unknown;
  /**
   * Why this vendor's requests may exceed the floor (list pages, plus one write per change), in
   * words for the report. Empty when roster should meet the floor exactly.
   */
  overFloorReason?: string;
}

const envName = (kind: string, field: string) => `BENCH_${kind.toUpperCase()}_${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** A user id per person that leaves room for whatever the emulator creates after it. */
const liveId = (person: BenchPerson) => 100_000 + person.index;

/** A different, still valid, number for a drifted phone. */
function driftedPhone(phone: string): string {
  return phone.slice(0, 5) + '9' + phone.slice(6);
}

// ------------------------------------------------------------------------------------------ Enerflo

const usersOf = (fixture: unknown) => (fixture as { users: unknown[] }).users.length;

const enerflo: BenchVendor = {
  kind: 'enerflo',
  listPath: '/api/v3/users',
  pageSize: 200,
  liveUsers: usersOf,
  overFloorReason: 'Enerflo: one more list page, as inactive users are listed apart (`status=inactive`, shared/vendors/README.md)',
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

// -------------------------------------------------------------------------------------------- Pulse

const PULSE_ACCOUNT = '6591739253089529';

/** (512) 200-0001: how a number typed in Pulse's UI looks; roster compares it in E.164. */
function pulsePhone(e164: string): string {
  const d = e164.slice(2);
  return `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`;
}

const pulse: BenchVendor = {
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
  overFloorReason:
    'Pulse: one login per run (POST /api/auth/login) before the first page; a create is POST /api/users then PUT /api/users/{id}/roles (roles have their own endpoint), so creates cost 2 writes',
};

// ---------------------------------------------------------------------------------------- HighLevel

const HIGHLEVEL_COMPANY = 'BenchCompany00000001';
const locationOf = (office: BenchOffice) => `BenchLocation${String(office.index).padStart(7, '0')}`;

/** "+1 512-200-0001": how HighLevel shows a number; roster compares it in E.164. */
function highlevelPhone(e164: string): string {
  const d = e164.slice(2);
  return `+1 ${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`;
}

const highlevel: BenchVendor = {
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

// ---------------------------------------------------------------------------------------- SimplePin

const partnerRole = (p: BenchPerson, drift?: string) => (p.role === 'manager' ? 'MANAGER' : drift === 'roles' ? 'ACCOUNTING' : 'CUSTOMER_CARE');

const partner: BenchVendor = {
  kind: 'partner',
  // No list endpoint (shared/vendors/README.md, SimplePin): plan reads each declared person by user_code.
  listPath: '/v2/user/get',
  readByKey: true,
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

/** Every vendor the benchmark knows, in report order. */
export const benchVendors: BenchVendor[] = [enerflo, highlevel, pulse, partner];
