import {
  besideState,
  json,
  ListIndex,
  Router,
  startEmulator,
  WindowCounter,
  type EmuRequest,
  type EmuResponse,
  type Emulator,
  type EmulatorOptions,
} from '../../sandbox/emulator-kit.js';
import { DOCUMENTED_TIMEZONES, ENERFLO_RATE, ROLE_SLUGS, UPDATE_FIELDS } from './documented.js';

/*
 * A local Enerflo that behaves as shared/vendors/README.md and published.md (Enerflo) say. It imports no
 * adapter-side code: only the documented lists of documented.ts (an independent witness, README rule 2).
 *
 * Documented (published.md):
 * - Create `POST /api/v1/users` with `email`, `roles` (Role Names), `notify_email` and `allow_optimus`
 *   required; `can_create_customers`, `can_reassign_leads`, `first_name`, `last_name`, `phone`, `password`,
 *   `timezone` (an enum), `external_user_id`, and on Sales Rep only `manager_email`, `manager_id`, `office_id`.
 * - Update `PUT /api/v3/users` with `id` in the body and only `manager_email, first_name, last_name, phone,
 *   email, active, roles, office_ids`: anything else is not applied (noted in `state.ignored`), so a client
 *   that believes it changed a create-only field sees it unchanged on the next read.
 * - The default list leaves out inactive users; `status=inactive` lists them (help centre; clients).
 * - Phones: ten digits, written 555-555-5555, 5555555555 or (555) 555-5555.
 *
 * Wire shapes chosen where the documents are silent (inferred, shared/vendors/README.md):
 * - Auth: `api-key` header, also `X-Api-Key` or `?api_key=`; 401 `{message: "Unauthenticated."}` otherwise.
 *   A key belongs to one company: it sees, creates and updates that company's users only.
 * - Create answers **201** with the created user; update answers 200 with the user. An unknown id is a 422
 *   ("The selected id is invalid.", Laravel's `exists` rule), not a 404.
 * - `GET /api/v3/users/{id}`: 200 with the user, 404 `{message}` when unknown, deleted or in another company.
 * - Deleted users never appear, but their emails stay taken (across every company).
 * - A listed user carries the create page's names: `{id, company_id, email, first_name, last_name, name,
 *   phone, active, roles, office_ids, manager_id, manager_email, timezone, external_user_id,
 *   can_create_customers, allow_optimus, can_reassign_leads, created_at, updated_at}`, with `phone` the
 *   stored ten digits, `office_ids` integers (the first applies to all roles, the rest to Regional Manager).
 * - Validation failures: Laravel's 422 `{message, errors: {field: [text]}}`.
 * - Manager and office fields on a create without Sales Rep (and a manager on an update that leaves no
 *   Sales Rep) are ignored, and noted in `state.ignored`.
 */

const SALES_REP = 'Sales Rep';
const REGIONAL_MANAGER = 'Regional Manager';
const ROLE_NAMES = Object.keys(ROLE_SLUGS);
const slugOwner = (slug: string) => ROLE_NAMES.find((name) => ROLE_SLUGS[name] === slug);

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
}

/** The fixture format of examples/sandbox/enerflo.json: users may leave out anything but id, company_id and email. */
export interface EnerfloFixture {
  companies: EnerfloCompany[];
  apiKeys: EnerfloApiKey[];
  users: (Partial<EnerfloUser> & { id: number; company_id: number; email: string })[];
  /** Values of the timezone enum beyond the eight the Add a User page shows (it lists 16). */
  timezones?: string[];
}

/** Create is v1, everything else v3 (published.md, `reference/add-a-user` and `update-a-user`). */
const CREATE = '/api/v1/users';
const USERS = '/api/v3/users';
const DEFAULT_PAGE_SIZE = 25;
/** Maximum pageSize: not found in the docs; 500 (inferred, shared/vendors/README.md). */
const MAX_PAGE_SIZE = 500;

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
  };
}

