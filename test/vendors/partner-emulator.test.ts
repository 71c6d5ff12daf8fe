import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/sandbox/emulator-kit.js';
import { XMLParser } from 'fast-xml-parser';
import { OTHER_TOKEN, call, sandboxFixture, startPartner } from './partner-helpers.js';

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
};

describe('partner emulator: auth', () => {
  it('answers 401 without a token and with an unknown one, in Spring error shape', async () => {
    const { emulator } = await start();
    const missing = await call(emulator.url, '/v2/user/list?company_id=1001', { token: null });
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ status: 401, error: 'Unauthorized', path: '/v2/user/list' });
    expect(typeof missing.json.timestamp).toBe('string');
    expect(typeof missing.json.message).toBe('string');
    const wrong = await call(emulator.url, '/v2/user/list?company_id=1001', { token: 'not-a-token' });
    expect(wrong.status).toBe(401);
  });

  it("answers 403 for a company the token's partner does not own, and 404 for unknown companies and users", async () => {
    const { emulator } = await start();
    expect((await call(emulator.url, '/v2/user/list?company_id=2002')).status).toBe(403);
    expect((await call(emulator.url, '/v2/user/add?company_id=2002', { body: newUser })).status).toBe(403);
    expect((await call(emulator.url, '/v2/user/get?user_id=6002')).status).toBe(403);
    expect((await call(emulator.url, '/v2/user/update?user_id=6002', { body: { first_name: 'X' } })).status).toBe(403);
    expect((await call(emulator.url, '/v2/user/list?company_id=9999')).status).toBe(404);
    expect((await call(emulator.url, '/v2/user/get?user_id=424242')).status).toBe(404);
    expect((await call(emulator.url, '/v2/user/update?user_id=424242', { body: { first_name: 'X' } })).status).toBe(404);
    // The other partner reaches its own company.
    expect((await call(emulator.url, '/v2/user/list?company_id=2002', { token: OTHER_TOKEN })).status).toBe(200);
  });

  it('answers 400 when company_id or user_id is missing or not a number', async () => {
    const { emulator } = await start();
    const missing = await call(emulator.url, '/v2/user/list');
    expect(missing.status).toBe(400);
    expect(missing.json.message).toContain("'company_id'");
    expect((await call(emulator.url, '/v2/user/get?user_id=abc')).status).toBe(400);
  });

  it('limits requests per token with 429 and Retry-After', async () => {
    const { emulator } = await start({ rateLimit: { limit: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect((await call(emulator.url, '/v2/user/list?company_id=1001')).status).toBe(200);
    const refused = await call(emulator.url, '/v2/user/list?company_id=1001');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.json).toMatchObject({ status: 429, error: 'Too Many Requests' });
    // Another token has its own budget.
    expect((await call(emulator.url, '/v2/user/list?company_id=2002', { token: OTHER_TOKEN })).status).toBe(200);
  });
});

