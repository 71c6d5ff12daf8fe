import { createHash } from 'node:crypto';
import {
  besideState,
  ListIndex,
  Router,
  WindowCounter,
  startEmulator,
  type EmuRequest,
  type EmuResponse,
  type Emulator,
  type EmulatorOptions,
} from '../../sandbox/emulator-kit.js';
import { decodeModel, parseXmlBody, toXml, wantsXml } from './codec.js';
import {
  ACCOUNT_OWNER,
  PARTNER_ROLES,
  PARTNER_STATES,
  type PartnerUser,
  type UserAddUpdateModel,
} from './model.js';

/**
 * A local company-partner API. Everything beyond the seed page (routes other than add, paging, error shapes,
 * the rate limit, 400 for ACCOUNT_OWNER, 409 for a duplicate) is inferred: see shared/vendors/README.md and
 * shared/vendors/pulse-partner.md part B. The choices are listed in src/vendors/partner/README.md.
 */

/** Inferred budget (shared/vendors/README.md gives none): 120 requests a minute per token. */
export const PARTNER_RATE_LIMIT = { limit: 120, windowMs: 60_000 };
/** Spring Data defaults: 0-based `page`, `size` 20, capped at 100 here. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PartnerFixtureUser extends UserAddUpdateModel {
  id?: number | string;
  company_id?: number | string;
}

export interface PartnerFixture {
  partners: { id: string; name?: string; tokens: string[] }[];
  companies: { id: number | string; name: string; partner_id: string; owner: PartnerFixtureUser }[];
  users?: PartnerFixtureUser[];
}

/** What the emulator stores for a user: the whole model, personal data included, `password` only as a hash. */
export interface StoredUser extends Omit<UserAddUpdateModel, 'password' | 'send_email'> {
  id: number;
  company_id: number;
  password_sha256?: string;
}

export interface PartnerEmulatorState {
  partnerByToken: Map<string, string>;
  companies: Map<number, { id: number; name: string; partnerId: string }>;
  users: StoredUser[];
  nextId: number;
  /** Emails that were sent an invitation (`send_email: true`). */
  invitesSent: string[];
  /** Requests other than GET so far: any of them may change users, so it invalidates `lastList`. */
  writes: number;
  lastList?: { companyId: number; writes: number; users: StoredUser[] };
}

export function partnerStateFrom(fixture: unknown): PartnerEmulatorState {
  const f = (fixture ?? {}) as Partial<PartnerFixture>;
  const state: PartnerEmulatorState = { partnerByToken: new Map(), companies: new Map(), users: [], nextId: 1, invitesSent: [], writes: 0 };
  for (const p of f.partners ?? []) for (const token of p.tokens ?? []) state.partnerByToken.set(token, p.id);
  const pending: PartnerFixtureUser[] = [];
  for (const c of f.companies ?? []) {
    const id = Number(c.id);
    state.companies.set(id, { id, name: c.name, partnerId: c.partner_id });
    if (c.owner) pending.push({ ...c.owner, company_id: id, role: ACCOUNT_OWNER });
  }
  pending.push(...(f.users ?? []));
  const explicitIds = pending.map((u) => Number(u.id)).filter((n) => Number.isInteger(n) && n > 0);
  state.nextId = Math.max(5000, ...explicitIds) + 1;
  for (const u of pending) {
    const { password, send_email: _sendEmail, id, company_id, ...rest } = u;
    const stored: StoredUser = {
      ...rest,
      id: id !== undefined ? Number(id) : state.nextId++,
      company_id: Number(company_id),
      state: rest.state ?? 'ACTIVE',
    };
    if (password) stored.password_sha256 = sha256(password);
    state.users.push(stored);
  }
  return state;
}

