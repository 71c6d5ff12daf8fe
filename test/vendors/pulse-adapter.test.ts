import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import { json, Router, startEmulator, type Emulator } from '../../src/sandbox/emulator-kit.js';
import { vendorInstanceSchema } from '../../src/config/schema.js';
import { pulse } from '../../src/vendors/pulse/index.js';
import { PulseAdapter } from '../../src/vendors/pulse/adapter.js';
import { startPulseEmulator, type PulseEmulatorOptions, type PulseState } from '../../src/vendors/pulse/emulator.js';
import { pulseSandboxFixture } from '../../src/vendors/pulse/fixture.js';
import type { ApplyContext, DesiredRecord, FieldValue } from '../../src/vendors/types.js';

const fixture = pulseSandboxFixture() as Record<string, unknown>;
const ACCOUNT = '6591739253089529';
const FOREIGN = '4820015577310046';
const API_KEY = 'sandbox-pulse-key';
const API_SECRET = 'sandbox-pulse-secret';
const ctx: ApplyContext = { vendorIdFor: () => undefined };

const emulators: Emulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function start(options: PulseEmulatorOptions = {}, data: unknown = fixture): Promise<{ emulator: Emulator; state: PulseState }> {
  const emulator = await startPulseEmulator(structuredClone(data), options);
  emulators.push(emulator);
  return { emulator, state: emulator.state as PulseState };
}

function adapterFor(url: string, config: Record<string, unknown> = {}, credentials = { apiKey: API_KEY, apiSecret: API_SECRET }): PulseAdapter {
  const http = new HttpClient({ vendor: 'pulse', baseUrl: url, retry: { maxAttempts: 2, baseDelayMs: 1 } });
  return new PulseAdapter({
    instanceName: 'pulse',
    config: pulse.parseConfig({
      kind: 'pulse',
      baseUrl: url,
      accountId: ACCOUNT,
      credentials: { apiKey: { env: 'PULSE_API_KEY' }, apiSecret: { env: 'PULSE_API_SECRET' } },
      ...config,
    }),
    credentials,
    http,
  });
}