describe('partner emulator: add', () => {
  it('adds a user from JSON and answers with the stored user, a server id, no password and a masked ssn', async () => {
    const { emulator, state } = await start();
    const res = await call(emulator.url, '/v2/user/add?company_id=1001', { body: newUser });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      email: newUser.email,
      first_name: 'New',
      role: 'CUSTOMER_CARE',
      state: 'ACTIVE',
      account_title: 'Support Specialist',
      time_zone_id: 'America/Denver',
      company_id: 1001,
      ssn: '***-**-6789',
    });
    expect(typeof res.json.id).toBe('number');
    expect(res.text).not.toContain('Passw0rd');
    expect(res.text).not.toContain('password');
    expect(res.text).not.toContain('123-45');
    const stored = state.users.find((u) => u.id === res.json.id)!;
    expect(stored.ssn).toBe('123-45-6789');
    expect(stored.password_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(state.invitesSent).toEqual([]);
  });

  it('records an invitation when send_email is true', async () => {
    const { emulator, state } = await start();
    await call(emulator.url, '/v2/user/add?company_id=1001', { body: { ...newUser, send_email: true } });
    expect(state.invitesSent).toEqual([newUser.email]);
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
    const res = await call(emulator.url, '/v2/user/add?company_id=1001', { xml, accept: 'application/xml' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/xml/);
    const parsed = new XMLParser({ parseTagValue: false }).parse(res.text);
    expect(parsed.user_model).toMatchObject({
      email: 'xml.person@sunpath.example',
      account_title: 'Bookkeeper & Payroll',
      role: 'ACCOUNTING',
      address_same_as_company: 'true',
      user_code: 'HR-77',
    });
    const stored = state.users.find((u) => u.email === 'xml.person@sunpath.example')!;
    expect(stored.address_same_as_company).toBe(true);
    expect(stored.owner_ship).toBe(25.5);
    expect(parsed.user_model.ssn).toBe('***-**-3333');
    expect(stored).not.toHaveProperty('unknown_field');
    expect(state.invitesSent).toEqual([]);
  });

  it('takes true/false booleans in XML and answers JSON by default', async () => {
    const { emulator, state } = await start();
    const xml = '<user_add_update_model><email>tf@sunpath.example</email><first_name>T</first_name><last_name>F</last_name><role>MANAGER</role><send_email>true</send_email><address_same_as_company>false</address_same_as_company></user_add_update_model>';
    const res = await call(emulator.url, '/v2/user/add?company_id=1001', { xml, headers: { 'content-type': 'text/xml; charset=utf-8' } });
    expect(res.status).toBe(200);
    expect(res.json.address_same_as_company).toBe(false);
    expect(state.invitesSent).toEqual(['tf@sunpath.example']);
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
      const res = await call(emulator.url, '/v2/user/add?company_id=1001', { xml });
      expect(res.status, xml).toBe(400);
      expect(res.json).toMatchObject({ status: 400, error: 'Bad Request' });
    }
    const plain = await call(emulator.url, '/v2/user/add?company_id=1001', { xml: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBe(415);
    const xmlError = await call(emulator.url, '/v2/user/add?company_id=1001', { xml: '<nope/>', accept: 'application/xml' });
    expect(xmlError.status).toBe(400);
    expect(xmlError.text).toContain('<error>');
  });

  it('requires email, first_name, last_name and role', async () => {
    const { emulator } = await start();
    const res = await call(emulator.url, '/v2/user/add?company_id=1001', { body: { email: 'only@sunpath.example' } });
    expect(res.status).toBe(400);
    for (const field of ['first_name', 'last_name', 'role']) expect(res.json.message).toContain(field);
    expect((await call(emulator.url, '/v2/user/add?company_id=1001', { method: 'POST' })).status).toBe(400);
  });

  it('refuses ACCOUNT_OWNER on add with 400, and unknown roles and states', async () => {
    const { emulator, state } = await start();
    const before = state.users.length;
    const owner = await call(emulator.url, '/v2/user/add?company_id=1001', { body: { ...newUser, role: 'ACCOUNT_OWNER' } });
    expect(owner.status).toBe(400);
    expect(owner.json.message).toContain('ACCOUNT_OWNER');
    expect((await call(emulator.url, '/v2/user/add?company_id=1001', { body: { ...newUser, role: 'ADMIN' } })).status).toBe(400);
    expect((await call(emulator.url, '/v2/user/add?company_id=1001', { body: { ...newUser, state: 'SUSPENDED' } })).status).toBe(400);
    expect((await call(emulator.url, '/v2/user/add?company_id=1001', { body: { ...newUser, email: 'not-an-email' } })).status).toBe(400);
    expect(state.users.length).toBe(before);
  });

  it('answers 409 for an email that already exists in the company, whatever its case', async () => {
    const { emulator } = await start();
    const dup = await call(emulator.url, '/v2/user/add?company_id=1001', {
      body: { ...newUser, email: 'Maria.Gonzalez@SunPath.example' },
    });
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({ status: 409, error: 'Conflict' });
    // The same email in another company is a different user.
    const other = await call(emulator.url, '/v2/user/add?company_id=2002', { token: OTHER_TOKEN, body: { ...newUser, email: 'maria.gonzalez@sunpath.example' } });
    expect(other.status).toBe(200);
  });
});

describe('partner emulator: list and get', () => {
  it('pages Spring-style, 0-based, sorted by id, with totals', async () => {
    const fixture = sandboxFixture();
    for (let i = 0; i < 7; i++) {
      fixture.users!.push({ company_id: 1001, email: `p${i}@sunpath.example`, first_name: 'P', last_name: String(i), role: 'CUSTOMER_CARE' });
    }
    const { emulator } = await start({}, fixture);
    const first = await call(emulator.url, '/v2/user/list?company_id=1001&page=0&size=4');
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ page: 0, size: 4, total_elements: 12, total_pages: 3 });
    expect(first.json.content).toHaveLength(4);
    const ids = first.json.content.map((u: { id: number }) => u.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const last = await call(emulator.url, '/v2/user/list?company_id=1001&page=2&size=4');
    expect(last.json.content).toHaveLength(4);
    const beyond = await call(emulator.url, '/v2/user/list?company_id=1001&page=3&size=4');
    expect(beyond.json.content).toEqual([]);
    const defaults = await call(emulator.url, '/v2/user/list?company_id=1001');
    expect(defaults.json).toMatchObject({ page: 0, size: 20 });
    const clamped = await call(emulator.url, '/v2/user/list?company_id=1001&size=5000');
    expect(clamped.json.size).toBe(100);
    expect((await call(emulator.url, '/v2/user/list?company_id=1001&page=x')).status).toBe(400);
  });

  it('lists the account owner with a masked ssn and never a password', async () => {
    const { emulator } = await start();
    const res = await call(emulator.url, '/v2/user/list?company_id=1001');
    const owner = res.json.content.find((u: { role: string }) => u.role === 'ACCOUNT_OWNER');
    expect(owner).toMatchObject({ id: 5001, ssn: '***-**-1120', owner_ship: 100 });
    expect(res.text).not.toContain('Owner-Sandbox-Passw0rd!');
    expect(res.text).not.toContain('078-05');
    expect(res.json.content.some((u: { company_id: number }) => u.company_id !== 1001)).toBe(false);
  });

  it('lists as XML when asked', async () => {
    const { emulator } = await start();
    const res = await call(emulator.url, '/v2/user/list?company_id=1001&size=2', { accept: 'application/xml' });
    const parsed = new XMLParser({ parseTagValue: false }).parse(res.text);
    expect(parsed.user_page.total_pages).toBe('3');
    expect(parsed.user_page.content.user_model).toHaveLength(2);
  });

  it('gets one user by user_id', async () => {
    const { emulator } = await start();
    const res = await call(emulator.url, '/v2/user/get?user_id=5002');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: 5002, email: 'maria.gonzalez@sunpath.example', role: 'MANAGER' });
  });
});

