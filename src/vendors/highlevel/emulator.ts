import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { z } from 'zod';
import {
  json,
  ListIndex,
  Router,
  startEmulator,
  WindowCounter,
  type Emulator,
  type EmulatorOptions,
  type EmuRequest,
  type EmuResponse,
} from '../../sandbox/emulator-kit.js';
import { HIGHLEVEL_DAILY_LIMIT, HIGHLEVEL_RATE } from './documented.js';
import type openApiDocument from './users.openapi.json';

/**
 * A local HighLevel users API (services.leadconnectorhq.com, Version 2021-07-28), faithful to
 * highlevel-users.openapi.json and to what issue threads show the real service doing. Behaviour the
 * references leave open follows shared/vendors/README.md and is marked where it is chosen.
 */

export interface HighlevelEmulatorOptions extends EmulatorOptions {
  /** How long a deleted user stays in search results (with `deleted: true`) before it is gone. */
  deleteDelayMs?: number;
  /**
   * Largest `limit` search honours; larger ones are cut to it. HighLevel documents no maximum (the SDK
   * asks for 25), so this is a setting: tests run it at 25 to prove a client pages on `count`.
   */
  maxPageSize?: number;
  /** Version header values accepted; the default is what HighLevel's clients send. */
  versions?: string[];
  /** Whether PUT merges `permissions` into the stored ones or resets omitted keys to defaults. */
  permissionsOnUpdate?: 'merge' | 'replace';
  dailyLimit?: number;
}

const fixtureUserSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9]{20}$/, { error: 'a 20-character alphanumeric id' }).optional(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().min(3),
    phone: z.string().optional(),
    extension: z.string().optional(),
    type: z.enum(['account', 'agency']),
    role: z.enum(['admin', 'user']),
    locationIds: z.array(z.string()).default([]),
    restrictSubAccount: z.boolean().default(false),
    permissions: z.record(z.string(), z.boolean()).optional(),
    scopes: z.array(z.string()).optional(),
    scopesAssignedToOnly: z.array(z.string()).optional(),
    platformLanguage: z.string().optional(),
    deleted: z.boolean().optional(),
  })
  .strict();

const fixtureSchema = z
  .object({
    $comment: z.string().optional(),
    companyId: z.string().min(1),
    locations: z.array(z.object({ id: z.string().min(1), name: z.string().optional() }).strict()).default([]),
    tokens: z
      .array(
        z
          .object({
            token: z.string().min(1),
            kind: z.enum(['agency', 'location']),
            locationId: z.string().optional(),
            scopes: z.array(z.string()).default(['users.readonly', 'users.write']),
          })
          .strict(),
      )
      .min(1),
    users: z.array(fixtureUserSchema).default([]),
    deleteDelayMs: z.number().int().min(0).optional(),
    /** The emulator option of the same name, for a sandbox that should page like a small-limit tenant. */
    maxPageSize: z.number().int().min(1).optional(),
  })
  .strict();

export type HighlevelFixture = z.input<typeof fixtureSchema>;

export interface HighlevelToken {
  token: string;
  kind: 'agency' | 'location';
  locationId?: string;
  scopes: string[];
}

export interface StoredUser {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone?: string;
  extension: string;
  type: 'account' | 'agency';
  role: 'admin' | 'user';
  locationIds: string[];
  restrictSubAccount: boolean;
  permissions: Permissions;
  scopes: string[];
  scopesAssignedToOnly: string[];
  twilioPhone: Record<string, string>;
  profilePhoto?: string;
  platformLanguage?: string;
  /** What the vendor holds; never returned by any route, and blanked in the request log. */
  password?: string;
  dateAdded: number;
  /** Set by DELETE: the user is gone for GET at once, and from search `deleteDelayMs` later. */
  deletedAt?: number;
}

export interface HighlevelState {
  companyId: string;
  locations: { id: string; name?: string }[];
  tokens: HighlevelToken[];
  users: StoredUser[];
  deleteDelayMs: number;
  maxPageSize: number;
}