function want(email: string, fields: Record<string, FieldValue>, active = true): DesiredRecord {
  return { key: email.toLowerCase(), email, active, fields, dependsOn: [] };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

function expectNoSecrets(text: string, tokens: string[] = []): void {
  for (const secret of [API_KEY, API_SECRET, ...tokens]) expect(text).not.toContain(secret);
}

describe('Pulse adapter: session', () => {
  it('logs in once, sends the token and x-account-id on every call, and caches the token', async () => {
    const { emulator, state } = await start();
    const adapter = adapterFor(emulator.url);
    await adapter.list();
    await adapter.findByEmail('maria.gonzalez@sunpath.example');
    await adapter.list();
    expect(state.logins).toBe(1);
    expect(adapter.logins).toBe(1);
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/auth/login', 'GET /api/users', 'GET /api/users', 'GET /api/users']);
  });

  it('uses the configured account header name', async () => {
    const { emulator } = await start();
    const adapter = adapterFor(emulator.url, { accountHeader: 'X-Account-ID', accountId: FOREIGN });
    const error = await failure(adapter.list());
    // The emulator reads the header whatever its case, so the foreign account is refused.
    expect(error.message).toMatch(/403/);
  });

  it('logs in again exactly once when the token has expired, even for a burst of concurrent calls', async () => {
    const { emulator, state } = await start();
    const adapter = adapterFor(emulator.url);
    await adapter.list();
    state.expireAllTokens();
    const found = await Promise.all(['maria.gonzalez', 'jake.thompson', 'olivia.chen', 'daniel.reyes'].map((n) => adapter.findByEmail(`${n}@sunpath.example`)));
    expect(found.every((f) => f !== undefined)).toBe(true);
    expect(state.logins).toBe(2);
    expect(adapter.logins).toBe(2);
    expect(emulator.requests.filter((r) => r.status === 401)).toHaveLength(4);
  });

  it('logs in again when the TTL passes', async () => {
    const { emulator, state } = await start({ tokenTtlMs: 250 });
    const adapter = adapterFor(emulator.url);
    await adapter.list();
    const before = state.logins;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await adapter.list()).toHaveLength(11);
    // Exactly one more login for the expired token (the count is exact in the test above; a slow
    // machine may need one more here if a list outlives the short TTL).
    expect(state.logins).toBeGreaterThan(before);
    expect(emulator.requests.some((r) => r.status === 401)).toBe(true);
  });

  it('fails clearly when the fresh token is refused too, after exactly one re-login', async () => {
    const { emulator, state } = await start({ tokenTtlMs: 0 });
    const adapter = adapterFor(emulator.url);
    const error = await failure(adapter.list());
    expect(error.message).toMatch(/refused again right after a fresh login/);
    expect(state.logins).toBe(2);
    expectNoSecrets(error.message, [...state.sessions.keys()]);
  });

  it('reports refused credentials without the key or secret', async () => {
    const { emulator } = await start();
    const adapter = adapterFor(emulator.url, {}, { apiKey: API_KEY, apiSecret: 'not-the-secret-at-all' });
    const error = await failure(adapter.list());
    expect(error.message).toMatch(/logging in to Pulse failed: pulse: POST \/auth\/login answered 401/);
    expect(error.message).toMatch(/check the API key and secret/);
    expect(error.message).not.toContain('not-the-secret-at-all');
    expectNoSecrets(error.message);
  });

  it('reports a rotated secret at re-login clearly', async () => {
    const { emulator, state } = await start();
    const adapter = adapterFor(emulator.url);
    await adapter.list();
    state.apiKeys[0].apiSecret = 'rotated-secret';
    state.expireAllTokens();
    const error = await failure(adapter.list());
    expect(error.message).toMatch(/logging in to Pulse failed/);
    expectNoSecrets(error.message);
  });

  it('refuses an account the key cannot reach with a 403 message', async () => {
    const { emulator } = await start();
    const error = await failure(adapterFor(emulator.url, { accountId: FOREIGN }).list());
    expect(error.message).toMatch(/GET \/users answered 403: Forbidden: Account 4820015577310046 is not available/);
    expectNoSecrets(error.message);
  });

  it('never lets a secret or token reach a message, even when the vendor echoes them', async () => {
    let issued = '';
    const router = new Router()
      .add('POST', '/auth/login', (req) => {
        issued = 'a'.repeat(60) + 'beef';
        return json(200, { token: issued, expiresAt: new Date(Date.now() + 60_000).toISOString(), echo: req.body });
      })
      .add('GET', '/users', (req) =>
        json(500, { error: 'Internal', status: 500, message: `failed for ${String(req.headers.authorization)} with key ${API_KEY}/${API_SECRET}` }),
      );
    const liar = await startEmulator({
      name: 'liar',
      router,
      state: {},
      tooManyRequests: () => json(429, {}),
      serverError: (s) => json(s, {}),
      notFound: () => json(404, {}),
    });
    emulators.push(liar);
    const error = await failure(adapterFor(liar.url).list());
    expect(error.message).toMatch(/answered 500/);
    expectNoSecrets(error.message, [issued]);
  });
});

