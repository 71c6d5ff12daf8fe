import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/sandbox/emulator-kit.js';
import { startPulseEmulator, type PulseEmulatorOptions, type PulseState } from '../../src/vendors/pulse/emulator.js';
import { pulseSandboxFixture } from '../../src/vendors/pulse/fixture.js';

const fixture = pulseSandboxFixture() as Record<string, unknown>;
const ACCOUNT = '6591739253089529';
const FOREIGN = '4820015577310046';
const KEY = { apiKey: 'sandbox-pulse-key', apiSecret: 'sandbox-pulse-secret' };

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: PulseEmulatorOptions = {}, data: unknown = fixture): Promise<Emulator> {
  emulator = await startPulseEmulator(structuredClone(data), options);
  return emulator;
}

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * One request below the emulator's url (which carries its /api prefix). x-account-id is required
 * (seed), so the sandbox account is sent unless the test names one, spells the header itself, or
 * passes `account: null` to leave it out. `raw` sends a body as written, JSON or not.
 */
async function call(
  method: string,
  path: string,
  options: { token?: string; account?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const spelled = Object.keys(headers).some((name) => name.toLowerCase() === 'x-account-id');
  if (options.account !== null && !spelled) headers['x-account-id'] = options.account ?? ACCOUNT;
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const res = await fetch(emulator!.url + path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function login(): Promise<string> {
  const res = await call('POST', '/auth/login', { body: KEY });
  expect(res.status).toBe(200);
  return res.body.token as string;
}

describe('Pulse emulator: authentication', () => {
  it('logs in with an API key and secret and returns a UserSession with an opaque 64-hex token', async () => {
    await start();
    const res = await call('POST', '/auth/login', { body: KEY });
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    expect(res.body).toMatchObject({
      email: 'it@sunpath.example',
      impersonating: null,
      primaryAccount: { accountId: ACCOUNT, accountName: 'SunPath Solar', usersPrimaryAccount: true },
      accounts: [{ accountId: ACCOUNT }],
    });
    expect(res.body.flatPermissionsList).toContain('writeUsers');
  });

  it('logs in with email and password, and GET /auth/session returns the same payload', async () => {
    await start();
    const res = await call('POST', '/auth/login', { body: { email: 'it@sunpath.example', password: 'sandbox-pulse-password' } });
    expect(res.status).toBe(200);
    const session = await call('GET', '/auth/session', { token: res.body.token });
    expect(session.status).toBe(200);
    expect(session.body).toEqual(res.body);
    expect(session.body.flatRolesList).toEqual(['admin']);
  });

  it('refuses bad credentials and missing or unknown tokens with the Error shape', async () => {
    await start();
    const bad = await call('POST', '/auth/login', { body: { apiKey: 'sandbox-pulse-key', apiSecret: 'wrong' } });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ error: 'Unauthorized', status: 401, message: expect.any(String) });
    expect((await call('GET', '/users')).status).toBe(401);
    expect((await call('GET', '/users', { token: 'f'.repeat(64) })).status).toBe(401);
    expect((await call('POST', '/auth/login', { body: {} })).status).toBe(400);
  });

  it('expires tokens after the configured TTL', async () => {
    await start({ tokenTtlMs: 150 });
    const token = await login();
    expect((await call('GET', '/users', { token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const expired = await call('GET', '/users', { token });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: 'Unauthorized', status: 401, message: expect.stringMatching(/expired/i) });
  });

  it('requires x-account-id (seed), reads it in any spelling, and refuses other accounts with 403', async () => {
    await start();
    const token = await login();
    const missing = await call('GET', '/users', { token, account: null });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'Bad Request', status: 400, message: expect.stringMatching(/x-account-id header is required/) });
    const blank = await call('POST', '/users', { token, account: '  ', body: { email: 'x@y.example' } });
    expect(blank.status).toBe(400);
    expect((emulator!.state as PulseState).userByEmail('x@y.example')).toBeUndefined();
    const lower = await call('GET', '/users?pageSize=100', { token, account: ACCOUNT });
    const named = await call('GET', '/users?pageSize=100', { token, headers: { 'X-Account-ID': ACCOUNT } });
    expect(lower.status).toBe(200);
    expect(named.body).toEqual(lower.body);
    const foreign = await call('GET', '/users', { token, headers: { 'X-Account-Id': FOREIGN } });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ error: 'Forbidden', status: 403 });
    expect((await call('GET', '/users', { token, account: '1234' })).status).toBe(403);
  });

  it('refuses a key without the permission a route needs', async () => {
    const limited = structuredClone(fixture) as { apiKeys: { permissions: string[] }[] };
    limited.apiKeys[0].permissions = ['readUsers'];
    await start({}, limited);
    const token = await login();
    expect((await call('GET', '/users', { token })).status).toBe(200);
    const write = await call('POST', '/users', { token, body: { email: 'x@y.example' } });
    expect(write.status).toBe(403);
    expect(write.body.message).toMatch(/writeUsers/);
  });
});

