import assert from 'node:assert/strict';
import type { Emulator } from '../../sandbox/emulator-kit.js';
import { deleteRemoval, listing, type FactContext, type VendorFact } from '../facts.js';
import type { DesiredRecord, FieldValue } from '../types.js';

// HighLevel's documented facts (shared/vendors/README.md and published.md, HighLevel), each checked on the
// emulator over HTTP and on the requests the adapter really sends. The webhook facts (Ed25519 and legacy
// RSA signatures, 5-minute window, webhookId dedupe) are checked on roster's receiver in
// test/vendors/highlevel-webhook.test.ts, since no emulator or adapter takes part in them.

const README = 'shared/vendors/README.md, HighLevel';
const PUBLISHED = 'published.md, HighLevel';
const TOKEN = 'sandbox-highlevel-token';
const AUSTIN = 'aT4kW9nQ2rLx7VbP3mZs';
const JAKE = 'Jk7ThompsonAu2Lq9VbX';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(emulator: Emulator, method: string, path: string, options: { body?: unknown; version?: string; token?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? TOKEN}`, version: options.version ?? '2021-07-28' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(emulator.url + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function companyOf(ctx: FactContext): string {
  return String(ctx.fixture().companyId);
}

/** A desired record as mapping.ts builds one, for a person whose one role carries `role`. */
function desired(email: string, role: Record<string, unknown>, fields: Record<string, FieldValue> = {}): DesiredRecord {
  const assignedOnly = role.scopesAssignedToOnly as string[] | undefined;
  return {
    key: email,
    email,
    active: true,
    fields: { firstName: 'Nina', lastName: 'New', type: 'account', role: 'user', locationIds: [AUSTIN], ...(assignedOnly ? { scopesAssignedToOnly: assignedOnly } : {}), ...fields },
    dependsOn: [],
  };
}

const ctxIds = { vendorIdFor: () => undefined };

/** The sandbox fixture with `extra` more users, served 25 at most per page (the SDK's default limit). */
function manyUsers(ctx: FactContext, extra: number): Record<string, unknown> {
  const fixture: Record<string, unknown> = { ...ctx.fixture(), maxPageSize: 25 };
  const users = fixture.users as Record<string, unknown>[];
  for (let i = 0; i < extra; i++) {
    users.push({ firstName: `Paged${String(i).padStart(3, '0')}`, lastName: 'User', email: `paged${i}@sunpath.example`, type: 'agency', role: 'user' });
  }
  return fixture;
}

export const facts: VendorFact[] = [
  {
    source: `${README}: Authorization: Bearer, Version: 2021-07-28 (the SDK sends 2023-02-21); ${PUBLISHED}: apps/v3/users-v3.json is Version v3`,
    fact: 'the Version header takes the values HighLevel clients send (v3 too), not any date; the adapter sends Bearer and 2021-07-28',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const search = `/users/search?companyId=${companyOf(ctx)}`;
      for (const version of ['2021-07-28', '2023-02-21', 'v3']) assert.equal((await call(emulator, 'GET', search, { version })).status, 200, version);
      for (const version of ['2024-01-01', 'latest', 'v4', 'V3 ']) assert.equal((await call(emulator, 'GET', search, { version })).status, 400, version);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      await listing(ctx.adapter(emulator)).list();
      for (const request of ctx.sent(emulator)) {
        assert.equal(request.headers.version, '2021-07-28');
        assert.match(String(request.headers.authorization), /^Bearer \S+$/);
      }
    },
  },
  {
    source: `${README} "List"; ${PUBLISHED}: search limit defaults to 25 with no documented maximum`,
    fact: 'search answers {users, count} and cuts limit at its page cap; the adapter pages until count users are read',
    async emulator(ctx) {
      const emulator = await ctx.start(manyUsers(ctx, 54));
      const page = await call(emulator, 'GET', `/users/search?companyId=${companyOf(ctx)}&skip=0&limit=100`);
      assert.equal((page.body.users as unknown[]).length, 25);
      assert.equal(page.body.count, 60);
      const byDefault = await call(emulator, 'GET', `/users/search?companyId=${companyOf(ctx)}`);
      assert.equal((byDefault.body.users as unknown[]).length, 25);
    },
    async adapter(ctx) {
      const emulator = await ctx.start(manyUsers(ctx, 54));
      const live = await listing(ctx.adapter(emulator)).list();
      assert.equal(live.length, 60);
      assert.equal(new Set(live.map((u) => u.vendorId)).size, 60);
      assert.deepEqual(ctx.sent(emulator).map((r) => r.query.skip), ['0', '25', '50']);
    },
  },
  {
    source: `${PUBLISHED} "Scopes": only the scopes passed are enabled; an empty list disables all of them`,
    fact: 'a PUT with scopes replaces them and [] disables all; no adapter request carries a scope list unless a role declares one',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const put = (body: Record<string, unknown>) => call(emulator, 'PUT', `/users/${JAKE}`, { body: { companyId: companyOf(ctx), ...body } });
      assert.deepEqual((await put({ scopes: ['contacts.write'] })).body.scopes, ['contacts.write']);
      assert.deepEqual((await put({ firstName: 'Jake' })).body.scopes, ['contacts.write']);
      assert.deepEqual((await put({ scopes: [] })).body.scopes, []);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const adapter = ctx.adapter(emulator);
      await adapter.writer.create(desired('nina@sunpath.example', {}), ctxIds);
      await adapter.writer.update(JAKE, desired('jake.thompson@sunpath.example', {}), ['firstName'], ctxIds);
      for (const request of ctx.sent(emulator, { writesOnly: true })) {
        assert.ok(!('scopes' in (request.body as object)), `${request.method} ${request.path} sent scopes`);
        assert.ok(!('scopesAssignedToOnly' in (request.body as object)), `${request.method} ${request.path} sent scopesAssignedToOnly`);
      }
      const from = ctx.sent(emulator).length;
      await adapter.writer.update(JAKE, desired('jake.thompson@sunpath.example', { scopes: [] }, { scopes: [] }), ['scopes'], ctxIds);
      assert.deepEqual((ctx.sent(emulator, { from })[0].body as { scopes?: unknown }).scopes, []);
    },
  },
  {
    source: `${PUBLISHED}: UserSchema has no scopesAssignedToOnly in either version`,
    fact: 'scopesAssignedToOnly is write-only: never answered; the adapter sends it only when a role declares it and never reads it',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const put = await call(emulator, 'PUT', `/users/${JAKE}`, { body: { companyId: companyOf(ctx), scopesAssignedToOnly: ['contacts.write'] } });
      assert.equal(put.status, 200);
      assert.ok(!('scopesAssignedToOnly' in put.body));
      const search = await call(emulator, 'GET', `/users/search?companyId=${companyOf(ctx)}&query=jake`);
      assert.ok(!('scopesAssignedToOnly' in (search.body.users as object[])[0]));
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const adapter = ctx.adapter(emulator);
      await adapter.writer.create(desired('nina@sunpath.example', { scopesAssignedToOnly: ['contacts.write'] }), ctxIds);
      assert.deepEqual((ctx.sent(emulator, { writesOnly: true })[0].body as { scopesAssignedToOnly?: unknown }).scopesAssignedToOnly, ['contacts.write']);
      for (const user of await listing(adapter).list()) assert.ok(!('scopesAssignedToOnly' in user.fields));
    },
  },
  {
    source: `${README}: create POST /users/ needs a password: a strong random one per user, never printed or stored`,
    fact: 'a create without a password is refused; the adapter sends a fresh one that stays out of the request log',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const body = { companyId: companyOf(ctx), firstName: 'Nina', lastName: 'New', email: 'nina@sunpath.example', type: 'account', role: 'user', locationIds: [AUSTIN] };
      const refused = await call(emulator, 'POST', '/users/', { body });
      assert.equal(refused.status, 422);
      assert.match(JSON.stringify(refused.body.message), /password should not be empty/);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const { vendorId } = await ctx.adapter(emulator).writer.create(desired('nina@sunpath.example', {}), ctxIds);
      const stored = (emulator.state as { users: { id: string; password?: string }[] }).users.find((u) => u.id === vendorId);
      assert.ok(stored?.password && stored.password.length >= 32);
      assert.ok(!JSON.stringify(emulator.requests).includes(stored.password));
    },
  },
  {
    source: `${README}: email cannot change`,
    fact: 'a PUT that changes the email is refused; the adapter never sends an email on update',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const res = await call(emulator, 'PUT', `/users/${JAKE}`, { body: { companyId: companyOf(ctx), email: 'jake@elsewhere.example' } });
      assert.equal(res.status, 422);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      await ctx.adapter(emulator).writer.update(JAKE, desired('jake.t@sunpath.example', {}), ['firstName'], ctxIds);
      const put = ctx.sent(emulator, { writesOnly: true })[0];
      assert.equal(put.method, 'PUT');
      assert.ok(!('email' in (put.body as object)));
    },
  },
  {
    source: `${README}: removal is DELETE /users/{id} (asynchronous); a 401 "The user does not exist." is "not found"`,
    fact: 'a deleted user stays in search as deleted for a while and answers 401 "The user does not exist."; the adapter lists it out and takes a second delete as done',
    async emulator(ctx) {
      const emulator = await ctx.start();
      assert.equal((await call(emulator, 'DELETE', `/users/${JAKE}`)).status, 200);
      const gone = await call(emulator, 'GET', `/users/${JAKE}`);
      assert.equal(gone.status, 401);
      assert.equal(gone.body.message, 'The user does not exist.');
      const search = await call(emulator, 'GET', `/users/search?companyId=${companyOf(ctx)}&query=jake`);
      assert.equal((search.body.users as { deleted?: boolean }[])[0].deleted, true);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const adapter = ctx.adapter(emulator);
      await deleteRemoval(adapter).delete(JAKE, {} as never);
      await deleteRemoval(adapter).delete(JAKE, {} as never);
      assert.deepEqual(ctx.sent(emulator, { writesOnly: true }).map((r) => r.status), [200, 401]);
      assert.ok(!(await listing(adapter).list()).some((u) => u.vendorId === JAKE));
    },
  },
  {
    source: `${PUBLISHED} "Rate limits": 100 requests per 10 s and 200,000 a day, with five X-RateLimit-* headers`,
    fact: 'every answer carries the five X-RateLimit-* headers',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const res = await call(emulator, 'GET', `/users/search?companyId=${companyOf(ctx)}`);
      assert.equal(res.headers.get('x-ratelimit-max'), '100');
      assert.equal(res.headers.get('x-ratelimit-interval-milliseconds'), '10000');
      assert.equal(res.headers.get('x-ratelimit-limit-daily'), '200000');
      assert.ok(res.headers.get('x-ratelimit-remaining'));
      assert.ok(res.headers.get('x-ratelimit-daily-remaining'));
    },
  },
  {
    source: `${PUBLISHED}, issue #230: location tokens cannot read agency users`,
    fact: 'a location token sees account users of its own location only',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const res = await call(emulator, 'GET', `/users/search?companyId=${companyOf(ctx)}&limit=100`, { token: 'sandbox-highlevel-austin-readonly' });
      const users = res.body.users as { roles: { type: string; locationIds: string[] } }[];
      assert.ok(users.length > 0);
      for (const user of users) {
        assert.equal(user.roles.type, 'account');
        assert.ok(user.roles.locationIds.includes(AUSTIN));
      }
    },
  },
];