describe('Pulse adapter: list and findByEmail', () => {
  it('maps users into the field space: full name, E.164 phone, team as string, sorted roles', async () => {
    const { emulator } = await start();
    const records = await adapterFor(emulator.url).list();
    expect(records.map((r) => r.vendorId)).toEqual(['1001', '1002', '1003', '1004', '1005', '1006', '1007', '1008', '1009', '1010', '1013']);
    expect(records.find((r) => r.vendorId === '1002')).toEqual({
      vendorId: '1002',
      email: 'maria.gonzalez@sunpath.example',
      active: true,
      fields: { name: 'Maria Gonzalez', phone: '+15125550101', team: '11', roles: ['salesManager'] },
    });
    expect(records.find((r) => r.vendorId === '1004')?.fields).toEqual({ name: 'Priya Patel', phone: '+15125550103', team: '11', roles: ['salesRep'] });
    expect(records.find((r) => r.vendorId === '1009')?.fields).toEqual({ name: 'Samantha Ortiz', phone: '+15125550161', team: '11', roles: ['support'] });
    expect(records.find((r) => r.vendorId === '1007')?.fields.roles).toEqual(['salesManager', 'salesRep']);
    expect(records.find((r) => r.vendorId === '1001')?.fields.team).toBeNull();
    expect(records.find((r) => r.vendorId === '1008')?.active).toBe(false);
  });

  it('pages until page >= totalPages', async () => {
    const { emulator } = await start();
    const records = await adapterFor(emulator.url, { pageSize: 3 }).list();
    expect(records).toHaveLength(11);
    const pages = emulator.requests.filter((r) => r.path === '/api/users').map((r) => r.query.page);
    expect(pages).toEqual(['1', '2', '3', '4']);
  });

  it('finds a user by email, case-insensitively, through the email filter', async () => {
    const { emulator } = await start();
    const adapter = adapterFor(emulator.url);
    expect((await adapter.findByEmail('Jake.Thompson@SunPath.example'))?.vendorId).toBe('1003');
    expect(await adapter.findByEmail('nobody@sunpath.example')).toBeUndefined();
    expect(emulator.requests.at(-1)?.query.email).toBe('nobody@sunpath.example');
  });

  describe('guards against a server that lies about paging', () => {
    async function lying(answer: (page: number) => unknown): Promise<string> {
      const router = new Router()
        .add('POST', '/auth/login', () => json(200, { token: 'b'.repeat(64) }))
        .add('GET', '/users', (req) => json(200, answer(Number(req.query.get('page')))));
      const server = await startEmulator({ name: 'liar', router, state: {}, tooManyRequests: () => json(429, {}), serverError: (s) => json(s, {}), notFound: () => json(404, {}) });
      emulators.push(server);
      return (await failure(adapterFor(server.url).list())).message;
    }
    const user = (id: number) => ({ id, email: `u${id}@x.example`, name: 'U', active: true, teamId: null, phone: null, flatRolesList: [] });

    it('refuses a server that ignores the page parameter', async () => {
      expect(await lying(() => ({ data: [user(1)], page: 1, pageSize: 1, total: 3, totalPages: 3 }))).toMatch(/asked for page 2 .* got page 1/);
    });
    it('refuses the same user on two pages', async () => {
      expect(await lying((page) => ({ data: [user(1)], page, pageSize: 1, total: 3, totalPages: 3 }))).toMatch(/user 1 appeared twice/);
    });
    it('refuses an empty page before the last one', async () => {
      expect(await lying((page) => ({ data: page === 1 ? [user(1)] : [], page, pageSize: 1, total: 9, totalPages: 9 }))).toMatch(/page 2 of 9 .* is empty/);
    });
    it('refuses a body that is not a list envelope', async () => {
      expect(await lying(() => [user(1)])).toMatch(/GET \/users page 1 is not a \{data, page, total, totalPages\} list/);
      expect(await lying((page) => ({ data: [user(1)], page, pageSize: 1, totalPages: 1 }))).toMatch(/is not a \{data, page, total, totalPages\} list/);
    });
    it('refuses a list that ends short of its total, or whose total moves', async () => {
      expect(await lying((page) => ({ data: [user(page)], page, pageSize: 1, total: 3, totalPages: 2 }))).toMatch(
        /^pulse: the user list said 3 users but 2 were read; .*run again/,
      );
      expect(await lying((page) => ({ data: [user(page)], page, pageSize: 1, total: 1 + page, totalPages: 2 }))).toMatch(
        /^pulse: the user list had 2 users on page 1 and 3 on page 2; it changed while being read/,
      );
    });
  });

  describe('one unreadable user stays one', () => {
    async function listFrom(data: unknown[]) {
      const router = new Router()
        .add('POST', '/auth/login', () => json(200, { token: 'c'.repeat(64) }))
        .add('GET', '/users', () => json(200, { data, page: 1, pageSize: data.length, total: data.length, totalPages: 1 }));
      const server = await startEmulator({ name: 'odd', router, state: {}, tooManyRequests: () => json(429, {}), serverError: (s) => json(s, {}), notFound: () => json(404, {}) });
      emulators.push(server);
      return adapterFor(server.url).list();
    }
    const good = { id: 1, email: 'good@x.example', name: 'Good One', active: true, teamId: 11, phone: '+15125550100', flatRolesList: ['salesRep'] };

    it('marks an entry without an email, or with a malformed field, and reads the others', async () => {
      const records = await listFrom([good, { id: 2, name: 'No Mail' }, { id: 3, email: 'odd@x.example', phone: 5125550100 }, { id: 4, email: 'roles@x.example', flatRolesList: 'admin' }]);
      expect(records).toHaveLength(4);
      expect(records[0]).toEqual({ vendorId: '1', email: 'good@x.example', active: true, fields: { name: 'Good One', phone: '+15125550100', team: '11', roles: ['salesRep'] } });
      expect(records[1]).toMatchObject({ vendorId: '2', email: '', unreadable: expect.stringMatching(/^page 1 of the user list: Pulse user 2 cannot be read: email: missing/) });
      expect(records[2]).toMatchObject({ vendorId: '3', email: 'odd@x.example', unreadable: expect.stringMatching(/Pulse user 3 cannot be read: phone: /) });
      expect(records[3]).toMatchObject({ vendorId: '4', email: 'roles@x.example', unreadable: expect.stringMatching(/flatRolesList/) });
      expect(records.filter((r) => r.unreadable).every((r) => Object.keys(r.fields).length === 0)).toBe(true);
    });

    it('marks an entry without an id, or one that is not an object, with what it could read', async () => {
      const records = await listFrom([{ email: 'noid@x.example', name: 'No Id' }, null, good]);
      expect(records.map((r) => [r.vendorId, r.email, Boolean(r.unreadable)])).toEqual([
        ['', 'noid@x.example', true],
        ['', '', true],
        ['1', 'good@x.example', false],
      ]);
      expect(records[0].unreadable).toMatch(/Pulse user \(no id\) cannot be read: id: missing/);
    });
  });
});

