import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { enerfloSandboxFixture } from '../../src/vendors/enerflo/fixture.js';
import type { Emulator } from '../../src/sandbox/emulator-kit.js';
import { startEnerfloEmulator, type EnerfloState } from '../../src/vendors/enerflo/emulator.js';
import { KEY, OFFICE_ADMIN_KEY, OTHER_KEY, testFixture } from './enerflo-fixture.js';

let emu: Emulator;
let state: EnerfloState;

interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

async function call(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; key?: string | null } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== null) headers['api-key'] ??= options.key ?? KEY;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(emu.url + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  let body: unknown = text;
  if (/json/.test(response.headers.get('content-type') ?? '')) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body, text };
}

/** Add a User: POST /api/v1/users; notify_email and allow_optimus are required, so they default here. */
const createRaw = (body: Record<string, unknown>) => call('POST', '/api/v1/users', { body });
const create = (body: Record<string, unknown>) => createRaw({ notify_email: false, allow_optimus: false, ...body });
const update = (body: Record<string, unknown>) => call('PUT', '/api/v3/users', { body });
const stored = (id: number) => state.users.find((u) => u.id === id)!;

beforeEach(async () => {
  emu = await startEnerfloEmulator(testFixture());
  state = emu.state as EnerfloState;
});
afterEach(async () => {
  await emu.close();
});

describe('Enerflo emulator: authentication', () => {
  it('listens on 127.0.0.1 on a port the OS chose', () => {
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.port).toBeGreaterThan(0);
  });

  it('answers 401 without a key or with an unknown one', async () => {
    const none = await call('GET', '/api/v3/users', { key: null });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ message: 'Unauthenticated.' });
    expect((await call('GET', '/api/v3/users', { key: 'nope.00000000' })).status).toBe(401);
  });

  it('accepts the key as api-key, X-Api-Key or ?api_key=', async () => {
    expect((await call('GET', '/api/v3/users')).status).toBe(200);
    expect((await call('GET', '/api/v3/users', { key: null, headers: { 'X-Api-Key': KEY } })).status).toBe(200);
    expect((await call('GET', `/api/v3/users?api_key=${encodeURIComponent(KEY)}`, { key: null })).status).toBe(200);
  });

  it('shows a key only its own company', async () => {
    const ours = await call('GET', '/api/v3/users');
    expect(ours.body.results.map((u: { id: number }) => u.id)).toEqual([1001, 1002, 1003]);
    const theirs = await call('GET', '/api/v3/users', { key: OTHER_KEY });
    expect(theirs.body.results.map((u: { id: number }) => u.id)).toEqual([2001]);
    expect((await call('GET', '/api/v3/users/2001')).status).toBe(404);
  });
});