describe('partner emulator: update', () => {
  it('merges: absent and null fields keep their value, present ones change', async () => {
    const { emulator } = await start();
    const res = await call(emulator.url, '/v2/user/update?user_id=5002', {
      body: { account_title: 'Regional Manager', phone: null, last_name: undefined },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: 5002, account_title: 'Regional Manager', phone: '(512) 555-0101', last_name: 'Gonzalez', first_name: 'Maria' });
    const cleared = await call(emulator.url, '/v2/user/update?user_id=5002', { body: { account_title: '' } });
    expect(cleared.json.account_title).toBe('');
  });

  it('updates from XML too', async () => {
    const { emulator } = await start();
    const res = await call(emulator.url, '/v2/user/update?user_id=5003', { xml: '<user_add_update_model><state>INACTIVE</state></user_add_update_model>' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ state: 'INACTIVE', first_name: 'Samantha' });
  });

  it('refuses a role change to or from ACCOUNT_OWNER with 400, and blank names', async () => {
    const { emulator } = await start();
    expect((await call(emulator.url, '/v2/user/update?user_id=5002', { body: { role: 'ACCOUNT_OWNER' } })).status).toBe(400);
    expect((await call(emulator.url, '/v2/user/update?user_id=5001', { body: { role: 'MANAGER' } })).status).toBe(400);
    expect((await call(emulator.url, '/v2/user/update?user_id=5001', { body: { role: 'ACCOUNT_OWNER', first_name: 'Sam' } })).status).toBe(200);
    expect((await call(emulator.url, '/v2/user/update?user_id=5002', { body: { first_name: '  ' } })).status).toBe(400);
    expect((await call(emulator.url, '/v2/user/update?user_id=5002', { body: { role: 'ACCOUNTING' } })).json.role).toBe('ACCOUNTING');
  });

  it('lets the email change, but not onto another user of the company (409)', async () => {
    const { emulator } = await start();
    const clash = await call(emulator.url, '/v2/user/update?user_id=5002', { body: { email: 'samantha.ortiz@sunpath.example' } });
    expect(clash.status).toBe(409);
    const moved = await call(emulator.url, '/v2/user/update?user_id=5002', { body: { email: 'maria.g@sunpath.example' } });
    expect(moved.json.email).toBe('maria.g@sunpath.example');
  });

  it('frees the old email and takes the new one when an email changes', async () => {
    const { emulator } = await start();
    const url = emulator.url;
    expect((await call(url, '/v2/user/update?user_id=5002', { body: { email: 'Maria.G@sunpath.example' } })).status).toBe(200);
    expect((await call(url, '/v2/user/add?company_id=1001', { body: { ...newUser, email: 'maria.g@SUNPATH.example' } })).status).toBe(409);
    expect((await call(url, '/v2/user/update?user_id=5003', { body: { email: 'maria.g@sunpath.example' } })).status).toBe(409);
    // Her own email, in another case, is no clash.
    expect((await call(url, '/v2/user/update?user_id=5002', { body: { email: 'maria.g@sunpath.example' } })).status).toBe(200);
    const added = await call(url, '/v2/user/add?company_id=1001', { body: { ...newUser, email: 'maria.gonzalez@sunpath.example' } });
    expect(added.status).toBe(200);
  });

  it('finds users added to the state by hand', async () => {
    const { emulator, state } = await start();
    state.users.push({ id: 9001, company_id: 1001, email: 'kevin.brown@sunpath.example', first_name: 'Kevin', last_name: 'Brown', role: 'CUSTOMER_CARE', state: 'ACTIVE' });
    expect((await call(emulator.url, '/v2/user/get?user_id=9001')).json).toMatchObject({ id: 9001, first_name: 'Kevin' });
    expect((await call(emulator.url, '/v2/user/add?company_id=1001', { body: { ...newUser, email: 'Kevin.Brown@sunpath.example' } })).status).toBe(409);
    expect((await call(emulator.url, '/v2/user/update?user_id=9001', { body: { email: 'kevin.b@sunpath.example' } })).status).toBe(200);
    expect((await call(emulator.url, '/v2/user/add?company_id=1001', { body: { ...newUser, email: 'kevin.brown@sunpath.example' } })).status).toBe(200);
  });

  it('only answers the documented routes', async () => {
    const { emulator } = await start();
    expect((await call(emulator.url, '/v2/user/update?user_id=5002', { method: 'PUT', body: {} })).status).toBe(405);
    expect((await call(emulator.url, '/v2/user/delete?user_id=5002', { method: 'DELETE' })).status).toBe(404);
  });
});