export async function startEnerfloEmulator(fixture: unknown, options: EmulatorOptions = {}): Promise<Emulator> {
  const state = enerfloStateFrom(fixture);
  const budget = options.rateLimit ?? ENERFLO_RATE;
  const counter = new WindowCounter(budget.limit, budget.windowMs);
  /** Per request: the caller's key and what the rate counter said, for `decorate`. */
  const seen = new WeakMap<EmuRequest, { apiKey: EnerfloApiKey; remaining: number }>();

  const router = new Router()
    .add('GET', USERS, (req) => listUsers(state, caller(req), req.query))
    .add('GET', `${USERS}/:id`, (req) => getUser(state, caller(req), req.params.id))
    .add('POST', CREATE, (req) => createUser(state, caller(req), req.body))
    .add('PUT', USERS, (req) => updateUser(state, caller(req), req.body));

  function caller(req: EmuRequest): EnerfloApiKey {
    const found = seen.get(req);
    if (!found) throw new Error('request reached a route without authentication');
    return found.apiKey;
  }

  return startEmulator(
    {
      name: 'enerflo',
      router,
      state,
      before(req) {
        if (req.method !== 'GET') derivedOf(state).writes++;
        const given = keyOf(req);
        const apiKey = given ? state.apiKeys.find((k) => k.key === given) : undefined;
        if (!apiKey) return json(401, { message: 'Unauthenticated.' });
        const now = Date.now();
        const taken = counter.take(apiKey.key, now);
        if (!taken.allowed) return tooManyRequests(budget.limit, taken.resetAt, now);
        seen.set(req, { apiKey, remaining: taken.remaining });
        return undefined;
      },
      decorate(req, res) {
        const headers = (res.headers ??= {});
        headers['x-ratelimit-limit'] ??= String(budget.limit);
        headers['x-ratelimit-remaining'] ??= String(res.status === 429 ? 0 : (seen.get(req)?.remaining ?? budget.limit));
      },
      tooManyRequests: () => tooManyRequests(budget.limit, Date.now() + 1_000, Date.now()),
      serverError: (status) => json(status, { message: status === 503 ? 'Service Unavailable' : 'Server Error' }),
      notFound: () => json(404, { message: 'Not Found' }),
    },
    options,
  );
}

function keyOf(req: EmuRequest): string | undefined {
  const header = req.headers['api-key'] ?? req.headers['x-api-key'];
  const value = Array.isArray(header) ? header[0] : header;
  return value || req.query.get('api_key') || undefined;
}

/** Enerflo's documented 429: the counters, `retry-after`, `x-ratelimit-reset` in epoch seconds, and an HTML body. */
function tooManyRequests(limit: number, resetAt: number, now: number): EmuResponse {
  return {
    status: 429,
    text: '<!DOCTYPE html>\n<html><head><title>Too Many Requests</title></head><body>Too many requests.</body></html>\n',
    contentType: 'text/html; charset=UTF-8',
    headers: {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': '0',
      'retry-after': String(Math.max(1, Math.ceil((resetAt - now) / 1000))),
      'x-ratelimit-reset': String(Math.ceil(resetAt / 1000)),
    },
  };
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

const derivedOf = besideState(
  (state: EnerfloState): EnerfloDerived => ({
    byId: new ListIndex(() => state.users, (u) => String(u.id)),
    // A user stored without an email (a hand-made fixture) is still listed, and found by nobody's email.
    byEmail: new ListIndex(() => state.users, (u) => (typeof u.email === 'string' ? u.email.toLowerCase() : '')),
    writes: 0,
  }),
);

const inCompany = (companyId: number) => (u: EnerfloUser) => u.company_id === companyId && u.deleted_at === null;

/** The first user of the company, not deleted, whose id reads as `id` (`String(u.id) === id`). */
function visibleById(state: EnerfloState, companyId: number, id: string): EnerfloUser | undefined {
  return derivedOf(state).byId.get(id).find(inCompany(companyId));
}

// ---------------------------------------------------------------------------------------------- reads

function visible(state: EnerfloState, key: EnerfloApiKey): EnerfloUser[] {
  return state.users.filter(inCompany(key.company_id));
}

function listUsers(state: EnerfloState, key: EnerfloApiKey, query: URLSearchParams): EmuResponse {
  const page = Math.max(1, Math.trunc(Number(query.get('page') ?? 1)) || 1);
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(Number(query.get('pageSize') ?? DEFAULT_PAGE_SIZE)) || DEFAULT_PAGE_SIZE));
  // A listing's filtered, sorted users (and an id index for managers) are reused for its next pages
  // while nothing was written: filtering, sorting and looking up every manager by a scan of all users
  // again for every page made a 100,000-user listing take many minutes (npm run bench). Page 1 always
  // computes afresh, so a listing never starts on stale data.
  const listKey = `${key.company_id}?${[...query].filter(([k]) => k !== 'page' && k !== 'pageSize').map(([k, v]) => `${k}=${v}`).join('&')}`;
  const derived = derivedOf(state);
  let list = derived.lastList;
  if (page === 1 || list?.key !== listKey || list.writes !== derived.writes) {
    // Inactive users are listed only when asked for (help centre, "reactivate a user account").
    const status = query.get('status');
    if (status !== null && status !== 'active' && status !== 'inactive') return unprocessable({ status: ['The selected status is invalid.'] });
    const wantActive = status !== 'inactive';
    let users = visible(state, key)
      .filter((u) => u.active === wantActive)
      .sort((a, b) => a.id - b.id);
    const companyId = query.get('company_id');
    if (companyId) users = users.filter((u) => String(u.company_id) === companyId);
    const slug = query.get('user_role');
    // The list filter takes a Role Slug (a client used `agent`); writes take Role Names.
    if (slug) users = users.filter((u) => u.roles.some((name) => ROLE_SLUGS[name] === slug));
    list = { key: listKey, writes: derived.writes, users, byId: new Map(state.users.map((u) => [u.id, u])) };
    derived.lastList = list;
  }
  const { users, byId } = list;
  const total = users.length;
  return json(200, {
    results: users.slice((page - 1) * pageSize, page * pageSize).map((u) => present(state, u, byId)),
    page,
    pageSize,
    total,
    totalPages: Math.max(1, Math.ceil(total / pageSize)),
  });
}