// HighLevel's OpenAPI document is the emulator's data (scope and language enums, DTO fields). Read with
// require so every Node 20 loads it (JSON import attributes need 20.10).
const spec = createRequire(import.meta.url)('./users.openapi.json') as typeof openApiDocument;
const scopeEnum = new Set<string>(spec.components.schemas.CreateUserDto.properties.scopes.items.enum);
const languageEnum = new Set<string>(spec.components.schemas.CreateUserDto.properties.platformLanguage.enum);
const createFields = new Set(Object.keys(spec.components.schemas.CreateUserDto.properties));
const updateFields = new Set(Object.keys(spec.components.schemas.UpdateUserDto.properties));
const requiredOnCreate = spec.components.schemas.CreateUserDto.required;

// PermissionsDto's 38 booleans and their defaults, read from the document itself: the emulator keeps
// its own copy of this data and never the adapter's permission helpers. shared/vendors/README.md, rule 2
const permissionProperties = spec.components.schemas.PermissionsDto.properties as Record<string, { default?: unknown }>;
type Permissions = Record<string, boolean>;
const permissionDefaults: Readonly<Permissions> = Object.freeze(
  Object.fromEntries(Object.entries(permissionProperties).map(([name, p]) => [name, p.default === true])),
);
const isPermissionName = (name: string): boolean => Object.hasOwn(permissionDefaults, name);

/** Defaults, then each overlay's known boolean keys in order. */
function fullPermissions(...overlays: (Record<string, unknown> | undefined)[]): Permissions {
  const result: Permissions = { ...permissionDefaults };
  for (const overlay of overlays) {
    for (const [name, value] of Object.entries(overlay ?? {})) if (isPermissionName(name) && typeof value === 'boolean') result[name] = value;
  }
  return result;
}

// The Version values HighLevel's clients send: 2021-07-28 in the users document, 2023-02-21 from the
// official SDK. Any other value is refused, not any date. shared/vendors/README.md, HighLevel
export const HIGHLEVEL_VERSIONS = ['2021-07-28', '2023-02-21'];
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function newHighlevelId(): string {
  const bytes = randomBytes(40);
  let id = '';
  for (const byte of bytes) {
    if (byte >= 248) continue; // 248 = 4 * 62: keeps the alphabet uniform
    id += ID_ALPHABET[byte % 62];
    if (id.length === 20) return id;
  }
  return newHighlevelId();
}

const unauthorized = (message: string): EmuResponse => json(401, { statusCode: 401, message, error: 'Unauthorized' });
const unprocessable = (messages: string[]): EmuResponse =>
  json(422, { statusCode: 422, message: messages, error: 'Unprocessable Entity' });
const userDoesNotExist = (): EmuResponse => unauthorized('The user does not exist.');

export function createHighlevelState(fixture: unknown, options: HighlevelEmulatorOptions = {}): HighlevelState {
  const parsed = fixtureSchema.safeParse(fixture);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`HighLevel sandbox fixture is invalid: ${detail}`);
  }
  const data = parsed.data;
  const started = Date.now();
  const users = data.users.map(
    (u, index): StoredUser => ({
      id: u.id ?? newHighlevelId(),
      firstName: u.firstName,
      lastName: u.lastName,
      email: u.email,
      phone: u.phone,
      extension: u.extension ?? '',
      type: u.type,
      role: u.role,
      locationIds: [...u.locationIds],
      restrictSubAccount: u.restrictSubAccount,
      permissions: fullPermissions(u.permissions),
      scopes: [...(u.scopes ?? [])],
      scopesAssignedToOnly: [...(u.scopesAssignedToOnly ?? [])],
      twilioPhone: {},
      platformLanguage: u.platformLanguage,
      dateAdded: started - (data.users.length - index) * 1000,
      deletedAt: u.deleted ? 0 : undefined,
    }),
  );
  return {
    companyId: data.companyId,
    locations: data.locations,
    tokens: data.tokens,
    users,
    // A real deletion takes "a few minutes"; a minute keeps the sandbox close without slowing demos.
    deleteDelayMs: options.deleteDelayMs ?? data.deleteDelayMs ?? 60_000,
    // Undocumented maximum: 100 unless the test or fixture sets a cap (the SDK's 25, say). shared/vendors/README.md
    maxPageSize: options.maxPageSize ?? data.maxPageSize ?? 100,
  };
}

