import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/sandbox/emulator-kit.js';
import { startHighlevelEmulator, type HighlevelEmulatorOptions, type HighlevelState } from '../../src/vendors/highlevel/emulator.js';
import { highlevelPermissionDefaults } from '../../src/vendors/highlevel/permissions.js';
import { highlevelPermissionNames } from '../../src/vendors/highlevel/schema.js';

const COMPANY = 'Rk7mQ2vX9pLs4TnB8cWd';
const AUSTIN = 'LocAustin00000000001';
const DALLAS = 'LocDallas00000000002';

const fixture = {
  companyId: COMPANY,
  locations: [{ id: AUSTIN, name: 'Austin' }, { id: DALLAS, name: 'Dallas' }],
  tokens: [
    { token: 'agency-rw', kind: 'agency', scopes: ['users.readonly', 'users.write'] },
    { token: 'agency-ro', kind: 'agency', scopes: ['users.readonly'] },
    { token: 'agency-wo', kind: 'agency', scopes: ['users.write'] },
    { token: 'austin-rw', kind: 'location', locationId: AUSTIN, scopes: ['users.readonly', 'users.write'] },
  ],
  users: [
    { id: 'AgencyOwner000000001', firstName: 'Olive', lastName: 'Owner', email: 'olive@example.com', type: 'agency', role: 'admin' },
    { id: 'AustinRep00000000001', firstName: 'Aaron', lastName: 'Austin', email: 'aaron@example.com', phone: '+1 512-555-0100', type: 'account', role: 'user', locationIds: [AUSTIN] },
    { id: 'DallasRep00000000001', firstName: 'Dana', lastName: 'Dallas', email: 'dana@example.com', type: 'account', role: 'user', locationIds: [DALLAS], scopes: ['contacts.write'] },
  ],
};

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: HighlevelEmulatorOptions = {}): Promise<Emulator> {
  emulator = await startHighlevelEmulator(structuredClone(fixture), options);
  return emulator;
}

interface CallOptions {
  token?: string | null;
  version?: string | null;
  body?: unknown;
  query?: Record<string, string>;
}

async function call(method: string, path: string, options: CallOptions = {}) {
  const url = new URL(emulator!.url + path);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = options.token === undefined ? 'agency-rw' : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  const version = options.version === undefined ? '2021-07-28' : options.version;
  if (version) headers.version = version;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const search = (query: Record<string, string> = {}, options: CallOptions = {}) =>
  call('GET', '/users/search', { ...options, query: { companyId: COMPANY, ...query } });

const newUser = (over: Record<string, unknown> = {}) => ({
  companyId: COMPANY,
  firstName: 'Nina',
  lastName: 'New',
  email: 'nina@example.com',
  password: 'Str0ng-enough-password!',
  type: 'account',
  role: 'user',
  locationIds: [AUSTIN],
  ...over,
});

describe('HighLevel emulator: Version header', () => {
  it('refuses a request without it with a 400 in HighLevel shape', async () => {
    await start();
    const res = await search({}, { version: null });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400 });
    expect(typeof res.body.message).toBe('string');
  });

  it('accepts 2021-07-28 and the SDK default 2023-02-21; refuses any other date or value', async () => {
    await start();
    for (const version of ['2021-07-28', '2023-02-21']) expect((await search({}, { version })).status).toBe(200);
    for (const version of ['latest', '2024-01-01', '2021-07-29']) expect((await search({}, { version })).status).toBe(400);
  });
});

