import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResolvedPerson } from '../../src/config/model.js';
import { HttpClient, VendorHttpError } from '../../src/http/client.js';
import { RateLimiter } from '../../src/http/limiter.js';
import { json, Router, startEmulator, type Emulator } from '../../src/sandbox/emulator-kit.js';
import { highlevel as highlevelModule } from '../../src/vendors/highlevel/index.js';
import { generatePassword, HighlevelAdapter, isUserNotFound } from '../../src/vendors/highlevel/adapter.js';
import { startHighlevelEmulator, type HighlevelEmulatorOptions, type HighlevelState } from '../../src/vendors/highlevel/emulator.js';
import { highlevelDesired } from '../../src/vendors/highlevel/mapping.js';
import { highlevelPermissionDefaults } from '../../src/vendors/highlevel/permissions.js';
import type { DesiredRecord } from '../../src/vendors/types.js';

const COMPANY = 'Rk7mQ2vX9pLs4TnB8cWd';
const AUSTIN = 'LocAustin00000000001';
const DALLAS = 'LocDallas00000000002';
const TOKEN = 'test-highlevel-agency-token';
const source = { file: 'users/test.yaml', line: 1, col: 1 };

const baseFixture = {
  companyId: COMPANY,
  locations: [{ id: AUSTIN }, { id: DALLAS }],
  tokens: [{ token: TOKEN, kind: 'agency' }],
  users: [
    {
      id: 'AustinRep00000000001',
      firstName: 'Aaron',
      lastName: 'Austin',
      email: 'Aaron@Example.com',
      phone: '+1 512-555-0100',
      type: 'account',
      role: 'user',
      locationIds: [DALLAS, AUSTIN],
      scopes: ['contacts.write', 'campaigns.readonly'],
      permissions: { websitesEnabled: true },
    },
    { id: 'GoneUser000000000001', firstName: 'Gone', lastName: 'User', email: 'gone@example.com', type: 'account', role: 'user', locationIds: [AUSTIN], deleted: true },
  ],
};

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  vi.restoreAllMocks();
});

async function setup(
  fixture: object = baseFixture,
  options: HighlevelEmulatorOptions = {},
  config: Record<string, unknown> = {},
  limiter = new RateLimiter(100, 10_000),
) {
  emulator = await startHighlevelEmulator(structuredClone(fixture), options);
  const http = new HttpClient({ vendor: 'highlevel', baseUrl: emulator.url, limiter, retry: { baseDelayMs: 50 } });
  const { token = TOKEN, ...settings } = config as { token?: string };
  const adapter = new HighlevelAdapter({
    instanceName: 'highlevel',
    config: highlevelModule.parseConfig({ kind: 'highlevel', baseUrl: 'http://127.0.0.1:1', credentials: { token: { env: 'HIGHLEVEL_TOKEN' } }, companyId: COMPANY, ...settings }),
    credentials: { token },
    http,
  });
  return { adapter, emulator, state: emulator.state as HighlevelState, limiter };
}

function person(over: Partial<ResolvedPerson> & { highlevel?: Record<string, unknown>; extraRoles?: Record<string, unknown>[] } = {}): ResolvedPerson {
  const { highlevel, extraRoles, ...rest } = over;
  const roles = [{ key: 'rep', source, highlevel: { type: 'account', role: 'user', ...highlevel } }, ...(extraRoles ?? []).map((h, i) => ({ key: `extra${i}`, source, highlevel: h }))];
  return {
    key: 'nina@example.com',
    email: 'nina@example.com',
    firstName: 'Nina',
    lastName: 'New',
    active: true,
    roles,
    office: { key: 'austin', name: 'Austin', timezone: 'America/Chicago', source, highlevel: { locationIds: [AUSTIN] } },
    source,
    ...rest,
  };
}

function desiredOf(p: ResolvedPerson): DesiredRecord {
  const record = highlevelDesired(p);
  if (!record) throw new Error('no HighLevel mapping');
  return record;
}

const ctx = { vendorIdFor: () => undefined };