export function startPartnerEmulator(fixture: unknown, options: EmulatorOptions = {}): Promise<Emulator> {
  const state = partnerStateFrom(fixture);
  const budget = options.rateLimit ?? PARTNER_RATE_LIMIT;
  const counter = new WindowCounter(budget.limit, budget.windowMs);
  const router = new Router()
    .add('POST', '/v2/user/add', (req) => addUser(state, req))
    .add('GET', '/v2/user/list', (req) => listUsers(state, req))
    .add('GET', '/v2/user/get', (req) => getUser(state, req))
    .add('POST', '/v2/user/update', (req) => updateUser(state, req));

  return startEmulator(
    {
      name: 'partner',
      router,
      state,
      parseBody: parseXmlBody,
      before(req) {
        if (req.method !== 'GET') state.writes++;
        const token = bearer(req);
        if (token === undefined) return springError(req, 401, 'Full authentication is required to access this resource');
        if (!state.partnerByToken.has(token)) return springError(req, 401, 'Invalid access token');
        const taken = counter.take(token);
        if (!taken.allowed) {
          const seconds = Math.max(1, Math.ceil((taken.resetAt - Date.now()) / 1000));
          const res = springError(req, 429, `Rate limit of ${budget.limit} requests per ${budget.windowMs / 1000} s exceeded`);
          res.headers = { ...res.headers, 'retry-after': String(seconds) };
          return res;
        }
        return undefined;
      },
      tooManyRequests: () => ({ ...errorBody(429, 'Rate limit exceeded', ''), headers: { 'retry-after': '1' } }),
      serverError: (status) => errorBody(status, '', ''),
      notFound: () => errorBody(404, 'No message available', ''),
    },
    options,
  );
}

// ---- indexes -----------------------------------------------------------------------------------

/**
 * Users by id and by company and lower-cased email, as Pulse's emulator keeps them: at 100,000 users a
 * scan of every user per write made each write take tens of milliseconds (npm run bench). Users pushed
 * onto `state.users` directly (tests add users by hand) are picked up at the next lookup.
 */
const indexesOf = besideState((state: PartnerEmulatorState) => ({
  byId: new ListIndex(() => state.users, (u: StoredUser) => u.id),
  byCompanyEmail: new ListIndex(() => state.users, (u: StoredUser) => companyEmail(u.company_id, u.email)),
}));

/** Emails are unique per company, whatever their case; a user without one is keyed as "". */
function companyEmail(companyId: number, email: string | null | undefined): string {
  return `${companyId} ${(email ?? '').toLowerCase()}`;
}

// ---- handlers ----------------------------------------------------------------------------------

function addUser(state: PartnerEmulatorState, req: EmuRequest): EmuResponse {
  const company = companyFor(state, req);
  if ('status' in company) return company;
  const decoded = decodeBody(req);
  if ('status' in decoded) return decoded;
  const model = decoded;

  const missing = (['email', 'first_name', 'last_name', 'role'] as const).filter((f) => blank(model[f]));
  if (missing.length > 0) {
    return springError(req, 400, `Validation failed for object='userAddUpdateV2Model': ${missing.map((f) => `${f} must not be blank`).join('; ')}`);
  }
  // Refused with 400 (not 403): the body is invalid, the caller's rights are fine (shared/vendors/README.md).
  if (model.role === ACCOUNT_OWNER) {
    return springError(req, 400, 'A user with the role ACCOUNT_OWNER is created with the company (addCompany); this call adds MANAGER, CUSTOMER_CARE or ACCOUNTING users only');
  }
  const invalid = checkEnumsAndEmail(model);
  if (invalid) return springError(req, 400, invalid);
  const email = String(model.email);
  // Duplicate email in the company: 409 (inferred, shared/vendors/README.md; the seed page lists no code for it).
  if (indexesOf(state).byCompanyEmail.get(companyEmail(company.id, email)).length > 0) {
    return springError(req, 409, `A user with email ${email} already exists in company ${company.id}`);
  }

  const { password, send_email, ...fields } = model;
  const user: StoredUser = { ...dropNulls(fields), id: state.nextId++, company_id: company.id, state: model.state ?? 'ACTIVE' };
  if (password) user.password_sha256 = sha256(password);
  state.users.push(user);
  if (send_email) state.invitesSent.push(email);
  // A Spring @PostMapping that returns the object answers 200 (the seed page's 201 is springfox boilerplate).
  return respond(req, 200, 'user_model', present(user));
}

