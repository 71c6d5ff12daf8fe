import { Router, type EmuRequest, type EmuResponse } from '../../sandbox/emulator-kit.js';
import { decodeModel, wantsXml } from './emulator-codec.js';
import { header, present, respond, springError, xmlResponse } from './emulator-http.js';
import {
  companyEmail,
  generatedCode,
  indexesOf,
  keysOf,
  sha256,
  type PartnerEmulatorState,
  type StoredUser,
} from './emulator-state.js';
import { ACCOUNT_OWNER, PARTNER_ROLES, PARTNER_STATES, RESPONSE_XML_ROOT, type UserAddUpdateModel } from './documented.js';

/** One handler per SimplePin route (`add`, `get`, `update`, and the optional list), with the checks they share. */

/** A tenant's own list endpoint, when the fixture turns it on (inferred: Spring Data paging). */
export const LIST_PATH = '/v2/user/list';
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Fields an add requires (inferred: the seed marks every field optional); an update must carry them all too. */
export const REQUIRED_AT_CREATION = ['email', 'first_name', 'last_name', 'role'] as const;

/** The routes; every request reaches them through the key check in emulator.ts. */
export function partnerRouter(state: PartnerEmulatorState): Router {
  const router = new Router()
    .add('POST', '/v2/user/add', (req) => addUser(state, req))
    .add('GET', '/v2/user/get', (req) => getUser(state, req))
    .add('POST', '/v2/user/update', (req) => updateUser(state, req));
  // No list endpoint is published (published.md, SimplePin): served only when the fixture turns it on.
  if (state.listEndpoint) router.add('GET', LIST_PATH, (req) => listUsers(state, req));
  return router;
}

function addUser(state: PartnerEmulatorState, req: EmuRequest): EmuResponse {
  const companyId = companyOf(state, req);
  const read = readModel(req, '');
  if ('status' in read) return read;
  const { model, sendEmail } = read;
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
  // The body is the add model with every field required at creation (published.md, SimplePin update-user).
  const read = readModel(req, ' (an update carries every field required at creation)');
  if ('status' in read) return read;
  const { model, sendEmail } = read;
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
/**
 * An add or update body: the model, whether to send the invitation email, and every field required at
 * creation present; otherwise the Spring error for the first thing wrong. `missingNote` ends the blank-field message.
 */
function readModel(req: EmuRequest, missingNote: string): { model: UserAddUpdateModel; sendEmail: boolean } | EmuResponse {
  const model = decodeBody(req);
  if ('status' in model) return model;
  const sendEmail = sendEmailOf(req, model);
  if (typeof sendEmail !== 'boolean') return sendEmail;
  const missing = REQUIRED_AT_CREATION.filter((f) => blank(model[f]));
  if (missing.length > 0) {
    return springError(req, 400, `Validation failed for object='userAddUpdateV2Model': ${missing.map((f) => `${f} must not be blank`).join('; ')}${missingNote}`);
  }
  return { model, sendEmail };
}

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
