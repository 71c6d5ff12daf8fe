import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import {
  json,
  Router,
  startEmulator,
  WindowCounter,
  type Emulator,
  type EmulatorOptions,
  type EmuRequest,
  type EmuResponse,
} from '../../sandbox/emulator-kit.js';
import { parsePulseFixture, type PulseFixture } from './emulator-fixture.js';

/**
 * A local Pulse CRM. Only `POST /users` (the seed page) and `POST /auth/login` (published.md) are
 * documented; every other route follows the API's documented conventions (list envelope, PATCH
 * updates, `{error, status, message}` errors) and the decisions in shared/vendors/README.md.
 * Everything marked "inferred" is our guess. It imports nothing of the adapter's side.
 */

/** Inferred default: the docs give no limit. 120 requests a minute per credential (shared/vendors/README.md). */
export const PULSE_RATE_LIMIT = { limit: 120, windowMs: 60_000 };
/** Inferred default session lifetime (the docs show `expiresAt`, not the duration). */
export const PULSE_TOKEN_TTL_MS = 60 * 60 * 1000;
/** Inferred page sizes: leads default to 10 per page; we cap at 100. */
const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;

/**
 * Where the emulator serves each resource, below its prefix. The defaults follow the documents where
 * they speak: `/auth/login` (published.md, developers.chargeloop.com) and `/users` (seed page); the
 * roles and teams paths are inferred (shared/vendors/README.md). `userRoles` holds `{id}`.
 */
export interface PulsePaths {
  login: string;
  session: string;
  users: string;
  userRoles: string;
  roles: string;
  teams: string;
}

export const PULSE_DEFAULT_PATHS: PulsePaths = {
  login: '/auth/login',
  session: '/auth/session',
  users: '/users',
  userRoles: '/users/{id}/roles',
  roles: '/roles',
  teams: '/teams',
};

/**
 * The emulator's own prefix. The guides write paths without one, but audit-log entries record
 * `requestPath: "/api/leads"` (shared/vendors/pulse-partner.md): so the sandbox serves under `/api`, its
 * `url` carries the prefix, and the client's `baseUrl` must too (which proves a prefix in baseUrl works).
 */
export const PULSE_EMULATOR_PREFIX = '/api';

export interface PulseEmulatorOptions extends EmulatorOptions {
  /** Session lifetime in ms; short values let tests expire tokens. Overrides the fixture's tokenTtlSeconds. */
  tokenTtlMs?: number;
  /** Served below this prefix (default `/api`); `url` includes it. */
  prefix?: string;
  /** Paths other than the defaults, as a tenant that differs would serve them. */
  paths?: Partial<PulsePaths>;
}

type TeamId = number | string;

export interface PulseMembership {
  accountId: string;
  roles: string[];
  teamId: TeamId | null;
  active: boolean;
  usersPrimaryAccount: boolean;
  accountAdmin: boolean;
}

export interface PulseUserRow {
  id: number;
  email: string;
  name: string | null;
  phone: string | null;
  imgSrc: string | null;
  /** An object in the seed's User schema (`type: object`, example `{}`). */
  notificationPreferences: Record<string, unknown>;
  password?: string;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
  memberships: PulseMembership[];
}

export interface PulseTeam {
  id: TeamId;
  name: string;
  accountId: string;
  createdAt: string;
}

interface Principal {
  kind: 'apiKey' | 'user';
  /** Rate-limit and audit identity: the key itself, or the user's email. */
  id: string;
  email: string;
  apiKey?: string;
}

export interface PulseSession {
  token: string;
  expiresAt: number;
  principal: Principal;
}

export interface AuditEntry {
  id: number;
  event: string;
  user: string;
  apiKey: string | null;
  data: unknown;
  created: string;
  requestMethod: string;
  requestPath: string;
  account_id: string;
}