describe('Enerflo emulator: reads', () => {
  it('pages 1-based with {results, totalPages, page, pageSize, total}', async () => {
    for (let i = 0; i < 7; i++) await create({ email: `p${i}@sunrise.example`, roles: ['Setter'] });
    const first = await call('GET', '/api/v3/users?page=1&pageSize=4');
    expect(first.body).toMatchObject({ page: 1, pageSize: 4, total: 10, totalPages: 3 });
    expect(first.body.results).toHaveLength(4);
    const last = await call('GET', '/api/v3/users?page=3&pageSize=4');
    expect(last.body.results).toHaveLength(2);
    const beyond = await call('GET', '/api/v3/users?page=4&pageSize=4');
    expect(beyond.body.results).toEqual([]);
    const ids = [
      ...first.body.results,
      ...(await call('GET', '/api/v3/users?page=2&pageSize=4')).body.results,
      ...last.body.results,
    ].map((u: { id: number }) => u.id);
    expect(new Set(ids).size).toBe(10);
  });

  it('caps pageSize at 500', async () => {
    const answer = await call('GET', '/api/v3/users?pageSize=10000');
    expect(answer.body.pageSize).toBe(500);
  });

  it('filters by company_id and by user_role slug', async () => {
    expect((await call('GET', '/api/v3/users?company_id=2')).body.results).toEqual([]);
    expect((await call('GET', '/api/v3/users?company_id=1')).body.total).toBe(3);
    const agents = await call('GET', '/api/v3/users?user_role=agent');
    expect(agents.body.results.map((u: { email: string }) => u.email)).toEqual(['sam.rep@sunrise.example']);
    expect((await call('GET', '/api/v3/users?user_role=regionalmanager')).body.total).toBe(1);
  });

  it('leaves inactive users out of the default list and lists them with status=inactive', async () => {
    stored(1003).active = false;
    const active = await call('GET', '/api/v3/users');
    expect(active.body.results.map((u: { id: number }) => u.id)).toEqual([1001, 1002]);
    expect(active.body.total).toBe(2);
    const inactive = await call('GET', '/api/v3/users?status=inactive');
    expect(inactive.body.results.map((u: { id: number; active: boolean }) => [u.id, u.active])).toEqual([[1003, false]]);
    // Read by id whatever the status.
    expect((await call('GET', '/api/v3/users/1003')).status).toBe(200);
    expect((await call('GET', '/api/v3/users?status=deleted')).status).toBe(422);
  });

  it('gets one user in the documented shape; deleted users are gone', async () => {
    const sam = await call('GET', '/api/v3/users/1003');
    expect(sam.status).toBe(200);
    expect(sam.body).toMatchObject({
      id: 1003,
      company_id: 1,
      email: 'sam.rep@sunrise.example',
      first_name: 'Sam',
      last_name: 'Rep',
      name: 'Sam Rep',
      phone: null,
      active: true,
      roles: ['Sales Rep'],
      office_ids: [101],
      manager_id: 1002,
      manager_email: 'maria.lopez@sunrise.example',
      timezone: null,
      external_user_id: null,
      can_create_customers: true,
      allow_optimus: false,
      can_reassign_leads: true,
    });
    expect(sam.body).not.toHaveProperty('has_attributed_leads');
    expect((await call('GET', '/api/v3/users/1004')).status).toBe(404);
    expect((await call('GET', '/api/v3/users/99999')).body).toEqual({ message: 'User not found.' });
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    expect((await call('GET', '/api/v3/nothing')).status).toBe(404);
    expect((await call('DELETE', '/api/v3/users')).status).toBe(405);
    // Create is v1 only (published.md, reference/add-a-user).
    expect((await call('POST', '/api/v3/users', { body: { email: 'v3@sunrise.example', roles: ['Setter'], notify_email: false, allow_optimus: false } })).status).toBe(405);
  });
});