describe('HighLevel emulator: tokens and scopes', () => {
  it('401s a missing or unknown token', async () => {
    await start();
    expect((await search({}, { token: null })).status).toBe(401);
    const res = await search({}, { token: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('needs users.readonly to read and users.write to write', async () => {
    await start();
    expect((await search({}, { token: 'agency-ro' })).status).toBe(200);
    const refusedWrite = await call('POST', '/users/', { token: 'agency-ro', body: newUser() });
    expect(refusedWrite.status).toBe(401);
    expect(refusedWrite.body.message).toMatch(/scope/);
    expect((await search({}, { token: 'agency-wo' })).status).toBe(401);
    expect((await call('POST', '/users/', { token: 'agency-wo', body: newUser() })).status).toBe(201);
  });

  it('a location token sees and manages account users of its own location only', async () => {
    await start();
    const seen = await search({}, { token: 'austin-rw' });
    expect(seen.body.users.map((u: { id: string }) => u.id)).toEqual(['AustinRep00000000001']);
    expect((await call('GET', '/users/AgencyOwner000000001', { token: 'austin-rw' })).status).toBe(401);
    expect((await call('POST', '/users/', { token: 'austin-rw', body: newUser({ type: 'agency', locationIds: [] }) })).status).toBe(401);
    expect((await call('POST', '/users/', { token: 'austin-rw', body: newUser({ locationIds: [DALLAS] }) })).status).toBe(401);
    expect((await call('POST', '/users/', { token: 'austin-rw', body: newUser() })).status).toBe(201);
  });
});

describe('HighLevel emulator: search', () => {
  it('needs companyId and refuses another company', async () => {
    await start();
    const missing = await call('GET', '/users/search');
    expect(missing.status).toBe(422);
    expect(missing.body.error).toBe('Unprocessable Entity');
    expect(missing.body.message).toContain('companyId should not be empty');
    expect((await search({ companyId: 'SomeOtherCompany0001' })).status).toBe(401);
  });

  it('pages with string skip/limit and reports the total count', async () => {
    await start();
    const first = await search({ skip: '0', limit: '2' });
    expect(first.body.count).toBe(3);
    expect(first.body.users).toHaveLength(2);
    const second = await search({ skip: '2', limit: '2' });
    expect(second.body.users).toHaveLength(1);
    const ids = [...first.body.users, ...second.body.users].map((u: { id: string }) => u.id);
    expect(new Set(ids).size).toBe(3);
    expect((await search({ skip: 'two' })).status).toBe(422);
    // Default limit 25, largest 100.
    expect((await search()).body.users).toHaveLength(3);
  });

  it('cuts limit at the page cap', async () => {
    const emu = await start({ maxPageSize: 2 });
    expect((emu.state as HighlevelState).users).toHaveLength(3);
    expect((await search({ limit: '100' })).body.users).toHaveLength(2);
  });

  it('sorts by name by default, by dateAdded or descending on request, and keeps up with renames', async () => {
    await start();
    const names = async (query: Record<string, string> = {}) => (await search(query)).body.users.map((u: { firstName: string }) => u.firstName);
    expect(await names()).toEqual(['Aaron', 'Dana', 'Olive']);
    expect(await names({ sortDirection: 'desc' })).toEqual(['Olive', 'Dana', 'Aaron']);
    expect(await names({ sort: 'dateAdded' })).toEqual(['Olive', 'Aaron', 'Dana']);
    await call('PUT', '/users/AgencyOwner000000001', { body: { companyId: COMPANY, firstName: 'Abe' } });
    await call('POST', '/users/', { body: newUser({ firstName: 'Bea' }) });
    expect(await names()).toEqual(['Aaron', 'Abe', 'Bea', 'Dana']);
  });

  it('filters by locationId and by a case-insensitive query over name, email and phone', async () => {
    await start();
    expect((await search({ locationId: DALLAS })).body.users.map((u: { id: string }) => u.id)).toEqual(['DallasRep00000000001']);
    expect((await search({ query: 'AARON@EXAMPLE' })).body.users).toHaveLength(1);
    expect((await search({ query: 'dana dal' })).body.users).toHaveLength(1);
    expect((await search({ query: '512-555' })).body.users).toHaveLength(1);
  });

  it('answers each page from the data as it is then: writes between pages move the later pages', async () => {
    await start();
    const page = async (skip: string, query: Record<string, string> = {}, token?: string) =>
      (await search({ skip, limit: '2', ...query }, { token })).body;
    expect((await page('0')).users.map((u: { firstName: string }) => u.firstName)).toEqual(['Aaron', 'Dana']);
    // A user who sorts first pushes Dana onto the second page; the count follows.
    await call('POST', '/users/', { body: newUser({ firstName: 'Abby', email: 'abby@example.com' }) });
    const second = await page('2');
    expect(second.users.map((u: { firstName: string }) => u.firstName)).toEqual(['Dana', 'Olive']);
    expect(second.count).toBe(4);
    // A rename joins a query's results, a move leaves a location's and joins another's, a delete marks the user.
    expect((await page('0', { query: 'dina' })).count).toBe(0);
    expect((await page('0', { locationId: DALLAS })).count).toBe(1);
    await call('PUT', '/users/DallasRep00000000001', { body: { companyId: COMPANY, firstName: 'Dina', locationIds: [AUSTIN] } });
    expect((await page('0', { query: 'dina' })).count).toBe(1);
    expect((await page('0', { locationId: DALLAS })).count).toBe(0);
    expect((await page('0', {}, 'austin-rw')).users.map((u: { firstName: string }) => u.firstName)).toEqual(['Aaron', 'Abby']);
    expect((await page('2', {}, 'austin-rw')).users.map((u: { firstName: string }) => u.firstName)).toEqual(['Dina']);
    await call('DELETE', '/users/AustinRep00000000001');
    expect((await page('0', {}, 'austin-rw')).users.map((u: { firstName: string; deleted: boolean }) => [u.firstName, u.deleted])).toEqual([
      ['Aaron', true],
      ['Abby', false],
    ]);
  });

  it('answers users in the UserSchema shape: roles nested, deleted, full permissions, scopes', async () => {
    await start();
    const user = (await search({ query: 'dana' })).body.users[0];
    expect(user).toMatchObject({
      id: 'DallasRep00000000001',
      name: 'Dana Dallas',
      firstName: 'Dana',
      lastName: 'Dallas',
      email: 'dana@example.com',
      roles: { type: 'account', role: 'user', locationIds: [DALLAS], restrictSubAccount: false },
      deleted: false,
      scopes: ['contacts.write'],
    });
    expect(user.permissions).toEqual(highlevelPermissionDefaults);
    expect(user).not.toHaveProperty('type');
    expect(user).not.toHaveProperty('password');
  });
});

describe('HighLevel emulator: create', () => {
  it('creates with 201, a 20-character alphanumeric id and every permission default filled in', async () => {
    const emu = await start();
    const res = await call('POST', '/users/', { body: newUser({ permissions: { websitesEnabled: true, contactsEnabled: false } }) });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(res.body.roles).toMatchObject({ type: 'account', role: 'user', locationIds: [AUSTIN] });
    expect(Object.keys(res.body.permissions).sort()).toEqual([...highlevelPermissionNames].sort());
    expect(Object.keys(res.body.permissions)).toHaveLength(38);
    expect(res.body.permissions).toEqual({ ...highlevelPermissionDefaults, websitesEnabled: true, contactsEnabled: false });
    expect(res.body).not.toHaveProperty('password');
    // The vendor holds the password; the request log does not show it.
    expect((emu.state as HighlevelState).users.at(-1)?.password).toBe('Str0ng-enough-password!');
    expect(JSON.stringify(emu.requests)).not.toContain('Str0ng-enough-password!');
  });

  it('ids are unique across many creates', async () => {
    await start();
    const ids = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const res = await call('POST', '/users/', { body: newUser({ email: `u${i}@example.com` }) });
      expect(res.body.id).toMatch(/^[A-Za-z0-9]{20}$/);
      ids.add(res.body.id);
    }
    expect(ids.size).toBe(30);
  });

  it.each(['companyId', 'firstName', 'lastName', 'email', 'password', 'type', 'role', 'locationIds'])(
    'refuses a create without %s with a 422 message list',
    async (field) => {
      await start();
      const body: Record<string, unknown> = newUser();
      delete body[field];
      const res = await call('POST', '/users/', { body });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
      expect(Array.isArray(res.body.message)).toBe(true);
      expect(res.body.message).toContain(`${field} should not be empty`);
    },
  );

  it('checks type, role, locations, email, permissions, scopes and unknown properties', async () => {
    await start();
    const refused = async (over: Record<string, unknown>, pattern: RegExp) => {
      const res = await call('POST', '/users/', { body: newUser(over) });
      expect(res.status, JSON.stringify(over)).toBe(422);
      expect(res.body.message.join('\n')).toMatch(pattern);
    };
    await refused({ type: 'owner' }, /type must be one of the following values: account, agency/);
    await refused({ role: 'superuser' }, /role must be one of the following values: admin, user/);
    await refused({ locationIds: [] }, /locationIds should not be empty for an account user/);
    await refused({ locationIds: ['NoSuchLocation000001'] }, /unknown location/);
    await refused({ email: 'not-an-email' }, /email must be an email/);
    await refused({ password: 'short' }, /password must be longer/);
    await refused({ permissions: { flyingEnabled: true } }, /flyingEnabled should not exist/);
    await refused({ permissions: { contactsEnabled: 'yes' } }, /contactsEnabled must be a boolean/);
    await refused({ scopes: ['contacts.write', 'made.up'] }, /scopes must be one of the allowed scopes/);
    await refused({ nickname: 'Nin' }, /property nickname should not exist/);
    // An agency user needs no location.
    expect((await call('POST', '/users/', { body: newUser({ type: 'agency', role: 'admin', locationIds: [] }) })).status).toBe(201);
  });

  it('keeps emails unique within the company, whatever their case', async () => {
    await start();
    const res = await call('POST', '/users/', { body: newUser({ email: 'AARON@example.com' }) });
    expect(res.status).toBe(422);
    expect(res.body.message).toEqual(['User with this email already exists']);
  });

  it('lets a deleted user\'s email be used again, and finds both by email, in the order they were added', async () => {
    await start();
    expect((await call('DELETE', '/users/DallasRep00000000001')).status).toBe(200);
    const again = await call('POST', '/users/', { body: newUser({ email: 'DANA@example.com', locationIds: [DALLAS] }) });
    expect(again.status).toBe(201);
    expect((await call('POST', '/users/', { body: newUser({ email: 'dana@EXAMPLE.com' }) })).status).toBe(422);
    const byEmail = async (emails: string, deleted?: boolean) =>
      (await call('POST', '/users/search/filter-by-email', { body: { companyId: COMPANY, emails, deleted } })).body;
    expect(await byEmail('olive@example.com, Dana@Example.com,aaron@example.com')).toEqual({
      users: [
        { id: 'AgencyOwner000000001', email: 'olive@example.com' },
        { id: 'AustinRep00000000001', email: 'aaron@example.com' },
        { id: again.body.id, email: 'DANA@example.com' },
      ],
      count: 3,
    });
    expect(await byEmail('dana@example.com', true)).toEqual({ users: [{ id: 'DallasRep00000000001', email: 'dana@example.com' }], count: 1 });
  });
});

describe('HighLevel emulator: update', () => {
  it('refuses an email change but takes the same email back', async () => {
    await start();
    const changed = await call('PUT', '/users/DallasRep00000000001', { body: { companyId: COMPANY, email: 'dana2@example.com' } });
    expect(changed.status).toBe(422);
    expect(changed.body.message.join(' ')).toMatch(/Email update is no longer supported/);
    const same = await call('PUT', '/users/DallasRep00000000001', { body: { companyId: COMPANY, email: 'DANA@example.com', firstName: 'Danielle' } });
    expect(same.status).toBe(200);
    expect(same.body.firstName).toBe('Danielle');
    expect(same.body.email).toBe('dana@example.com');
  });

  it('replaces scopes and scopesAssignedToOnly wholesale; an empty list disables all; omitted lists stay', async () => {
    const emu = await start();
    const stored = () => (emu.state as HighlevelState).users.find((u) => u.id === 'DallasRep00000000001')!;
    const put = (body: Record<string, unknown>) => call('PUT', '/users/DallasRep00000000001', { body: { companyId: COMPANY, ...body } });
    let res = await put({ scopes: ['campaigns.readonly', 'contacts.write'], scopesAssignedToOnly: ['contacts.write'] });
    expect(res.body.scopes).toEqual(['campaigns.readonly', 'contacts.write']);
    // Write-only: stored, never answered (UserSchema has no scopesAssignedToOnly).
    expect(res.body).not.toHaveProperty('scopesAssignedToOnly');
    expect(stored().scopesAssignedToOnly).toEqual(['contacts.write']);
    res = await put({ scopes: ['workflows.readonly'] });
    expect(res.body.scopes).toEqual(['workflows.readonly']);
    expect(stored().scopesAssignedToOnly).toEqual(['contacts.write']);
    res = await put({ firstName: 'Dana' });
    expect(res.body.scopes).toEqual(['workflows.readonly']);
    res = await put({ scopes: [], scopesAssignedToOnly: [] });
    expect(res.body.scopes).toEqual([]);
    expect(stored().scopesAssignedToOnly).toEqual([]);
    const listed = (await search({ query: 'dana' })).body.users[0];
    expect(listed).not.toHaveProperty('scopesAssignedToOnly');
  });

  it('merges permissions by default, or resets omitted ones when configured', async () => {
    await start();
    await call('PUT', '/users/DallasRep00000000001', { body: { companyId: COMPANY, permissions: { websitesEnabled: true } } });
    const res = await call('PUT', '/users/DallasRep00000000001', { body: { companyId: COMPANY, permissions: { contactsEnabled: false } } });
    expect(res.body.permissions).toMatchObject({ websitesEnabled: true, contactsEnabled: false });
    await emulator!.close();

    await start({ permissionsOnUpdate: 'replace' });
    await call('PUT', '/users/DallasRep00000000001', { body: { companyId: COMPANY, permissions: { websitesEnabled: true } } });
    const reset = await call('PUT', '/users/DallasRep00000000001', { body: { companyId: COMPANY, permissions: { contactsEnabled: false } } });
    expect(reset.body.permissions).toMatchObject({ websitesEnabled: false, contactsEnabled: false });
  });

  it('holds agency tokens to companyId and account users to a location', async () => {
    await start();
    expect((await call('PUT', '/users/DallasRep00000000001', { body: { firstName: 'X' } })).status).toBe(422);
    expect((await call('PUT', '/users/DallasRep00000000001', { body: { companyId: COMPANY, locationIds: [] } })).status).toBe(422);
    const moved = await call('PUT', '/users/DallasRep00000000001', { body: { companyId: COMPANY, locationIds: [AUSTIN, DALLAS], role: 'admin' } });
    expect(moved.status).toBe(200);
    expect(moved.body.roles).toMatchObject({ role: 'admin', locationIds: [AUSTIN, DALLAS] });
  });
});

describe('HighLevel emulator: delete and missing users', () => {
  it('answers an unknown id with 401 "The user does not exist."', async () => {
    await start();
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await call(method, '/users/NoSuchUser0000000001', { body: method === 'PUT' ? { companyId: COMPANY } : undefined });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: 'The user does not exist.', error: 'Unauthorized', statusCode: 401 });
    }
  });

  it('queues the delete: gone for GET at once, deleted in search, then gone after the delay', async () => {
    await start({ deleteDelayMs: 300 });
    const res = await call('DELETE', '/users/DallasRep00000000001');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      succeded: true,
      message: 'Queued deleting user with e-mail dana@example.com and name Dana Dallas. Will take effect in a few minutes.',
    });
    expect((await call('GET', '/users/DallasRep00000000001')).status).toBe(401);
    expect((await call('DELETE', '/users/DallasRep00000000001')).status).toBe(401);
    const during = (await search()).body.users.find((u: { id: string }) => u.id === 'DallasRep00000000001');
    expect(during?.deleted).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 350));
    const after = await search();
    expect(after.body.users.map((u: { id: string }) => u.id)).not.toContain('DallasRep00000000001');
    expect(after.body.count).toBe(2);
    const deleted = await call('POST', '/users/search/filter-by-email', {
      body: { companyId: COMPANY, emails: 'dana@example.com', deleted: true, projection: 'all' },
    });
    expect(deleted.body.users).toHaveLength(1);
    expect(deleted.body.users[0].deleted).toBe(true);
    // The email is free again for a new user.
    expect((await call('POST', '/users/', { body: newUser({ email: 'dana@example.com' }) })).status).toBe(201);
  });
});

