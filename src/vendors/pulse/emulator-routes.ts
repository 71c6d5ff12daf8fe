import { randomBytes } from 'node:crypto';
import { json, Router, type EmuRequest, type EmuResponse } from '../../sandbox/emulator-kit.js';
import { primaryAccount } from './emulator-access.js';
import type { PulseApp } from './emulator-app.js';
import { fail, isObject, now } from './emulator-http.js';
import { pageOf, readPaging, UserListViews } from './emulator-listing.js';
import { present, sessionPayload } from './emulator-present.js';
import type { Principal, PulseMembership, PulseSession, PulseTeam, PulseUserRow, TeamId } from './emulator-state.js';
import { checkNewUser, checkUserUpdate, readRoles, readTeamName } from './emulator-validation.js';

/** One handler per Pulse route. Every route but login runs after authentication (emulator.ts). */
export function pulseRouter(app: PulseApp): Router {
  const { paths } = app;
  const views = new UserListViews(app.state);
  return new Router()
    .add('POST', app.loginPath, (req) => logIn(app, req))
    .add('GET', app.at(paths.session), (req) => json(200, sessionPayload(app.state, app.ctx(req).session)))
    .add('GET', app.at(paths.users), (req) => listUsers(app, views, req))
    .add('GET', app.at(`${paths.users}/{id}`), (req) => getUser(app, req))
    .add('POST', app.at(paths.users), (req) => addUser(app, req))
    .add('PATCH', app.at(`${paths.users}/{id}`), (req) => updateUser(app, req))
    .add('DELETE', app.at(`${paths.users}/{id}`), (req) => removeUser(app, req))
    .add('PUT', app.at(paths.userRoles), (req) => setRoles(app, req))
    .add('GET', app.at(paths.roles), () => json(200, app.state.roles.map((r) => ({ id: r.id, name: r.name, permissions: [...r.permissions] }))))
    .add('GET', app.at(paths.teams), (req) => listTeams(app, req))
    .add('POST', app.at(paths.teams), (req) => addTeam(app, req));
}