describe('Enerflo emulator: create', () => {
  it('creates with 201 and an integer id, sends the welcome email when asked', async () => {
    const answer = await create({
      email: 'new.rep@sunrise.example',
      roles: ['Sales Rep'],
      notify_email: true,
      first_name: 'New',
      last_name: 'Rep',
      phone: '(512) 555-0199',
      timezone: 'America/Chicago',
      external_user_id: 'HR-1',
      manager_email: 'maria.lopez@sunrise.example',
      office_id: '102',
    });
    expect(answer.status).toBe(201);
    expect(Number.isInteger(answer.body.id)).toBe(true);
    expect(answer.body).toMatchObject({
      email: 'new.rep@sunrise.example',
      phone: '5125550199',
      manager_id: 1002,
      office_ids: [102],
      external_user_id: 'HR-1',
      can_create_customers: true,
      allow_optimus: false,
      active: true,
    });
    expect(state.outbox).toEqual([{ to: 'new.rep@sunrise.example', kind: 'welcome' }]);
    expect((await call('GET', `/api/v3/users/${answer.body.id}`)).body.email).toBe('new.rep@sunrise.example');
  });

  it('requires email, roles, notify_email and allow_optimus, Laravel style', async () => {
    const answer = await createRaw({});
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({
      message: 'The email field is required. (and 3 more errors)',
      errors: {
        email: ['The email field is required.'],
        roles: ['The roles field is required.'],
        notify_email: ['The notify email field is required.'],
        allow_optimus: ['The allow optimus field is required.'],
      },
    });
    expect((await create({ email: 'x@y.example', roles: [] })).body.errors).toEqual({ roles: ['The roles field is required.'] });
    expect((await create({ email: 'not-an-email', roles: ['Setter'] })).body.errors).toEqual({
      email: ['The email field must be a valid email address.'],
    });
  });

  it('takes Role Names only: a slug is refused with the name to use', async () => {
    const slug = await create({ email: 'x@sunrise.example', roles: ['agent'] });
    expect(slug.status).toBe(422);
    expect(slug.body.errors).toEqual({ 'roles.0': ['"agent" is a Role Slug; use the Role Name "Sales Rep" when assigning roles.'] });
    const unknown = await create({ email: 'x@sunrise.example', roles: ['Setter', 'Wizard'] });
    expect(unknown.body.errors).toEqual({ 'roles.1': ['The selected roles.1 is invalid.'] });
  });

  it('keeps emails unique across every company, deleted users included, ignoring case', async () => {
    for (const email of ['sam.rep@sunrise.example', 'GONE@sunrise.example', 'elsewhere@other.example']) {
      const answer = await create({ email, roles: ['Setter'] });
      expect(answer.status).toBe(422);
      expect(answer.body).toEqual({ message: 'The email has already been taken.', errors: { email: ['The email has already been taken.'] } });
    }
  });

  it('accepts every documented phone format, stores ten digits, refuses others', async () => {
    const formats = ['555-555-5555', '5555555555', '(555) 555-5555'];
    for (const [i, phone] of formats.entries()) {
      const answer = await create({ email: `phone${i}@sunrise.example`, roles: ['Setter'], phone });
      expect(answer.status, phone).toBe(201);
      expect(answer.body.phone).toBe('5555555555');
    }
    // Only the three written forms are documented; a country code is not one of them.
    for (const phone of ['555-5555', '+44 20 7946 0958', '555-555-555x', '25555555555', '+1 555 555 5555']) {
      const answer = await create({ email: 'bad.phone@sunrise.example', roles: ['Setter'], phone });
      expect(answer.status, phone).toBe(422);
      expect(answer.body.errors).toEqual({ phone: ['The phone field must be a valid 10-digit phone number.'] });
    }
  });

  it('refuses a timezone outside the enum (a real IANA name too) and non-boolean flags', async () => {
    const answer = await create({ email: 'tz@sunrise.example', roles: ['Setter'], timezone: 'Mars/Olympus', allow_optimus: 'yes' });
    expect(answer.body.errors).toEqual({
      timezone: ['The selected timezone is invalid.'],
      allow_optimus: ['The allow optimus field must be true or false.'],
    });
    expect((await create({ email: 'tz@sunrise.example', roles: ['Setter'], timezone: 'Europe/Paris' })).body.errors).toEqual({ timezone: ['The selected timezone is invalid.'] });
    expect((await create({ email: 'tz@sunrise.example', roles: ['Setter'], timezone: 'Asia/Manila' })).status).toBe(201);
  });

  it("takes the fixture's timezones beyond the documented eight", async () => {
    await emu.close();
    emu = await startEnerfloEmulator({ ...testFixture(), timezones: ['America/Anchorage'] });
    state = emu.state as EnerfloState;
    expect((await create({ email: 'tz@sunrise.example', roles: ['Setter'], timezone: 'America/Anchorage' })).status).toBe(201);
  });

  it('manager_id wins over manager_email', async () => {
    const answer = await create({
      email: 'both@sunrise.example',
      roles: ['Sales Rep'],
      manager_id: 1001,
      manager_email: 'maria.lopez@sunrise.example',
    });
    expect(answer.body.manager_id).toBe(1001);
    // An unknown email next to a valid id is not even looked at.
    const unknownEmail = await create({ email: 'both2@sunrise.example', roles: ['Sales Rep'], manager_id: 1002, manager_email: 'nobody@x.example' });
    expect(unknownEmail.status).toBe(201);
  });

  it('refuses an unknown manager with 422 (a deleted user or another company is unknown too)', async () => {
    const byEmail = await create({ email: 'm1@sunrise.example', roles: ['Sales Rep'], manager_email: 'gone@sunrise.example' });
    expect(byEmail.body.errors).toEqual({ manager_email: ['The selected manager email is invalid.'] });
    const byId = await create({ email: 'm2@sunrise.example', roles: ['Sales Rep'], manager_id: 2001 });
    expect(byId.body.errors).toEqual({ manager_id: ['The selected manager id is invalid.'] });
    const office = await create({ email: 'm3@sunrise.example', roles: ['Sales Rep'], office_id: 201 });
    expect(office.body.errors).toEqual({ office_id: ['The selected office id is invalid.'] });
  });

  it('ignores (and logs) manager and office on a user without Sales Rep', async () => {
    const answer = await create({ email: 'setter@sunrise.example', roles: ['Setter'], manager_id: 999999, office_id: 101 });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ manager_id: null, office_ids: [] });
    expect(state.ignored).toEqual([
      { userId: answer.body.id, field: 'manager_id', reason: 'only on the Sales Rep role' },
      { userId: answer.body.id, field: 'office_id', reason: 'only on the Sales Rep role' },
    ]);
  });

  it('records whether a password was sent', async () => {
    const answer = await create({ email: 'pw@sunrise.example', roles: ['Setter'], password: 'correct horse battery' });
    expect(stored(answer.body.id).has_password).toBe(true);
  });
});