function listUsers(state: PartnerEmulatorState, req: EmuRequest): EmuResponse {
  const company = companyFor(state, req);
  if ('status' in company) return company;
  const page = intParam(req, 'page', 0);
  const size = intParam(req, 'size', DEFAULT_PAGE_SIZE);
  if (typeof page !== 'number') return page;
  if (typeof size !== 'number') return size;
  // Spring Data clamps rather than refuses: a negative page is page 0, a size beyond the maximum is the maximum.
  const pageIndex = Math.max(0, page);
  const pageSize = size < 1 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
  // The company's users in id order, reused for the next pages of a listing while nothing was written:
  // filtering and sorting 100,000 users again for every page was most of a listing's time (npm run
  // bench). Page 0 always computes afresh, so a listing never starts on stale data.
  const cached = state.lastList;
  let all: StoredUser[];
  if (pageIndex > 0 && cached?.companyId === company.id && cached.writes === state.writes) {
    all = cached.users;
  } else {
    all = state.users.filter((u) => u.company_id === company.id).sort((a, b) => a.id - b.id);
    state.lastList = { companyId: company.id, writes: state.writes, users: all };
  }
  const content = all.slice(pageIndex * pageSize, (pageIndex + 1) * pageSize).map(present);
  const body = {
    content,
    page: pageIndex,
    size: pageSize,
    total_elements: all.length,
    total_pages: Math.ceil(all.length / pageSize),
  };
  if (wantsXml(req.headers.accept)) {
    return xmlResponse(200, 'user_page', { ...body, content: { user_model: content } });
  }
  return { status: 200, json: body };
}

function getUser(state: PartnerEmulatorState, req: EmuRequest): EmuResponse {
  const user = userFor(state, req);
  if ('status' in user) return user;
  return respond(req, 200, 'user_model', present(user));
}

function updateUser(state: PartnerEmulatorState, req: EmuRequest): EmuResponse {
  const user = userFor(state, req);
  if ('status' in user) return user;
  const decoded = decodeBody(req);
  if ('status' in decoded) return decoded;
  const model = decoded;

  if (model.role != null && (model.role === ACCOUNT_OWNER) !== (user.role === ACCOUNT_OWNER)) {
    return springError(req, 400, user.role === ACCOUNT_OWNER ? 'The role of the ACCOUNT_OWNER cannot be changed' : 'The role ACCOUNT_OWNER cannot be assigned with this call');
  }
  for (const required of ['email', 'first_name', 'last_name'] as const) {
    if (model[required] != null && blank(model[required])) return springError(req, 400, `Validation failed: ${required} must not be blank`);
  }
  const invalid = checkEnumsAndEmail(model);
  if (invalid) return springError(req, 400, invalid);
  if (model.email != null && indexesOf(state).byCompanyEmail.get(companyEmail(user.company_id, model.email)).some((u) => u.id !== user.id)) {
    return springError(req, 409, `A user with email ${model.email} already exists in company ${user.company_id}`);
  }

  // Merge: absent and null fields keep their value (pulse-partner.md part B; shared/vendors/README.md).
  const { password, send_email, ...fields } = model;
  const emailBefore = companyEmail(user.company_id, user.email);
  Object.assign(user, dropNulls(fields));
  indexesOf(state).byCompanyEmail.rekey(user, emailBefore);
  if (password) user.password_sha256 = sha256(password);
  if (send_email && user.email) state.invitesSent.push(user.email);
  return respond(req, 200, 'user_model', present(user));
}

// ---- helpers -----------------------------------------------------------------------------------

type Company = { id: number; name: string; partnerId: string };

function companyFor(state: PartnerEmulatorState, req: EmuRequest): Company | EmuResponse {
  const id = requiredLong(req, 'company_id');
  if (typeof id !== 'number') return id;
  const company = state.companies.get(id);
  if (!company) return springError(req, 404, `Company ${id} not found`);
  if (company.partnerId !== state.partnerByToken.get(bearer(req) ?? '')) {
    return springError(req, 403, `Access to company ${id} is denied`);
  }
  return company;
}