function getUser(state: EnerfloState, key: EnerfloApiKey, id: string): EmuResponse {
  const user = visibleById(state, key.company_id, id);
  return user ? json(200, present(state, user)) : json(404, { message: 'User not found.' });
}

function present(state: EnerfloState, u: EnerfloUser, byId?: Map<number, EnerfloUser>) {
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

// --------------------------------------------------------------------------------------------- writes

type Body = Record<string, unknown>;
type Errors = Record<string, string[]>;

/** Laravel's 422: the first message, "(and N more errors)", and every message by field. */
function unprocessable(errors: Errors): EmuResponse {
  const messages = Object.values(errors).flat();
  const more = messages.length - 1;
  const message = more > 0 ? `${messages[0]} (and ${more} more error${more > 1 ? 's' : ''})` : messages[0];
  return json(422, { message, errors });
}

function add(errors: Errors, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

const has = (body: Body, field: string) => Object.prototype.hasOwnProperty.call(body, field);
const blank = (v: unknown) => v === undefined || v === null || v === '';

function asBoolean(body: Body, field: string, errors: Errors, required = false): boolean | undefined {
  if (!has(body, field) || body[field] === null) {
    if (required) add(errors, field, `The ${field.replace(/_/g, ' ')} field is required.`);
    return undefined;
  }
  const v = body[field];
  // Laravel's `boolean` rule: true, false, 1, 0, "1", "0".
  if (v === true || v === 1 || v === '1') return true;
  if (v === false || v === 0 || v === '0') return false;
  add(errors, field, `The ${field.replace(/_/g, ' ')} field must be true or false.`);
  return undefined;
}

function asText(body: Body, field: string, errors: Errors): string | null | undefined {
  if (!has(body, field)) return undefined;
  const v = body[field];
  if (blank(v)) return null;
  if (typeof v !== 'string' && typeof v !== 'number') {
    add(errors, field, `The ${field.replace(/_/g, ' ')} field must be a string.`);
    return undefined;
  }
  if (String(v).length > 255) add(errors, field, `The ${field.replace(/_/g, ' ')} field must not be greater than 255 characters.`);
  return String(v);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkEmail(state: EnerfloState, body: Body, errors: Errors, self?: EnerfloUser): string | undefined {
  const v = body.email;
  if (blank(v)) {
    add(errors, 'email', 'The email field is required.');
    return undefined;
  }
  if (typeof v !== 'string' || !EMAIL.test(v)) {
    add(errors, 'email', 'The email field must be a valid email address.');
    return undefined;
  }
  // Unique across every company, deleted users included (enerflo-highlevel.md §1.7).
  if (derivedOf(state).byEmail.get(v.toLowerCase()).some((u) => u !== self)) add(errors, 'email', 'The email has already been taken.');
  return v;
}

function checkRoles(body: Body, errors: Errors): string[] | undefined {
  const v = body.roles;
  if (blank(v) || (Array.isArray(v) && v.length === 0)) {
    add(errors, 'roles', 'The roles field is required.');
    return undefined;
  }
  if (!Array.isArray(v)) {
    add(errors, 'roles', 'The roles field must be an array.');
    return undefined;
  }
  const names: string[] = [];
  v.forEach((role, i) => {
    const field = `roles.${i}`;
    if (typeof role !== 'string') return add(errors, field, `The ${field} field must be a string.`);
    if (ROLE_NAMES.includes(role)) return names.includes(role) || names.push(role);
    const name = slugOwner(role);
    add(
      errors,
      field,
      name
        ? `"${role}" is a Role Slug; use the Role Name "${name}" when assigning roles.`
        : `The selected ${field} is invalid.`,
    );
  });
  return names;
}

function checkPhone(body: Body, errors: Errors): string | null | undefined {
  if (!has(body, 'phone')) return undefined;
  const v = body.phone;
  if (blank(v)) return null;
  const phone = typeof v === 'string' || typeof v === 'number' ? tenDigits(v) : undefined;
  if (!phone) add(errors, 'phone', 'The phone field must be a valid 10-digit phone number.');
  return phone;
}

/**
 * "A 10-digit phone number ... with or without formatting": 555-555-5555, 5555555555, (555) 555-5555
 * (published.md, `reference/update-a-user`). Stored as the ten digits.
 */
function tenDigits(value: string | number): string | undefined {
  const text = String(value).trim();
  return /^(\d{10}|\d{3}-\d{3}-\d{4}|\(\d{3}\) ?\d{3}-\d{4})$/.test(text) ? text.replace(/\D/g, '') : undefined;
}

/** `timezone` is an enum (published.md, `reference/add-a-user`). */
function checkTimezone(state: EnerfloState, body: Body, errors: Errors): string | null | undefined {
  if (!has(body, 'timezone')) return undefined;
  const v = body.timezone;
  if (blank(v)) return null;
  if (typeof v === 'string' && state.timezones.includes(v)) return v;
  add(errors, 'timezone', 'The selected timezone is invalid.');
  return undefined;
}

function officeOf(state: EnerfloState, companyId: number, v: unknown): number | undefined {
  const id = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  const company = state.companies.find((c) => c.id === companyId);
  return company?.offices.some((o) => o.id === id) ? id : undefined;
}

/**
 * Resolves manager_id / manager_email (manager_id wins when both are given). `null` clears the manager;
 * undefined means neither was sent. An unknown manager is a 422 (the md: "Emulator: 422").
 */
function checkManager(state: EnerfloState, companyId: number, body: Body, errors: Errors, self?: EnerfloUser): number | null | undefined {
  const byId = has(body, 'manager_id') && !blank(body.manager_id);
  const byEmail = has(body, 'manager_email') && !blank(body.manager_email);
  if (!byId && !byEmail) return has(body, 'manager_id') || has(body, 'manager_email') ? null : undefined;
  const manager = byId
    ? visibleById(state, companyId, String(body.manager_id))
    : derivedOf(state).byEmail.get(String(body.manager_email).toLowerCase()).find(inCompany(companyId));
  const field = byId ? 'manager_id' : 'manager_email';
  if (!manager) {
    add(errors, field, `The selected ${field.replace('_', ' ')} is invalid.`);
    return undefined;
  }
  if (self && manager.id === self.id) {
    add(errors, field, 'A user cannot be their own manager.');
    return undefined;
  }
  return manager.id;
}

/**
 * "Company Admin can add or remove any role except Super Admin; Office Admin can only add or remove Sales
 * Rep and Setter" (help centre); that the API holds a key to its owner's limits is inferred
 * (shared/vendors/README.md). Laravel's authorization failure is a 403.
 */
function forbiddenRoleChange(key: EnerfloApiKey, before: string[], after: string[]): EmuResponse | undefined {
  const owner = key.owner_role ?? 'Company Admin';
  if (owner === 'Super Admin') return undefined;
  const allowed = (role: string) => (owner === 'Office Admin' ? role === SALES_REP || role === 'Setter' : owner === 'Company Admin' && role !== 'Super Admin');
  const changed = [...after.filter((r) => !before.includes(r)), ...before.filter((r) => !after.includes(r))];
  const refused = changed.filter((r) => !allowed(r));
  if (refused.length === 0) return undefined;
  return json(403, { message: `This action is unauthorized. ${/^[AEIOU]/.test(owner) ? 'An' : 'A'} ${owner} cannot add or remove the ${refused.join(', ')} role${refused.length > 1 ? 's' : ''}.` });
}

function ignore(state: EnerfloState, user: EnerfloUser, body: Body, fields: string[], reason: string): void {
  for (const field of fields) {
    if (has(body, field) && !blank(body[field])) state.ignored.push({ userId: user.id, field, reason });
  }
}

function createUser(state: EnerfloState, key: EnerfloApiKey, raw: unknown): EmuResponse {
  const body = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Body;
  const errors: Errors = {};
  const email = checkEmail(state, body, errors);
  const roles = checkRoles(body, errors);
  const salesRep = roles?.includes(SALES_REP) ?? false;
  const firstName = asText(body, 'first_name', errors);
  const lastName = asText(body, 'last_name', errors);
  const externalId = asText(body, 'external_user_id', errors);
  const password = asText(body, 'password', errors);
  const phone = checkPhone(body, errors);
  const timezone = checkTimezone(state, body, errors);
  // `notify_email` and `allow_optimus` are required booleans (published.md, `reference/add-a-user`).
  const welcome = asBoolean(body, 'notify_email', errors, true);
  const canCreateCustomers = asBoolean(body, 'can_create_customers', errors);
  const optimus = asBoolean(body, 'allow_optimus', errors, true);
  const canReassign = asBoolean(body, 'can_reassign_leads', errors);
  // Manager and office "can only be set on the Sales Rep role": checked only then, ignored otherwise.
  const managerId = salesRep ? checkManager(state, key.company_id, body, errors) : undefined;
  let officeId: number | undefined;
  if (salesRep && !blank(body.office_id)) {
    officeId = officeOf(state, key.company_id, body.office_id);
    if (officeId === undefined) add(errors, 'office_id', 'The selected office id is invalid.');
  }
  if (Object.keys(errors).length > 0 || !email || !roles) return unprocessable(errors);
  const forbidden = forbiddenRoleChange(key, [], roles);
  if (forbidden) return forbidden;

  const now = new Date().toISOString();
  const user: EnerfloUser = {
    id: state.nextId++,
    company_id: key.company_id,
    email,
    first_name: firstName ?? null,
    last_name: lastName ?? null,
    phone: phone ?? null,
    active: true,
    roles,
    office_ids: officeId === undefined ? [] : [officeId],
    manager_id: managerId ?? null,
    timezone: timezone ?? null,
    external_user_id: externalId ?? null,
    can_create_customers: canCreateCustomers ?? true,
    allow_optimus: optimus ?? false,
    can_reassign_leads: canReassign ?? true,
    deleted_at: null,
    has_attributed_leads: false,
    has_project_installs: false,
    has_password: Boolean(password),
    created_at: now,
    updated_at: now,
  };
  if (!salesRep) ignore(state, user, body, ['manager_id', 'manager_email', 'office_id'], 'only on the Sales Rep role');
  state.users.push(user);
  if (welcome) state.outbox.push({ to: user.email, kind: 'welcome' });
  return json(201, present(state, user));
}

/** Roles whose removal needs the user's attributed work reassigned first (Update a User seed page). */
function blockedRemoval(user: EnerfloUser, removed: string[]): string | undefined {
  const leadRole = removed.find((r) => r === SALES_REP || r === 'Setter');
  if (leadRole && user.has_attributed_leads) {
    return `The ${leadRole} role cannot be removed while leads, surveys or appointments are attributed to this user; reassign them first.`;
  }
  if (removed.includes('Project Manager') && user.has_project_installs) {
    return 'The Project Manager role cannot be removed while the user is a project contact on installs; remove them as contact first.';
  }
  return undefined;
}

function updateUser(state: EnerfloState, key: EnerfloApiKey, raw: unknown): EmuResponse {
  const sent = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Body;
  const errors: Errors = {};
  if (blank(sent.id)) return unprocessable({ id: ['The id field is required.'] });
  const user = visibleById(state, key.company_id, String(sent.id));
  if (!user) return unprocessable({ id: ['The selected id is invalid.'] });
  // Only the fields the Update page documents are read; the rest (timezone, external_user_id, the
  // flags, manager_id) are create-only or unknown, and are dropped as a Laravel request would drop them.
  const body: Body = {};
  for (const [field, value] of Object.entries(sent)) {
    if (UPDATE_FIELDS.includes(field)) body[field] = value;
    else state.ignored.push({ userId: user.id, field, reason: 'not a field of Update a User' });
  }

  const email = has(body, 'email') ? checkEmail(state, body, errors, user) : undefined;
  const roles = has(body, 'roles') ? checkRoles(body, errors) : undefined;
  const finalRoles = roles ?? user.roles;
  const salesRep = finalRoles.includes(SALES_REP);
  const regional = finalRoles.includes(REGIONAL_MANAGER);
  if (roles) {
    const blocked = blockedRemoval(user, user.roles.filter((r) => !roles.includes(r)));
    if (blocked) add(errors, 'roles', blocked);
  }
  const firstName = asText(body, 'first_name', errors);
  const lastName = asText(body, 'last_name', errors);
  const phone = checkPhone(body, errors);
  const active = asBoolean(body, 'active', errors);
  const managerId = salesRep ? checkManager(state, user.company_id, body, errors, user) : undefined;

  let officeIds: number[] | undefined;
  if (has(body, 'office_ids')) {
    const given = body.office_ids;
    if (given === null) officeIds = [];
    else if (!Array.isArray(given)) add(errors, 'office_ids', 'The office ids field must be an array.');
    else {
      officeIds = [];
      given.forEach((v, i) => {
        const id = officeOf(state, user.company_id, v);
        if (id === undefined) add(errors, `office_ids.${i}`, `The selected office_ids.${i} is invalid.`);
        else if (!officeIds!.includes(id)) officeIds!.push(id);
      });
    }
  }
  if (Object.keys(errors).length > 0) return unprocessable(errors);
  const forbidden = roles ? forbiddenRoleChange(key, user.roles, roles) : undefined;
  if (forbidden) return forbidden;

  if (email !== undefined) {
    const before = user.email.toLowerCase();
    user.email = email;
    derivedOf(state).byEmail.rekey(user, before);
  }
  if (roles !== undefined) user.roles = roles;
  if (firstName !== undefined) user.first_name = firstName;
  if (lastName !== undefined) user.last_name = lastName;
  if (phone !== undefined) user.phone = phone;
  if (active !== undefined) user.active = active;
  if (managerId !== undefined) user.manager_id = managerId;
  if (!salesRep) {
    ignore(state, user, body, ['manager_email'], 'only on the Sales Rep role');
    // A manager belongs to the Sales Rep role: without it there is none (inferred, shared/vendors/README.md).
    user.manager_id = null;
  }
  if (officeIds !== undefined) {
    // The first id applies to every role; the rest only to Regional Manager, silently ignored otherwise.
    if (!regional && officeIds.length > 1) {
      state.ignored.push({ userId: user.id, field: 'office_ids', reason: `ids after the first (${officeIds.slice(1).join(', ')}) apply only to Regional Manager` });
    }
    user.office_ids = regional ? officeIds : officeIds.slice(0, 1);
  } else if (!regional) {
    user.office_ids = user.office_ids.slice(0, 1);
  }
  user.updated_at = new Date().toISOString();
  return json(200, present(state, user));
}

