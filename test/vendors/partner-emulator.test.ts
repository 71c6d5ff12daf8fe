import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/sandbox/emulator-kit.js';
import { XMLParser } from 'fast-xml-parser';
import { OTHER_KEYS, call, sandboxFixture, startPartner } from './partner-helpers.js';

// The SimplePin emulator over HTTP, against shared/vendors/README.md and published.md (SimplePin).

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: Parameters<typeof startPartner>[1] = {}, fixture: unknown = sandboxFixture()) {
  const started = await startPartner(fixture, options);
  emulator = started.emulator;
  return started;
}

const listing = () => ({ ...sandboxFixture(), options: { listEndpoint: true } });
const other = { authorization: OTHER_KEYS.authorization, token: OTHER_KEYS.token };

const newUser = {
  email: 'new.person@sunpath.example',
  first_name: 'New',
  last_name: 'Person',
  role: 'CUSTOMER_CARE',
  phone: '+15125550199',
  account_title: 'Support Specialist',
  time_zone_id: 'America/Denver',
  password: 'Secret-Passw0rd!',
  ssn: '123-45-6789',
  send_email: false,
  user_code: 'NP-1',
};

/** What an update must carry (every field required at creation) for Maria, HR-1001. */
const maria = { email: 'maria.gonzalez@sunpath.example', first_name: 'Maria', last_name: 'Gonzalez', role: 'MANAGER' };

describe('SimplePin emulator: auth by two company keys', () => {
  it('answers 401 without either key and with an unknown pair, in Spring error shape', async () => {
    const { emulator } = await start();
    for (const keys of [{ token: null }, { authorization: null }, { authorization: null, token: null }]) {
      const missing = await call(emulator.url, '/v2/user/get?user_code=HR-1001', keys);
      expect(missing.status).toBe(401);
      expect(missing.json).toMatchObject({ status: 401, error: 'Unauthorized', path: '/v2/user/get' });
      expect(typeof missing.json.timestamp).toBe('string');
    }
    expect((await call(emulator.url, '/v2/user/get?user_code=HR-1001', { token: OTHER_KEYS.token })).status).toBe(401);
    // A bearer token is not how SimplePin authenticates.
    expect((await call(emulator.url, '/v2/user/get?user_code=HR-1001', { authorization: 'Bearer sandbox-simplepin-token', token: null })).status).toBe(401);
  });

  it('identifies the company by the keys: the same user_code in another company is another user', async () => {
    const { emulator } = await start();
    expect((await call(emulator.url, '/v2/user/get?user_code=HR-1001')).json.email).toBe('maria.gonzalez@sunpath.example');
    expect((await call(emulator.url, '/v2/user/get?user_code=HR-1001', other)).json.email).toBe('nina.west@northwind.example');
    expect((await call(emulator.url, '/v2/user/get?user_code=HR-4001', other)).status).toBe(404);
  });

  it('limits requests per company with 429 and Retry-After', async () => {
    const { emulator } = await start({ rateLimit: { limit: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect((await call(emulator.url, '/v2/user/get?user_code=HR-1001')).status).toBe(200);
    const refused = await call(emulator.url, '/v2/user/get?user_code=HR-1001');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.json).toMatchObject({ status: 429, error: 'Too Many Requests' });
    expect((await call(emulator.url, '/v2/user/get?user_code=HR-1001', other)).status).toBe(200);
  });
});

describe('SimplePin emulator: get by user_code', () => {
  it('answers UserResponseV2Model: exactly its fields, no id and no time_zone_id, ssn and date of birth included', async () => {
    const { emulator } = await start();
    const res = await call(emulator.url, '/v2/user/get?user_code=HR-1001');
    expect(res.status).toBe(200);
    expect(Object.keys(res.json).sort()).toEqual(
      ['account_title', 'address', 'creation_date', 'date_of_birth', 'email', 'first_name', 'last_name', 'logo_url', 'owner_ship', 'phone', 'role', 'ssn', 'state', 'user_code'],
    );
    expect(res.json).toMatchObject({ user_code: 'HR-1001', email: 'maria.gonzalez@sunpath.example', role: 'MANAGER', ssn: '123-45-6789', date_of_birth: '1985-03-14' });
    const owner = await call(emulator.url, '/v2/user/get?user_code=OWNER-1001');
    expect(owner.json).toMatchObject({ role: 'ACCOUNT_OWNER', owner_ship: 100 });
    expect(owner.text).not.toContain('Owner-Sandbox-Passw0rd!');
    expect(owner.text).not.toContain('password');
  });

  it('answers XML under user_response_model when asked', async () => {
    const { emulator } = await start();
    const res = await call(emulator.url, '/v2/user/get?user_code=HR-4001', { accept: 'application/xml' });
    expect(res.headers.get('content-type')).toMatch(/application\/xml/);
    const parsed = new XMLParser({ parseTagValue: false }).parse(res.text);
    expect(parsed.user_response_model).toMatchObject({ user_code: 'HR-4001', first_name: 'Samantha' });
  });

  it('answers 404 for an unknown user_code and 400 without one', async () => {
    const { emulator } = await start();
    const unknown = await call(emulator.url, '/v2/user/get?user_code=NOPE');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ status: 404, error: 'Not Found' });
    expect((await call(emulator.url, '/v2/user/get')).status).toBe(400);
    expect((await call(emulator.url, '/v2/user/update', { body: maria })).status).toBe(400);
    expect((await call(emulator.url, '/v2/user/update?user_code=NOPE', { body: maria })).status).toBe(404);
  });
});