describe('Pulse emulator: users', () => {
  it('pages with {data, page, pageSize, total, totalPages} and filters by equality and search', async () => {
    await start();
    const token = await login();
    const first = await call('GET', '/users?page=1&pageSize=3&sort=id', { token });
    expect(first.body).toMatchObject({ page: 1, pageSize: 3, total: 11, totalPages: 4 });
    expect(first.body.data.map((u: { id: number }) => u.id)).toEqual([1001, 1002, 1003]);
    const last = await call('GET', '/users?page=4&pageSize=3&sort=id', { token });
    expect(last.body.data.map((u: { id: number }) => u.id)).toEqual([1010, 1013]);
    // The default order is newest first (-createdAt).
    const newest = await call('GET', '/users?pageSize=2', { token });
    expect(newest.body.data.map((u: { id: number }) => u.id)).toEqual([1010, 1009]);
    const beyond = await call('GET', '/users?page=9&pageSize=3', { token });
    expect(beyond.body.data).toEqual([]);

    const byEmail = await call('GET', '/users?email=MARIA.GONZALEZ@sunpath.example', { token });
    expect(byEmail.body.data.map((u: { id: number }) => u.id)).toEqual([1002]);
    const inactive = await call('GET', '/users?active=false', { token });
    expect(inactive.body.data.map((u: { id: number }) => u.id)).toEqual([1008]);
    const team = await call('GET', '/users?teamId=12&sort=id', { token });
    expect(team.body.data.map((u: { id: number }) => u.id)).toEqual([1008, 1010]);
    const search = await call('GET', '/users?search=khan', { token });
    expect(search.body.data.map((u: { id: number }) => u.id)).toEqual([1008]);
    // Users of the other account are invisible.
    expect((await call('GET', '/users?email=owner@northwind.example', { token })).body.total).toBe(0);
    expect((await call('GET', '/users?page=0', { token })).status).toBe(400);
    expect((await call('GET', '/users?sort=password', { token })).status).toBe(400);
  });

  it('gets one user in the seed page shape, and 404s for a user outside the account', async () => {
    await start();
    const token = await login();
    const res = await call('GET', '/users/1003', { token });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(
      ['accounts', 'active', 'createdAt', 'createdBy', 'email', 'flatPermissionsList', 'flatRolesList', 'id', 'imgSrc', 'name', 'notificationPreferences', 'phone', 'teamId', 'updatedAt', 'updatedBy'].sort(),
    );
    expect(res.body).toMatchObject({ id: 1003, teamId: 11, flatRolesList: ['salesRep'], accounts: [{ accountId: ACCOUNT, accountName: 'SunPath Solar', usersPrimaryAccount: true, accountAdmin: false }] });
    const foreign = await call('GET', '/users/1011', { token });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ error: 'Not Found', status: 404 });
  });

  it('creates a user (201, seed shape, createdBy the key owner) and answers 409 on a duplicate in the account', async () => {
    await start();
    const token = await login();
    const res = await call('POST', '/users', { token, account: ACCOUNT, body: { email: 'new.rep@sunpath.example', name: 'New Rep', phone: '+15125550199', teamId: 12 } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(Number),
      email: 'new.rep@sunpath.example',
      name: 'New Rep',
      active: true,
      teamId: 12,
      phone: '+15125550199',
      createdBy: 'it@sunpath.example',
      updatedBy: 'it@sunpath.example',
      accounts: [{ accountId: ACCOUNT, usersPrimaryAccount: true }],
      flatRolesList: [],
      flatPermissionsList: [],
    });
    expect(Date.parse(res.body.createdAt)).not.toBeNaN();
    const duplicate = await call('POST', '/users', { token, body: { email: 'NEW.REP@sunpath.example' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ error: 'Conflict', status: 409 });
    const events = (emulator!.state as PulseState).audit.map((a) => a.event);
    expect(events).toContain('user_created');
    expect(events).toContain('user_added_to_account');
  });

  it('attaches an existing global user who is not a member of the account', async () => {
    const shared = structuredClone(fixture) as { apiKeys: { extraAccounts?: string[] }[] };
    shared.apiKeys[0].extraAccounts = [FOREIGN];
    await start({}, shared);
    const token = await login();
    const res = await call('POST', '/users', { token, account: ACCOUNT, body: { email: 'kevin.brown@sunpath.example', name: 'Someone Else' } });
    expect(res.status).toBe(201);
    expect(res.body.id).toBe(1012);
    expect(res.body.name).toBe('Kevin Brown');
    expect(res.body.accounts.map((a: { accountId: string }) => a.accountId)).toEqual([FOREIGN, ACCOUNT]);
    expect(res.body.teamId).toBeNull();
    // Still a member of the other account, with its own roles there.
    const there = await call('GET', '/users/1012', { token, account: FOREIGN });
    expect(there.body).toMatchObject({ teamId: 21, flatRolesList: ['support'] });
  });

  it('validates create bodies', async () => {
    await start();
    const token = await login();
    expect((await call('POST', '/users', { token, body: {} })).status).toBe(400);
    expect((await call('POST', '/users', { token, body: { email: 'not-an-email' } })).status).toBe(400);
    expect((await call('POST', '/users', { token, body: { email: 'a@b.example', password: 'x' } })).status).toBe(400);
    const team = await call('POST', '/users', { token, body: { email: 'a@b.example', teamId: 21 } });
    expect(team.status).toBe(422);
    expect(team.body.message).toMatch(/Team 21/);
  });

  it('patches partially and stamps updatedBy/updatedAt; deactivates with active:false', async () => {
    await start();
    const token = await login();
    const before = (await call('GET', '/users/1003', { token })).body;
    const res = await call('PATCH', '/users/1003', { token, body: { name: 'Jake Thompson', teamId: 13 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Jake Thompson', teamId: 13, phone: before.phone, active: true, updatedBy: 'it@sunpath.example' });
    expect(res.body.updatedAt > before.updatedAt).toBe(true);
    // A team id sent as a string is stored as the team's own (integer) id.
    expect((await call('PATCH', '/users/1003', { token, body: { teamId: '12' } })).body.teamId).toBe(12);
    const off = await call('PATCH', '/users/1003', { token, body: { active: false } });
    expect(off.body.active).toBe(false);
    expect((await call('PATCH', '/users/1003', { token, body: { email: 'x@y.example' } })).status).toBe(400);
    expect((await call('PATCH', '/users/1003', { token, body: { active: 'no' } })).status).toBe(400);
    expect((await call('PATCH', '/users/1011', { token, body: { name: 'x' } })).status).toBe(404);
  });

  it('keeps notificationPreferences an object (seed User schema), never a list', async () => {
    await start();
    const token = await login();
    expect((await call('GET', '/users/1003', { token })).body.notificationPreferences).toEqual({});
    const created = await call('POST', '/users', { token, body: { email: 'prefs@sunpath.example' } });
    expect(created.body.notificationPreferences).toEqual({});
    const prefs = { lead_created: { event: 'lead_created', deliveryPref: ['email', 'sms'] } };
    const set = await call('PATCH', '/users/1003', { token, body: { notificationPreferences: prefs } });
    expect(set.status).toBe(200);
    expect(set.body.notificationPreferences).toEqual(prefs);
    const list = await call('PATCH', '/users/1003', { token, body: { notificationPreferences: [{ event: 'lead_created', deliveryPref: ['email'] }] } });
    expect(list.status).toBe(400);
    expect(list.body).toEqual({ error: 'Bad Request', status: 400, message: 'notificationPreferences must be an object' });
    const pigeon = { lead_created: { event: 'lead_created', deliveryPref: ['pigeon'] } };
    expect((await call('PATCH', '/users/1003', { token, body: { notificationPreferences: pigeon } })).status).toBe(400);
    expect((await call('GET', '/users/1003', { token })).body.notificationPreferences).toEqual(prefs);
  });

  it('replaces roles and recomputes permissions; an unknown role is refused with 422', async () => {
    await start();
    const token = await login();
    const res = await call('PUT', '/users/1003/roles', { token, body: { roles: ['setter', 'support'] } });
    expect(res.status).toBe(200);
    expect(res.body.flatRolesList).toEqual(['setter', 'support']);
    expect(res.body.flatPermissionsList).toEqual(['readApplications', 'readLeads', 'readMerchants', 'readSupport', 'writeLeads']);
    const unknown = await call('PUT', '/users/1003/roles', { token, body: { roles: ['salesRep', 'wizard'] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ error: 'Unprocessable Entity', status: 422, message: expect.stringContaining('"wizard"') });
    expect((await call('GET', '/users/1003', { token })).body.flatRolesList).toEqual(['setter', 'support']);
    expect((await call('PUT', '/users/1003/roles', { token, body: { roles: 'admin' } })).status).toBe(400);
  });

  it('lists roles and teams, and creates teams', async () => {
    await start();
    const token = await login();
    const roles = await call('GET', '/roles', { token });
    expect(roles.body.map((r: { name: string }) => r.name)).toEqual(['admin', 'salesManager', 'salesRep', 'setter', 'officeAdmin', 'support', 'accounting']);
    const teams = await call('GET', '/teams', { token });
    expect(teams.body).toMatchObject({ total: 3, data: [{ id: 11 }, { id: 12 }, { id: 13 }] });
    const created = await call('POST', '/teams', { token, body: { name: 'Tucson' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 22, name: 'Tucson', accountId: ACCOUNT });
    expect((await call('POST', '/teams', { token, body: { name: 'tucson' } })).status).toBe(409);
  });

  it('rate limits per credential with 429 and Retry-After', async () => {
    await start({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const token = await login();
    for (let i = 0; i < 3; i++) expect((await call('GET', '/roles', { token })).status).toBe(200);
    const refused = await call('GET', '/roles', { token });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ error: 'Too Many Requests', status: 429 });
  });

  it('answers malformed requests with the Error shape: bad JSON, wrong types, bad paging', async () => {
    await start();
    const token = await login();
    const shape = { error: 'Bad Request', status: 400, message: expect.any(String) };
    const badJson = await call('POST', '/users', { token, raw: '{"email": "a@b.example",' });
    expect(badJson.status).toBe(400);
    expect(badJson.body).toEqual(shape);
    const badLogin = await call('POST', '/auth/login', { raw: 'apiKey=x' });
    expect(badLogin.body).toEqual(shape);
    expect((await call('POST', '/users', { token, body: ['a@b.example'] })).body).toEqual(shape);
    expect((await call('PATCH', '/users/1003', { token, body: { name: 42 } })).body).toEqual(shape);
    expect((await call('PATCH', '/users/1003', { token, body: { teamId: true } })).body).toEqual(shape);
    expect((await call('GET', '/users?pageSize=ten', { token })).body).toEqual(shape);
  });

  it('answers unknown routes with the Error shape', async () => {
    await start();
    const token = await login();
    const res = await call('GET', '/nothing', { token });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'Not Found', status: 404 });
    const method = await call('DELETE', '/roles', { token });
    expect(method.status).toBe(405);
    expect(method.body).toMatchObject({ error: 'Method Not Allowed', status: 405 });
    // Outside its prefix nothing is served, in the same shape.
    const outside = await fetch(emulator!.url.replace(/\/api$/, '') + '/users', { headers: { authorization: `Bearer ${token}`, 'x-account-id': ACCOUNT } });
    expect(outside.status).toBe(404);
    expect(await outside.json()).toMatchObject({ error: 'Not Found', status: 404 });
  });
});

describe('Pulse emulator: prefix and paths', () => {
  it('serves below /api by default and its url carries the prefix', async () => {
    await start();
    expect(new URL(emulator!.url).pathname).toBe('/api');
    await login();
    expect(emulator!.requests.at(-1)?.path).toBe('/api/auth/login');
  });

  it('serves another prefix and other paths when told, as a tenant that differs would', async () => {
    await start({ prefix: '/crm/v1', paths: { login: '/session/login', users: '/members', userRoles: '/members/{id}/role-set' } });
    expect(new URL(emulator!.url).pathname).toBe('/crm/v1');
    expect((await call('POST', '/auth/login', { body: KEY })).status).toBe(404);
    const token = (await call('POST', '/session/login', { body: KEY })).body.token as string;
    expect((await call('GET', '/members?pageSize=100', { token })).body.total).toBe(11);
    expect((await call('PUT', '/members/1003/role-set', { token, body: { roles: ['setter'] } })).body.flatRolesList).toEqual(['setter']);
    // Still authenticated and account-checked like every other route.
    expect((await call('GET', '/members', { account: null })).status).toBe(401);
    expect((await call('GET', '/members', { token, account: null })).status).toBe(400);
  });
});