describe('Pulse adapter: paths are settings', () => {
  it('sends the documented paths below the prefix that baseUrl carries', async () => {
    const { emulator } = await start();
    expect(emulator.url).toMatch(/\/api$/);
    const adapter = adapterFor(emulator.url);
    await adapter.list();
    await adapter.update('1003', want('jake.thompson@sunpath.example', { roles: ['salesRep', 'setter'] }), ['roles'], ctx);
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/auth/login', 'GET /api/users', 'PUT /api/users/1003/roles']);
  });

  it('follows changed path settings to a tenant that serves other paths', async () => {
    const { emulator } = await start({ prefix: '/crm/v1', paths: { login: '/session/login', users: '/members', userRoles: '/members/{id}/role-set', teams: '/groups' } });
    const settings = { loginPath: '/session/login', usersPath: '/members', rolesPath: '/members/{id}/role-set', teamsPath: '/groups' };
    // The defaults miss this tenant, and say which request failed.
    expect((await failure(adapterFor(emulator.url).list())).message).toMatch(/POST \/auth\/login answered 404/);
    const adapter = adapterFor(emulator.url, settings);
    expect(await adapter.list()).toHaveLength(11);
    const from = emulator.requests.length;
    const { vendorId } = await adapter.create(want('moved@sunpath.example', { name: 'Moved Paths', roles: ['setter'] }), ctx);
    await adapter.update(vendorId, want('moved@sunpath.example', { name: 'Moved Again', roles: ['setter'] }), ['name'], ctx);
    expect((await adapter.listTeams()).map((t) => t.name)).toEqual(['Austin', 'Phoenix', 'Denver']);
    expect(emulator.requests.slice(from).map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /crm/v1/members',
      `PATCH /crm/v1/members/${vendorId}`,
      `PUT /crm/v1/members/${vendorId}/role-set`,
      `PATCH /crm/v1/members/${vendorId}`,
      'GET /crm/v1/groups',
    ]);
    expect(emulator.requests.slice(0, from).filter((r) => r.status < 400).map((r) => r.path)).toEqual(['/crm/v1/session/login', '/crm/v1/members']);
    expect(await adapter.findByEmail('moved@sunpath.example')).toMatchObject({ vendorId, fields: { name: 'Moved Again', roles: ['setter'] } });
  });

  it('refuses a path setting that is not a path, or a roles path without {id}, when roster.yaml is read', () => {
    const problems = (settings: Record<string, unknown>) => {
      const parsed = vendorInstanceSchema(pulse).safeParse({
        kind: 'pulse',
        baseUrl: 'https://api.pulse.example',
        accountId: ACCOUNT,
        credentials: { apiKey: { env: 'PULSE_API_KEY' }, apiSecret: { env: 'PULSE_API_SECRET' } },
        ...settings,
      });
      return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(problems({ usersPath: 'users' })).toEqual([expect.stringMatching(/^usersPath: a path starting with "\/"/)]);
    expect(problems({ usersPath: 'https://elsewhere.example/users' })).toEqual([expect.stringMatching(/^usersPath: /)]);
    expect(problems({ rolesPath: '/users/roles' })).toEqual([expect.stringMatching(/^rolesPath: must hold \{id\}/)]);
    expect(problems({})).toEqual([]);
  });
});