describe('HighLevel adapter: list', () => {
  it('maps users into the managed fields and leaves deleted ones out', async () => {
    const { adapter } = await setup();
    const live = await adapter.list();
    expect(live).toHaveLength(1);
    expect(live[0]).toEqual({
      vendorId: 'AustinRep00000000001',
      email: 'Aaron@Example.com',
      active: true,
      fields: {
        firstName: 'Aaron',
        lastName: 'Austin',
        phone: '+15125550100',
        type: 'account',
        role: 'user',
        locationIds: [AUSTIN, DALLAS].sort(),
        permissions: { ...highlevelPermissionDefaults, websitesEnabled: true },
        scopes: ['campaigns.readonly', 'contacts.write'],
      },
    });
  });

  it('pages with string skip/limit until count users are read', async () => {
    const users = Array.from({ length: 230 }, (_, i) => ({
      firstName: `User${String(i).padStart(3, '0')}`,
      lastName: 'Paged',
      email: `user${i}@example.com`,
      type: 'account',
      role: 'user',
      locationIds: [AUSTIN],
    }));
    const { adapter, emulator } = await setup({ ...baseFixture, users });
    const live = await adapter.list();
    expect(live).toHaveLength(230);
    expect(new Set(live.map((u) => u.vendorId)).size).toBe(230);
    const searches = emulator.requests.filter((r) => r.path === '/users/search');
    expect(searches.map((r) => r.query)).toEqual([
      { companyId: COMPANY, skip: '0', limit: '100' },
      { companyId: COMPANY, skip: '100', limit: '100' },
      { companyId: COMPANY, skip: '200', limit: '100' },
    ]);
  });

  it('stops at skip >= count without asking for an empty page', async () => {
    const users = Array.from({ length: 4 }, (_, i) => ({ firstName: `U${i}`, lastName: 'X', email: `u${i}@example.com`, type: 'agency', role: 'user' }));
    const { adapter, emulator } = await setup({ ...baseFixture, users }, {}, { pageSize: 2 });
    expect(await adapter.list()).toHaveLength(4);
    expect(emulator.requests.filter((r) => r.path === '/users/search')).toHaveLength(2);
  });

  async function lyingVendor(page: (skip: number) => { users: unknown[]; count: unknown }) {
    const router = new Router().add('GET', '/users/search', (req) => json(200, page(Number(req.query.get('skip')))));
    emulator = await startEmulator({
      name: 'lying-highlevel',
      router,
      state: {},
      tooManyRequests: () => json(429, {}),
      serverError: (status) => json(status, {}),
      notFound: () => json(404, {}),
    });
    const http = new HttpClient({ vendor: 'highlevel', baseUrl: emulator.url });
    return new HighlevelAdapter({
      instanceName: 'highlevel',
      config: highlevelModule.parseConfig({ kind: 'highlevel', baseUrl: 'http://127.0.0.1:1', credentials: { token: { env: 'HIGHLEVEL_TOKEN' } }, companyId: COMPANY, pageSize: 2 }),
      credentials: { token: TOKEN },
      http,
    });
  }
  const user = (id: string) => ({ id, email: `${id}@example.com`, firstName: 'A', lastName: 'B', roles: { type: 'agency', role: 'user', locationIds: [] } });

  it('reads every user from a vendor that cuts the limit at 25, as the SDK default, asking at what was read', async () => {
    const users = Array.from({ length: 60 }, (_, i) => ({ firstName: `U${String(i).padStart(2, '0')}`, lastName: 'X', email: `u${i}@example.com`, type: 'agency', role: 'user' }));
    const { adapter, emulator } = await setup({ ...baseFixture, users }, { maxPageSize: 25 });
    const live = await adapter.list();
    expect(live).toHaveLength(60);
    expect(new Set(live.map((u) => u.email)).size).toBe(60);
    const searches = emulator.requests.filter((r) => r.path === '/users/search');
    expect(searches.map((r) => r.query.skip)).toEqual(['0', '25', '50']);
    expect(searches.every((r) => r.query.limit === '100')).toBe(true);
  });

  it('takes a short page mid-listing for what it is, not the end, while count says more', async () => {
    const pages: Record<number, string[]> = { 0: ['a', 'b'], 2: ['c'], 3: ['d', 'e'] };
    const adapter = await lyingVendor((skip) => ({ users: (pages[skip] ?? []).map(user), count: 5 }));
    expect((await adapter.list()).map((u) => u.vendorId)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('fails the listing, naming the vendor, when it ends with fewer users than count', async () => {
    const adapter = await lyingVendor((skip) => ({ users: skip === 0 ? [user('a'), user('b')] : [], count: 5 }));
    await expect(adapter.list()).rejects.toThrow(/^highlevel: HighLevel's user search ended after 2 of the 5 users it counts/);
  });

  it('marks one unreadable user and reads the rest', async () => {
    const broken = [{ id: 'noemail', firstName: 'No', lastName: 'Email' }, { email: 'noid@example.com' }, { ...user('perm'), permissions: 'all' }];
    const adapter = await lyingVendor((skip) => ({ users: skip === 0 ? [user('a'), broken[0]] : skip === 2 ? broken.slice(1) : [], count: 4 }));
    const live = await adapter.list();
    expect(live.map((u) => [u.vendorId, u.email, u.unreadable])).toEqual([
      ['a', 'a@example.com', undefined],
      ['noemail', '', 'HighLevel user noemail has no email'],
      ['', 'noid@example.com', 'HighLevel listed a user without an id'],
      ['perm', 'perm@example.com', 'HighLevel user perm has a malformed permissions field'],
    ]);
  });

  it('refuses a listing that repeats users', async () => {
    const adapter = await lyingVendor(() => ({ users: [user('a'), user('b')], count: 10 }));
    await expect(adapter.list()).rejects.toThrow(/repeats user a/);
  });

  it('refuses a listing that returns more users than it counts', async () => {
    const adapter = await lyingVendor((skip) => ({ users: skip === 0 ? [user('a'), user('b')] : [user('c')], count: 1 }));
    await expect(adapter.list()).rejects.toThrow(/counts 1/);
  });

  it('refuses an answer without users or a count', async () => {
    const adapter = await lyingVendor(() => ({ users: [user('a')], count: 'many' }));
    await expect(adapter.list()).rejects.toThrow(/without a usable count/);
  });
});

describe('HighLevel adapter: writes', () => {
  it('creates with a strong generated password and the full permission and scope lists', async () => {
    const { adapter, state, emulator } = await setup();
    const desired = desiredOf(person({ phone: '+15125550199', highlevel: { scopes: ['contacts.write'], permissions: { websitesEnabled: true } } }));
    const { vendorId } = await adapter.create(desired, ctx);
    expect(vendorId).toMatch(/^[A-Za-z0-9]{20}$/);

    const stored = state.users.find((u) => u.id === vendorId)!;
    expect(stored).toMatchObject({ firstName: 'Nina', lastName: 'New', email: 'nina@example.com', phone: '+15125550199', type: 'account', role: 'user', locationIds: [AUSTIN], scopes: ['contacts.write'], scopesAssignedToOnly: [] });
    expect(stored.scopesAssignedToOnly).toEqual([]);
    expect(stored.permissions).toEqual({ ...highlevelPermissionDefaults, websitesEnabled: true });
    expect(stored.password).toHaveLength(32);
    expect(stored.password).toMatch(/[A-Z]/);
    expect(stored.password).toMatch(/[a-z]/);
    expect(stored.password).toMatch(/[0-9]/);
    expect(stored.password).toMatch(/[^A-Za-z0-9]/);

    const post = emulator.requests.find((r) => r.method === 'POST')!;
    const body = post.body as Record<string, unknown>;
    expect(Object.keys(body.permissions as object)).toHaveLength(38);
    expect(body).toMatchObject({ companyId: COMPANY, email: 'nina@example.com', scopes: ['contacts.write'] });
    // No role declares scopesAssignedToOnly, so it is not sent at all (an empty list would be a decision).
    expect(body).not.toHaveProperty('scopesAssignedToOnly');

    // The new user lists back exactly as desired: the next plan has nothing to do.
    const live = (await adapter.list()).find((u) => u.vendorId === vendorId)!;
    expect(live.fields).toEqual(desired.fields);
  });

  it('generates a different password every time', () => {
    const seen = new Set(Array.from({ length: 200 }, () => generatePassword()));
    expect(seen.size).toBe(200);
  });

  it('updates every managed field in one PUT, replacing scopes and never sending the email', async () => {
    const { adapter, state, emulator } = await setup();
    const desired = desiredOf(
      person({ key: 'aaron@example.com', email: 'aaron@example.com', firstName: 'Aaron', lastName: 'Austin-Smith', highlevel: { role: 'admin', scopes: ['workflows.readonly'] } }),
    );
    await adapter.update('AustinRep00000000001', desired, ['lastName', 'role', 'scopes'], ctx);
    const put = emulator.requests.find((r) => r.method === 'PUT')!;
    const body = put.body as Record<string, unknown>;
    expect(body).not.toHaveProperty('email');
    expect(body).not.toHaveProperty('password');
    expect(Object.keys(body.permissions as object)).toHaveLength(38);
    expect(body).toMatchObject({ companyId: COMPANY, scopes: ['workflows.readonly'] });
    expect(body).not.toHaveProperty('scopesAssignedToOnly');
    const stored = state.users.find((u) => u.id === 'AustinRep00000000001')!;
    expect(stored).toMatchObject({ lastName: 'Austin-Smith', role: 'admin', scopes: ['workflows.readonly'], locationIds: [AUSTIN] });
    // Permissions return to what git says (websitesEnabled was switched on by hand).
    expect(stored.permissions).toEqual(highlevelPermissionDefaults);
  });

  it('sends no scope list unless a role declares one, and a declared empty list on purpose', async () => {
    const { adapter, state, emulator } = await setup();
    const before = structuredClone(state.users.find((u) => u.id === 'AustinRep00000000001')!);
    const undeclared = desiredOf(person({ key: 'aaron@example.com', email: 'aaron@example.com', firstName: 'Aaron', lastName: 'Austin' }));
    expect(undeclared.fields).not.toHaveProperty('scopes');
    await adapter.update('AustinRep00000000001', undeclared, ['lastName'], ctx);
    await adapter.create(desiredOf(person()), ctx);
    for (const request of emulator.requests.filter((r) => r.method !== 'GET')) {
      expect(request.body).not.toHaveProperty('scopes');
      expect(request.body).not.toHaveProperty('scopesAssignedToOnly');
    }
    // The scopes a person was given by hand stay as HighLevel has them.
    expect(state.users.find((u) => u.id === 'AustinRep00000000001')!.scopes).toEqual(before.scopes);

    const from = emulator.requests.length;
    const declared = desiredOf(person({ key: 'aaron@example.com', email: 'aaron@example.com', highlevel: { scopes: [], scopesAssignedToOnly: ['contacts.write'] } }));
    expect(declared.fields.scopes).toEqual([]);
    await adapter.update('AustinRep00000000001', declared, ['scopes'], ctx);
    expect(emulator.requests[from].body).toMatchObject({ scopes: [], scopesAssignedToOnly: ['contacts.write'] });
    expect(state.users.find((u) => u.id === 'AustinRep00000000001')!.scopes).toEqual([]);
  });

  it('writes scopesAssignedToOnly but never reads or compares it: the next plan has nothing to do', async () => {
    const { adapter, state } = await setup();
    const desired = desiredOf(person({ phone: '+15125550199', highlevel: { scopes: ['contacts.write'], scopesAssignedToOnly: ['contacts.write'] } }));
    const { vendorId } = await adapter.create(desired, ctx);
    expect(state.users.find((u) => u.id === vendorId)!.scopesAssignedToOnly).toEqual(['contacts.write']);
    const live = (await adapter.list()).find((u) => u.vendorId === vendorId)!;
    expect(live.fields).not.toHaveProperty('scopesAssignedToOnly');
    const { scopesAssignedToOnly: sent, ...readable } = desired.fields;
    expect(sent).toEqual(['contacts.write']);
    expect(live.fields).toEqual(readable);
  });

  it('deletes (queued), treats an already deleted user as done, and offers no deactivation', async () => {
    const { adapter, emulator } = await setup();
    await adapter.delete('AustinRep00000000001', {} as never);
    expect(emulator.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/users/AustinRep00000000001', status: 200 });
    expect(await adapter.list()).toEqual([]);
    await expect(adapter.delete('AustinRep00000000001', {} as never)).resolves.toBeUndefined();
    // Its writer removes by delete only, as the module declares for planning; an email is refused or re-created.
    expect(adapter.writer.removal.kind).toBe('delete');
    expect(adapter.writer.removal).not.toHaveProperty('deactivate');
    expect(adapter.writer.removal).not.toHaveProperty('reactivate');
    expect(highlevelModule.removal).toBe('delete');
    expect(highlevelModule.emailChange(highlevelModule.parseConfig({ kind: 'highlevel', baseUrl: 'https://services.leadconnectorhq.com', companyId: COMPANY, credentials: { token: { env: 'HIGHLEVEL_TOKEN' } }, emailChange: 'error' }))).toBe('refuse');
    expect(highlevelModule.emailChange(highlevelModule.parseConfig({ kind: 'highlevel', baseUrl: 'https://services.leadconnectorhq.com', companyId: COMPANY, credentials: { token: { env: 'HIGHLEVEL_TOKEN' } }, emailChange: 'recreate' }))).toBe('recreate');
  });

  it('says plainly when an update targets a user that no longer exists', async () => {
    const { adapter } = await setup();
    const desired = desiredOf(person());
    await expect(adapter.update('GoneUser000000000001', desired, ['firstName'], ctx)).rejects.toThrow(/no longer exists in HighLevel/);
  });

  it('surfaces HighLevel 422 message lists in the error', async () => {
    const { adapter } = await setup();
    const error = await adapter.create(desiredOf(person({ key: 'aaron@example.com', email: 'aaron@example.com' })), ctx).catch((e) => e);
    expect(error).toBeInstanceOf(VendorHttpError);
    expect(error.message).toBe('highlevel: POST /users/ answered 422: User with this email already exists');
    expect(error.ambiguous).toBe(false);
  });
});

describe('HighLevel adapter: findByEmail', () => {
  it('finds by exact email whatever the case, and not deleted users', async () => {
    const { adapter, emulator } = await setup();
    expect((await adapter.findByEmail('aaron@example.com'))?.vendorId).toBe('AustinRep00000000001');
    expect(await adapter.findByEmail('gone@example.com')).toBeUndefined();
    expect(await adapter.findByEmail('aaron@example.co')).toBeUndefined();
    expect(emulator.requests.filter((r) => r.path === '/users/search').every((r) => r.query.query !== undefined)).toBe(true);
  });
});

describe('HighLevel adapter: auth, not found and secrets', () => {
  it('tells a bad token from a missing user and never prints the token', async () => {
    const { adapter } = await setup(baseFixture, {}, { token: 'a-wrong-but-secret-token' });
    const error = await adapter.list().catch((e) => e);
    expect(error).toBeInstanceOf(VendorHttpError);
    expect(error.status).toBe(401);
    expect(isUserNotFound(error)).toBe(false);
    expect(error.message).toMatch(/Invalid JWT \(check the token/);
    expect(error.message).not.toContain('a-wrong-but-secret-token');
  });

  it('reads 401 "The user does not exist." as not found', async () => {
    const { emulator } = await setup();
    const http = new HttpClient({ vendor: 'highlevel', baseUrl: emulator.url, headers: () => ({ authorization: `Bearer ${TOKEN}`, version: '2021-07-28' }) });
    const error = await http.request({ method: 'GET', path: '/users/NoSuchUser0000000001' }).catch((e) => e);
    expect(isUserNotFound(error)).toBe(true);
  });

  it('never lets the password out: not in results, errors, logs or the request log', async () => {
    const { adapter, state, emulator } = await setup();
    const printed: string[] = [];
    const capture = (chunk: unknown) => {
      printed.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    }
    const outputs: unknown[] = [];
    outputs.push(await adapter.create(desiredOf(person()), ctx));
    outputs.push(await adapter.create(desiredOf(person({ key: 'otto@example.com', email: 'otto@example.com' })), ctx));
    outputs.push(await adapter.create(desiredOf(person()), ctx).catch((e: Error) => ({ message: e.message, stack: e.stack, body: (e as VendorHttpError).body })));
    outputs.push(await adapter.list());
    outputs.push(await adapter.findByEmail('nina@example.com'));
    vi.restoreAllMocks();

    const passwords = state.users.map((u) => u.password).filter((p): p is string => typeof p === 'string');
    expect(passwords.length).toBe(2);
    const everything = JSON.stringify(outputs) + printed.join('\n') + JSON.stringify(emulator.requests);
    for (const password of passwords) expect(everything).not.toContain(password);
  });
});

describe('HighLevel adapter: rate limits', () => {
  it('feeds X-RateLimit-Remaining and X-RateLimit-Max to the limiter', async () => {
    const { adapter, limiter } = await setup();
    const observed = vi.spyOn(limiter, 'observeRemaining');
    await adapter.list();
    expect(observed).toHaveBeenCalledWith(99, 100);
  });

  it('lists through a tiny window, waiting out 429s', async () => {
    const users = Array.from({ length: 8 }, (_, i) => ({ firstName: `U${i}`, lastName: 'X', email: `u${i}@example.com`, type: 'agency', role: 'user' }));
    // Our pacing is looser than the vendor's window (another integration shares the token, say).
    const loose = new RateLimiter(3, 100);
    const { adapter, emulator } = await setup({ ...baseFixture, users }, { rateLimit: { limit: 3, windowMs: 300 } }, { pageSize: 1 }, loose);
    expect(await adapter.list()).toHaveLength(8);
    expect(emulator.requests.filter((r) => r.status === 200)).toHaveLength(8);
    expect(emulator.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
  });

  it('needs a token and a companyId', () => {
    const http = new HttpClient({ vendor: 'highlevel', baseUrl: 'http://127.0.0.1:9' });
    const config = highlevelModule.parseConfig({ kind: 'highlevel', baseUrl: 'http://127.0.0.1:1', credentials: { token: { env: 'HIGHLEVEL_TOKEN' } }, companyId: COMPANY });
    expect(() => new HighlevelAdapter({ instanceName: 'hl', config, credentials: {}, http })).toThrow(/token/);
    expect(() => highlevelModule.parseConfig({ kind: 'highlevel', baseUrl: 'http://127.0.0.1:1', credentials: { token: { env: 'HIGHLEVEL_TOKEN' } }, })).toThrow(/companyId/);
  });
});
