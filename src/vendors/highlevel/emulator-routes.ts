import { json, Router, type EmuRequest, type EmuResponse } from '../../sandbox/emulator-kit.js';
import { toUser, unauthorized, unprocessable, userDoesNotExist } from './emulator-responses.js';
import { fullPermissions } from './emulator-spec.js';
import type { HighlevelState, HighlevelToken, StoredUser } from './emulator-state.js';
import { canSee, isGone, type UserStore } from './emulator-store.js';
import { validateWrite } from './emulator-validation.js';

/** What every route reads: the data, its store, two settings, and what `before` took from the request. */
export interface RouteContext {
  state: HighlevelState;
  users: UserStore;
  /** Largest `limit` honoured (HighlevelEmulatorOptions.maxPageSize). */
  maxPageSize: number;
  permissionsOnUpdate: 'merge' | 'replace';
  /** The token `before` authenticated the request with. */
  caller(req: EmuRequest): HighlevelToken;
  /** The password `before` took out of the body, so the request log never holds it. */
  password(req: EmuRequest): unknown;
}

export function highlevelRouter(ctx: RouteContext): Router {
  return new Router()
    .add('GET', '/users/search', (req) => searchUsers(ctx, req))
    .add('POST', '/users/search/filter-by-email', (req) => filterByEmail(ctx, req))
    .add('GET', '/users/', (req) => locationUsers(ctx, req))
    .add('GET', '/users/:id', (req) => getUser(ctx, req))
    .add('POST', '/users/', (req) => createUser(ctx, req))
    .add('PUT', '/users/:id', (req) => updateUser(ctx, req))
    .add('DELETE', '/users/:id', (req) => deleteUser(ctx, req));
}

// ---------------------------------------------------------------------------------------------- reads

function searchUsers(ctx: RouteContext, req: EmuRequest): EmuResponse {
  const q = req.query;
  const errors: string[] = [];
  const companyId = q.get('companyId');
  if (!companyId) errors.push('companyId should not be empty', 'companyId must be a string');
  const skip = intParam('skip', q.get('skip'), 0, errors);
  let limit = intParam('limit', q.get('limit'), 25, errors);
  if (limit < 1) errors.push('limit must not be less than 1');
  const sortDirection = q.get('sortDirection') ?? 'asc';
  if (sortDirection !== 'asc' && sortDirection !== 'desc') errors.push('sortDirection must be one of the following values: asc, desc');
  if (errors.length > 0) return unprocessable(errors);
  const denied = checkCompany(ctx, companyId);
  if (denied) return denied;
  // The maximum limit is undocumented; the emulator cuts at its page cap. shared/vendors/README.md
  limit = Math.min(limit, ctx.maxPageSize);

  const matches = ctx.users.search(ctx.caller(req), q, sortDirection);
  return json(200, { users: matches.slice(skip, skip + limit).map((u) => toUser(u, 'search')), count: matches.length });
}

function filterByEmail(ctx: RouteContext, req: EmuRequest): EmuResponse {
  if (ctx.caller(req).kind !== 'agency') return unauthorized('This route is only available to agency tokens.');
  const body = asRecord(req.body);
  const errors: string[] = [];
  if (typeof body.companyId !== 'string' || !body.companyId) errors.push('companyId should not be empty');
  if (typeof body.emails !== 'string' || !body.emails) errors.push('emails should not be empty', 'emails must be a string');
  if (body.deleted !== undefined && typeof body.deleted !== 'boolean') errors.push('deleted must be a boolean value');
  const skip = intParam('skip', body.skip === undefined ? null : String(body.skip), 0, errors);
  const limit = Math.min(intParam('limit', body.limit === undefined ? null : String(body.limit), 25, errors), ctx.maxPageSize);
  if (errors.length > 0) return unprocessable(errors);
  const denied = checkCompany(ctx, body.companyId);
  if (denied) return denied;
  const emails = new Set(String(body.emails).split(',').map((e) => e.trim().toLowerCase()));
  const wantDeleted = body.deleted === true;
  const matches = ctx.users.withEmails(emails).filter((u) => isGone(u) === wantDeleted);
  const all = body.projection === 'all';
  const users = matches.slice(skip, skip + limit).map((u) => (all ? toUser(u, 'search') : { id: u.id, email: u.email }));
  return json(200, { users, count: matches.length });
}

