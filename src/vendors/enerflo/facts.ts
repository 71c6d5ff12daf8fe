import assert from 'node:assert/strict';
import type { Emulator } from '../../sandbox/emulator-kit.js';
import { flagRemoval, listing, type FactContext, type VendorFact } from '../facts.js';
import type { DesiredRecord } from '../types.js';
import { UPDATE_FIELDS } from './documented.js';

/*
 * Enerflo's documented facts (shared/vendors/README.md and published.md, Enerflo), each checked on the
 * emulator over HTTP and on the adapter's requests as the emulator received them.
 */

const KEY = 'sandbox-enerflo-key';
const noIds = { vendorIdFor: () => undefined };

async function call(emulator: Emulator, method: string, path: string, body?: unknown, headers: Record<string, string> = { 'api-key': KEY }) {
  const response = await fetch(emulator.url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
}

const addUser = (extra: Record<string, unknown> = {}) => ({ email: 'fact.new@sunpath.example', roles: ['Setter'], notify_email: false, allow_optimus: false, ...extra });

/** A desired record as the mapping makes one, built here from plain fields (no person is needed to send it). */
function desired(fields: DesiredRecord['fields'], email = 'fact.new@sunpath.example'): DesiredRecord {
  return { key: email, email, active: true, fields, dependsOn: [] };
}

const repFields = {
  firstName: 'Fact',
  lastName: 'New',
  roles: ['Sales Rep'],
  timezone: 'America/Chicago',
  externalId: 'HR-9000',
  office: '101',
  canCreateLeads: true,
  optimusAccess: true,
  canReassignLeads: false,
  sendWelcomeEmail: true,
};

async function createdBody(ctx: FactContext): Promise<{ emulator: Emulator; body: Record<string, unknown>; path: string }> {
  const emulator = await ctx.start();
  await ctx.adapter(emulator).writer.create(desired(repFields), noIds);
  const [post] = ctx.sent(emulator, { writesOnly: true });
  return { emulator, body: post.body as Record<string, unknown>, path: post.path };
}

/** The shipped fixture with Jake (145011) suspended. */
function suspendedJake(ctx: FactContext): Record<string, unknown> {
  const fixture = ctx.fixture() as { users: { id: number; active?: boolean; suspended?: boolean }[] };
  for (const u of fixture.users) if (u.id === 145011) Object.assign(u, { active: false, suspended: true });
  return fixture;
}

/** The shipped fixture answering in shapes the documents leave open (the emulator's `answers`). */
function withAnswers(ctx: FactContext, answers: Record<string, unknown>): Record<string, unknown> {
  return { ...ctx.fixture(), answers };
}

const UPDATE_DOC = 'published.md, Enerflo reference/update-a-user';
const ADD_DOC = 'published.md, Enerflo reference/add-a-user';

export const facts: VendorFact[] = [
  {
    source: 'README.md, Enerflo: header api-key',
    fact: 'every request carries the api-key header; a request without it is refused',
    async emulator(ctx) {
      const emulator = await ctx.start();
      assert.equal((await call(emulator, 'GET', '/api/v3/users', undefined, {})).status, 401);
      assert.equal((await call(emulator, 'GET', '/api/v3/users')).status, 200);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      await listing(ctx.adapter(emulator)).list();
      for (const r of ctx.sent(emulator)) assert.equal(r.headers['api-key'], KEY, `${r.method} ${r.path}`);
    },
  },
  {
    source: ADD_DOC,
    fact: 'create is POST /api/v1/users (v1, not v3)',
    async emulator(ctx) {
      const emulator = await ctx.start();
      assert.equal((await call(emulator, 'POST', '/api/v1/users', addUser())).status, 201);
      assert.notEqual((await call(emulator, 'POST', '/api/v3/users', addUser({ email: 'v3@sunpath.example' }))).status, 201);
    },
    async adapter(ctx) {
      const { path } = await createdBody(ctx);
      assert.equal(path, '/api/v1/users');
    },
  },
  {
    source: ADD_DOC,
    fact: 'create takes the documented names: notify_email, allow_optimus, can_create_customers, can_reassign_leads, external_user_id, timezone, office_id',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const answer = await call(emulator, 'POST', '/api/v1/users', addUser({ external_user_id: 'HR-1', can_create_customers: false, allow_optimus: true }));
      assert.equal(answer.status, 201);
      assert.equal(answer.body.external_user_id, 'HR-1');
      assert.equal(answer.body.can_create_customers, false);
      assert.equal(answer.body.allow_optimus, true);
    },
    async adapter(ctx) {
      const { body } = await createdBody(ctx);
      assert.deepEqual(
        { ...body },
        {
          email: 'fact.new@sunpath.example',
          roles: ['Sales Rep'],
          notify_email: true,
          allow_optimus: true,
          can_create_customers: true,
          can_reassign_leads: false,
          first_name: 'Fact',
          last_name: 'New',
          timezone: 'America/Chicago',
          external_user_id: 'HR-9000',
          office_id: '101',
        },
      );
    },
  },
  {
    source: ADD_DOC,
    fact: 'notify_email and allow_optimus are required booleans',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const answer = await call(emulator, 'POST', '/api/v1/users', { email: 'fact.new@sunpath.example', roles: ['Setter'] });
      assert.equal(answer.status, 422);
      assert.deepEqual(Object.keys(answer.body.errors).sort(), ['allow_optimus', 'notify_email']);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      // A role that says nothing about either still sends both.
      await ctx.adapter(emulator).writer.create(desired({ roles: ['Setter'] }), noIds);
      const [post] = ctx.sent(emulator, { writesOnly: true });
      assert.equal((post.body as Record<string, unknown>).notify_email, false);
      assert.equal((post.body as Record<string, unknown>).allow_optimus, false);
    },
  },
  {
    source: ADD_DOC,
    fact: 'no password is ever sent: the person chooses their own',
    async adapter(ctx) {
      const { body } = await createdBody(ctx);
      assert.equal('password' in body, false);
    },
  },
  {
    source: ADD_DOC,
    fact: 'timezone is an enum (Pacific/Honolulu, America/Juneau, America/Los_Angeles, America/Phoenix, America/Denver, America/Chicago, America/New_York, Asia/Manila, ...)',
    async emulator(ctx) {
      const emulator = await ctx.start();
      assert.equal((await call(emulator, 'POST', '/api/v1/users', addUser({ timezone: 'Europe/Paris' }))).status, 422);
      assert.equal((await call(emulator, 'POST', '/api/v1/users', addUser({ timezone: 'Pacific/Honolulu' }))).status, 201);
    },
  },
  {
    source: ADD_DOC,
    fact: 'manager and office can only be set on the Sales Rep role at create',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const answer = await call(emulator, 'POST', '/api/v1/users', addUser({ office_id: '101', manager_email: 'maria.gonzalez@sunpath.example' }));
      assert.equal(answer.status, 201);
      assert.deepEqual(answer.body.office_ids, []);
      assert.equal(answer.body.manager_id, null);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      await ctx.adapter(emulator).writer.create(desired({ roles: ['Setter'], office: '101', manager: 'maria.gonzalez@sunpath.example' }), noIds);
      const [post] = ctx.sent(emulator, { writesOnly: true });
      for (const field of ['office_id', 'manager_id', 'manager_email']) assert.equal(field in (post.body as object), false, field);
    },
  },
  {
    source: UPDATE_DOC,
    fact: 'update is PUT /api/v3/users with the id, a string, in the body',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const answer = await call(emulator, 'PUT', '/api/v3/users', { id: '145011', last_name: 'Thompson' });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.last_name, 'Thompson');
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      await ctx.adapter(emulator).writer.update('145011', desired({ roles: ['Sales Rep'], lastName: 'Thompson' }, 'jake.thompson@sunpath.example'), ['lastName'], noIds);
      const [put] = ctx.sent(emulator, { writesOnly: true });
      assert.equal(put.method, 'PUT');
      assert.equal(put.path, '/api/v3/users');
      assert.equal((put.body as Record<string, unknown>).id, '145011');
    },
  },
  {
    source: UPDATE_DOC,
    fact: 'update takes id, manager_email, first_name, last_name, phone, email, active, roles, office_ids and nothing else (create-only fields are never sent)',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const answer = await call(emulator, 'PUT', '/api/v3/users', { id: '145010', timezone: 'America/Denver', allow_optimus: true, external_user_id: 'X' });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.timezone, 'America/Chicago');
      assert.equal(answer.body.allow_optimus, false);
      assert.equal(answer.body.external_user_id, 'HR-1001');
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const adapter = ctx.adapter(emulator);
      const record = desired({ ...repFields, phone: '5125550102', manager: 'maria.gonzalez@sunpath.example' }, 'jake.thompson@sunpath.example');
      await adapter.writer.update('145011', record, Object.keys(record.fields), noIds);
      await flagRemoval(adapter).reactivate('145011', record, [], noIds);
      await flagRemoval(adapter).deactivate('145011', { vendorId: '145011', email: record.email, active: true, fields: {} });
      const documented = new Set(['id', 'manager_email', 'first_name', 'last_name', 'phone', 'email', 'active', 'roles', 'office_ids']);
      const puts = ctx.sent(emulator, { writesOnly: true });
      assert.equal(puts.length, 3);
      for (const put of puts) for (const field of Object.keys(put.body as object)) assert.ok(documented.has(field), `PUT sent ${field}`);
    },
  },
  {
    source: UPDATE_DOC,
    fact: 'a phone is ten digits, written 555-555-5555, 5555555555 or (555) 555-5555',
    async emulator(ctx) {
      const emulator = await ctx.start();
      for (const phone of ['512-555-0111', '5125550111', '(512) 555-0111']) {
        const answer = await call(emulator, 'PUT', '/api/v3/users', { id: '145011', phone });
        assert.equal(answer.status, 200, phone);
      }
      assert.equal((await call(emulator, 'PUT', '/api/v3/users', { id: '145011', phone: '555-0111' })).status, 422);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      await ctx.adapter(emulator).writer.update('145011', desired({ roles: ['Sales Rep'], phone: '5125550111' }, 'jake.thompson@sunpath.example'), ['phone'], noIds);
      assert.match(String((ctx.sent(emulator, { writesOnly: true })[0].body as Record<string, unknown>).phone), /^\d{10}$/);
    },
  },
  {
    source: UPDATE_DOC,
    fact: 'office_ids: the first applies to every role, the rest only to Regional Manager',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const rep = await call(emulator, 'PUT', '/api/v3/users', { id: '145011', office_ids: [101, 102] });
      assert.deepEqual(rep.body.office_ids, [101]);
      const regional = await call(emulator, 'PUT', '/api/v3/users', { id: '145010', office_ids: [101, 102] });
      assert.deepEqual(regional.body.office_ids, [101, 102]);
    },
  },
  {
    source: UPDATE_DOC,
    fact: 'removing the Sales Rep role from a user with attributed leads fails',
    async emulator(ctx) {
      const emulator = await ctx.start();
      // Jake has attributed leads in the shipped fixture.
      const answer = await call(emulator, 'PUT', '/api/v3/users', { id: '145011', roles: ['Setter'] });
      assert.equal(answer.status, 422);
      assert.ok(answer.body.errors.roles);
    },
  },
  {
    source: 'README.md, Enerflo: Role Names are what writes take; slugs only filter lists',
    fact: 'writes take Role Names; a Role Slug is refused',
    async emulator(ctx) {
      const emulator = await ctx.start();
      assert.equal((await call(emulator, 'POST', '/api/v1/users', addUser({ roles: ['agent'] }))).status, 422);
      const agents = await call(emulator, 'GET', '/api/v3/users?user_role=agent');
      assert.ok(agents.body.results.length > 0);
      assert.ok(agents.body.results.every((u: { roles: string[] }) => u.roles.includes('Sales Rep')));
    },
  },
  {
    source: 'README.md, Enerflo: list GET /api/v3/users?page=&pageSize= (1-based, {results, totalPages})',
    fact: 'the list is paged from 1 with {results, totalPages}, and the adapter reads every page',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const first = await call(emulator, 'GET', '/api/v3/users?page=1&pageSize=2');
      assert.ok(Array.isArray(first.body.results));
      assert.equal(first.body.results.length, 2);
      assert.ok(first.body.totalPages > 1);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const users = await listing(ctx.adapter(emulator, { pageSize: 2 })).list();
      const gets = ctx.sent(emulator).filter((r) => !r.query.status);
      assert.equal(gets[0].query.page, '1');
      assert.equal(gets.length, Math.ceil(users.filter((u) => u.active).length / 2));
      assert.equal(new Set(users.map((u) => u.vendorId)).size, users.length);
    },
  },
  {
    source: 'published.md, Enerflo help centre "reactivate a user account"; clients list &status=inactive',
    fact: 'the default list leaves inactive users out; status=inactive lists them, and the adapter reads both',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const active = await call(emulator, 'GET', '/api/v3/users?pageSize=500');
      assert.ok(active.body.results.every((u: { active: boolean }) => u.active));
      const inactive = await call(emulator, 'GET', '/api/v3/users?pageSize=500&status=inactive');
      assert.ok(inactive.body.results.length > 0);
      assert.ok(inactive.body.results.every((u: { active: boolean }) => !u.active));
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const users = await listing(ctx.adapter(emulator)).list();
      assert.ok(ctx.sent(emulator).some((r) => r.query.status === 'inactive'));
      // Noah is inactive in the shipped fixture: listed, so bringing him back is a reactivation.
      assert.equal(users.find((u) => u.email === 'noah.bennett@sunpath.example')?.active, false);
    },
  },
  {
    source: 'published.md, Enerflo help centre "reactivate a user account" (inactive and suspended users are left out; a status filter shows them)',
    fact: 'suspended users are listed with status=suspended only, and the adapter reads them (suspendedStatuses, a setting) as inactive',
    async emulator(ctx) {
      const emulator = await ctx.start(suspendedJake(ctx));
      const ids = async (query: string) => (await call(emulator, 'GET', `/api/v3/users?pageSize=500${query}`)).body.results.map((u: { id: number }) => u.id);
      assert.ok(!(await ids('')).includes(145011));
      assert.ok(!(await ids('&status=inactive')).includes(145011));
      assert.deepEqual(await ids('&status=suspended'), [145011]);
    },
    async adapter(ctx) {
      const emulator = await ctx.start(suspendedJake(ctx));
      const jake = (await listing(ctx.adapter(emulator)).list()).find((u) => u.vendorId === '145011');
      assert.equal(jake?.active, false);
      assert.ok(ctx.sent(emulator).some((r) => r.query.status === 'suspended'));
      // The setting decides which statuses are read: none, and Jake is not seen.
      const without = await ctx.start(suspendedJake(ctx));
      assert.equal((await listing(ctx.adapter(without, { suspendedStatuses: [] })).list()).some((u) => u.vendorId === '145011'), false);
    },
  },
  {
    source: `${UPDATE_DOC}; README.md, Enerflo: the list's shape is not published, so a tenant may list the Update-a-User names only`,
    fact: 'a listing that names the manager by manager_email alone (no manager_id) reads the same managers as one with manager_id',
    async emulator(ctx) {
      const emulator = await ctx.start(withAnswers(ctx, { listFields: [...UPDATE_FIELDS] }));
      const listed = (await call(emulator, 'GET', '/api/v3/users?pageSize=500')).body.results as Record<string, unknown>[];
      assert.ok(listed.every((u) => !('manager_id' in u)));
      assert.ok(listed.some((u) => typeof u.manager_email === 'string' && u.manager_email !== ''));
    },
    async adapter(ctx) {
      const managers = async (answers: Record<string, unknown>) =>
        Object.fromEntries((await listing(ctx.adapter(await ctx.start(withAnswers(ctx, answers)))).list()).map((u) => [u.vendorId, u.fields.manager]));
      const byEmail = await managers({ listFields: [...UPDATE_FIELDS] });
      assert.ok(Object.values(byEmail).some((m) => typeof m === 'string' && m !== ''));
      assert.deepEqual(byEmail, await managers({}));
    },
  },
  {
    source: 'README.md, Enerflo: the list\'s shape is not published; published.md, help centre "reactivate a user account" (the default list holds active users, a status filter the others)',
    fact: 'a listed user without `active` takes it from the listing it came from: active from the default list, inactive from status=inactive',
    async emulator(ctx) {
      const emulator = await ctx.start(withAnswers(ctx, { listFields: UPDATE_FIELDS.filter((name) => name !== 'active') }));
      for (const status of ['', '&status=inactive']) {
        const listed = (await call(emulator, 'GET', `/api/v3/users?pageSize=500${status}`)).body.results as Record<string, unknown>[];
        assert.ok(listed.length > 0 && listed.every((u) => !('active' in u)));
      }
    },
    async adapter(ctx) {
      const emulator = await ctx.start(withAnswers(ctx, { listFields: UPDATE_FIELDS.filter((name) => name !== 'active') }));
      const users = await listing(ctx.adapter(emulator)).list();
      // Noah is inactive in the shipped fixture, Jake active: read so, and offboarding Noah is not planned again.
      assert.equal(users.find((u) => u.email === 'noah.bennett@sunpath.example')?.active, false);
      assert.equal(users.find((u) => u.email === 'jake.thompson@sunpath.example')?.active, true);
    },
  },
  {
    source: `${ADD_DOC} (the answer's shape is not published)`,
    fact: 'a create answered as {"data": {...}} is the created user: its id is read from inside, and the create is not reported failed',
    async emulator(ctx) {
      const emulator = await ctx.start(withAnswers(ctx, { wrapCreate: true }));
      const answer = await call(emulator, 'POST', '/api/v1/users', addUser());
      assert.equal(answer.status, 201);
      assert.equal(answer.body.data.email, 'fact.new@sunpath.example');
      assert.equal(typeof answer.body.data.id, 'number');
    },
    async adapter(ctx) {
      const emulator = await ctx.start(withAnswers(ctx, { wrapCreate: true }));
      const { vendorId } = await ctx.adapter(emulator).writer.create(desired(repFields), noIds);
      const created = (emulator.state as { users: { id: number; email: string }[] }).users.find((u) => u.email === 'fact.new@sunpath.example');
      assert.equal(vendorId, String(created?.id));
      assert.equal(ctx.sent(emulator, { writesOnly: true }).length, 1);
    },
  },
  {
    source: 'published.md, Enerflo help centre "how to create a user"',
    fact: '"The email has already been taken." also for another company\'s user or a deleted one',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const answer = await call(emulator, 'POST', '/api/v1/users', addUser({ email: 'jordan.blake@brightpath.example' }));
      assert.equal(answer.status, 422);
      assert.deepEqual(answer.body.errors.email, ['The email has already been taken.']);
    },
  },
  {
    source: 'published.md, Enerflo docs/api-rate-limits',
    fact: '300 requests a minute per key; 429 is an HTML page with retry-after and x-ratelimit-*',
    async emulator(ctx) {
      const emulator = await ctx.start(undefined, { rateLimit: { limit: 1, windowMs: 60_000 } });
      await call(emulator, 'GET', '/api/v3/users');
      const refused = await call(emulator, 'GET', '/api/v3/users');
      assert.equal(refused.status, 429);
      assert.match(refused.headers.get('content-type') ?? '', /text\/html/);
      assert.ok(refused.headers.get('retry-after'));
      assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
    },
  },
  {
    source: 'README.md, Enerflo: no delete endpoint; leaving is PUT {active: false}',
    fact: 'there is no delete: the adapter deactivates with active: false',
    async emulator(ctx) {
      const emulator = await ctx.start();
      assert.notEqual((await call(emulator, 'DELETE', '/api/v3/users/145011')).status, 200);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const adapter = ctx.adapter(emulator);
      await flagRemoval(adapter).deactivate('145011', { vendorId: '145011', email: 'jake.thompson@sunpath.example', active: true, fields: {} });
      const [put] = ctx.sent(emulator, { writesOnly: true });
      assert.deepEqual({ method: put.method, body: put.body }, { method: 'PUT', body: { id: '145011', active: false } });
    },
  },
];
