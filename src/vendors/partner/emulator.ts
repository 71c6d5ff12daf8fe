import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
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
import { decodeModel, parseXmlBody, toXml, wantsXml } from './emulator-codec.js';
import {
  ACCOUNT_OWNER,
  PARTNER_ROLES,
  PARTNER_STATES,
  RESPONSE_XML_ROOT,
  type UserAddUpdateModel,
  type UserResponseModel,
} from './documented.js';

/**
 * A local SimplePin API v2.0 (vendor kind `partner`), written from shared/vendors/README.md and published.md:
 * two company keys in the `Authorization` and `Token` headers, users addressed by `user_code` (`add`, `get`,
 * `update`), UserResponseV2Model answers without an id, updates that must carry the whole add model, and no
 * list endpoint unless the fixture turns one on (`options.listEndpoint`). What the documents leave open (error
 * shapes, status codes, the rate limit) is inferred and listed in src/vendors/partner/README.md. It imports
 * nothing of the adapter: only the documented model (documented.ts) and a body codec of its own (emulator-codec.ts).
 */

/** Inferred budget (the documents give none, shared/vendors/README.md): 120 requests a minute per company key. */
export const PARTNER_RATE_LIMIT = { limit: 120, windowMs: 60_000 };
/** A tenant's own list endpoint, when the fixture turns it on (inferred: Spring Data paging). */
export const LIST_PATH = '/v2/user/list';
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Fields an add requires (inferred: the seed marks every field optional); an update must carry them all too. */
export const REQUIRED_AT_CREATION = ['email', 'first_name', 'last_name', 'role'] as const;

export interface PartnerFixtureUser extends UserAddUpdateModel {
  company_id?: number | string;
  creation_date?: string;
}

export interface PartnerFixture {
  /** Each company's two API keys (Admin → Settings → API settings) identify it; `owner` is its ACCOUNT_OWNER. */
  companies: { id: number | string; name: string; keys: { authorization: string; token: string }; owner: PartnerFixtureUser }[];
  users?: PartnerFixtureUser[];
  options?: {
    /** Serve `GET /v2/user/list` (not published by SimplePin; a tenant may have one). Off by default. */
    listEndpoint?: boolean;
  };
}

/** What the emulator stores for a user: the whole model, personal data included, `password` only as a hash. */
export interface StoredUser extends Omit<UserAddUpdateModel, 'password' | 'send_email'> {
  user_code: string;
  company_id: number;
  creation_date: string;
  /** Insertion order, so a listing is stable. */
  seq: number;
  password_sha256?: string;
}

export interface PartnerEmulatorState {
  /** `authorization\ntoken` → company id. */
  companyByKeys: Map<string, number>;
  companies: Map<number, { id: number; name: string }>;
  users: StoredUser[];
  nextSeq: number;
  listEndpoint: boolean;
  /** Emails that were sent an invitation (`send_email: true`, in the body or the query). */
  invitesSent: string[];
}

const keysOf = (authorization: string, token: string) => `${authorization}\n${token}`;

