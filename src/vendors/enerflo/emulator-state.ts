import { besideState, ListIndex } from '../../sandbox/emulator-kit.js';
import { DOCUMENTED_TIMEZONES } from './documented.js';

// The Enerflo emulator's plain data (companies, keys, users), seeded from a fixture, the indexes kept
// beside it, and a user in the shape the list and get answer.

export interface EnerfloOffice {
  id: number;
  name: string;
}

export interface EnerfloCompany {
  id: number;
  name: string;
  offices: EnerfloOffice[];
}

export interface EnerfloApiKey {
  key: string;
  company_id: number;
  /** Who the key belongs to, for the record only. */
  owner?: string;
  /** The owner's role, which limits the roles the key may add or remove; Company Admin when absent. */
  owner_role?: string;
}

export interface EnerfloUser {
  id: number;
  company_id: number;
  email: string;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  active: boolean;
  /**
   * Suspended (inactive too): listed only with `status=suspended`, neither in the default list nor with
   * `status=inactive` (published.md, help centre "reactivate a user account" names both statuses). Tests set it.
   */
  suspended?: boolean;
  roles: string[];
  office_ids: number[];
  manager_id: number | null;
  timezone: string | null;
  external_user_id: string | null;
  can_create_customers: boolean;
  allow_optimus: boolean;
  can_reassign_leads: boolean;
  /** Set on deleted users: hidden everywhere, but the email stays taken. */
  deleted_at: string | null;
  /** Leads, surveys or appointments attributed to the user: Sales Rep and Setter cannot be removed. Tests set it. */
  has_attributed_leads: boolean;
  /** The user is a project contact on installs: Project Manager cannot be removed. Tests set it. */
  has_project_installs: boolean;
  /** Whether a password was sent at create (the reconciler never sends one). */
  has_password: boolean;
  created_at: string;
  updated_at: string;
}

export interface EnerfloState {
  companies: EnerfloCompany[];
  apiKeys: EnerfloApiKey[];
  users: EnerfloUser[];
  nextId: number;
  /** Fields the emulator accepted and ignored, with why (manager/office without Sales Rep, ...). */
  ignored: { userId: number; field: string; reason: string }[];
  /** Welcome emails "sent". */
  outbox: { to: string; kind: 'welcome' }[];
  /** The timezone enum: the documented values and the fixture's `timezones`. */
  timezones: string[];
  /** Shapes the documents leave open, as a tenant may answer them (the fixture's `answers`). */
  answers: EnerfloAnswers;
}

/**
 * Answer shapes the documents allow but the emulator's default does not use (issue 24, tolerant reads):
 * the list's shape is not published (published.md, Enerflo), so a tenant may list only the names Update a
 * User documents, or leave out `active`; a create may answer its user wrapped as `{"data": {...}}`.
 */
export interface EnerfloAnswers {
  /** The only names each listed user carries (every name by default), e.g. UPDATE_FIELDS: no manager_id. */
  listFields?: string[];
  /** Create answers `{"data": user}` instead of the user. */
  wrapCreate?: boolean;
}

/** The fixture format of examples/sandbox/enerflo.json: users may leave out anything but id, company_id and email. */
export interface EnerfloFixture {
  companies: EnerfloCompany[];
  apiKeys: EnerfloApiKey[];
  users: (Partial<EnerfloUser> & { id: number; company_id: number; email: string })[];
  /** Values of the timezone enum beyond the eight the Add a User page shows (it lists 16). */
  timezones?: string[];
  /** Answer shapes the documents leave open (EnerfloAnswers); tests set them. */
  answers?: EnerfloAnswers;
}

export function enerfloStateFrom(fixture: unknown): EnerfloState {
  const f = (fixture ?? {}) as Partial<EnerfloFixture>;
  const now = new Date().toISOString();
  const users: EnerfloUser[] = (f.users ?? []).map((u) => ({
    first_name: null,
    last_name: null,
    active: true,
    roles: [],
    office_ids: [],
    manager_id: null,
    timezone: null,
    external_user_id: null,
    can_create_customers: true,
    allow_optimus: false,
    can_reassign_leads: true,
    deleted_at: null,
    has_attributed_leads: false,
    has_project_installs: false,
    has_password: false,
    created_at: now,
    updated_at: now,
    ...structuredClone(u),
    phone: u.phone ? (tenDigits(u.phone) ?? String(u.phone)) : null,
  }));
  return {
    companies: structuredClone(f.companies ?? []),
    apiKeys: structuredClone(f.apiKeys ?? []),
    users,
    nextId: Math.max(1000, ...users.map((u) => u.id)) + 1,
    ignored: [],
    outbox: [],
    timezones: [...DOCUMENTED_TIMEZONES, ...(f.timezones ?? [])],
    answers: structuredClone(f.answers ?? {}),
  };
}