describe('HighLevel emulator: rate limits', () => {
  it('sends the five rate-limit headers and refuses with a JSON 429 when the window is full', async () => {
    await start({ rateLimit: { limit: 3, windowMs: 400 } });
    const first = await search();
    expect(first.headers.get('x-ratelimit-max')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(first.headers.get('x-ratelimit-interval-milliseconds')).toBe('400');
    expect(first.headers.get('x-ratelimit-limit-daily')).toBe('200000');
    expect(first.headers.get('x-ratelimit-daily-remaining')).toBe('199999');
    await search();
    await search();
    const refused = await search();
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ statusCode: 429, message: 'Too Many Requests' });
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('retry-after')).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await search()).status).toBe(200);
  });

  it('counts per token and stops at the daily limit', async () => {
    await start({ rateLimit: { limit: 2, windowMs: 10_000 }, dailyLimit: 5 });
    await search();
    await search();
    expect((await search()).status).toBe(429);
    expect((await search({}, { token: 'agency-ro' })).status).toBe(200);
  });

  it('defaults to 100 requests per 10 s', async () => {
    await start();
    const res = await search();
    expect(res.headers.get('x-ratelimit-max')).toBe('100');
    expect(res.headers.get('x-ratelimit-interval-milliseconds')).toBe('10000');
  });
});