describe('Enerflo emulator: update', () => {
  it('updates by id in the body and answers the user', async () => {
    const answer = await update({ id: '1002', first_name: 'María', phone: '5125550102', email: 'maria@sunrise.example' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: 1002, first_name: 'María', phone: '5125550102', email: 'maria@sunrise.example', last_name: 'Lopez' });
    expect(stored(1002).email).toBe('maria@sunrise.example');
  });

  it('requires a known id', async () => {
    expect((await update({ first_name: 'x' })).body.errors).toEqual({ id: ['The id field is required.'] });
    expect((await update({ id: 1004, first_name: 'x' })).body.errors).toEqual({ id: ['The selected id is invalid.'] });
    expect((await update({ id: 2001, first_name: 'x' })).body.errors).toEqual({ id: ['The selected id is invalid.'] });
  });

  it('keeps emails unique but lets a user keep their own', async () => {
    expect((await update({ id: 1002, email: 'MARIA.LOPEZ@sunrise.example' })).status).toBe(200);
    const taken = await update({ id: 1002, email: 'gone@sunrise.example' });
    expect(taken.status).toBe(422);
    expect(taken.body.errors).toEqual({ email: ['The email has already been taken.'] });
  });

  it('moves the email with an update: the old one is free, the new one taken and found as a manager', async () => {
    expect((await update({ id: 1002, email: 'Maria@Sunrise.example' })).status).toBe(200);
    const taken = await create({ email: 'maria@sunrise.example', roles: ['Setter'] });
    expect(taken.body.errors).toEqual({ email: ['The email has already been taken.'] });
    const rep = await create({ email: 'new.rep@sunrise.example', roles: ['Sales Rep'], manager_email: 'MARIA@sunrise.example' });
    expect(rep.body).toMatchObject({ manager_id: 1002, manager_email: 'Maria@Sunrise.example' });
    expect((await create({ email: 'rep2@sunrise.example', roles: ['Sales Rep'], manager_email: 'maria.lopez@sunrise.example' })).body.errors).toEqual({
      manager_email: ['The selected manager email is invalid.'],
    });
    expect((await create({ email: 'maria.lopez@sunrise.example', roles: ['Setter'] })).status).toBe(201);
    // A deleted user's email stays taken, on update too.
    expect((await update({ id: 1003, email: 'Gone@sunrise.example' })).body.errors).toEqual({ email: ['The email has already been taken.'] });
  });

  it('finds users by the id as written, including users added to the state by hand', async () => {
    expect((await call('GET', '/api/v3/users/01003')).status).toBe(404);
    expect((await update({ id: '1003 ', first_name: 'x' })).body.errors).toEqual({ id: ['The selected id is invalid.'] });
    state.users.push({ ...stored(1001), id: 1005, email: 'by.hand@sunrise.example', roles: ['Sales Rep'] });
    expect((await call('GET', '/api/v3/users/1005')).body.email).toBe('by.hand@sunrise.example');
    expect((await update({ id: 1005, manager_email: 'maria.lopez@sunrise.example' })).body).toMatchObject({ manager_id: 1002, manager_email: 'maria.lopez@sunrise.example' });
    expect((await create({ email: 'BY.HAND@sunrise.example', roles: ['Setter'] })).status).toBe(422);
  });

  it('replaces the role set', async () => {
    const answer = await update({ id: 1001, roles: ['Office Admin', 'Setter'] });
    expect(answer.body.roles).toEqual(['Office Admin', 'Setter']);
    expect((await update({ id: 1001, roles: ['setter'] })).body.errors).toEqual({
      'roles.0': ['"setter" is a Role Slug; use the Role Name "Setter" when assigning roles.'],
    });
  });

  it('refuses to remove a role while the user has attributed leads, until the flag is cleared', async () => {
    const blocked = await update({ id: 1003, roles: ['Setter'] });
    expect(blocked.status).toBe(422);
    expect(blocked.body.errors.roles[0]).toMatch(/Sales Rep role cannot be removed while leads, surveys or appointments are attributed/);
    expect(stored(1003).roles).toEqual(['Sales Rep']);
    // Adding a role is fine.
    expect((await update({ id: 1003, roles: ['Sales Rep', 'Setter'] })).status).toBe(200);
    stored(1003).has_attributed_leads = false;
    expect((await update({ id: 1003, roles: ['Setter'] })).body.roles).toEqual(['Setter']);
  });

  it('refuses to remove Project Manager while the user is a contact on installs', async () => {
    stored(1001).roles = ['Project Manager'];
    stored(1001).has_project_installs = true;
    const answer = await update({ id: 1001, roles: ['Company Admin'] });
    expect(answer.body.errors.roles[0]).toMatch(/Project Manager role cannot be removed/);
  });

  it('applies the first office id to every role and the rest only to Regional Manager', async () => {
    const manager = await update({ id: 1002, office_ids: [103, 101, 102] });
    expect(manager.body.office_ids).toEqual([103, 101, 102]);
    const rep = await update({ id: 1003, office_ids: [102, 103] });
    expect(rep.body.office_ids).toEqual([102]);
    expect(state.ignored.at(-1)).toMatchObject({ userId: 1003, field: 'office_ids' });
    const bad = await update({ id: 1003, office_ids: [102, 999] });
    expect(bad.body.errors).toEqual({ 'office_ids.1': ['The selected office_ids.1 is invalid.'] });
    // Losing Regional Manager drops the extra offices.
    const demoted = await update({ id: 1002, roles: ['Office Admin'] });
    expect(demoted.body.office_ids).toEqual([103]);
    expect((await update({ id: 1002, office_ids: [] })).body.office_ids).toEqual([]);
  });

  it('sets, clears and refuses managers on Sales Reps, by manager_email (the only manager field of Update a User)', async () => {
    expect((await update({ id: 1003, manager_email: 'admin@sunrise.example' })).body.manager_id).toBe(1001);
    // manager_id is create-only: not applied on update, and logged.
    expect((await update({ id: 1003, manager_id: 1002 })).body.manager_id).toBe(1001);
    expect(state.ignored.at(-1)).toEqual({ userId: 1003, field: 'manager_id', reason: 'not a field of Update a User' });
    expect((await update({ id: 1003, manager_email: 'nobody@sunrise.example' })).body.errors).toEqual({
      manager_email: ['The selected manager email is invalid.'],
    });
    expect((await update({ id: 1003, manager_email: 'sam.rep@sunrise.example' })).body.errors).toEqual({ manager_email: ['A user cannot be their own manager.'] });
    expect((await update({ id: 1003, manager_email: null })).body.manager_id).toBeNull();
    // On a user without Sales Rep a manager is ignored, and logged.
    expect((await update({ id: 1002, manager_email: 'admin@sunrise.example' })).body.manager_id).toBeNull();
    expect(state.ignored.at(-1)).toEqual({ userId: 1002, field: 'manager_email', reason: 'only on the Sales Rep role' });
  });

  it('applies only the fields Update a User documents; create-only ones are dropped and logged', async () => {
    const answer = await update({ id: '1002', timezone: 'America/Denver', external_user_id: 'HR-9', allow_optimus: true, can_create_customers: false, first_name: 'Mia' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ first_name: 'Mia', timezone: 'America/Chicago', external_user_id: null, allow_optimus: false, can_create_customers: true });
    expect(state.ignored.map((i) => i.field)).toEqual(['timezone', 'external_user_id', 'allow_optimus', 'can_create_customers']);
  });

  it("holds a key to its owner's role limits: Office Admin adds and removes only Sales Rep and Setter", async () => {
    const asOfficeAdmin = (method: string, body: Record<string, unknown>) =>
      method === 'POST'
        ? call(method, '/api/v1/users', { body: { notify_email: false, allow_optimus: false, ...body }, key: OFFICE_ADMIN_KEY })
        : call(method, '/api/v3/users', { body, key: OFFICE_ADMIN_KEY });
    expect((await asOfficeAdmin('POST', { email: 'r@sunrise.example', roles: ['Sales Rep', 'Setter'] })).status).toBe(201);
    const refused = await asOfficeAdmin('POST', { email: 'm@sunrise.example', roles: ['Regional Manager'] });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ message: 'This action is unauthorized. An Office Admin cannot add or remove the Regional Manager role.' });
    // Keeping a role it may not touch is fine; removing it is not.
    expect((await asOfficeAdmin('PUT', { id: 1002, roles: ['Regional Manager', 'Setter'] })).status).toBe(200);
    expect((await asOfficeAdmin('PUT', { id: 1002, roles: ['Setter'] })).status).toBe(403);
    // A Company Admin key may do anything but Super Admin.
    expect((await create({ email: 's@sunrise.example', roles: ['Super Admin'] })).status).toBe(403);
    expect((await update({ id: 1002, roles: ['Company Admin'] })).status).toBe(200);
  });

  it('deactivates and reactivates with active', async () => {
    expect((await update({ id: 1002, active: false })).body.active).toBe(false);
    const listed = await call('GET', '/api/v3/users?status=inactive');
    expect(listed.body.results.find((u: { id: number }) => u.id === 1002).active).toBe(false);
    expect((await update({ id: 1002, active: true })).body.active).toBe(true);
    expect((await update({ id: 1002, active: 'maybe' })).body.errors).toEqual({ active: ['The active field must be true or false.'] });
  });

  it('refuses a malformed JSON body with 400', async () => {
    const response = await fetch(emu.url + '/api/v3/users', {
      method: 'PUT',
      headers: { 'api-key': KEY, 'content-type': 'application/json' },
      body: '{"id": 1002,',
    });
    expect(response.status).toBe(400);
  });
});