/** A listed user as the tenant's `answers.listFields` shape it: only those names, when set. */
export function listedShape(state: EnerfloState, user: ReturnType<typeof present>): Record<string, unknown> {
  const names = state.answers.listFields;
  if (!names) return user;
  return Object.fromEntries(Object.entries(user).filter(([name]) => names.includes(name)));
}

/**
 * "A 10-digit phone number ... with or without formatting": 555-555-5555, 5555555555, (555) 555-5555
 * (published.md, `reference/update-a-user`). Stored as the ten digits.
 */
export function tenDigits(value: string | number): string | undefined {
  const text = String(value).trim();
  return /^(\d{10}|\d{3}-\d{3}-\d{4}|\(\d{3}\) ?\d{3}-\d{4})$/.test(text) ? text.replace(/\D/g, '') : undefined;
}

// -------------------------------------------------------------------------------------------- indexes

/**
 * Users by id (as text, the way requests name them) and by lower-cased email, as Pulse's emulator keeps
 * them: at 100,000 users, scanning every user for the email check, the user updated and the manager made
 * each write take tens of milliseconds (npm run bench). Users pushed onto `state.users` directly are
 * picked up at the next lookup.
 */
interface EnerfloDerived {
  byId: ListIndex<EnerfloUser, string>;
  byEmail: ListIndex<EnerfloUser, string>;
  /** Requests other than GET so far: any of them may change users, so it invalidates `lastList`. */
  writes: number;
  /** The last listing's filtered, sorted users and an id index, reused for its next pages. */
  lastList?: { key: string; writes: number; users: EnerfloUser[]; byId: Map<number, EnerfloUser> };
}

export const derivedOf = besideState(
  (state: EnerfloState): EnerfloDerived => ({
    byId: new ListIndex(() => state.users, (u) => String(u.id)),
    // A user stored without an email (a hand-made fixture) is still listed, and found by nobody's email.
    byEmail: new ListIndex(() => state.users, (u) => (typeof u.email === 'string' ? u.email.toLowerCase() : '')),
    writes: 0,
  }),
);

export const inCompany = (companyId: number) => (u: EnerfloUser) => u.company_id === companyId && u.deleted_at === null;

/** The first user of the company, not deleted, whose id reads as `id` (`String(u.id) === id`). */
export function visibleById(state: EnerfloState, companyId: number, id: string): EnerfloUser | undefined {
  return derivedOf(state).byId.get(id).find(inCompany(companyId));
}

// ------------------------------------------------------------------------------------- the wire shape

/** A user as the list and get answer it; `byId` finds managers faster when a listing has one. */
export function present(state: EnerfloState, u: EnerfloUser, byId?: Map<number, EnerfloUser>) {
  const manager =
    u.manager_id === null
      ? undefined
      : byId
        ? byId.get(u.manager_id)
        : derivedOf(state).byId.get(String(u.manager_id)).find((m) => m.id === u.manager_id);
  return {
    id: u.id,
    company_id: u.company_id,
    email: u.email,
    first_name: u.first_name,
    last_name: u.last_name,
    name: [u.first_name, u.last_name].filter(Boolean).join(' '),
    phone: u.phone,
    active: u.active,
    roles: [...u.roles],
    office_ids: [...u.office_ids],
    manager_id: u.manager_id,
    manager_email: manager?.email ?? null,
    timezone: u.timezone,
    external_user_id: u.external_user_id,
    can_create_customers: u.can_create_customers,
    allow_optimus: u.allow_optimus,
    can_reassign_leads: u.can_reassign_leads,
    created_at: u.created_at,
    updated_at: u.updated_at,
  };
}