/** Deprecated, location tokens only; kept because old clients still call it. */
function locationUsers(ctx: RouteContext, req: EmuRequest): EmuResponse {
  const token = ctx.caller(req);
  const locationId = req.query.get('locationId');
  if (!locationId) return unprocessable(['locationId should not be empty']);
  if (token.kind !== 'location' || token.locationId !== locationId) {
    return unauthorized('The token does not have access to this location.');
  }
  const now = Date.now();
  const users = ctx.state.users.filter((u) => !ctx.users.isPurged(u, now) && !isGone(u) && canSee(token, u));
  return json(200, { users: users.map((u) => toUser(u, 'search')) });
}

function getUser(ctx: RouteContext, req: EmuRequest): EmuResponse {
  const user = reachableUser(ctx, req);
  return 'status' in user ? user : json(200, toUser(user, 'single'));
}

// --------------------------------------------------------------------------------------------- writes

function createUser(ctx: RouteContext, req: EmuRequest): EmuResponse {
  const body = asRecord(req.body);
  const password = ctx.password(req);
  const errors = validateWrite({ ...body, password }, 'create', (id) => ctx.users.knownLocation(id));
  if (errors.length > 0) return unprocessable(errors);
  const denied = checkCompany(ctx, body.companyId);
  if (denied) return denied;
  const type = body.type as StoredUser['type'];
  const locationIds = body.locationIds as string[];
  const forbidden = locationGate(ctx.caller(req), type, locationIds);
  if (forbidden) return forbidden;
  const email = String(body.email);
  // Duplicate status and text are undocumented; 422 like other validation. shared/vendors/README.md
  if (ctx.users.withEmail(email.toLowerCase()).some((u) => !isGone(u))) {
    return unprocessable(['User with this email already exists']);
  }
  const user: StoredUser = {
    id: ctx.users.uniqueId(),
    firstName: String(body.firstName),
    lastName: String(body.lastName),
    email,
    phone: typeof body.phone === 'string' && body.phone ? body.phone : undefined,
    extension: '',
    type,
    role: body.role as StoredUser['role'],
    locationIds: [...locationIds],
    restrictSubAccount: false,
    permissions: fullPermissions(asRecord(body.permissions)),
    scopes: stringList(body.scopes),
    scopesAssignedToOnly: stringList(body.scopesAssignedToOnly),
    twilioPhone: body.twilioPhone ? ({ ...asRecord(body.twilioPhone) } as Record<string, string>) : {},
    profilePhoto: typeof body.profilePhoto === 'string' ? body.profilePhoto : undefined,
    platformLanguage: typeof body.platformLanguage === 'string' ? body.platformLanguage : undefined,
    password: String(password),
    dateAdded: Date.now(),
  };
  ctx.state.users.push(user);
  ctx.users.changed();
  return json(201, toUser(user, 'single'));
}

function updateUser(ctx: RouteContext, req: EmuRequest): EmuResponse {
  const token = ctx.caller(req);
  const user = reachableUser(ctx, req);
  if ('status' in user) return user;
  const body = asRecord(req.body);
  const password = ctx.password(req);
  const errors = validateWrite(password === undefined ? body : { ...body, password }, 'update', (id) => ctx.users.knownLocation(id));
  if (typeof body.email === 'string' && body.email.toLowerCase() !== user.email.toLowerCase()) {
    errors.push('Email update is no longer supported due to security reasons.');
  }
  // "Required for Agency Level access" says the spec; the emulator holds agency tokens to it.
  // shared/vendors/README.md
  if (token.kind === 'agency' && body.companyId === undefined) errors.push('companyId should not be empty for agency-level access');
  const type = (body.type ?? user.type) as StoredUser['type'];
  const locationIds = (body.locationIds ?? user.locationIds) as string[];
  if (errors.length === 0 && type === 'account' && locationIds.length === 0) {
    errors.push('locationIds should not be empty for an account user');
  }
  if (errors.length > 0) return unprocessable(errors);
  if (body.companyId !== undefined) {
    const denied = checkCompany(ctx, body.companyId);
    if (denied) return denied;
  }
  const forbidden = locationGate(token, type, locationIds);
  if (forbidden) return forbidden;
  applyUpdate(ctx, user, body, password);
  user.type = type;
  user.locationIds = [...locationIds];
  ctx.users.changed();
  return json(200, toUser(user, 'single'));
}

