import assert from 'node:assert/strict';
import type { Emulator } from '../../sandbox/emulator-kit.js';
import { flagRemoval, listing, type FactContext, type VendorFact } from '../facts.js';
import type { DesiredRecord, FieldValue } from '../types.js';
import type { PulseAdapter } from './adapter.js';
import type { PulseEmulatorOptions, PulseState } from './emulator.js';

// One row per documented Pulse fact of shared/vendors/README.md and published.md (section "Pulse CRM"),
// and of the seed page (shared/seeds/pulse-create-user.txt) they cite. Emulator sides talk HTTP with
// fetch; adapter sides drive the adapter and read what the emulator received.

const README = 'shared/vendors/README.md, Pulse CRM';
const PUBLISHED = 'shared/vendors/published.md, Pulse CRM (developers.chargeloop.com)';
const SEED = 'shared/seeds/pulse-create-user.txt (POST /users)';
const ACCOUNT = '6591739253089529';
const FOREIGN = '4820015577310046';
const ERROR_KEYS = ['error', 'message', 'status'];

interface Reply {
  status: number;
  /** A vendor JSON answer, checked field by field. */
  body: any;
}

/** One request below the emulator's url; x-account-id is sent unless `account: null`. */
async function call(
  emulator: Emulator,
  method: string,
  path: string,
  options: { token?: string; account?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.account !== null && !Object.keys(headers).some((h) => h.toLowerCase() === 'x-account-id')) headers['x-account-id'] = options.account ?? ACCOUNT;
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const res = await fetch(emulator.url + path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function login(ctx: FactContext, emulator: Emulator, path = '/auth/login'): Promise<string> {
  const res = await call(emulator, 'POST', path, { body: { apiKey: ctx.credentials.apiKey, apiSecret: ctx.credentials.apiSecret } });
  assert.equal(res.status, 200, `login answered ${res.status}`);
  assert.equal(typeof res.body.token, 'string');
  return res.body.token as string;
}

function assertErrorShape(reply: Reply, status: number, what: string): void {
  assert.equal(reply.status, status, `${what}: status`);
  assert.deepEqual(Object.keys(reply.body ?? {}).sort(), ERROR_KEYS, `${what}: body ${JSON.stringify(reply.body)}`);
  assert.equal(reply.body.status, status, `${what}: status in the body`);
  assert.equal(typeof reply.body.error, 'string');
  assert.equal(typeof reply.body.message, 'string');
}

function want(email: string, fields: Record<string, FieldValue>): DesiredRecord {
  return { key: email.toLowerCase(), email, active: true, fields, dependsOn: [] };
}

const noIds = { vendorIdFor: () => undefined };
const state = (emulator: Emulator) => emulator.state as PulseState;
const wire = (emulator: Emulator, ctx: FactContext, from = 0) => ctx.sent(emulator, { from }).map((r) => `${r.method} ${r.path}`);

/** Paths a tenant might serve instead of the defaults, and the settings that reach them. */
const movedPaths: PulseEmulatorOptions = {
  prefix: '/crm/v1',
  paths: { login: '/session/login', users: '/members', userRoles: '/members/{id}/role-set', teams: '/groups' },
};
const movedSettings = { loginPath: '/session/login', usersPath: '/members', rolesPath: '/members/{id}/role-set', teamsPath: '/groups' };

export const facts: VendorFact[] = [
  {
    source: `${PUBLISHED}; ${README}: "POST /auth/login with {apiKey, apiSecret} gives a bearer token"`,
    fact: 'POST /auth/login with {apiKey, apiSecret} answers a token, which later calls send as a bearer token',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const token = await login(ctx, emulator);
      assert.equal((await call(emulator, 'GET', '/users', { token })).status, 200);
      assertErrorShape(await call(emulator, 'GET', '/users'), 401, 'no token');
      const wrong = await call(emulator, 'POST', '/auth/login', { body: { apiKey: ctx.credentials.apiKey, apiSecret: 'wrong' } });
      assertErrorShape(wrong, 401, 'a wrong secret');
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      await listing(ctx.adapter(emulator)).list();
      const [first, ...rest] = ctx.sent(emulator);
      assert.equal(`${first.method} ${first.path}`, 'POST /api/auth/login');
      assert.deepEqual(first.body, { apiKey: ctx.credentials.apiKey, apiSecret: ctx.credentials.apiSecret });
      assert.ok(rest.length > 0);
      for (const request of rest) assert.match(String(request.headers.authorization), /^Bearer [0-9a-f]{64}$/, `${request.method} ${request.path}`);
    },
  },
  {
    source: `${README}: "log in again once on 401"`,
    fact: 'an expired token is refused with 401, and the adapter logs in again exactly once and goes on',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const token = await login(ctx, emulator);
      state(emulator).expireAllTokens();
      assertErrorShape(await call(emulator, 'GET', '/users', { token }), 401, 'an expired token');
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const adapter = ctx.adapter(emulator);
      await listing(adapter).list();
      state(emulator).expireAllTokens();
      const from = emulator.requests.length;
      assert.equal((await listing(adapter).list()).length, 11);
      const logins = wire(emulator, ctx, from).filter((r) => r === 'POST /api/auth/login');
      assert.equal(logins.length, 1);
      assert.equal(ctx.sent(emulator, { from }).filter((r) => r.status === 401).length, 1);
    },
  },
  {
    source: 'shared/vendors/README.md, Pulse CRM: every call sends x-account-id (seed: required)',
    fact: 'every request the adapter sends after logging in carries the x-account-id header',
    async adapter(ctx) {
      const emulator = await ctx.start();
      await listing(ctx.adapter(emulator)).list();
      const sent = ctx.sent(emulator);
      assert.ok(sent.length >= 2, 'a login and at least one listing request');
      for (const request of sent.slice(1)) assert.ok(request.headers['x-account-id'], `${request.method} ${request.path} has no x-account-id`);
    },
  },
  {
    source: `${SEED}: x-account-id is a required header; ${README}: "the emulator refuses a call without it"`,
    fact: 'a call without x-account-id is refused with 400 in the Error shape, and nothing is written',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const token = await login(ctx, emulator);
      assertErrorShape(await call(emulator, 'GET', '/users', { token, account: null }), 400, 'a list without x-account-id');
      const create = await call(emulator, 'POST', '/users', { token, account: null, body: { email: 'no.account@sunpath.example' } });
      assertErrorShape(create, 400, 'a create without x-account-id');
      assert.equal(state(emulator).userByEmail('no.account@sunpath.example'), undefined);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const adapter = ctx.adapter(emulator);
      await adapter.writer.create(want('with.account@sunpath.example', { name: 'With Account', roles: ['salesRep'] }), noIds);
      for (const request of ctx.sent(emulator).slice(1)) assert.equal(request.headers['x-account-id'], ACCOUNT, `${request.method} ${request.path}`);
    },
  },
  {
    source: `${PUBLISHED}: the account header is spelled X-Account-ID; ${README}: header names are case-insensitive`,
    fact: 'the account header is read whatever its spelling, and its name is a setting (accountHeader)',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const token = await login(ctx, emulator);
      const spelled = await call(emulator, 'GET', '/users?pageSize=100', { token, headers: { 'X-Account-ID': ACCOUNT } });
      const lower = await call(emulator, 'GET', '/users?pageSize=100', { token, account: ACCOUNT });
      assert.equal(spelled.status, 200);
      assert.deepEqual(spelled.body, lower.body);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      await listing(ctx.adapter(emulator, { accountHeader: 'X-Account-ID' })).list();
      // HTTP header names are case-insensitive; the emulator sees them lower-cased.
      for (const request of ctx.sent(emulator).slice(1)) assert.equal(request.headers['x-account-id'], ACCOUNT);
    },
  },
  {
    source: `${PUBLISHED}: "keys belong to one account"`,
    fact: 'an account the API key does not belong to is refused with 403, and the adapter says so',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const token = await login(ctx, emulator);
      assertErrorShape(await call(emulator, 'GET', '/users', { token, account: FOREIGN }), 403, 'a foreign account');
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      await assert.rejects(listing(ctx.adapter(emulator, { accountId: FOREIGN })).list(), /GET \/users answered 403: Forbidden: Account 4820015577310046/);
    },
  },
  {
    source: `${SEED}: body {"email"}, answers the User object`,
    fact: 'POST /users with only {email} creates a user and answers the seed page User shape; the adapter sends {email} and sets the rest by its update',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const token = await login(ctx, emulator);
      const res = await call(emulator, 'POST', '/users', { token, body: { email: 'only.email@sunpath.example' } });
      assert.equal(res.status, 201);
      for (const key of ['id', 'email', 'name', 'active', 'teamId', 'phone', 'imgSrc', 'notificationPreferences', 'createdBy', 'updatedBy', 'createdAt', 'updatedAt', 'accounts', 'flatRolesList', 'flatPermissionsList']) {
        assert.ok(key in res.body, `the answer has ${key}`);
      }
      assert.equal(typeof res.body.id, 'number');
      assert.deepEqual(Object.keys(res.body.accounts[0]).sort(), ['accountAdmin', 'accountId', 'accountName', 'usersPrimaryAccount']);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const from = emulator.requests.length;
      const { vendorId } = await ctx.adapter(emulator).writer.create(want('new.rep@sunpath.example', { name: 'New Rep', team: '12', roles: ['salesRep'] }), noIds);
      const create = ctx.sent(emulator, { from, writesOnly: true })[1];
      assert.equal(`${create.method} ${create.path}`, 'POST /api/users');
      // Only the documented body by default (createFields: []); name and team follow through the update.
      assert.deepEqual(create.body, { email: 'new.rep@sunpath.example' });
      const patch = ctx.sent(emulator, { from, writesOnly: true })[2];
      assert.equal(`${patch.method} ${patch.path}`, `PATCH /api/users/${vendorId}`);
      assert.deepEqual(patch.body, { name: 'New Rep', teamId: 12 });
      assert.equal(vendorId, String(state(emulator).userByEmail('new.rep@sunpath.example')?.id));
    },
  },
  {
    source: `${PUBLISHED}: "Paths are written without an /api prefix"; ${README}: "any prefix belongs in baseUrl"`,
    fact: 'the emulator serves below a prefix of its own that its url carries, and the adapter sends the documented paths below baseUrl',
    async emulator(ctx) {
      const emulator = await ctx.start();
      assert.equal(new URL(emulator.url).pathname, '/api');
      const outside = await fetch(`${new URL(emulator.url).origin}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiKey: ctx.credentials.apiKey, apiSecret: ctx.credentials.apiSecret }),
      });
      assertErrorShape({ status: outside.status, body: await outside.json() }, 404, 'outside the prefix');
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const adapter = ctx.adapter(emulator);
      await listing(adapter).list();
      await adapter.writer.update('1003', want('jake.thompson@sunpath.example', { name: 'Jake Thompson', roles: ['salesRep', 'setter'] }), ['name', 'roles'], noIds);
      await (adapter as PulseAdapter).listTeams();
      assert.deepEqual(wire(emulator, ctx), ['POST /api/auth/login', 'GET /api/users', 'PATCH /api/users/1003', 'PUT /api/users/1003/roles', 'GET /api/teams']);
    },
  },
  {
    source: `${README}: "Every path is a setting (login, users, roles, teams) whose default follows the documents"`,
    fact: 'changed loginPath, usersPath, rolesPath and teamsPath reach a tenant that serves other paths',
    async emulator(ctx) {
      const emulator = await ctx.start(undefined, movedPaths);
      assert.equal((await call(emulator, 'POST', '/auth/login', { body: ctx.credentials })).status, 404);
      const token = await login(ctx, emulator, '/session/login');
      assert.equal((await call(emulator, 'GET', '/members', { token })).status, 200);
      assert.equal((await call(emulator, 'GET', '/groups', { token })).status, 200);
    },
    async adapter(ctx) {
      const emulator = await ctx.start(undefined, movedPaths);
      await assert.rejects(listing(ctx.adapter(emulator)).list(), /POST \/auth\/login answered 404/);
      const adapter = ctx.adapter(emulator, movedSettings);
      assert.equal((await listing(adapter).list()).length, 11);
      await adapter.writer.update('1003', want('jake.thompson@sunpath.example', { team: '13', roles: ['setter'] }), ['team', 'roles'], noIds);
      await (adapter as PulseAdapter).listTeams();
      const answered = ctx.sent(emulator).filter((r) => r.status < 400).map((r) => `${r.method} ${r.path}`);
      assert.deepEqual(answered, ['POST /crm/v1/session/login', 'GET /crm/v1/members', 'PATCH /crm/v1/members/1003', 'PUT /crm/v1/members/1003/role-set', 'GET /crm/v1/groups']);
    },
  },
  {
    source: `${README}: inferred list GET /users?page=&pageSize= answering {data, page, pageSize, total, totalPages}`,
    fact: 'the users list pages with page and pageSize in the envelope, and the adapter reads every page up to total',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const token = await login(ctx, emulator);
      const res = await call(emulator, 'GET', '/users?page=2&pageSize=3', { token });
      assert.deepEqual(Object.keys(res.body).sort(), ['data', 'page', 'pageSize', 'total', 'totalPages']);
      assert.deepEqual([res.body.page, res.body.pageSize, res.body.total, res.body.totalPages, res.body.data.length], [2, 3, 11, 4, 3]);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      assert.equal((await listing(ctx.adapter(emulator, { pageSize: 3 })).list()).length, 11);
      const pages = ctx.sent(emulator).filter((r) => r.method === 'GET').map((r) => [r.query.page, r.query.pageSize]);
      assert.deepEqual(pages, [['1', '3'], ['2', '3'], ['3', '3'], ['4', '3']]);
    },
  },
  {
    source: `${README}: inferred update PATCH /users/{id}`,
    fact: 'an update is a PATCH of the changed fields only, and the user keeps the others',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const token = await login(ctx, emulator);
      const res = await call(emulator, 'PATCH', '/users/1002', { token, body: { teamId: 13 } });
      assert.equal(res.status, 200);
      assert.deepEqual([res.body.name, res.body.phone, res.body.teamId], ['Maria Gonzalez', '(512) 555-0101', 13]);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const from = emulator.requests.length;
      await ctx.adapter(emulator).writer.update('1003', want('jake.thompson@sunpath.example', { name: 'Jake Thompson', phone: '+15125550102', team: '11', roles: ['salesRep'] }), ['name'], noIds);
      const writes = ctx.sent(emulator, { from, writesOnly: true }).slice(1);
      assert.deepEqual(writes.map((r) => [r.method, r.path, r.body]), [['PATCH', '/api/users/1003', { name: 'Jake Thompson' }]]);
    },
  },
  {
    source: `${README}: inferred roles PUT /users/{id}/roles`,
    fact: "PUT /users/{id}/roles replaces a user's roles, and the adapter sends it only when roles changed",
    async emulator(ctx) {
      const emulator = await ctx.start();
      const token = await login(ctx, emulator);
      const res = await call(emulator, 'PUT', '/users/1007/roles', { token, body: { roles: ['salesManager'] } });
      assert.deepEqual(res.body.flatRolesList, ['salesManager']);
      assertErrorShape(await call(emulator, 'PUT', '/users/1007/roles', { token, body: { roles: ['wizard'] } }), 422, 'an unknown role');
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const adapter = ctx.adapter(emulator);
      const desired = want('daniel.reyes@sunpath.example', { name: 'Daniel Reyes', roles: ['salesManager'] });
      await adapter.writer.update('1007', desired, ['name'], noIds);
      await adapter.writer.update('1007', desired, ['roles'], noIds);
      const writes = ctx.sent(emulator, { writesOnly: true }).slice(1);
      assert.deepEqual(writes.map((r) => [r.method, r.path, r.body]), [
        ['PATCH', '/api/users/1007', { name: 'Daniel Reyes' }],
        ['PUT', '/api/users/1007/roles', { roles: ['salesManager'] }],
      ]);
    },
  },
  {
    source: `${README}: inferred teams GET /teams`,
    fact: "GET /teams lists the account's teams in the list envelope",
    async emulator(ctx) {
      const emulator = await ctx.start();
      const token = await login(ctx, emulator);
      const res = await call(emulator, 'GET', '/teams', { token });
      assert.deepEqual(res.body.data.map((t: { id: number }) => t.id), [11, 12, 13]);
      assert.equal(res.body.total, 3);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const teams = await (ctx.adapter(emulator) as PulseAdapter).listTeams();
      assert.deepEqual(teams, [
        { id: '11', name: 'Austin' },
        { id: '12', name: 'Phoenix' },
        { id: '13', name: 'Denver' },
      ]);
    },
  },
  {
    source: `${README}: "Deactivate = PATCH {active: false}"`,
    fact: 'leaving is PATCH {active: false}; the user stays listed, inactive, and is never deleted',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const token = await login(ctx, emulator);
      assert.equal((await call(emulator, 'PATCH', '/users/1006', { token, body: { active: false } })).body.active, false);
      const inactive = await call(emulator, 'GET', '/users?active=false&sort=id', { token });
      assert.deepEqual(inactive.body.data.map((u: { id: number }) => u.id), [1006, 1008]);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const adapter = ctx.adapter(emulator);
      const live = (await listing(adapter).list()).find((r) => r.vendorId === '1006')!;
      await flagRemoval(adapter).deactivate('1006', live);
      // No delete is offered at all: the writer's removal is the active flag.
      assert.equal(adapter.writer.removal.kind, 'flag');
      assert.ok(!('delete' in adapter.writer.removal));
      assert.deepEqual(ctx.sent(emulator, { writesOnly: true }).slice(1).map((r) => [r.method, r.path, r.body]), [['PATCH', '/api/users/1006', { active: false }]]);
    },
  },
  {
    source: `${README}: "Duplicate email = 409"`,
    fact: 'creating an email that is already a member of the account answers 409, and the adapter reports it',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const token = await login(ctx, emulator);
      assertErrorShape(await call(emulator, 'POST', '/users', { token, body: { email: 'MARIA.GONZALEZ@sunpath.example' } }), 409, 'a duplicate email');
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      await assert.rejects(
        ctx.adapter(emulator).writer.create(want('maria.gonzalez@sunpath.example', { name: 'Maria Gonzalez', roles: ['salesManager'] }), noIds),
        /POST \/users answered 409: Conflict/,
      );
    },
  },
  {
    source: `${README}: "Errors {error, status, message} everywhere, malformed bodies too"; ${SEED}: components/schemas/Error`,
    fact: 'bad JSON, wrong types, bad paging, unknown routes and wrong methods all answer {error, status, message}',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const token = await login(ctx, emulator);
      assertErrorShape(await call(emulator, 'POST', '/users', { token, raw: '{"email": ' }), 400, 'bad JSON');
      assertErrorShape(await call(emulator, 'POST', '/auth/login', { raw: '{apiKey}' }), 400, 'bad JSON at login');
      assertErrorShape(await call(emulator, 'POST', '/users', { token, body: 'a@b.example' }), 400, 'a body that is not an object');
      assertErrorShape(await call(emulator, 'PATCH', '/users/1003', { token, body: { active: 'yes' } }), 400, 'a wrong type');
      assertErrorShape(await call(emulator, 'GET', '/users?page=zero', { token }), 400, 'bad paging');
      assertErrorShape(await call(emulator, 'GET', '/nowhere', { token }), 404, 'an unknown route');
      assertErrorShape(await call(emulator, 'DELETE', '/teams', { token }), 405, 'a wrong method');
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      // The adapter turns the shape into one sentence: "<error>: <message>".
      await assert.rejects(
        ctx.adapter(emulator).writer.create(want('ghost@sunpath.example', { name: 'Ghost', team: '99', roles: ['salesRep'] }), noIds),
        /answered 422: Unprocessable Entity: Team 99 does not exist in account 6591739253089529/,
      );
    },
  },
  {
    source: `${README}: "notificationPreferences is an object (seed), not an array"; ${SEED}: User.notificationPreferences type object`,
    fact: 'notificationPreferences is an object, and a list is refused',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const token = await login(ctx, emulator);
      assert.deepEqual((await call(emulator, 'GET', '/users/1003', { token })).body.notificationPreferences, {});
      const prefs = { lead_created: { event: 'lead_created', deliveryPref: ['email'] } };
      assert.deepEqual((await call(emulator, 'PATCH', '/users/1003', { token, body: { notificationPreferences: prefs } })).body.notificationPreferences, prefs);
      assertErrorShape(await call(emulator, 'PATCH', '/users/1003', { token, body: { notificationPreferences: [prefs.lead_created] } }), 400, 'a list');
    },
  },
];