function userFor(state: PartnerEmulatorState, req: EmuRequest): StoredUser | EmuResponse {
  const id = requiredLong(req, 'user_id');
  if (typeof id !== 'number') return id;
  const user = indexesOf(state).byId.get(id)[0];
  if (!user) return springError(req, 404, `User ${id} not found`);
  const company = state.companies.get(user.company_id);
  if (!company || company.partnerId !== state.partnerByToken.get(bearer(req) ?? '')) {
    return springError(req, 403, `Access to user ${id} is denied`);
  }
  return user;
}

function decodeBody(req: EmuRequest): UserAddUpdateModel | EmuResponse {
  if (req.rawBody.length === 0) return springError(req, 400, 'Required request body is missing');
  const decoded = decodeModel(req.body);
  if (!decoded.ok) {
    const status = /not supported/.test(decoded.message) ? 415 : 400;
    return springError(req, status, decoded.message);
  }
  return decoded.model;
}

function checkEnumsAndEmail(model: UserAddUpdateModel): string | undefined {
  if (model.role != null && !(PARTNER_ROLES as readonly string[]).includes(model.role)) {
    return `JSON parse error: "${model.role}" is not one of the values accepted for role: [${PARTNER_ROLES.join(', ')}]`;
  }
  if (model.state != null && !(PARTNER_STATES as readonly string[]).includes(model.state)) {
    return `JSON parse error: "${model.state}" is not one of the values accepted for state: [${PARTNER_STATES.join(', ')}]`;
  }
  if (model.email != null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(model.email)) return 'Validation failed: email must be a well-formed email address';
  return undefined;
}

/** The user as the API answers: every model field (null when unset), no password, `ssn` masked. */
function present(user: StoredUser): PartnerUser {
  const { password_sha256: _hash, ...rest } = user;
  return {
    account_title: null,
    address: null,
    address_same_as_company: null,
    date_of_birth: null,
    email: null,
    first_name: null,
    last_name: null,
    logo: null,
    owner_ship: null,
    phone: null,
    role: null,
    ssn: null,
    state: null,
    time_zone_id: null,
    user_code: null,
    ...rest,
    ...(user.ssn ? { ssn: maskSsn(user.ssn) } : {}),
  };
}

function maskSsn(ssn: string): string {
  const digits = ssn.replace(/\D/g, '');
  return `***-**-${digits.slice(-4).padStart(4, '*')}`;
}

function respond(req: EmuRequest, status: number, root: string, body: unknown): EmuResponse {
  return wantsXml(req.headers.accept) ? xmlResponse(status, root, body) : { status, json: body };
}

function xmlResponse(status: number, root: string, body: unknown): EmuResponse {
  return { status, text: toXml(root, body), contentType: 'application/xml;charset=UTF-8' };
}

/** Spring Boot's error body: `{timestamp, status, error, message, path}`, as JSON or XML per `Accept`. */
function springError(req: EmuRequest, status: number, message: string): EmuResponse {
  const res = errorBody(status, message, req.path);
  return wantsXml(req.headers.accept) ? xmlResponse(status, 'error', res.json) : res;
}

function errorBody(status: number, message: string, path: string): EmuResponse {
  return { status, json: { timestamp: new Date().toISOString(), status, error: reason(status), message, path } };
}

function reason(status: number): string {
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
  };
  return reasons[status] ?? 'Error';
}

function bearer(req: EmuRequest): string | undefined {
  const header = req.headers.authorization;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(Array.isArray(header) ? header[0] : (header ?? ''));
  return match?.[1];
}

/** A required `Long` query parameter, with Spring's messages when it is missing or not a number. */
function requiredLong(req: EmuRequest, name: string): number | EmuResponse {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return springError(req, 400, `Required request parameter '${name}' for method parameter type Long is not present`);
  if (!/^-?\d+$/.test(raw)) return springError(req, 400, `Failed to convert value of type 'java.lang.String' to required type 'java.lang.Long'; For input string: "${raw}"`);
  return Number(raw);
}

function intParam(req: EmuRequest, name: string, fallback: number): number | EmuResponse {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) return springError(req, 400, `Failed to convert value of type 'java.lang.String' to required type 'int'; For input string: "${raw}"`);
  return Number(raw);
}

function blank(value: unknown): boolean {
  return value === undefined || value === null || String(value).trim() === '';
}

function dropNulls<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