export function partnerStateFrom(fixture: unknown): PartnerEmulatorState {
  const f = (fixture ?? {}) as Partial<PartnerFixture>;
  const state: PartnerEmulatorState = {
    companyByKeys: new Map(),
    companies: new Map(),
    users: [],
    nextSeq: 1,
    listEndpoint: f.options?.listEndpoint === true,
    invitesSent: [],
  };
  const pending: PartnerFixtureUser[] = [];
  for (const c of f.companies ?? []) {
    const id = Number(c.id);
    state.companies.set(id, { id, name: c.name });
    if (c.keys) state.companyByKeys.set(keysOf(c.keys.authorization, c.keys.token), id);
    if (c.owner) pending.push({ ...c.owner, company_id: id, role: ACCOUNT_OWNER });
  }
  pending.push(...(f.users ?? []));
  for (const u of pending) {
    const { password, send_email: _sendEmail, company_id, user_code, creation_date, ...rest } = u;
    const seq = state.nextSeq++;
    const stored: StoredUser = {
      ...rest,
      user_code: user_code ?? generatedCode(seq),
      company_id: Number(company_id),
      creation_date: creation_date ?? '2025-01-01T00:00:00.000+0000',
      seq,
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
    .add('GET', '/v2/user/get', (req) => getUser(state, req))
    .add('POST', '/v2/user/update', (req) => updateUser(state, req));
  // No list endpoint is published (published.md, SimplePin): served only when the fixture turns it on.
  if (state.listEndpoint) router.add('GET', LIST_PATH, (req) => listUsers(state, req));

  return startEmulator(
    {
      name: 'partner',
      router,
      state,
      parseBody: parseXmlBody,
      before(req) {
        // Two keys, "Authorization" and "Token", together identify the company (published.md, SimplePin auth).
        const authorization = header(req, 'authorization');
        const token = header(req, 'token');
        if (!authorization || !token) {
          return springError(req, 401, `Full authentication is required to access this resource: send both API keys, as the Authorization and Token headers`);
        }
        const companyId = state.companyByKeys.get(keysOf(authorization, token));
        if (companyId === undefined) return springError(req, 401, 'Invalid API keys');
        const taken = counter.take(String(companyId));
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

/** Users by company and user_code, and by company and lower-cased email: no scan of every user per request. */
const indexesOf = besideState((state: PartnerEmulatorState) => ({
  byCompanyCode: new ListIndex(() => state.users, (u: StoredUser) => `${u.company_id} ${u.user_code}`),
  byCompanyEmail: new ListIndex(() => state.users, (u: StoredUser) => companyEmail(u.company_id, u.email)),
}));

/** Emails are unique per company, whatever their case (inferred); a user without one is keyed as "". */
function companyEmail(companyId: number, email: string | null | undefined): string {
  return `${companyId} ${(email ?? '').toLowerCase()}`;
}

// ---- handlers ----------------------------------------------------------------------------------

function addUser(state: PartnerEmulatorState, req: EmuRequest): EmuResponse {
  const companyId = companyOf(state, req);
  const decoded = decodeBody(req);
  if ('status' in decoded) return decoded;
  const model = decoded;
  const sendEmail = sendEmailOf(req, model);
  if (typeof sendEmail !== 'boolean') return sendEmail;

  const missing = REQUIRED_AT_CREATION.filter((f) => blank(model[f]));
  if (missing.length > 0) {
    return springError(req, 400, `Validation failed for object='userAddUpdateV2Model': ${missing.map((f) => `${f} must not be blank`).join('; ')}`);
  }
  // Only manager, customer care and accounting users may be added (seed page); refused with 400 (inferred).
  if (model.role === ACCOUNT_OWNER) {
    return springError(req, 400, 'A user with the role ACCOUNT_OWNER is created with the company (addCompany); this call adds MANAGER, CUSTOMER_CARE or ACCOUNTING users only');
  }
  const invalid = checkEnumsAndEmail(model);
  if (invalid) return springError(req, 400, invalid);
  const email = String(model.email);
  // Duplicates in the company answer 409 (inferred: the documents list no code for them).
  if (indexesOf(state).byCompanyEmail.get(companyEmail(companyId, email)).length > 0) {
    return springError(req, 409, `A user with email ${email} already exists in this company`);
  }
  const requestedCode = blank(model.user_code) ? undefined : String(model.user_code).trim();
  if (requestedCode !== undefined && indexesOf(state).byCompanyCode.get(`${companyId} ${requestedCode}`).length > 0) {
    return springError(req, 409, `A user with user_code ${requestedCode} already exists in this company`);
  }

  const { password, send_email: _sendEmail, user_code: _code, ...fields } = model;
  const seq = state.nextSeq++;
  const user: StoredUser = {
    ...dropNulls(fields),
    user_code: requestedCode ?? generatedCode(seq),
    company_id: companyId,
    creation_date: new Date().toISOString().replace('Z', '+0000'),
    seq,
    state: model.state ?? 'ACTIVE',
  };
  if (password) user.password_sha256 = sha256(password);
  state.users.push(user);
  if (sendEmail) state.invitesSent.push(email);
  return respond(req, 200, present(user));
}

function getUser(state: PartnerEmulatorState, req: EmuRequest): EmuResponse {
  const user = userFor(state, req);
  if ('status' in user) return user;
  return respond(req, 200, present(user));
}

function updateUser(state: PartnerEmulatorState, req: EmuRequest): EmuResponse {
  const user = userFor(state, req);
  if ('status' in user) return user;
  const decoded = decodeBody(req);
  if ('status' in decoded) return decoded;
  const model = decoded;
  const sendEmail = sendEmailOf(req, model);
  if (typeof sendEmail !== 'boolean') return sendEmail;

  // The body is the add model with every field required at creation (published.md, SimplePin update-user).
  const missing = REQUIRED_AT_CREATION.filter((f) => blank(model[f]));
  if (missing.length > 0) {
    return springError(req, 400, `Validation failed for object='userAddUpdateV2Model': ${missing.map((f) => `${f} must not be blank`).join('; ')} (an update carries every field required at creation)`);
  }
  if ((model.role === ACCOUNT_OWNER) !== (user.role === ACCOUNT_OWNER)) {
    return springError(req, 400, user.role === ACCOUNT_OWNER ? 'The role of the ACCOUNT_OWNER cannot be changed' : 'The role ACCOUNT_OWNER cannot be assigned with this call');
  }
  const invalid = checkEnumsAndEmail(model);
  if (invalid) return springError(req, 400, invalid);
  if (indexesOf(state).byCompanyEmail.get(companyEmail(user.company_id, model.email)).some((u) => u !== user)) {
    return springError(req, 409, `A user with email ${model.email} already exists in this company`);
  }

  // Optional fields a body leaves out keep their value (inferred); the query's user_code picks the user, and a
  // user_code in the body does not rename it.
  const { password, send_email: _sendEmail, user_code: _code, ...fields } = model;
  const emailBefore = companyEmail(user.company_id, user.email);
  Object.assign(user, dropNulls(fields));
  indexesOf(state).byCompanyEmail.rekey(user, emailBefore);
  if (password) user.password_sha256 = sha256(password);
  if (sendEmail && user.email) state.invitesSent.push(user.email);
  return respond(req, 200, present(user));
}

function listUsers(state: PartnerEmulatorState, req: EmuRequest): EmuResponse {
  const companyId = companyOf(state, req);
  const page = intParam(req, 'page', 0);
  const size = intParam(req, 'size', DEFAULT_PAGE_SIZE);
  if (typeof page !== 'number') return page;
  if (typeof size !== 'number') return size;
  // Spring Data clamps rather than refuses.
  const pageIndex = Math.max(0, page);
  const pageSize = size < 1 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
  const all = state.users.filter((u) => u.company_id === companyId);
  const content = all.slice(pageIndex * pageSize, (pageIndex + 1) * pageSize).map(present);
  const body = { content, page: pageIndex, size: pageSize, total_elements: all.length, total_pages: Math.ceil(all.length / pageSize) };
  if (wantsXml(req.headers.accept)) {
    return xmlResponse(200, 'user_page', { ...body, content: { [RESPONSE_XML_ROOT]: content } });
  }
  return { status: 200, json: body };
}

// ---- helpers -----------------------------------------------------------------------------------

/** The company the request's keys identify (checked in `before`). */
function companyOf(state: PartnerEmulatorState, req: EmuRequest): number {
  return state.companyByKeys.get(keysOf(header(req, 'authorization') ?? '', header(req, 'token') ?? ''))!;
}

/** The user the `user_code` query parameter names, in the keys' company; 404 when there is none. */
function userFor(state: PartnerEmulatorState, req: EmuRequest): StoredUser | EmuResponse {
  const code = req.query.get('user_code');
  if (code === null || code.trim() === '') return springError(req, 400, "Required request parameter 'user_code' for method parameter type String is not present");
  const user = indexesOf(state).byCompanyCode.get(`${companyOf(state, req)} ${code}`)[0];
  if (!user) return springError(req, 404, `User with user_code ${code} not found`);
  return user;
}

/** `send_email` from the body, else from the query (an older page has it as a parameter of its own). */
function sendEmailOf(req: EmuRequest, model: UserAddUpdateModel): boolean | EmuResponse {
  if (model.send_email != null) return model.send_email;
  const raw = req.query.get('send_email');
  if (raw === null || raw === '') return false;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return springError(req, 400, `Failed to convert value of type 'java.lang.String' to required type 'boolean'; Invalid boolean value [${raw}]`);
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

/**
 * The user as UserResponseV2Model (published.md, SimplePin get-user): these fields and no others, so no `id`
 * and no `time_zone_id`. `ssn`, `date_of_birth` and `owner_ship` are answered as stored: the adapter must drop them.
 */
function present(user: StoredUser): UserResponseModel {
  return {
    account_title: user.account_title ?? null,
    address: user.address ?? null,
    creation_date: user.creation_date,
    date_of_birth: user.date_of_birth ?? null,
    email: user.email ?? null,
    first_name: user.first_name ?? null,
    last_name: user.last_name ?? null,
    logo_url: user.logo ?? null,
    owner_ship: user.owner_ship ?? null,
    phone: user.phone ?? null,
    role: user.role ?? null,
    ssn: user.ssn ?? null,
    state: user.state ?? null,
    user_code: user.user_code,
  };
}

/** A code for a user added without one (inferred: SimplePin's own format is not documented). */
function generatedCode(seq: number): string {
  return `U${String(seq).padStart(6, '0')}`;
}

function respond(req: EmuRequest, status: number, body: UserResponseModel): EmuResponse {
  return wantsXml(req.headers.accept) ? xmlResponse(status, RESPONSE_XML_ROOT, body) : { status, json: body };
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
  return STATUS_CODES[status] ?? 'Error';
}

function header(req: EmuRequest, name: string): string | undefined {
  const value = req.headers[name];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text : undefined;
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