describe('Pulse adapter: writes', () => {
  it('creates with POST {email} (the seed page), sets the other fields with PATCH, then the roles with PUT', async () => {
    const { emulator, state } = await start();
    const adapter = adapterFor(emulator.url);
    const { vendorId } = await adapter.create(
      want('New.Rep@sunpath.example', { name: 'New Rep', phone: '+15125550199', team: '12', roles: ['salesRep', 'setter'] }),
      ctx,
    );
    const writes = emulator.requests.filter((r) => r.method !== 'GET' && r.path !== '/api/auth/login');
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/users', `PATCH /api/users/${vendorId}`, `PUT /api/users/${vendorId}/roles`]);
    expect(writes[0].body).toEqual({ email: 'New.Rep@sunpath.example' });
    expect(writes[1].body).toEqual({ name: 'New Rep', phone: '+15125550199', teamId: 12 });
    const live = await adapter.findByEmail('new.rep@sunpath.example');
    expect(live).toEqual({ vendorId, email: 'New.Rep@sunpath.example', active: true, fields: { name: 'New Rep', phone: '+15125550199', team: '12', roles: ['salesRep', 'setter'] } });
    expect(state.users.find((u) => String(u.id) === vendorId)?.createdBy).toBe('it@sunpath.example');
  });

  it('createFields sends the named fields with the create, and only the rest by PATCH', async () => {
    const { emulator } = await start();
    const adapter = adapterFor(emulator.url, { createFields: ['name', 'phone', 'team'] });
    const { vendorId } = await adapter.create(want('all.in@sunpath.example', { name: 'All In', phone: '+15125550198', team: '12', roles: ['salesRep'] }), ctx);
    const writes = emulator.requests.filter((r) => r.method !== 'GET' && r.path !== '/api/auth/login');
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/users', `PUT /api/users/${vendorId}/roles`]);
    expect(writes[0].body).toEqual({ email: 'all.in@sunpath.example', name: 'All In', phone: '+15125550198', teamId: 12 });
    expect(() => adapterFor(emulator.url, { createFields: ['roles'] })).toThrow();
  });

  it('a create whose PATCH fails names the fields and leaves them for the next plan', async () => {
    const { emulator } = await start();
    const error = await failure(adapterFor(emulator.url).create(want('ghost@sunpath.example', { name: 'Ghost', team: '99', roles: ['salesRep'] }), ctx));
    expect(error.message).toMatch(/created Pulse user \d+ \(ghost@sunpath.example\) but setting name, teamId failed: .*Team 99 does not exist/);
  });

  it('reports a duplicate create (409) in the vendor words', async () => {
    const { emulator } = await start();
    const error = await failure(adapterFor(emulator.url).create(want('maria.gonzalez@sunpath.example', { name: 'Maria Gonzalez', roles: ['salesManager'] }), ctx));
    expect(error.message).toMatch(/POST \/users answered 409: Conflict: A user with email maria.gonzalez@sunpath.example is already a member/);
  });

  it('leaves a create that fails at the roles step for the next plan to finish', async () => {
    const { emulator } = await start();
    const adapter = adapterFor(emulator.url);
    const error = await failure(adapter.create(want('half@sunpath.example', { name: 'Half Done', roles: ['wizard'] }), ctx));
    expect(error.message).toMatch(/created Pulse user \d+ \(half@sunpath.example\) but setting the roles failed: .*422.*"wizard"/);
    const live = await adapter.findByEmail('half@sunpath.example');
    expect(live?.fields.roles).toEqual([]);
  });

  it('updates only the changed fields, and roles only when they changed', async () => {
    const { emulator } = await start();
    const adapter = adapterFor(emulator.url);
    const desired = want('jake.thompson@sunpath.example', { name: 'Jake Thompson', phone: '+15125550102', team: '13', roles: ['salesManager', 'salesRep'] });
    await adapter.update('1003', desired, ['name', 'team'], ctx);
    let writes = emulator.requests.filter((r) => r.method === 'PATCH' || r.method === 'PUT');
    expect(writes.map((r) => [r.method, r.path, r.body])).toEqual([['PATCH', '/api/users/1003', { name: 'Jake Thompson', teamId: 13 }]]);
    await adapter.update('1003', desired, ['roles'], ctx);
    writes = emulator.requests.filter((r) => r.method === 'PATCH' || r.method === 'PUT');
    expect(writes.at(-1)).toMatchObject({ method: 'PUT', path: '/api/users/1003/roles', body: { roles: ['salesManager', 'salesRep'] } });
    expect(writes).toHaveLength(2);
    expect((await adapter.findByEmail('jake.thompson@sunpath.example'))?.fields).toEqual({ name: 'Jake Thompson', phone: null, team: '13', roles: ['salesManager', 'salesRep'] });
  });

  it('deactivates with PATCH {active:false} and reactivates with PATCH {active:true} plus changes', async () => {
    const { emulator } = await start();
    const adapter = adapterFor(emulator.url);
    const live = (await adapter.findByEmail('samantha.ortiz@sunpath.example'))!;
    await adapter.deactivate(live.vendorId, live);
    expect((await adapter.findByEmail('samantha.ortiz@sunpath.example'))?.active).toBe(false);
    await adapter.reactivate(live.vendorId, want('samantha.ortiz@sunpath.example', { name: 'Samantha Ortiz', team: '13', roles: ['accounting', 'support'] }), ['team', 'roles'], ctx);
    const patches = emulator.requests.filter((r) => r.method === 'PATCH').map((r) => r.body);
    expect(patches).toEqual([{ active: false }, { active: true, teamId: 13 }]);
    expect(await adapter.findByEmail('samantha.ortiz@sunpath.example')).toMatchObject({ active: true, fields: { team: '13', roles: ['accounting', 'support'] } });
  });

  it('never deletes: its writer offers deactivation only', async () => {
    const { emulator } = await start();
    const { removal } = adapterFor(emulator.url).writer;
    expect(removal.kind).toBe('flag');
    expect(removal).not.toHaveProperty('delete');
    expect(emulator.requests.some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('declares how users leave, that emails are not changed in place, and its fields', () => {
    expect(pulse.removal).toBe('flag');
    expect(pulse.emailChange(pulse.parseConfig({ kind: 'pulse', baseUrl: 'https://api.pulse.example', accountId: ACCOUNT, credentials: { apiKey: { env: 'PULSE_API_KEY' }, apiSecret: { env: 'PULSE_API_SECRET' } } }))).toBe('refuse');
    expect(pulse.fields).toEqual([{ name: 'name' }, { name: 'phone', personal: 'phone' }, { name: 'team' }, { name: 'roles' }]);
  });
});
