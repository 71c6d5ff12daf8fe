import assert from 'node:assert/strict';
import type { Emulator } from '../../sandbox/emulator-kit.js';
import { byKey, flagRemoval, type FactContext, type VendorFact } from '../facts.js';
import type { DesiredRecord, FieldValue, KeyReader } from '../types.js';

// SimplePin API v2.0 (vendor kind `partner`): one row per documented fact of shared/vendors/README.md and
// published.md. Emulator sides drive it with fetch; adapter sides assert on the requests it received.

const README = 'shared/vendors/README.md, SimplePin';
const KEYS = { authorization: 'sandbox-simplepin-authorization-key', token: 'sandbox-simplepin-token' };

async function get(emulator: Emulator, path: string, headers: Record<string, string> = KEYS): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(emulator.url + path, { headers });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

async function post(emulator: Emulator, path: string, body: unknown): Promise<number> {
  const res = await fetch(emulator.url + path, { method: 'POST', headers: { ...KEYS, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.text();
  return res.status;
}

function desired(email: string, fields: Record<string, FieldValue>, code: string): DesiredRecord {
  return { key: email, email, externalId: code, active: true, fields: { timezone: 'America/Denver', ...fields }, dependsOn: [] };
}

const noIds = { vendorIdFor: () => undefined };

function keyReader(ctx: FactContext, emulator: Emulator): KeyReader {
  // Without listPath the adapter reads by key.
  return byKey(ctx.adapter(emulator));
}

export const facts: VendorFact[] = [
  {
    source: `${README}; published.md, SimplePin Authorization page`,
    fact: 'two keys, sent as the Authorization and Token headers, identify the company; there is no partner token and no company_id',
    async emulator(ctx) {
      const emulator = await ctx.start();
      assert.equal((await get(emulator, '/v2/user/get?user_code=HR-1001')).status, 200);
      assert.equal((await get(emulator, '/v2/user/get?user_code=HR-1001', { authorization: KEYS.authorization })).status, 401);
      assert.equal((await get(emulator, '/v2/user/get?user_code=HR-1001', { token: KEYS.token })).status, 401);
      assert.equal((await get(emulator, '/v2/user/get?user_code=HR-1001', { authorization: `Bearer ${KEYS.token}` })).status, 401);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const adapter = ctx.adapter(emulator);
      await byKey(adapter).read({ key: 'm', email: 'm', code: 'HR-1001' });
      await adapter.writer.create(desired('fact.keys@sunpath.example', { firstName: 'F', lastName: 'K', role: 'MANAGER' }, 'FACT-1'), noIds);
      for (const request of ctx.sent(emulator)) {
        assert.equal(request.headers.authorization, ctx.credentials.authorizationKey, `${request.method} ${request.path}`);
        assert.equal(request.headers.token, ctx.credentials.token, `${request.method} ${request.path}`);
        assert.ok(!('company_id' in request.query), `${request.method} ${request.path} sends company_id`);
      }
    },
  },
  {
    source: 'published.md, SimplePin user-controller/get-user',
    fact: 'GET /v2/user/get?user_code= answers UserResponseV2Model, with no id and no time_zone_id, and 404 for an unknown user_code',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const found = await get(emulator, '/v2/user/get?user_code=HR-1001');
      assert.deepEqual(Object.keys(found.body).sort(), [
        'account_title', 'address', 'creation_date', 'date_of_birth', 'email', 'first_name', 'last_name', 'logo_url', 'owner_ship', 'phone', 'role', 'ssn', 'state', 'user_code',
      ]);
      assert.equal((await get(emulator, '/v2/user/get?user_code=NOBODY')).status, 404);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const reader = keyReader(ctx, emulator);
      const maria = await reader.read({ key: 'maria.gonzalez@sunpath.example', email: 'maria.gonzalez@sunpath.example', code: 'HR-1001' });
      assert.equal(maria?.vendorId, 'HR-1001');
      assert.equal(await reader.read({ key: 'n', email: 'n', code: 'NOBODY' }), undefined);
      assert.deepEqual(ctx.sent(emulator).map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`), [
        'GET /v2/user/get {"user_code":"HR-1001"}',
        'GET /v2/user/get {"user_code":"NOBODY"}',
      ]);
    },
  },
  {
    source: 'published.md, SimplePin user-controller/get-user (XML root)',
    fact: 'an XML answer of get has the root user_response_model',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const res = await get(emulator, '/v2/user/get?user_code=HR-4001', { ...KEYS, accept: 'application/xml' });
      assert.match(res.text, /<user_response_model>.*<user_code>HR-4001<\/user_code>.*<\/user_response_model>/s);
    },
  },
  {
    source: 'published.md, SimplePin user-controller/update-user',
    fact: 'POST /v2/user/update?user_code= picks the user; its body must carry every field required at creation, so roster sends the whole model',
    async emulator(ctx) {
      const emulator = await ctx.start();
      assert.equal(await post(emulator, '/v2/user/update?user_code=HR-1001', { account_title: 'Only this' }), 400);
      const whole = { email: 'maria.gonzalez@sunpath.example', first_name: 'Maria', last_name: 'Gonzalez', role: 'MANAGER', account_title: 'All of it' };
      assert.equal(await post(emulator, '/v2/user/update?user_code=HR-1001', whole), 200);
      assert.equal(await post(emulator, '/v2/user/update?user_code=NOBODY', whole), 404);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const adapter = ctx.adapter(emulator);
      await adapter.writer.update('HR-1001', desired('maria.gonzalez@sunpath.example', { firstName: 'Maria', lastName: 'Gonzalez', role: 'MANAGER', title: 'Texas' }, 'HR-1001'), ['title'], noIds);
      const [update] = ctx.sent(emulator, { writesOnly: true });
      assert.equal(update.path, '/v2/user/update');
      assert.equal(update.query.user_code, 'HR-1001');
      assert.ok(!('user_id' in update.query), 'update names no user_id');
      assert.equal(update.status, 200);
      const body = update.body as Record<string, unknown>;
      for (const field of ['email', 'first_name', 'last_name', 'role', 'state']) assert.ok(body[field], `update body carries ${field}`);
    },
  },
  {
    source: `${README}; published.md, SimplePin add-user (older page)`,
    fact: 'send_email is sent in the body and as a query parameter',
    async adapter(ctx) {
      const emulator = await ctx.start();
      await ctx.adapter(emulator).writer.create(desired('fact.send@sunpath.example', { firstName: 'F', lastName: 'S', role: 'ACCOUNTING' }, 'FACT-2'), noIds);
      const [add] = ctx.sent(emulator, { writesOnly: true });
      assert.equal(add.path, '/v2/user/add');
      assert.equal(add.query.send_email, 'false');
      assert.equal((add.body as { send_email?: unknown }).send_email, false);
    },
  },
  {
    source: `${README} (roster sets user_code itself on create)`,
    fact: 'roster creates a user with the user_code it chose, and finds it again by that code',
    async adapter(ctx) {
      const emulator = await ctx.start();
      const adapter = ctx.adapter(emulator);
      const { vendorId } = await adapter.writer.create(desired('fact.code@sunpath.example', { firstName: 'F', lastName: 'C', role: 'MANAGER' }, 'FACT-3'), noIds);
      assert.equal(vendorId, 'FACT-3');
      assert.equal((ctx.sent(emulator, { writesOnly: true })[0].body as { user_code?: unknown }).user_code, 'FACT-3');
      assert.equal((await byKey(adapter).read({ key: 'fact.code@sunpath.example', email: 'fact.code@sunpath.example', code: 'FACT-3' }))?.email, 'fact.code@sunpath.example');
    },
  },
  {
    source: `${README}; published.md, SimplePin introduction (no user-list endpoint)`,
    fact: 'no list endpoint is published: the emulator serves none, and the adapter reads by key unless listPath is set',
    async emulator(ctx) {
      const emulator = await ctx.start();
      assert.equal((await get(emulator, '/v2/user/list')).status, 404);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const { reader } = ctx.adapter(emulator);
      assert.equal(reader.mode, 'byKey');
      assert.ok(!('list' in reader), 'a reader by key offers no listing');
      assert.equal(ctx.adapter(emulator, { listPath: '/v2/user/list' }).reader.mode, 'list');
      assert.deepEqual(ctx.sent(emulator), []);
    },
  },
  {
    source: `${README}; seed page partner-v2-user-add`,
    fact: 'ACCOUNT_OWNER may never be added; roster never sends it',
    async emulator(ctx) {
      const emulator = await ctx.start();
      assert.equal(await post(emulator, '/v2/user/add', { email: 'o2@sunpath.example', first_name: 'O', last_name: 'W', role: 'ACCOUNT_OWNER' }), 400);
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      await assert.rejects(ctx.adapter(emulator).writer.create(desired('o2@sunpath.example', { firstName: 'O', lastName: 'W', role: 'ACCOUNT_OWNER' }, 'O-2'), noIds), /ACCOUNT_OWNER/);
      assert.deepEqual(ctx.sent(emulator, { writesOnly: true }), []);
    },
  },
  {
    source: `${README} (states ACTIVE, INACTIVE; leaving = update with state INACTIVE)`,
    fact: 'leaving is an update carrying the whole model with state INACTIVE',
    async adapter(ctx) {
      const emulator = await ctx.start();
      const adapter = ctx.adapter(emulator);
      const live = await byKey(adapter).read({ key: 's', email: 's', code: 'HR-4001' });
      await flagRemoval(adapter).deactivate('HR-4001', live!);
      const [update] = ctx.sent(emulator, { writesOnly: true });
      assert.equal(update.status, 200);
      assert.equal(update.query.user_code, 'HR-4001');
      assert.equal((update.body as { state?: unknown }).state, 'INACTIVE');
    },
  },
  {
    source: `${README} (GET returns ssn and date_of_birth; the adapter drops them at the boundary)`,
    fact: 'get answers ssn and date_of_birth, and nothing of them leaves the adapter',
    async emulator(ctx) {
      const emulator = await ctx.start();
      const res = await get(emulator, '/v2/user/get?user_code=HR-1001');
      assert.equal(res.body.ssn, '123-45-6789');
      assert.equal(res.body.date_of_birth, '1985-03-14');
    },
    async adapter(ctx) {
      const emulator = await ctx.start();
      const record = await keyReader(ctx, emulator).read({ key: 'm', email: 'm', code: 'HR-1001' });
      const text = JSON.stringify(record);
      for (const value of ['123-45-6789', '1985-03-14', 'ssn', 'date_of_birth', 'owner_ship']) assert.ok(!text.includes(value), `${value} left the adapter`);
    },
  },
];