describe('Enerflo emulator: rate limit', () => {
  it('reports the budget on every answer', async () => {
    const first = await call('GET', '/api/v3/users');
    expect(first.headers.get('x-ratelimit-limit')).toBe('300');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('299');
    const second = await call('GET', '/api/v3/users/1001');
    expect(second.headers.get('x-ratelimit-remaining')).toBe('298');
    const refused = await create({});
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('297');
  });

  it('answers 429 with an HTML body, retry-after and x-ratelimit-reset under a tiny window, per key', async () => {
    await emu.close();
    emu = await startEnerfloEmulator(testFixture(), { rateLimit: { limit: 3, windowMs: 2_000 } });
    for (let i = 0; i < 3; i++) expect((await call('GET', '/api/v3/users')).status).toBe(200);
    const before = Date.now();
    const refused = await call('GET', '/api/v3/users');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(refused.text).toContain('Too many requests.');
    expect(refused.headers.get('x-ratelimit-limit')).toBe('3');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    const reset = Number(refused.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    expect(reset).toBeLessThanOrEqual(Math.ceil(before / 1000) + 3);
    // Another key has its own budget.
    expect((await call('GET', '/api/v3/users', { key: OTHER_KEY })).status).toBe(200);
    // And the window slides.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await call('GET', '/api/v3/users')).status).toBe(200);
  });

  it('an injected 429 has the same shape', async () => {
    emu.setFaults({ rate429: 1 });
    const refused = await call('GET', '/api/v3/users');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
  });
});

describe('Enerflo emulator: request log and the shipped fixture', () => {
  it('logs every request', async () => {
    await call('GET', '/api/v3/users?page=1&pageSize=2');
    await update({ id: 1002, first_name: 'M' });
    expect(emu.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/api/v3/users', 200],
      ['PUT', '/api/v3/users', 200],
    ]);
    expect(emu.requests[0].query).toEqual({ page: '1', pageSize: '2' });
    expect(emu.requests[1].body).toEqual({ id: 1002, first_name: 'M' });
  });

  it('starts from the built-in sandbox fixture with the sandbox key', async () => {
    const sandbox = await startEnerfloEmulator(enerfloSandboxFixture());
    try {
      const response = await fetch(`${sandbox.url}/api/v3/users?pageSize=500`, { headers: { 'api-key': 'sandbox-enerflo-key' } });
      const body = (await response.json()) as { results: { active: boolean }[]; total: number };
      expect(response.status).toBe(200);
      expect(body.total).toBeGreaterThanOrEqual(4);
      expect((sandbox.state as EnerfloState).users.some((u) => u.deleted_at !== null)).toBe(true);
      const offices = (sandbox.state as EnerfloState).companies.flatMap((c) => c.offices.map((o) => o.id));
      expect(offices).toEqual(expect.arrayContaining([101, 102, 103]));
    } finally {
      await sandbox.close();
    }
  });
});

describe('Enerflo emulator: an independent witness', () => {
  it('imports none of the adapter side (adapter, mapping, phone, roles, checks, import, schema)', () => {
    // Every emulator*.ts file of the folder: its own modules and the data-only documented.ts are the
    // only local imports allowed (shared/vendors/README.md, rule 2).
    const folder = new URL('../../src/vendors/enerflo/', import.meta.url);
    const files = readdirSync(folder).filter((name) => /^emulator.*\.ts$/.test(name));
    expect(files).toContain('emulator.ts');
    for (const file of files) {
      const imports = [...readFileSync(new URL(file, folder), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      const local = imports.filter((path) => path.startsWith('./') && !/^\.\/emulator[\w-]*\.js$/.test(path));
      expect(local, file).toEqual(local.filter((path) => path === './documented.js'));
    }
  });
});