/** The emulator's live data (Emulator.state); tests read and adjust it. */
export class PulseState {
  readonly accounts: PulseFixture['accounts'];
  readonly apiKeys: PulseFixture['apiKeys'];
  readonly roles: PulseFixture['roles'];
  readonly teams: PulseTeam[];
  readonly users: PulseUserRow[];
  readonly sessions = new Map<string, PulseSession>();
  readonly audit: AuditEntry[] = [];
  /** Successful logins, for tests counting re-logins. */
  logins = 0;
  /** Bumped on every change to users, so list results can be reused between pages. */
  version = 0;
  private readonly byEmail = new Map<string, PulseUserRow>();
  private readonly byId = new Map<number, PulseUserRow>();
  tokenTtlMs: number;
  private nextUserId: number;
  private nextTeamId: number;

  constructor(fixture: PulseFixture, tokenTtlMs: number) {
    this.accounts = fixture.accounts;
    this.apiKeys = fixture.apiKeys;
    this.roles = fixture.roles;
    this.tokenTtlMs = tokenTtlMs;
    this.teams = fixture.teams.map((t) => ({ ...t, createdAt: '2025-01-01T00:00:00.000Z' }));
    this.users = fixture.users.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      phone: u.phone,
      imgSrc: u.imgSrc,
      notificationPreferences: u.notificationPreferences,
      password: u.password,
      createdBy: u.createdBy,
      createdAt: u.createdAt,
      updatedBy: u.updatedBy ?? u.createdBy,
      updatedAt: u.updatedAt ?? u.createdAt,
      memberships: u.accounts.map((a) => ({ ...a, roles: [...a.roles] })),
    }));
    // Kept in id order (new ids only grow), so `sort=id` needs no sorting at all.
    this.users.sort((a, b) => a.id - b.id);
    for (const user of this.users) this.index(user);
    this.nextUserId = Math.max(1000, ...this.users.map((u) => u.id)) + 1;
    const numericTeams = this.teams.map((t) => t.id).filter((id): id is number => typeof id === 'number');
    this.nextTeamId = Math.max(0, ...numericTeams) + 1;
  }

  /** Makes every issued token expired, as if the TTL had passed. */
  expireAllTokens(): void {
    for (const session of this.sessions.values()) session.expiresAt = 0;
  }

  userByEmail(email: string): PulseUserRow | undefined {
    return this.byEmail.get(email.toLowerCase());
  }

  userById(id: number): PulseUserRow | undefined {
    return this.byId.get(id);
  }

  addUser(user: PulseUserRow): void {
    this.users.push(user);
    this.index(user);
    this.changed();
  }

  /** Every change to users calls this (tests changing users directly should too): list views are rebuilt. */
  changed(): void {
    this.version++;
  }

  private index(user: PulseUserRow): void {
    this.byEmail.set(user.email.toLowerCase(), user);
    this.byId.set(user.id, user);
  }

  membership(user: PulseUserRow, accountId: string): PulseMembership | undefined {
    return user.memberships.find((m) => m.accountId === accountId);
  }

  newUserId(): number {
    return this.nextUserId++;
  }

  newTeamId(): number {
    return this.nextTeamId++;
  }

  permissionsOf(roles: string[]): string[] {
    const perms = new Set<string>();
    for (const name of roles) for (const p of this.roles.find((r) => r.name === name)?.permissions ?? []) perms.add(p);
    return [...perms].sort();
  }
}

/** Pulse's documented Error shape. */
function fail(status: number, message: string, headers?: Record<string, string>): EmuResponse {
  return json(status, { error: STATUS_CODES[status] ?? 'Error', status, message }, headers);
}

function now(): string {
  return new Date().toISOString();
}