/** Writes an update's checked fields (all but type and locationIds) onto the stored user. */
function applyUpdate(ctx: RouteContext, user: StoredUser, body: Record<string, unknown>, password: unknown): void {
  if (typeof body.firstName === 'string') user.firstName = body.firstName;
  if (typeof body.lastName === 'string') user.lastName = body.lastName;
  if (typeof body.phone === 'string') user.phone = body.phone || undefined;
  if (typeof password === 'string') user.password = password;
  if (typeof body.role === 'string') user.role = body.role as StoredUser['role'];
  if (body.permissions !== undefined) {
    // Merge or reset is undocumented; merge by default, configurable. shared/vendors/README.md
    user.permissions =
      ctx.permissionsOnUpdate === 'merge' ? fullPermissions(user.permissions, asRecord(body.permissions)) : fullPermissions(asRecord(body.permissions));
  }
  // Documented full replacement: only the scopes passed stay enabled; [] disables them all.
  if (body.scopes !== undefined) user.scopes = stringList(body.scopes);
  if (body.scopesAssignedToOnly !== undefined) user.scopesAssignedToOnly = stringList(body.scopesAssignedToOnly);
  if (body.twilioPhone !== undefined) user.twilioPhone = { ...asRecord(body.twilioPhone) } as Record<string, string>;
  if (typeof body.profilePhoto === 'string') user.profilePhoto = body.profilePhoto;
  if (typeof body.platformLanguage === 'string') user.platformLanguage = body.platformLanguage;
}

function deleteUser(ctx: RouteContext, req: EmuRequest): EmuResponse {
  const user = reachableUser(ctx, req);
  if ('status' in user) return user;
  user.deletedAt = Date.now();
  ctx.users.changed();
  const name = `${user.firstName} ${user.lastName}`.trim();
  return json(200, {
    succeded: true,
    message: `Queued deleting user with e-mail ${user.email} and name ${name}. Will take effect in a few minutes.`,
  });
}

// -------------------------------------------------------------------------------------------- helpers

/** The user `:id` names, or the 401 HighLevel answers when it is unknown, deleted or out of the token's sight. */
function reachableUser(ctx: RouteContext, req: EmuRequest): StoredUser | EmuResponse {
  const user = ctx.users.byId(req.params.id);
  if (!user || isGone(user)) return userDoesNotExist();
  if (!canSee(ctx.caller(req), user)) return unauthorized('The token does not have access to this user.');
  return user;
}

function checkCompany(ctx: RouteContext, companyId: unknown): EmuResponse | undefined {
  return companyId === ctx.state.companyId ? undefined : unauthorized('The token does not have access to this company.');
}

/** Location tokens manage account users of their own location only (inferred; shared/vendors/README.md). */
function locationGate(token: HighlevelToken, type: string, locationIds: string[]): EmuResponse | undefined {
  if (token.kind === 'agency') return undefined;
  if (type !== 'account' || locationIds.some((id) => id !== token.locationId)) {
    return unauthorized('The token does not have access to this location.');
  }
  return undefined;
}

function intParam(name: string, raw: string | null, fallback: number, errors: string[]): number {
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) {
    errors.push(`${name} must be a number string`);
    return fallback;
  }
  return Number(raw);
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