export async function startHighlevelEmulator(fixture: unknown, options: HighlevelEmulatorOptions = {}): Promise<Emulator> {
  const state = createHighlevelState(fixture, options);
  const rate = options.rateLimit ?? HIGHLEVEL_RATE;
  const burst = new WindowCounter(rate.limit, rate.windowMs);
  const dailyLimit = options.dailyLimit ?? HIGHLEVEL_DAILY_LIMIT;
  const daily = new Map<string, { day: string; used: number }>();
  const maxPageSize = state.maxPageSize;
  const versions = new Set(options.versions ?? HIGHLEVEL_VERSIONS);
  const permissionsOnUpdate = options.permissionsOnUpdate ?? 'merge';

  const callers = new WeakMap<EmuRequest, HighlevelToken>();
  const counters = new WeakMap<EmuRequest, { remaining: number; dailyRemaining: number }>();
  const passwords = new WeakMap<EmuRequest, unknown>();

  const isGone = (u: StoredUser) => u.deletedAt !== undefined;
  const isPurged = (u: StoredUser, now: number) => u.deletedAt !== undefined && now - u.deletedAt >= state.deleteDelayMs;
  // Users by id and by lower-cased email (HighLevel never changes an email), as Pulse's emulator keeps them:
  // at 100,000 users a scan of every user per write made each write take tens of milliseconds (npm run bench).
  const usersById = new ListIndex(() => state.users, (u: StoredUser) => u.id);
  const usersByEmail = new ListIndex(() => state.users, (u: StoredUser) => u.email.toLowerCase());
  const byId = (id: string): StoredUser | undefined => usersById.get(id)[0];
  const knownLocation = (id: string) => state.locations.some((l) => l.id === id);

  /** Location tokens see account users of their own location only (HighLevel issue #230). */
  function canSee(token: HighlevelToken, user: StoredUser): boolean {
    if (token.kind === 'agency') return true;
    return user.type === 'account' && token.locationId !== undefined && user.locationIds.includes(token.locationId);
  }

  function toUser(u: StoredUser, view: 'search' | 'single'): Record<string, unknown> {
    const roles: Record<string, unknown> = { type: u.type, role: u.role, locationIds: [...u.locationIds] };
    // Get User leaves out restrictSubAccount (HighLevel issue #209); search carries it and `deleted`.
    if (view === 'search') roles.restrictSubAccount = u.restrictSubAccount;
    const user: Record<string, unknown> = {
      id: u.id,
      name: `${u.firstName} ${u.lastName}`.trim(),
      firstName: u.firstName,
      lastName: u.lastName,
      email: u.email,
      ...(u.phone ? { phone: u.phone } : {}),
      extension: u.extension,
      permissions: { ...u.permissions },
      scopes: [...u.scopes],
      // scopesAssignedToOnly is stored but never answered: UserSchema has no such field (published.md, HighLevel).
      roles,
      ...(u.platformLanguage ? { platformLanguage: u.platformLanguage } : {}),
    };
    if (view === 'search') user.deleted = isGone(u);
    return user;
  }

  function intParam(name: string, raw: string | null, fallback: number, errors: string[]): number {
    if (raw === null || raw === '') return fallback;
    if (!/^\d+$/.test(raw)) {
      errors.push(`${name} must be a number string`);
      return fallback;
    }
    return Number(raw);
  }

  function checkCompany(companyId: unknown): EmuResponse | undefined {
    return companyId === state.companyId ? undefined : unauthorized('The token does not have access to this company.');
  }

  const router = new Router()
    .add('GET', '/users/search', (req) => {
      const token = callers.get(req)!;
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
      const denied = checkCompany(companyId);
      if (denied) return denied;
      // The maximum limit is undocumented; the emulator cuts at its page cap. shared/vendors/README.md
      limit = Math.min(limit, maxPageSize);

      const matches = searchMatches(token, q, sortDirection);
      return json(200, { users: matches.slice(skip, skip + limit).map((u) => toUser(u, 'search')), count: matches.length });
    })
    .add('POST', '/users/search/filter-by-email', (req) => {
      const token = callers.get(req)!;
      if (token.kind !== 'agency') return unauthorized('This route is only available to agency tokens.');
      const body = asRecord(req.body);
      const errors: string[] = [];
      if (typeof body.companyId !== 'string' || !body.companyId) errors.push('companyId should not be empty');
      if (typeof body.emails !== 'string' || !body.emails) errors.push('emails should not be empty', 'emails must be a string');
      if (body.deleted !== undefined && typeof body.deleted !== 'boolean') errors.push('deleted must be a boolean value');
      const skip = intParam('skip', body.skip === undefined ? null : String(body.skip), 0, errors);
      const limit = Math.min(intParam('limit', body.limit === undefined ? null : String(body.limit), 25, errors), maxPageSize);
      if (errors.length > 0) return unprocessable(errors);
      const denied = checkCompany(body.companyId);
      if (denied) return denied;
      const emails = new Set(String(body.emails).split(',').map((e) => e.trim().toLowerCase()));
      const wantDeleted = body.deleted === true;
      const matches = usersByEmail.getAll(emails).filter((u) => isGone(u) === wantDeleted);
      const all = body.projection === 'all';
      const users = matches.slice(skip, skip + limit).map((u) => (all ? toUser(u, 'search') : { id: u.id, email: u.email }));
      return json(200, { users, count: matches.length });
    })
    .add('GET', '/users/', (req) => {
      // Deprecated, location tokens only; kept because old clients still call it.
      const token = callers.get(req)!;
      const locationId = req.query.get('locationId');
      if (!locationId) return unprocessable(['locationId should not be empty']);
      if (token.kind !== 'location' || token.locationId !== locationId) {
        return unauthorized('The token does not have access to this location.');
      }
      const now = Date.now();
      const users = state.users.filter((u) => !isPurged(u, now) && !isGone(u) && canSee(token, u));
      return json(200, { users: users.map((u) => toUser(u, 'search')) });
    })
    .add('GET', '/users/:id', (req) => {
      const token = callers.get(req)!;
      const user = byId(req.params.id);
      if (!user || isGone(user)) return userDoesNotExist();
      if (!canSee(token, user)) return unauthorized('The token does not have access to this user.');
      return json(200, toUser(user, 'single'));
    })
    .add('POST', '/users/', (req) => {
      const token = callers.get(req)!;
      const body = asRecord(req.body);
      const password = passwords.get(req);
      const errors = validateWrite({ ...body, password }, 'create');
      if (errors.length > 0) return unprocessable(errors);
      const denied = checkCompany(body.companyId);
      if (denied) return denied;
      const type = body.type as StoredUser['type'];
      const locationIds = body.locationIds as string[];
      const forbidden = locationGate(token, type, locationIds);
      if (forbidden) return forbidden;
      const email = String(body.email);
      // Duplicate status and text are undocumented; 422 like other validation. shared/vendors/README.md
      if (usersByEmail.get(email.toLowerCase()).some((u) => !isGone(u))) {
        return unprocessable(['User with this email already exists']);
      }
      const user: StoredUser = {
        id: uniqueId(),
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
      state.users.push(user);
      revision++;
      return json(201, toUser(user, 'single'));
    })
    .add('PUT', '/users/:id', (req) => {
      const token = callers.get(req)!;
      const user = byId(req.params.id);
      if (!user || isGone(user)) return userDoesNotExist();
      if (!canSee(token, user)) return unauthorized('The token does not have access to this user.');
      const body = asRecord(req.body);
      const password = passwords.get(req);
      const errors = validateWrite(password === undefined ? body : { ...body, password }, 'update');
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
        const denied = checkCompany(body.companyId);
        if (denied) return denied;
      }
      const forbidden = locationGate(token, type, locationIds);
      if (forbidden) return forbidden;

      if (typeof body.firstName === 'string') user.firstName = body.firstName;
      if (typeof body.lastName === 'string') user.lastName = body.lastName;
      if (typeof body.phone === 'string') user.phone = body.phone || undefined;
      if (typeof password === 'string') user.password = password;
      user.type = type;
      if (typeof body.role === 'string') user.role = body.role as StoredUser['role'];
      user.locationIds = [...locationIds];
      if (body.permissions !== undefined) {
        // Merge or reset is undocumented; merge by default, configurable. shared/vendors/README.md
        user.permissions =
          permissionsOnUpdate === 'merge' ? fullPermissions(user.permissions, asRecord(body.permissions)) : fullPermissions(asRecord(body.permissions));
      }
      // Documented full replacement: only the scopes passed stay enabled; [] disables them all.
      if (body.scopes !== undefined) user.scopes = stringList(body.scopes);
      if (body.scopesAssignedToOnly !== undefined) user.scopesAssignedToOnly = stringList(body.scopesAssignedToOnly);
      if (body.twilioPhone !== undefined) user.twilioPhone = { ...asRecord(body.twilioPhone) } as Record<string, string>;
      if (typeof body.profilePhoto === 'string') user.profilePhoto = body.profilePhoto;
      if (typeof body.platformLanguage === 'string') user.platformLanguage = body.platformLanguage;
      revision++;
      return json(200, toUser(user, 'single'));
    })
    .add('DELETE', '/users/:id', (req) => {
      const token = callers.get(req)!;
      const user = byId(req.params.id);
      if (!user || isGone(user)) return userDoesNotExist();
      if (!canSee(token, user)) return unauthorized('The token does not have access to this user.');
      user.deletedAt = Date.now();
      revision++;
      const name = `${user.firstName} ${user.lastName}`.trim();
      return json(200, {
        succeded: true,
        message: `Queued deleting user with e-mail ${user.email} and name ${name}. Will take effect in a few minutes.`,
      });
    });

  // Paging through a large company asks for the same order page after page (npm run bench has
  // 100,000 users): sort once per change of the data, with each user's key computed once.
  let revision = 0;
  let sorted: { key: string; users: StoredUser[] } | undefined;
  function sortedUsers(sort: string, direction: string): StoredUser[] {
    const cacheKey = `${sort}|${direction}|${revision}|${state.users.length}`;
    if (sorted?.key === cacheKey) return sorted.users;
    const keyOf = (u: StoredUser): string | number =>
      sort === 'dateAdded' ? u.dateAdded : sort === 'email' ? u.email.toLowerCase() : `${u.firstName} ${u.lastName}`.toLowerCase();
    const keyed = state.users.map((u) => ({ u, key: keyOf(u) }));
    keyed.sort((a, b) => {
      const order = a.key < b.key ? -1 : a.key > b.key ? 1 : a.u.id < b.u.id ? -1 : a.u.id > b.u.id ? 1 : 0;
      return direction === 'desc' ? -order : order;
    });
    sorted = { key: cacheKey, users: keyed.map(({ u }) => u) };
    return sorted.users;
  }

  /**
   * The users a search matches, in its order. Paging asks for the same search page after page, and
   * filtering every user for every page made a 100,000-user listing take 40 s (npm run bench), so the
   * matches are kept per search until the data changes (`revision`, the list's length, the delete delay)
   * or a deleted user in them reaches the end of its delay, when the search would no longer match it.
   */
  const searchViews = new Map<string, { key: string; from: number; until: number; users: StoredUser[] }>();
  function searchMatches(token: HighlevelToken, q: URLSearchParams, sortDirection: string): StoredUser[] {
    const now = Date.now();
    const text = q.get('query')?.toLowerCase();
    const locationId = q.get('locationId');
    const type = q.get('type');
    const role = q.get('role');
    const ids = q.get('ids')?.split(',').filter(Boolean);
    const sort = q.get('sort') ?? 'name';
    const search = JSON.stringify([token.token, sort, sortDirection, text, locationId, type, role, ids]);
    const key = `${revision}|${state.users.length}|${state.deleteDelayMs}`;
    const cached = searchViews.get(search);
    if (cached && cached.key === key && cached.from <= now && now < cached.until) return cached.users;
    let until = Infinity;
    const users = sortedUsers(sort, sortDirection).filter((u) => {
      const matches =
        !isPurged(u, now) &&
        canSee(token, u) &&
        (!locationId || u.locationIds.includes(locationId)) &&
        (!type || u.type === type) &&
        (!role || u.role === role) &&
        (!ids || ids.includes(u.id)) &&
        (!text || [`${u.firstName} ${u.lastName}`, u.email, u.phone ?? ''].some((v) => v.toLowerCase().includes(text)));
      // A deleted user still in the results leaves them once its delay is over.
      if (matches && u.deletedAt !== undefined) until = Math.min(until, u.deletedAt + state.deleteDelayMs);
      return matches;
    });
    if (searchViews.size >= 16) searchViews.clear();
    searchViews.set(search, { key, from: now, until, users });
    return users;
  }

  function uniqueId(): string {
    for (;;) {
      const id = newHighlevelId();
      if (!byId(id)) return id;
    }
  }

  /** Location tokens manage account users of their own location only (inferred; shared/vendors/README.md). */
  function locationGate(token: HighlevelToken, type: string, locationIds: string[]): EmuResponse | undefined {
    if (token.kind === 'agency') return undefined;
    if (type !== 'account' || locationIds.some((id) => id !== token.locationId)) {
      return unauthorized('The token does not have access to this location.');
    }
    return undefined;
  }

  /** class-validator style messages, as HighLevel's NestJS API answers them in a 422 array. */
  function validateWrite(body: Record<string, unknown>, mode: 'create' | 'update'): string[] {
    const errors: string[] = [];
    const allowed = mode === 'create' ? createFields : updateFields;
    for (const key of Object.keys(body)) {
      if (!allowed.has(key)) errors.push(`property ${key} should not exist`);
    }
    if (mode === 'create') {
      for (const field of requiredOnCreate) {
        const value = body[field];
        if (value === undefined || value === null || value === '') errors.push(`${field} should not be empty`);
      }
    }
    const has = (key: string) => body[key] !== undefined && body[key] !== null;
    for (const key of ['companyId', 'firstName', 'lastName', 'email', 'password', 'phone', 'profilePhoto']) {
      if (has(key) && typeof body[key] !== 'string') errors.push(`${key} must be a string`);
    }
    for (const key of ['firstName', 'lastName']) {
      if (mode === 'update' && body[key] === '') errors.push(`${key} should not be empty`);
    }
    if (typeof body.email === 'string' && body.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.email)) {
      errors.push('email must be an email');
    }
    // Password rules are undocumented; the emulator asks for 8 characters. shared/vendors/README.md
    if (typeof body.password === 'string' && body.password && body.password.length < 8) {
      errors.push('password must be longer than or equal to 8 characters');
    }
    if (has('type') && body.type !== 'account' && body.type !== 'agency') {
      errors.push('type must be one of the following values: account, agency');
    }
    if (has('role') && body.role !== 'admin' && body.role !== 'user') {
      errors.push('role must be one of the following values: admin, user');
    }
    if (has('locationIds')) {
      if (!Array.isArray(body.locationIds) || body.locationIds.some((id) => typeof id !== 'string')) {
        errors.push('locationIds must be an array of strings');
      } else {
        for (const id of body.locationIds as string[]) {
          if (!knownLocation(id)) errors.push(`locationIds contains an unknown location: ${id}`);
        }
        if (mode === 'create' && body.type === 'account' && body.locationIds.length === 0) {
          errors.push('locationIds should not be empty for an account user');
        }
      }
    }
    if (has('permissions')) {
      if (typeof body.permissions !== 'object' || Array.isArray(body.permissions)) errors.push('permissions must be an object');
      else {
        for (const [name, value] of Object.entries(body.permissions as Record<string, unknown>)) {
          if (!isPermissionName(name)) errors.push(`permissions.property ${name} should not exist`);
          else if (typeof value !== 'boolean') errors.push(`permissions.${name} must be a boolean value`);
        }
      }
    }
    for (const key of ['scopes', 'scopesAssignedToOnly']) {
      if (!has(key)) continue;
      const list = body[key];
      if (!Array.isArray(list)) errors.push(`${key} must be an array`);
      else {
        const unknown = list.filter((s) => typeof s !== 'string' || !scopeEnum.has(s));
        if (unknown.length > 0) errors.push(`each value in ${key} must be one of the allowed scopes (not ${unknown.map((s) => JSON.stringify(s)).join(', ')})`);
      }
    }
    if (has('platformLanguage') && !languageEnum.has(String(body.platformLanguage))) {
      errors.push(`platformLanguage must be one of the following values: ${[...languageEnum].join(', ')}`);
    }
    if (has('twilioPhone')) {
      const map = body.twilioPhone;
      if (typeof map !== 'object' || Array.isArray(map) || Object.values(map as object).some((v) => typeof v !== 'string')) {
        errors.push('twilioPhone must be an object of strings');
      }
    }
    return errors;
  }

  return startEmulator(
    {
      name: 'highlevel',
      router,
      state,
      before(req) {
        // Keep the password out of the request log (it shares this object) but hand it to the route.
        if (req.body && typeof req.body === 'object' && !Array.isArray(req.body) && 'password' in req.body) {
          const logged = req.body as Record<string, unknown>;
          passwords.set(req, logged.password);
          const { password: _password, ...rest } = logged;
          req.body = rest;
          logged.password = '***';
        }
        const version = header(req, 'version');
        if (!version) return json(400, { statusCode: 400, message: 'version header was not found' });
        if (!versions.has(version)) return json(400, { statusCode: 400, message: `version ${version} is not supported` });
        const auth = header(req, 'authorization');
        const match = /^Bearer\s+(.+)$/i.exec(auth ?? '');
        const token = match ? state.tokens.find((t) => t.token === match[1].trim()) : undefined;
        if (!token) return unauthorized('Invalid JWT');

        const now = Date.now();
        const day = new Date(now).toISOString().slice(0, 10);
        const today = daily.get(token.token);
        const used = today && today.day === day ? today.used : 0;
        const window = used < dailyLimit ? burst.take(token.token, now) : { allowed: false, remaining: 0 };
        if (window.allowed) daily.set(token.token, { day, used: used + 1 });
        counters.set(req, { remaining: window.remaining, dailyRemaining: Math.max(0, dailyLimit - used - (window.allowed ? 1 : 0)) });
        if (!window.allowed) return tooManyRequests();

        const scope = req.method === 'GET' || req.path === '/users/search/filter-by-email' ? 'users.readonly' : 'users.write';
        if (!token.scopes.includes(scope)) return unauthorized('The token is not authorized for this scope.');
        callers.set(req, token);
        return undefined;
      },
      decorate(req, res) {
        const counted = counters.get(req);
        if (!counted) return;
        res.headers = {
          ...res.headers,
          'X-RateLimit-Limit-Daily': String(dailyLimit),
          'X-RateLimit-Daily-Remaining': String(counted.dailyRemaining),
          'X-RateLimit-Interval-Milliseconds': String(rate.windowMs),
          'X-RateLimit-Max': String(rate.limit),
          'X-RateLimit-Remaining': String(counted.remaining),
        };
      },
      tooManyRequests,
      serverError: (status) =>
        json(status, { statusCode: status, message: status === 503 ? 'Service Unavailable' : 'Internal server error' }),
      notFound: () => json(404, { statusCode: 404, message: 'Cannot find the requested route', error: 'Not Found' }),
    },
    options,
  );
}

// The 429 body is undocumented; JSON in HighLevel's error shape, no Retry-After. shared/vendors/README.md
function tooManyRequests(): EmuResponse {
  return json(429, { statusCode: 429, message: 'Too Many Requests' });
}

function header(req: EmuRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