describe('HighLevel emulator: fixture', () => {
  it('refuses a malformed fixture with the path of the problem', async () => {
    await expect(startHighlevelEmulator({ companyId: COMPANY, tokens: [], users: [] })).rejects.toThrow(/tokens/);
    await expect(
      startHighlevelEmulator({ ...fixture, users: [{ ...fixture.users[0], id: 'short' }] }),
    ).rejects.toThrow(/users\.0\.id: a 20-character alphanumeric id/);
  });
});

describe('HighLevel emulator: an independent witness', () => {
  it('imports none of the adapter side (mapping, permissions, schema, adapter, checks, import)', async () => {
    // Every emulator*.ts file of the folder: its own modules, the OpenAPI document and the data-only
    // documented.ts are the only local imports allowed.
    const { readdir, readFile } = await import('node:fs/promises');
    const folder = new URL('../../src/vendors/highlevel/', import.meta.url);
    const files = (await readdir(folder)).filter((name) => /^emulator.*\.ts$/.test(name));
    expect(files).toContain('emulator.ts');
    for (const file of files) {
      const source = await readFile(new URL(file, folder), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      const local = imports.filter((path) => path.startsWith('./') && !/^\.\/emulator[\w-]*\.js$/.test(path));
      expect(local, file).toEqual(local.filter((path) => path === './users.openapi.json' || path === './documented.js'));
    }
  });
});