describe('SimplePin emulator: add', () => {
  it('adds a user from JSON with the user_code it was given, answering the response model without the password', async () => {
    const { emulator, state } = await start();
    const res = await call(emulator.url, '/v2/user/add', { body: newUser });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ user_code: 'NP-1', email: newUser.email, first_name: 'New', role: 'CUSTOMER_CARE', state: 'ACTIVE', account_title: 'Support Specialist' });
    expect(res.json).not.toHaveProperty('id');
    expect(res.json).not.toHaveProperty('time_zone_id');
    expect(res.text).not.toContain('Passw0rd');
    const stored = state.users.find((u) => u.user_code === 'NP-1')!;
    expect(stored).toMatchObject({ company_id: 1001, time_zone_id: 'America/Denver', ssn: '123-45-6789' });
    expect(stored.password_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(state.invitesSent).toEqual([]);
    // Without a user_code the vendor picks one.
    const picked = await call(emulator.url, '/v2/user/add', { body: { ...newUser, email: 'picked@sunpath.example', user_code: undefined } });
    expect(picked.json.user_code).toMatch(/^U\d+$/);
  });

  it('takes send_email from the body, or else from the query parameter', async () => {
    const { emulator, state } = await start();
    await call(emulator.url, '/v2/user/add', { body: { ...newUser, send_email: true } });
    await call(emulator.url, '/v2/user/add?send_email=true', { body: { ...newUser, email: 'q@sunpath.example', user_code: 'Q-1', send_email: undefined } });
    await call(emulator.url, '/v2/user/add?send_email=true', { body: { ...newUser, email: 'b@sunpath.example', user_code: 'B-1', send_email: false } });
    expect(state.invitesSent).toEqual([newUser.email, 'q@sunpath.example']);
    expect((await call(emulator.url, '/v2/user/add?send_email=maybe', { body: { ...newUser, email: 'm@sunpath.example', user_code: 'M-1', send_email: undefined } })).status).toBe(400);
  });

  it('adds a user from XML (root user_add_update_model, 1/0 booleans) and answers XML when asked', async () => {
    const { emulator, state } = await start();
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<user_add_update_model>
  <account_title>Bookkeeper &amp; Payroll</account_title>
  <address/>
  <address_same_as_company>1</address_same_as_company>
  <email>xml.person@sunpath.example</email>
  <first_name>Xavier</first_name>
  <last_name>Lopez</last_name>
  <role>ACCOUNTING</role>
  <send_email>0</send_email>
  <state>ACTIVE</state>
  <time_zone_id>America/Phoenix</time_zone_id>
  <user_code>HR-77</user_code>
  <owner_ship>25.5</owner_ship>
  <ssn>111-22-3333</ssn>
  <unknown_field>ignored like Jackson does</unknown_field>
</user_add_update_model>`;
    const res = await call(emulator.url, '/v2/user/add', { xml, accept: 'application/xml' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/xml/);
    const parsed = new XMLParser({ parseTagValue: false }).parse(res.text);
    expect(parsed.user_response_model).toMatchObject({ email: 'xml.person@sunpath.example', account_title: 'Bookkeeper & Payroll', role: 'ACCOUNTING', user_code: 'HR-77' });
    const stored = state.users.find((u) => u.email === 'xml.person@sunpath.example')!;
    expect(stored.address_same_as_company).toBe(true);
    expect(stored.owner_ship).toBe(25.5);
    expect(stored).not.toHaveProperty('unknown_field');
    expect(state.invitesSent).toEqual([]);
  });

  it('refuses malformed XML, a wrong root element, bad booleans, DOCTYPEs and unsupported media types', async () => {
    const { emulator } = await start();
    const bad = [
      '<user_add_update_model><email>x@y.example</email>',
      '<user><email>x@y.example</email><first_name>A</first_name><last_name>B</last_name><role>MANAGER</role></user>',
      '<user_add_update_model><email>x@y.example</email><first_name>A</first_name><last_name>B</last_name><role>MANAGER</role><send_email>yes</send_email></user_add_update_model>',
      '<!DOCTYPE x [<!ENTITY a "b">]><user_add_update_model><email>&a;</email></user_add_update_model>',
    ];
    for (const xml of bad) {
      const res = await call(emulator.url, '/v2/user/add', { xml });
      expect(res.status, xml).toBe(400);
      expect(res.json).toMatchObject({ status: 400, error: 'Bad Request' });
    }
    expect((await call(emulator.url, '/v2/user/add', { xml: 'hello', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    const xmlError = await call(emulator.url, '/v2/user/add', { xml: '<nope/>', accept: 'application/xml' });
    expect(xmlError.status).toBe(400);
    expect(xmlError.text).toContain('<error>');
  });

  it('requires email, first_name, last_name and role', async () => {
    const { emulator } = await start();
    const res = await call(emulator.url, '/v2/user/add', { body: { email: 'only@sunpath.example' } });
    expect(res.status).toBe(400);
    for (const field of ['first_name', 'last_name', 'role']) expect(res.json.message).toContain(field);
    expect((await call(emulator.url, '/v2/user/add', { method: 'POST' })).status).toBe(400);
  });

  it('refuses ACCOUNT_OWNER on add with 400, and unknown roles, states and emails', async () => {
    const { emulator, state } = await start();
    const before = state.users.length;
    const owner = await call(emulator.url, '/v2/user/add', { body: { ...newUser, role: 'ACCOUNT_OWNER' } });
    expect(owner.status).toBe(400);
    expect(owner.json.message).toContain('ACCOUNT_OWNER');
    expect((await call(emulator.url, '/v2/user/add', { body: { ...newUser, role: 'ADMIN' } })).status).toBe(400);
    expect((await call(emulator.url, '/v2/user/add', { body: { ...newUser, state: 'SUSPENDED' } })).status).toBe(400);
    expect((await call(emulator.url, '/v2/user/add', { body: { ...newUser, email: 'not-an-email' } })).status).toBe(400);
    expect(state.users.length).toBe(before);
  });

  it('answers 409 for an email or a user_code that already exists in the company', async () => {
    const { emulator } = await start();
    const dup = await call(emulator.url, '/v2/user/add', { body: { ...newUser, email: 'Maria.Gonzalez@SunPath.example' } });
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({ status: 409, error: 'Conflict' });
    expect((await call(emulator.url, '/v2/user/add', { body: { ...newUser, user_code: 'HR-1001' } })).status).toBe(409);
    // The same email and code in another company are a different user.
    expect((await call(emulator.url, '/v2/user/add', { ...other, body: { ...newUser, email: 'maria.gonzalez@sunpath.example', user_code: 'HR-4001' } })).status).toBe(200);
  });
});

describe('SimplePin emulator: update by user_code', () => {
  it('needs every field required at creation; optional fields left out keep their value', async () => {
    const { emulator } = await start();
    const partial = await call(emulator.url, '/v2/user/update?user_code=HR-1001', { body: { account_title: 'Regional Manager, Texas' } });
    expect(partial.status).toBe(400);
    expect(partial.json.message).toMatch(/every field required at creation/);
    const res = await call(emulator.url, '/v2/user/update?user_code=HR-1001', { body: { ...maria, account_title: 'Regional Manager, Texas' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ user_code: 'HR-1001', account_title: 'Regional Manager, Texas', phone: '(512) 555-0101' });
  });

  it('leaves the user_code as it is, whatever the body says', async () => {
    const { emulator } = await start();
    const res = await call(emulator.url, '/v2/user/update?user_code=HR-1001', { body: { ...maria, user_code: 'RENAMED' } });
    expect(res.json.user_code).toBe('HR-1001');
    expect((await call(emulator.url, '/v2/user/get?user_code=RENAMED')).status).toBe(404);
  });

  it('updates from XML too', async () => {
    const { emulator } = await start();
    const xml = '<user_add_update_model><email>samantha.ortiz@sunpath.example</email><first_name>Samantha</first_name><last_name>Ortiz</last_name><role>CUSTOMER_CARE</role><state>INACTIVE</state></user_add_update_model>';
    const res = await call(emulator.url, '/v2/user/update?user_code=HR-4001', { xml });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ state: 'INACTIVE', first_name: 'Samantha' });
  });

  it('refuses a role change to or from ACCOUNT_OWNER with 400', async () => {
    const { emulator } = await start();
    const owner = { email: 'owner@sunpath.example', first_name: 'Samuel', last_name: 'Pathak' };
    expect((await call(emulator.url, '/v2/user/update?user_code=HR-1001', { body: { ...maria, role: 'ACCOUNT_OWNER' } })).status).toBe(400);
    expect((await call(emulator.url, '/v2/user/update?user_code=OWNER-1001', { body: { ...owner, role: 'MANAGER' } })).status).toBe(400);
    expect((await call(emulator.url, '/v2/user/update?user_code=OWNER-1001', { body: { ...owner, role: 'ACCOUNT_OWNER' } })).status).toBe(200);
    expect((await call(emulator.url, '/v2/user/update?user_code=HR-1001', { body: { ...maria, role: 'ACCOUNTING' } })).json.role).toBe('ACCOUNTING');
  });

  it('lets the email change, but not onto another user of the company (409), and frees the old one', async () => {
    const { emulator } = await start();
    const url = emulator.url;
    expect((await call(url, '/v2/user/update?user_code=HR-1001', { body: { ...maria, email: 'samantha.ortiz@sunpath.example' } })).status).toBe(409);
    expect((await call(url, '/v2/user/update?user_code=HR-1001', { body: { ...maria, email: 'Maria.G@sunpath.example' } })).status).toBe(200);
    expect((await call(url, '/v2/user/add', { body: { ...newUser, email: 'maria.g@SUNPATH.example' } })).status).toBe(409);
    expect((await call(url, '/v2/user/update?user_code=HR-1001', { body: { ...maria, email: 'maria.g@sunpath.example' } })).status).toBe(200);
    expect((await call(url, '/v2/user/add', { body: { ...newUser, email: 'maria.gonzalez@sunpath.example' } })).status).toBe(200);
  });

  it('finds users added to the state by hand', async () => {
    const { emulator, state } = await start();
    state.users.push({ user_code: 'HAND-1', company_id: 1001, creation_date: '2026-01-01T00:00:00.000+0000', seq: 9001, email: 'kevin.brown@sunpath.example', first_name: 'Kevin', last_name: 'Brown', role: 'CUSTOMER_CARE', state: 'ACTIVE' });
    expect((await call(emulator.url, '/v2/user/get?user_code=HAND-1')).json).toMatchObject({ user_code: 'HAND-1', first_name: 'Kevin' });
    expect((await call(emulator.url, '/v2/user/add', { body: { ...newUser, email: 'Kevin.Brown@sunpath.example' } })).status).toBe(409);
  });
});

describe('SimplePin emulator: routes', () => {
  it('serves no list endpoint (none is published), and nothing but the documented routes', async () => {
    const { emulator } = await start();
    expect((await call(emulator.url, '/v2/user/list')).status).toBe(404);
    expect((await call(emulator.url, '/v2/user/update?user_code=HR-1001', { method: 'PUT', body: maria })).status).toBe(405);
    expect((await call(emulator.url, '/v2/user/delete?user_code=HR-1001', { method: 'DELETE' })).status).toBe(404);
  });

  it('serves a Spring-style list when the fixture turns one on: 0-based pages, totals, the company only', async () => {
    const fixture = listing();
    for (let i = 0; i < 7; i++) fixture.users!.push({ company_id: 1001, email: `p${i}@sunpath.example`, first_name: 'P', last_name: String(i), role: 'CUSTOMER_CARE' });
    const { emulator } = await start({}, fixture);
    const first = await call(emulator.url, '/v2/user/list?page=0&size=4');
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ page: 0, size: 4, total_elements: 12, total_pages: 3 });
    expect(first.json.content[0]).toMatchObject({ user_code: 'OWNER-1001' });
    expect((await call(emulator.url, '/v2/user/list?page=3&size=4')).json.content).toEqual([]);
    expect((await call(emulator.url, '/v2/user/list')).json).toMatchObject({ page: 0, size: 20 });
    expect((await call(emulator.url, '/v2/user/list?size=5000')).json.size).toBe(100);
    expect((await call(emulator.url, '/v2/user/list?page=x')).status).toBe(400);
    const all = await call(emulator.url, '/v2/user/list?size=100');
    expect(all.json.content.some((u: { email: string }) => u.email === 'nina.west@northwind.example')).toBe(false);
    const xml = new XMLParser({ parseTagValue: false }).parse((await call(emulator.url, '/v2/user/list?size=2', { accept: 'application/xml' })).text);
    expect(xml.user_page.content.user_response_model).toHaveLength(2);
  });
});