/** `POST /auth/login` with `{apiKey, apiSecret}` (published.md) or `{email, password}` (inferred); answers a UserSession. */
function logIn(app: PulseApp, req: EmuRequest): EmuResponse {
  const { state } = app;
  const body = (req.body ?? {}) as Record<string, unknown>;
  let principal: Principal | undefined;
  if (typeof body.apiKey === 'string' || typeof body.apiSecret === 'string') {
    if (typeof body.apiKey !== 'string' || typeof body.apiSecret !== 'string') {
      return fail(400, 'apiKey and apiSecret are both required');
    }
    const refusal = app.limited(`login:${body.apiKey}`);
    if (refusal) return refusal;
    const key = state.apiKeys.find((k) => k.apiKey === body.apiKey && k.apiSecret === body.apiSecret);
    if (!key) return fail(401, 'Invalid API key or secret');
    principal = { kind: 'apiKey', id: `key:${key.apiKey}`, email: key.user, apiKey: key.apiKey };
  } else if (typeof body.email === 'string' && typeof body.password === 'string') {
    const refusal = app.limited(`login:${body.email.toLowerCase()}`);
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
  app.enter(req, { principal, accountId: primaryAccount(state, principal) ?? '', session });
  app.record(req, 'user_logged_in', { via: principal.kind });
  return json(200, sessionPayload(state, session));
}

function listUsers(app: PulseApp, views: UserListViews, req: EmuRequest): EmuResponse {
  const { accountId } = app.ctx(req);
  const paging = readPaging(req);
  if ('status' in paging) return paging;
  const rows = views.rows(req, accountId);
  if (!Array.isArray(rows)) return rows;
  const page = pageOf(rows, paging);
  return json(200, { ...page, data: page.data.map((u) => present(app.state, u, accountId)) });
}

function getUser(app: PulseApp, req: EmuRequest): EmuResponse {
  const found = memberById(app, req);
  return 'status' in found ? found : json(200, present(app.state, found.user, app.ctx(req).accountId));
}

function addUser(app: PulseApp, req: EmuRequest): EmuResponse {
  const { state } = app;
  const { accountId, principal } = app.ctx(req);
  const body = req.body;
  if (!isObject(body)) return fail(400, 'The body must be a JSON object');
  const invalid = checkNewUser(state, body, accountId);
  if (invalid) return invalid;

  const email = (body.email as string).trim();
  const stamp = now();
  let user = state.userByEmail(email);
  if (user && state.membership(user, accountId)) {
    return fail(409, `A user with email ${email} is already a member of account ${accountId}`);
  }
  const member: PulseMembership = {
    accountId,
    roles: [],
    teamId: teamOf(app, body.teamId, accountId),
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
    app.record(req, 'user_added_to_account', { userId: user.id });
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
    app.record(req, 'user_created', { userId: user.id });
    app.record(req, 'user_added_to_account', { userId: user.id });
  }
  return json(201, present(state, user, accountId));
}

function updateUser(app: PulseApp, req: EmuRequest): EmuResponse {
  const found = memberById(app, req);
  if ('status' in found) return found;
  const { accountId, principal } = app.ctx(req);
  const body = req.body;
  if (!isObject(body)) return fail(400, 'The body must be a JSON object');
  const invalid = checkUserUpdate(app.state, body, accountId);
  if (invalid) return invalid;
  const { user, member } = found;
  if ('name' in body) user.name = body.name as string | null;
  if ('phone' in body) user.phone = body.phone as string | null;
  if ('imgSrc' in body) user.imgSrc = body.imgSrc as string | null;
  if ('notificationPreferences' in body) user.notificationPreferences = body.notificationPreferences as Record<string, unknown>;
  if ('teamId' in body) member.teamId = teamOf(app, body.teamId, accountId);
  if ('active' in body) member.active = body.active as boolean;
  user.updatedBy = principal.email;
  user.updatedAt = now();
  app.state.changed();
  app.record(req, 'user_updated', { userId: user.id, fields: Object.keys(body) });
  return json(200, present(app.state, user, accountId));
}

function removeUser(app: PulseApp, req: EmuRequest): EmuResponse {
  const found = memberById(app, req);
  if ('status' in found) return found;
  const { accountId } = app.ctx(req);
  // Removes the membership only; the global identity stays (`user_removed_from_account`).
  found.user.memberships = found.user.memberships.filter((m) => m.accountId !== accountId);
  app.state.changed();
  app.record(req, 'user_removed_from_account', { userId: found.user.id });
  return json(200, { id: found.user.id, removed: true });
}

function setRoles(app: PulseApp, req: EmuRequest): EmuResponse {
  const found = memberById(app, req);
  if ('status' in found) return found;
  const { accountId, principal } = app.ctx(req);
  const roles = readRoles(app.state, req.body);
  if (!Array.isArray(roles)) return roles;
  found.member.roles = roles;
  app.state.changed();
  found.user.updatedBy = principal.email;
  found.user.updatedAt = now();
  app.record(req, 'user_roles_updated', { userId: found.user.id, roles });
  return json(200, present(app.state, found.user, accountId));
}

function listTeams(app: PulseApp, req: EmuRequest): EmuResponse {
  const { accountId } = app.ctx(req);
  const paging = readPaging(req);
  if ('status' in paging) return paging;
  return json(200, pageOf(app.state.teams.filter((t) => t.accountId === accountId), paging));
}

function addTeam(app: PulseApp, req: EmuRequest): EmuResponse {
  const { state } = app;
  const { accountId } = app.ctx(req);
  const name = readTeamName(req.body);
  if (typeof name !== 'string') return name;
  if (state.teams.some((t) => t.accountId === accountId && t.name.toLowerCase() === name.toLowerCase())) {
    return fail(409, `A team named ${name} already exists in account ${accountId}`);
  }
  const team: PulseTeam = { id: state.newTeamId(), name, accountId, createdAt: now() };
  state.teams.push(team);
  app.record(req, 'team_created', { teamId: team.id });
  return json(201, team);
}

/** The user `{id}` names, if it is a member of the request's account; a 404 otherwise. */
function memberById(app: PulseApp, req: EmuRequest): { user: PulseUserRow; member: PulseMembership } | EmuResponse {
  const { accountId } = app.ctx(req);
  const id = Number(req.params.id);
  const user = Number.isInteger(id) ? app.state.userById(id) : undefined;
  const member = user && app.state.membership(user, accountId);
  if (!user || !member) return fail(404, `User ${req.params.id} is not a member of account ${accountId}`);
  return { user, member };
}

/** The team's own id (a number stays a number even when sent as "11"); the body checks made sure it exists. */
function teamOf(app: PulseApp, value: unknown, accountId: string): TeamId | null {
  if (value === null || value === undefined) return null;
  return app.state.teams.find((t) => t.accountId === accountId && String(t.id) === String(value))?.id ?? null;
}