function header(req: EmuRequest, name: string): string | undefined {
  // Node lower-cases incoming header names, so X-Account-ID, X-Account-Id and x-account-id all land here.
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DELIVERY_PREFS = new Set(['website', 'weekly_email_digest', 'monthly_email_digest', 'email', 'sms']);

export async function startPulseEmulator(fixture: unknown, options: PulseEmulatorOptions = {}): Promise<Emulator> {
  const parsed = parsePulseFixture(fixture);
  const ttl = options.tokenTtlMs ?? (parsed.tokenTtlSeconds !== undefined ? parsed.tokenTtlSeconds * 1000 : PULSE_TOKEN_TTL_MS);
  const state = new PulseState(parsed, ttl);
  const budget = options.rateLimit ?? PULSE_RATE_LIMIT;
  const counter = new WindowCounter(budget.limit, budget.windowMs);
  const prefix = (options.prefix ?? PULSE_EMULATOR_PREFIX).replace(/\/+$/, '');
  const paths = { ...PULSE_DEFAULT_PATHS, ...options.paths };
  /** A route pattern for the kit's router: the prefix, then the path with `{id}` as `:id`. */
  const at = (path: string) => prefix + path.replace(/\{id\}/g, ':id');
  const loginPath = at(paths.login);

  /** Filtered, sorted user lists by query, valid for one `state.version`. */
  const listViews = new Map<string, { version: number; rows: PulseUserRow[] }>();

  /** What `before` resolved for the current request; handlers run right after it. */
  const context = new WeakMap<EmuRequest, { principal: Principal; accountId: string; session: PulseSession }>();

  function reachable(principal: Principal): string[] {
    if (principal.kind === 'apiKey') {
      const key = state.apiKeys.find((k) => k.apiKey === principal.apiKey);
      return key ? [key.accountId, ...key.extraAccounts] : [];
    }
    return state.userByEmail(principal.email)?.memberships.map((m) => m.accountId) ?? [];
  }

  function primaryAccount(principal: Principal): string | undefined {
    if (principal.kind === 'apiKey') return state.apiKeys.find((k) => k.apiKey === principal.apiKey)?.accountId;
    const user = state.userByEmail(principal.email);
    return (user?.memberships.find((m) => m.usersPrimaryAccount) ?? user?.memberships[0])?.accountId;
  }

  function permissions(principal: Principal, accountId: string): string[] {
    if (principal.kind === 'apiKey') return [...(state.apiKeys.find((k) => k.apiKey === principal.apiKey)?.permissions ?? [])].sort();
    const user = state.userByEmail(principal.email);
    const member = user && state.membership(user, accountId);
    return member ? state.permissionsOf(member.roles) : [];
  }

  function can(principal: Principal, accountId: string, permission: string): boolean {
    if (principal.kind === 'user') {
      const user = state.userByEmail(principal.email);
      if (user && state.membership(user, accountId)?.accountAdmin) return true;
    }
    const held = permissions(principal, accountId);
    return held.includes(permission) || held.includes('superAdmin');
  }

  function accountEntry(accountId: string, member?: PulseMembership) {
    const account = state.accounts.find((a) => a.accountId === accountId);
    return {
      accountId,
      accountName: account?.accountName ?? '',
      repcode: account?.repcode ?? '',
      usersPrimaryAccount: member?.usersPrimaryAccount ?? false,
      accountAdmin: member?.accountAdmin ?? false,
    };
  }

  /** The seed page's User shape, seen from one account. */
  function present(user: PulseUserRow, accountId: string) {
    const member = state.membership(user, accountId);
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      active: member?.active ?? false,
      teamId: member?.teamId ?? null,
      phone: user.phone,
      imgSrc: user.imgSrc,
      notificationPreferences: user.notificationPreferences,
      createdBy: user.createdBy,
      updatedBy: user.updatedBy,
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
      accounts: user.memberships.map((m) => {
        const { repcode: _repcode, ...entry } = accountEntry(m.accountId, m);
        return entry;
      }),
      flatRolesList: [...(member?.roles ?? [])],
      flatPermissionsList: state.permissionsOf(member?.roles ?? []),
    };
  }

  /** The UserSession payload: the caller, its accounts, permissions, token and expiry. */
  function sessionPayload(session: PulseSession) {
    const { principal } = session;
    const user = state.userByEmail(principal.email);
    const primary = primaryAccount(principal) ?? '';
    const accounts = reachable(principal).map((id) => accountEntry(id, user && state.membership(user, id)));
    const member = user && state.membership(user, primary);
    const roles = member?.roles ?? [];
    const perms = permissions(principal, primary);
    const details: Record<string, { role: string; accountId: string | null }[]> = {};
    for (const role of roles) {
      for (const p of state.roles.find((r) => r.name === role)?.permissions ?? []) {
        (details[p] ??= []).push({ role, accountId: primary });
      }
    }
    return {
      id: user?.id ?? 0,
      email: principal.email,
      active: member?.active ?? true,
      createdBy: user?.createdBy ?? 'system',
      updatedBy: user?.updatedBy ?? 'system',
      createdAt: user?.createdAt ?? now(),
      updatedAt: user?.updatedAt ?? now(),
      impersonating: null,
      primaryAccount: { ...accountEntry(primary, member), usersPrimaryAccount: true },
      accounts,
      flatRolesList: [...roles],
      flatPermissionsList: perms,
      permissionsFromRoles: state.permissionsOf(roles),
      permissionsFromRolesDetails: details,
      token: session.token,
      expiresAt: new Date(session.expiresAt).toISOString(),
    };
  }

  function record(req: EmuRequest, event: string, data: unknown): void {
    const ctx = context.get(req);
    state.audit.push({
      id: state.audit.length + 1,
      event,
      user: ctx?.principal.email ?? 'anonymous',
      apiKey: ctx?.principal.apiKey ? `${ctx.principal.apiKey.slice(0, 4)}…` : null,
      data,
      created: now(),
      requestMethod: req.method,
      requestPath: req.path,
      account_id: ctx?.accountId ?? '',
    });
  }

  function limited(key: string): EmuResponse | undefined {
    const taken = counter.take(key);
    if (taken.allowed) return undefined;
    const seconds = Math.max(1, Math.ceil((taken.resetAt - Date.now()) / 1000));
    return fail(429, `Rate limit of ${counter.limit} requests per ${counter.windowMs / 1000} s exceeded; retry in ${seconds} s`, {
      'retry-after': String(seconds),
    });
  }

  const router = new Router();

  router.add('POST', loginPath, (req) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    let principal: Principal | undefined;
    if (typeof body.apiKey === 'string' || typeof body.apiSecret === 'string') {
      if (typeof body.apiKey !== 'string' || typeof body.apiSecret !== 'string') {
        return fail(400, 'apiKey and apiSecret are both required');
      }
      const refusal = limited(`login:${body.apiKey}`);
      if (refusal) return refusal;
      const key = state.apiKeys.find((k) => k.apiKey === body.apiKey && k.apiSecret === body.apiSecret);
      if (!key) return fail(401, 'Invalid API key or secret');
      principal = { kind: 'apiKey', id: `key:${key.apiKey}`, email: key.user, apiKey: key.apiKey };
    } else if (typeof body.email === 'string' && typeof body.password === 'string') {
      const refusal = limited(`login:${body.email.toLowerCase()}`);
      if (refusal) return refusal;
      const user = state.userByEmail(body.email);
      if (!user || user.password === undefined || user.password !== body.password) return fail(401, 'Invalid email or password');
      principal = { kind: 'user', id: `user:${user.email.toLowerCase()}`, email: user.email };
    } else {
      return fail(400, 'Send {apiKey, apiSecret} or {email, password}');
    }
    const session: PulseSession = { token: randomBytes(32).toString('hex'), expiresAt: Date.now() + state.tokenTtlMs, principal };
    state.sessions.set(session.token, session);
    state.logins++;
    context.set(req, { principal, accountId: primaryAccount(principal) ?? '', session });
    record(req, 'user_logged_in', { via: principal.kind });
    return json(200, sessionPayload(session));
  });

  router.add('GET', at(paths.session), (req) => json(200, sessionPayload(ctx(req).session)));

  router.add('GET', at(paths.users), (req) => {
    const { accountId } = ctx(req);
    const paging = readPaging(req);
    if ('status' in paging) return paging;
    const filters: ((u: PulseUserRow, m: PulseMembership) => boolean)[] = [];
    const email = req.query.get('email');
    if (email !== null) filters.push((u) => u.email.toLowerCase() === email.toLowerCase());
    const active = req.query.get('active');
    if (active !== null) {
      if (active !== 'true' && active !== 'false') return fail(400, 'active must be true or false');
      filters.push((_u, m) => m.active === (active === 'true'));
    }
    const teamId = req.query.get('teamId');
    if (teamId !== null) filters.push((_u, m) => m.teamId !== null && String(m.teamId) === teamId);
    const name = req.query.get('name');
    if (name !== null) filters.push((u) => u.name === name);
    const search = req.query.get('search')?.toLowerCase();
    if (search) filters.push((u) => u.email.toLowerCase().includes(search) || (u.name ?? '').toLowerCase().includes(search));

    const sortSpec = req.query.get('sort') ?? '-createdAt';
    const sorter = readSort(sortSpec);
    if (typeof sorter === 'string') return fail(400, sorter);
    // One filtered, sorted view per query, reused while users are unchanged: paging through a large
    // account costs one pass over it, not one per page.
    const viewKey = `${accountId}?${[...req.query].filter(([k]) => k !== 'page' && k !== 'pageSize').map(([k, v]) => `${k}=${v}`).join('&')}`;
    const cached = listViews.get(viewKey);
    let rows = cached?.version === state.version ? cached.rows : undefined;
    if (!rows) {
      const members = state.users.flatMap((u) => {
        const m = state.membership(u, accountId);
        return m && filters.every((f) => f(u, m)) ? [{ u, m }] : [];
      });
      if (sortSpec === 'id') {
        rows = members.map(({ u }) => u); // state.users is kept in id order
      } else {
        // Sorted on the sortable fields, read once per member: presenting both users inside the comparator
        // made one page of a 100,000-user account take seconds (npm run bench).
        const keyed = members.map(({ u, m }) => ({ u, key: sortKey(u, m) }));
        keyed.sort((a, b) => sorter(a.key, b.key));
        rows = keyed.map(({ u }) => u);
      }
      if (listViews.size > 16) listViews.clear();
      listViews.set(viewKey, { version: state.version, rows });
    }
    const total = rows.length;
    const start = (paging.page - 1) * paging.pageSize;
    return json(200, {
      data: rows.slice(start, start + paging.pageSize).map((u) => present(u, accountId)),
      page: paging.page,
      pageSize: paging.pageSize,
      total,
      totalPages: Math.ceil(total / paging.pageSize),
    });
  });

  router.add('GET', at(`${paths.users}/{id}`), (req) => {
    const found = memberById(req);
    return 'status' in found ? found : json(200, present(found.user, ctx(req).accountId));
  });

  router.add('POST', at(paths.users), (req) => {
    const { accountId, principal } = ctx(req);
    const body = req.body;
    if (!isObject(body)) return fail(400, 'The body must be a JSON object');
    if (typeof body.email !== 'string' || !EMAIL.test(body.email.trim())) return fail(400, 'email is required and must be a valid email address');
    const allowed = new Set(['email', 'name', 'phone', 'teamId']);
    const unknown = Object.keys(body).filter((k) => !allowed.has(k));
    if (unknown.length > 0) return fail(400, `Unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
    const invalid = checkUserFields(body, accountId);
    if (invalid) return invalid;

    const email = body.email.trim();
    const stamp = now();
    let user = state.userByEmail(email);
    if (user && state.membership(user, accountId)) {
      return fail(409, `A user with email ${email} is already a member of account ${accountId}`);
    }
    const member: PulseMembership = {
      accountId,
      roles: [],
      teamId: teamOf(body.teamId, accountId),
      active: true,
      usersPrimaryAccount: !user,
      accountAdmin: false,
    };
    if (user) {
      // An existing global identity joins this account. Its name and phone belong to the person,
      // so they are filled only where empty (inferred; shared/vendors/README.md).
      user.name ??= (body.name as string | undefined) ?? null;
      user.phone ??= (body.phone as string | undefined) ?? null;
      user.memberships.push(member);
      state.changed();
      user.updatedBy = principal.email;
      user.updatedAt = stamp;
      record(req, 'user_added_to_account', { userId: user.id });
    } else {
      user = {
        id: state.newUserId(),
        email,
        name: (body.name as string | undefined) ?? null,
        phone: (body.phone as string | undefined) ?? null,
        imgSrc: null,
        notificationPreferences: {},
        createdBy: principal.email,
        updatedBy: principal.email,
        createdAt: stamp,
        updatedAt: stamp,
        memberships: [member],
      };
      state.addUser(user);
      record(req, 'user_created', { userId: user.id });
      record(req, 'user_added_to_account', { userId: user.id });
    }
    return json(201, present(user, accountId));
  });

  router.add('PATCH', at(`${paths.users}/{id}`), (req) => {
    const found = memberById(req);
    if ('status' in found) return found;
    const { accountId, principal } = ctx(req);
    const body = req.body;
    if (!isObject(body)) return fail(400, 'The body must be a JSON object');
    if ('email' in body) return fail(400, 'email cannot be changed');
    const allowed = new Set(['name', 'phone', 'imgSrc', 'teamId', 'active', 'notificationPreferences']);
    const unknown = Object.keys(body).filter((k) => !allowed.has(k));
    if (unknown.length > 0) return fail(400, `Unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
    const invalid = checkUserFields(body, accountId);
    if (invalid) return invalid;
    const { user, member } = found;
    if ('name' in body) user.name = body.name as string | null;
    if ('phone' in body) user.phone = body.phone as string | null;
    if ('imgSrc' in body) user.imgSrc = body.imgSrc as string | null;
    if ('notificationPreferences' in body) user.notificationPreferences = body.notificationPreferences as Record<string, unknown>;
    if ('teamId' in body) member.teamId = teamOf(body.teamId, accountId);
    if ('active' in body) member.active = body.active as boolean;
    user.updatedBy = principal.email;
    user.updatedAt = now();
    state.changed();
    record(req, 'user_updated', { userId: user.id, fields: Object.keys(body) });
    return json(200, present(user, accountId));
  });

  router.add('DELETE', at(`${paths.users}/{id}`), (req) => {
    const found = memberById(req);
    if ('status' in found) return found;
    const { accountId } = ctx(req);
    // Removes the membership only; the global identity stays (`user_removed_from_account`).
    found.user.memberships = found.user.memberships.filter((m) => m.accountId !== accountId);
    state.changed();
    record(req, 'user_removed_from_account', { userId: found.user.id });
    return json(200, { id: found.user.id, removed: true });
  });

  router.add('PUT', at(paths.userRoles), (req) => {
    const found = memberById(req);
    if ('status' in found) return found;
    const { accountId, principal } = ctx(req);
    const body = req.body;
    if (!isObject(body) || !Array.isArray(body.roles) || !body.roles.every((r) => typeof r === 'string')) {
      return fail(400, 'The body must be {"roles": ["roleName", ...]}');
    }
    const roles = [...new Set(body.roles)];
    const unknown = roles.filter((r) => !state.roles.some((known) => known.name === r));
    if (unknown.length > 0) {
      return fail(422, `Unknown role${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r}"`).join(', ')}; known roles: ${state.roles.map((r) => r.name).join(', ')}`);
    }
    found.member.roles = roles;
    state.changed();
    found.user.updatedBy = principal.email;
    found.user.updatedAt = now();
    record(req, 'user_roles_updated', { userId: found.user.id, roles });
    return json(200, present(found.user, accountId));
  });

  router.add('GET', at(paths.roles), () => json(200, state.roles.map((r) => ({ id: r.id, name: r.name, permissions: [...r.permissions] }))));

  router.add('GET', at(paths.teams), (req) => {
    const { accountId } = ctx(req);
    const paging = readPaging(req);
    if ('status' in paging) return paging;
    const teams = state.teams.filter((t) => t.accountId === accountId);
    const start = (paging.page - 1) * paging.pageSize;
    return json(200, {
      data: teams.slice(start, start + paging.pageSize),
      page: paging.page,
      pageSize: paging.pageSize,
      total: teams.length,
      totalPages: Math.ceil(teams.length / paging.pageSize),
    });
  });

  router.add('POST', at(paths.teams), (req) => {
    const { accountId } = ctx(req);
    const body = req.body;
    if (!isObject(body) || typeof body.name !== 'string' || body.name.trim() === '') return fail(400, 'name is required');
    const name = body.name.trim();
    if (state.teams.some((t) => t.accountId === accountId && t.name.toLowerCase() === name.toLowerCase())) {
      return fail(409, `A team named ${name} already exists in account ${accountId}`);
    }
    const team: PulseTeam = { id: state.newTeamId(), name, accountId, createdAt: now() };
    state.teams.push(team);
    record(req, 'team_created', { teamId: team.id });
    return json(201, team);
  });

  /** Which permission each route needs (inferred from the read<Resource>/write<Resource> convention). */
  function requiredPermission(req: EmuRequest): string | undefined {
    if (req.path === loginPath || req.path === at(paths.session)) return undefined;
    const resource = req.path === at(paths.teams) ? 'Teams' : req.path === at(paths.roles) ? 'Roles' : 'Users';
    return `${req.method === 'GET' ? 'read' : 'write'}${resource}`;
  }

  function ctx(req: EmuRequest) {
    const found = context.get(req);
    if (!found) throw new Error('route reached without authentication');
    return found;
  }

  function memberById(req: EmuRequest): { user: PulseUserRow; member: PulseMembership } | EmuResponse {
    const { accountId } = ctx(req);
    const id = Number(req.params.id);
    const user = Number.isInteger(id) ? state.userById(id) : undefined;
    const member = user && state.membership(user, accountId);
    if (!user || !member) return fail(404, `User ${req.params.id} is not a member of account ${accountId}`);
    return { user, member };
  }

  /** The team's own id (a number stays a number even when sent as "11"); checkUserFields made sure it exists. */
  function teamOf(value: unknown, accountId: string): TeamId | null {
    if (value === null || value === undefined) return null;
    return state.teams.find((t) => t.accountId === accountId && String(t.id) === String(value))?.id ?? null;
  }

  function checkUserFields(body: Record<string, unknown>, accountId: string): EmuResponse | undefined {
    const nullableString = (key: string, max: number) =>
      key in body && body[key] !== null && (typeof body[key] !== 'string' || (body[key]).length > max);
    if (nullableString('name', 200)) return fail(400, 'name must be a string of at most 200 characters');
    if (nullableString('phone', 32)) return fail(400, 'phone must be a string of at most 32 characters');
    if (nullableString('imgSrc', 2048)) return fail(400, 'imgSrc must be a URL string');
    if ('active' in body && typeof body.active !== 'boolean') return fail(400, 'active must be a boolean');
    if ('teamId' in body && body.teamId !== null) {
      if (typeof body.teamId !== 'number' && typeof body.teamId !== 'string') return fail(400, 'teamId must be a team id');
      const team = state.teams.find((t) => t.accountId === accountId && String(t.id) === String(body.teamId));
      if (!team) return fail(422, `Team ${String(body.teamId)} does not exist in account ${accountId}`);
    }
    if ('notificationPreferences' in body) {
      // The seed's User schema types it `object` (example `{}`); what goes inside is not documented,
      // except that a NotificationPreference's deliveryPref takes only the enum's values.
      const prefs = body.notificationPreferences;
      if (!isObject(prefs)) return fail(400, 'notificationPreferences must be an object');
      const badDelivery = Object.values(prefs).some(
        (p) => isObject(p) && p.deliveryPref !== undefined && !(Array.isArray(p.deliveryPref) && p.deliveryPref.every((d) => DELIVERY_PREFS.has(d as string))),
      );
      if (badDelivery) return fail(400, `notificationPreferences: deliveryPref takes only ${[...DELIVERY_PREFS].join(', ')}`);
    }
    return undefined;
  }

  const emulator = await startEmulator(
    {
      name: 'pulse',
      router,
      state,
      before(req) {
        // Unknown routes and methods answer in Pulse's Error shape (the kit's own 405 has another shape).
        const route = router.match(req.method, req.path);
        if (route === undefined) return fail(404, `No route ${req.method} ${req.path}`);
        if (route === 'method') return fail(405, `Method ${req.method} is not allowed on ${req.path}`);
        if (req.method === 'POST' && req.path === loginPath) return undefined;
        const auth = header(req, 'authorization') ?? '';
        const match = /^Bearer\s+(\S+)$/i.exec(auth);
        if (!match) return fail(401, `Missing bearer token; log in with POST ${loginPath}`);
        const session = state.sessions.get(match[1]);
        if (!session) return fail(401, 'Invalid token');
        if (session.expiresAt <= Date.now()) {
          state.sessions.delete(match[1]);
          return fail(401, 'Token expired; log in again');
        }
        const refusal = limited(session.principal.id);
        if (refusal) return refusal;
        // The seed marks x-account-id required (components/parameters/xAccountIdHeader); the header name
        // is case-insensitive, and Node lower-cases it (shared/vendors/README.md, Pulse CRM).
        const accountId = header(req, 'x-account-id')?.trim();
        if (!accountId) return fail(400, 'The x-account-id header is required');
        if (!reachable(session.principal).includes(accountId)) {
          return fail(403, `Account ${accountId} is not available to this caller`);
        }
        const permission = requiredPermission(req);
        if (permission && !can(session.principal, accountId, permission)) {
          return fail(403, `Missing permission ${permission} in account ${accountId}`);
        }
        context.set(req, { principal: session.principal, accountId, session });
        return undefined;
      },
      tooManyRequests: () => fail(429, 'Rate limit exceeded', { 'retry-after': '1' }),
      serverError: (status) => fail(status, status === 503 ? 'Service temporarily unavailable' : 'Unexpected server error'),
      notFound: () => fail(404, 'No such route'),
      // Malformed requests keep the documented Error shape too (shared/vendors/README.md, Pulse CRM).
      malformedBody: () => fail(400, 'The request body is not valid JSON'),
    },
    options,
  );
  return { ...emulator, url: emulator.url + prefix };
}

function readPaging(req: EmuRequest): { page: number; pageSize: number } | EmuResponse {
  const page = req.query.get('page') ?? '1';
  const size = req.query.get('pageSize') ?? String(DEFAULT_PAGE_SIZE);
  if (!/^\d+$/.test(page) || Number(page) < 1) return fail(400, 'page must be a positive integer');
  if (!/^\d+$/.test(size) || Number(size) < 1) return fail(400, 'pageSize must be a positive integer');
  return { page: Number(page), pageSize: Math.min(MAX_PAGE_SIZE, Number(size)) };
}

type Presented = Record<string, unknown>;

/** The sortable fields of a member, as `present` shows them. */
function sortKey(u: PulseUserRow, m: PulseMembership): Presented {
  return { id: u.id, email: u.email, name: u.name, createdAt: u.createdAt, updatedAt: u.updatedAt, teamId: m.teamId, active: m.active };
}

/** `sort=-createdAt,email`: comma-separated fields, `-` for descending; ties broken by id. */
function readSort(spec: string): ((a: Presented, b: Presented) => number) | string {
  const sortable = new Set(['id', 'email', 'name', 'createdAt', 'updatedAt', 'teamId', 'active']);
  const keys = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (s.startsWith('-') ? { field: s.slice(1), dir: -1 } : { field: s, dir: 1 }));
  const bad = keys.find((k) => !sortable.has(k.field));
  if (bad) return `Cannot sort by ${bad.field}; sortable fields: ${[...sortable].join(', ')}`;
  return (a, b) => {
    for (const { field, dir } of keys) {
      const x = a[field] ?? '';
      const y = b[field] ?? '';
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      if (order !== 0) return order * dir;
    }
    return (a.id as number) - (b.id as number);
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
