import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VendorHttpError } from '../../src/http/client.js';
import { byKey } from '../../src/vendors/facts.js';
import type { PartnerFixture } from '../../src/vendors/partner/emulator.js';
import { partner } from '../../src/vendors/partner/index.js';
import { AUTHORIZATION_KEY, desiredRecord, partnerAdapter, sandboxFixture, secretValues, startPartner, TOKEN, partnerConfig } from './partner-helpers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start(fixture: PartnerFixture = sandboxFixture()) {
  const started = await startPartner(fixture);
  closers.push(() => started.emulator.close());
  return started;
}

/** A real HTTP server answering (list pages, or a get) from a script, for vendors that misbehave. */
async function scriptedServer(answer: (page: number, req: http.IncomingMessage) => { status?: number; body: unknown }) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const { status, body } = answer(Number(url.searchParams.get('page') ?? 0), req);
    res.writeHead(status ?? 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function user(n: number, extra: Record<string, unknown> = {}) {
  return { user_code: `C-${n}`, email: `u${n}@x.example`, first_name: 'U', last_name: String(n), role: 'MANAGER', state: 'ACTIVE', ...extra };
}

const ctx = { vendorIdFor: () => undefined };
const LIST = { listPath: '/v2/user/list' };
const listing = () => ({ ...sandboxFixture(), options: { listEndpoint: true } });

describe('SimplePin adapter: reading by user_code', () => {
  it('reads by key (no list endpoint is published), GET /v2/user/get?user_code=, both keys as headers', async () => {
    const { emulator } = await start();
    const adapter = partnerAdapter(emulator.url);
    expect(adapter.reader.mode).toBe('byKey');
    const maria = await byKey(adapter).read({ key: 'maria.gonzalez@sunpath.example', email: 'maria.gonzalez@sunpath.example', code: 'HR-1001' });
    expect(maria).toEqual({
      vendorId: 'HR-1001',
      email: 'maria.gonzalez@sunpath.example',
      externalId: 'HR-1001',
      active: true,
      fields: { firstName: 'Maria', lastName: 'Gonzalez', phone: '+15125550101', role: 'MANAGER', title: 'Regional Manager' },
    });
    const [get] = emulator.requests;
    expect(get).toMatchObject({ method: 'GET', path: '/v2/user/get', query: { user_code: 'HR-1001' } });
    expect(get.headers.authorization).toBe(AUTHORIZATION_KEY);
    expect(get.headers.token).toBe(TOKEN);
    expect(partner.removal).toBe('flag');
    expect(partner.emailChange(partnerConfig('https://api.simplepin.example'))).toBe('inPlace');
    expect(partner.fields.find((f) => f.name === 'phone')?.personal).toBe('phone');
  });

  it('reads a pinned code before the one roster would create with, and answers undefined for a 404', async () => {
    const { emulator } = await start();
    const read = byKey(partnerAdapter(emulator.url)).read;
    expect((await read({ key: 'f@x', email: 'f@x', code: 'rst-0', pinned: 'FL-0001' }))?.vendorId).toBe('FL-0001');
    expect(await read({ key: 'n@x', email: 'n@x', code: 'NOBODY' })).toBeUndefined();
    expect(emulator.requests.map((r) => r.query.user_code)).toEqual(['FL-0001', 'NOBODY']);
  });

  it('marks the account owner protected, and an answer it cannot read as unreadable instead of failing', async () => {
    const { emulator } = await start();
    const read = byKey(partnerAdapter(emulator.url)).read;
    expect((await read({ key: 'o', email: 'o', code: 'OWNER-1001' }))?.protectedReason).toMatch(/ACCOUNT_OWNER/);
    const odd = await scriptedServer((_page, req) => {
      const code = new URL(req.url ?? '/', 'http://x').searchParams.get('user_code');
      if (code === 'NO-EMAIL') return { body: user(1, { user_code: 'NO-EMAIL', email: null }) };
      if (code === 'OTHER') return { body: user(2) };
      return { body: 'not a user' };
    });
    const oddRead = byKey(partnerAdapter(odd)).read;
    expect(await oddRead({ key: 'a', email: 'a', code: 'NO-EMAIL' })).toMatchObject({ vendorId: 'NO-EMAIL', unreadable: 'user NO-EMAIL has no email' });
    expect(await oddRead({ key: 'b', email: 'b', code: 'OTHER' })).toMatchObject({ vendorId: 'OTHER', unreadable: expect.stringMatching(/for user_code OTHER answered user C-2/) });
    expect(await oddRead({ key: 'c', email: 'c', code: 'STR' })).toMatchObject({ vendorId: 'STR', unreadable: expect.stringMatching(/not a user object/) });
  });

  it('explains that it cannot list without listPath, and refuses findByEmail the same way', async () => {
    const { emulator } = await start();
    await expect(partnerAdapter(emulator.url).list()).rejects.toThrow(/SimplePin publishes no user list.*set listPath on vendor "partner"/);
    await expect(partnerAdapter(emulator.url).findByEmail('x@x.example')).rejects.toThrow(/listPath/);
    expect(emulator.requests).toEqual([]);
  });

  it('reports refused keys with the vendor message and never puts either key in an error', async () => {
    const { emulator } = await start();
    const error = await byKey(partnerAdapter(emulator.url, { token: 'wrong-token-value' })).read({ key: 'm', email: 'm', code: 'HR-1001' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/401: Invalid API keys/);
    const echo = await scriptedServer((_page, req) => ({ status: 401, body: { status: 401, error: 'Unauthorized', message: `keys ${String(req.headers.authorization)} / ${String(req.headers.token)} expired` } }));
    const echoed = await byKey(partnerAdapter(echo)).read({ key: 'm', email: 'm', code: 'X' }).catch((e: unknown) => e);
    expect(echoed).toBeInstanceOf(VendorHttpError);
    expect((echoed as Error).message).toContain('401');
    expect((echoed as Error).message).not.toContain(TOKEN);
    expect((echoed as Error).message).not.toContain(AUTHORIZATION_KEY);
  });

  it('refuses to start without either key', () => {
    expect(() => partnerAdapter('http://127.0.0.1:1', { token: '' })).toThrow(/Token key is missing/);
    expect(() => partnerAdapter('http://127.0.0.1:1', { authorizationKey: '' })).toThrow(/Authorization key is missing/);
  });
});

describe('SimplePin adapter: listing, when a tenant sets listPath', () => {
  it('lists every user of the company, the account owner protected, and plans by listing', async () => {
    const { emulator } = await start(listing());
    const adapter = partnerAdapter(emulator.url, { config: LIST });
    expect(adapter.reader.mode).toBe('list');
    const live = await adapter.list();
    expect(live.map((r) => r.vendorId)).toEqual(['OWNER-1001', 'HR-1001', 'HR-4001', 'FL-0001', 'HR-4004']);
    expect(live.filter((r) => r.protectedReason).map((r) => r.vendorId)).toEqual(['OWNER-1001']);
    expect(live.find((r) => r.vendorId === 'FL-0001')!.active).toBe(false);
    expect((await adapter.findByEmail('MARIA.gonzalez@sunpath.example'))?.vendorId).toBe('HR-1001');
  });

  it('pages through the list with the configured page size, and no company_id', async () => {
    const fixture = listing();
    for (let i = 0; i < 9; i++) fixture.users!.push({ company_id: 1001, email: `p${i}@sunpath.example`, first_name: 'P', last_name: String(i), role: 'ACCOUNTING' });
    const { emulator } = await start(fixture);
    const live = await partnerAdapter(emulator.url, { config: { ...LIST, pageSize: 4 } }).list();
    expect(live).toHaveLength(14);
    expect(new Set(live.map((r) => r.vendorId)).size).toBe(14);
    const pages = emulator.requests.filter((r) => r.path === '/v2/user/list').map((r) => r.query);
    expect(pages).toEqual(['0', '1', '2', '3'].map((page) => ({ page, size: '4' })));
  });

  it('keeps paging correctly when the vendor caps the page size below the configured one', async () => {
    const fixture = listing();
    for (let i = 0; i < 150; i++) fixture.users!.push({ company_id: 1001, email: `c${i}@sunpath.example`, first_name: 'C', last_name: String(i), role: 'ACCOUNTING' });
    const { emulator } = await start(fixture);
    expect(await partnerAdapter(emulator.url, { config: { ...LIST, pageSize: 500 } }).list()).toHaveLength(155);
  });

  it('fails clearly when the vendor repeats a page (ignores the page parameter)', async () => {
    const url = await scriptedServer(() => ({ body: { content: [user(1), user(2)], page: 0, size: 2, total_elements: 4, total_pages: 2 } }));
    await expect(partnerAdapter(url, { config: { ...LIST, pageSize: 2 } }).list()).rejects.toThrow(/partner: GET \/v2\/user\/list answered page 1 with users already listed on an earlier page/);
  });

  it('fails clearly when the totals lie (an empty page before the reported end)', async () => {
    const url = await scriptedServer((page) => ({ body: { content: page === 0 ? [user(1), user(2)] : [], page, size: 2, total_elements: 6, total_pages: 3 } }));
    await expect(partnerAdapter(url, { config: { ...LIST, pageSize: 2 } }).list()).rejects.toThrow(/page 1 is empty although the vendor reported 6 users in 3 pages/);
  });

  it('fails clearly when total_elements does not match what was listed, or totals change mid-way', async () => {
    const short = await scriptedServer((page) => ({ body: { content: [user(page + 1)], page, size: 1, total_elements: 5, total_pages: 2 } }));
    await expect(partnerAdapter(short, { config: { ...LIST, pageSize: 1 } }).list()).rejects.toThrow(/listed 2 users although the vendor reported 5/);
    const moving = await scriptedServer((page) => ({ body: { content: [user(page + 1)], page, size: 1, total_elements: 2 + page, total_pages: 2 + page } }));
    await expect(partnerAdapter(moving, { config: { ...LIST, pageSize: 1 } }).list()).rejects.toThrow(/changed its totals while listing/);
  });

  it('fails clearly on an answer that is not a page, refuses absurd page counts, and a code listed twice', async () => {
    const notPage = await scriptedServer(() => ({ body: { users: [user(1)] } }));
    await expect(partnerAdapter(notPage, { config: LIST }).list()).rejects.toThrow(/without a page of users/);
    const absurd = await scriptedServer(() => ({ body: { content: [user(1)], total_pages: 10_000_000 } }));
    await expect(partnerAdapter(absurd, { config: LIST }).list()).rejects.toThrow(/refusing to believe/);
    const twice = await scriptedServer(() => ({ body: [user(1), user(1)] }));
    await expect(partnerAdapter(twice, { config: LIST }).list()).rejects.toThrow(/listed user C-1 twice/);
  });

  it('takes a bare array answer as the whole list, and keeps a user it cannot read as one unreadable record', async () => {
    const url = await scriptedServer(() => ({ body: [user(1), user(2, { role: 'ACCOUNT_OWNER' }), user(3, { email: '' })] }));
    const live = await partnerAdapter(url, { config: LIST }).list();
    expect(live.map((r) => [r.vendorId, Boolean(r.protectedReason), r.unreadable])).toEqual([
      ['C-1', false, undefined],
      ['C-2', true, undefined],
      ['C-3', false, 'user C-3 has no email'],
    ]);
  });
});

describe('SimplePin adapter: writes', () => {
  it('creates with add: the user_code roster chose, send_email in the body and the query, and returns that code', async () => {
    const { emulator, state } = await start();
    const adapter = partnerAdapter(emulator.url);
    const desired = desiredRecord(
      'new.hire@sunpath.example',
      { firstName: 'New', lastName: 'Hire', role: 'CUSTOMER_CARE', phone: '+15125550123', title: 'Support' },
      { externalId: 'HR-1', timezone: 'America/Denver' },
    );
    expect(await adapter.create(desired, ctx)).toEqual({ vendorId: 'HR-1' });
    const add = emulator.requests.find((r) => r.path === '/v2/user/add')!;
    expect(add.query).toEqual({ send_email: 'false' });
    expect(add.body).toEqual({
      email: 'new.hire@sunpath.example',
      first_name: 'New',
      last_name: 'Hire',
      role: 'CUSTOMER_CARE',
      state: 'ACTIVE',
      send_email: false,
      phone: '+15125550123',
      account_title: 'Support',
      time_zone_id: 'America/Denver',
      user_code: 'HR-1',
    });
    expect(state.users.find((u) => u.user_code === 'HR-1')).toMatchObject({ email: 'new.hire@sunpath.example', time_zone_id: 'America/Denver' });
    expect(state.invitesSent).toEqual([]);
    expect(await byKey(adapter).read({ key: 'new.hire@sunpath.example', email: 'new.hire@sunpath.example', code: 'HR-1' })).toMatchObject({ vendorId: 'HR-1', fields: { title: 'Support' } });
  });

  it('sends send_email: true in both places when the instance asks for invitations', async () => {
    const { emulator, state } = await start();
    await partnerAdapter(emulator.url, { config: { sendEmail: true } }).create(desiredRecord('invite@sunpath.example', { firstName: 'I', lastName: 'N', role: 'ACCOUNTING' }, { externalId: 'INV-1' }), ctx);
    const add = emulator.requests.at(-1)!;
    expect(add.query.send_email).toBe('true');
    expect((add.body as { send_email: boolean }).send_email).toBe(true);
    expect(state.invitesSent).toEqual(['invite@sunpath.example']);
  });

  it('surfaces a duplicate create as a 409 with the vendor message', async () => {
    const { emulator } = await start();
    const error = await partnerAdapter(emulator.url)
      .create(desiredRecord('maria.gonzalez@sunpath.example', { firstName: 'M', lastName: 'G', role: 'MANAGER' }, { externalId: 'NEW-1' }), ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorHttpError);
    expect((error as VendorHttpError).status).toBe(409);
    expect((error as Error).message).toMatch(/409: A user with email maria.gonzalez@sunpath.example already exists/);
  });

  it('updates with the whole managed model by user_code, whatever changed', async () => {
    const { emulator, state } = await start();
    const adapter = partnerAdapter(emulator.url);
    const desired = desiredRecord('maria.gonzalez@sunpath.example', { firstName: 'Maria', lastName: 'Gonzalez', role: 'MANAGER', title: 'Regional Manager, Texas' }, { timezone: 'America/Chicago' });
    await adapter.update('HR-1001', desired, ['title'], ctx);
    const update = emulator.requests.find((r) => r.path === '/v2/user/update')!;
    expect(update.query).toEqual({ user_code: 'HR-1001', send_email: 'false' });
    expect(update.body).toEqual({
      email: 'maria.gonzalez@sunpath.example',
      first_name: 'Maria',
      last_name: 'Gonzalez',
      role: 'MANAGER',
      state: 'ACTIVE',
      send_email: false,
      account_title: 'Regional Manager, Texas',
      time_zone_id: 'America/Chicago',
    });
    // A field git leaves out (her phone) is left out of the body, and SimplePin keeps it.
    expect(state.users.find((u) => u.user_code === 'HR-1001')).toMatchObject({ account_title: 'Regional Manager, Texas', phone: '(512) 555-0101' });
  });

  it('changes an email in place: the user stays addressed by its code', async () => {
    const { emulator, state } = await start();
    await partnerAdapter(emulator.url).update('HR-4001', desiredRecord('samantha.o@sunpath.example', { firstName: 'Samantha', lastName: 'Ortiz', role: 'CUSTOMER_CARE' }), ['email'], ctx);
    expect(state.users.find((u) => u.user_code === 'HR-4001')!.email).toBe('samantha.o@sunpath.example');
  });

  it('deactivates with the whole model as read and state INACTIVE, and reactivates with the whole desired model', async () => {
    const { emulator, state } = await start();
    const adapter = partnerAdapter(emulator.url);
    const live = (await byKey(adapter).read({ key: 's', email: 's', code: 'HR-4001' }))!;
    await adapter.deactivate('HR-4001', live);
    expect(emulator.requests.at(-1)!.body).toEqual({
      email: 'samantha.ortiz@sunpath.example',
      state: 'INACTIVE',
      send_email: false,
      first_name: 'Samantha',
      last_name: 'Ortiz',
      role: 'CUSTOMER_CARE',
      phone: '+15125550161',
      account_title: 'Customer Care Lead',
    });
    expect(state.users.find((u) => u.user_code === 'HR-4001')!.state).toBe('INACTIVE');

    const desired = desiredRecord('former.bookkeeper@sunpath.example', { firstName: 'Frank', lastName: 'Ledger', role: 'ACCOUNTING', title: 'Bookkeeper' });
    await adapter.reactivate('FL-0001', desired, ['title'], ctx);
    expect(emulator.requests.at(-1)!.body).toMatchObject({ email: 'former.bookkeeper@sunpath.example', first_name: 'Frank', last_name: 'Ledger', role: 'ACCOUNTING', account_title: 'Bookkeeper', state: 'ACTIVE' });
    expect(state.users.find((u) => u.user_code === 'FL-0001')).toMatchObject({ state: 'ACTIVE', account_title: 'Bookkeeper' });
    // No write ever names a company or a numeric user id.
    for (const r of emulator.requests) expect(Object.keys(r.query).filter((q) => q === 'company_id' || q === 'user_id')).toEqual([]);
  });

  it('has no delete: its writer removes users by deactivation (state INACTIVE)', async () => {
    const { emulator } = await start();
    const { removal } = partnerAdapter(emulator.url).writer;
    expect(removal.kind).toBe('flag');
    expect(removal).not.toHaveProperty('delete');
  });

  it('never writes the account owner', async () => {
    const { emulator, state } = await start();
    const adapter = partnerAdapter(emulator.url);
    const owner = (await byKey(adapter).read({ key: 'o', email: 'o', code: 'OWNER-1001' }))!;
    const before = emulator.requests.length;
    await expect(adapter.deactivate(owner.vendorId, owner)).rejects.toThrow(/not managed by roster/);
    await expect(adapter.update(owner.vendorId, desiredRecord('owner@sunpath.example', { firstName: 'S', lastName: 'P', role: 'MANAGER', title: 'CEO' }), ['title'], ctx)).rejects.toThrow(/not managed/);
    await expect(adapter.reactivate(owner.vendorId, desiredRecord('owner@sunpath.example', { firstName: 'S', lastName: 'P', role: 'MANAGER' }), [], ctx)).rejects.toThrow(/not managed/);
    await expect(adapter.create(desiredRecord('boss@sunpath.example', { firstName: 'B', lastName: 'O', role: 'ACCOUNT_OWNER' }, { externalId: 'B-1' }), ctx)).rejects.toThrow(/ACCOUNT_OWNER/);
    expect(emulator.requests.length).toBe(before);
    expect(state.users.find((u) => u.user_code === 'OWNER-1001')!.state).toBe('ACTIVE');
  });
});

describe('SimplePin adapter: personal data stops at the boundary', () => {
  it('never returns or throws ssn, date of birth, ownership or password values, although GET answers them', async () => {
    const fixture = sandboxFixture();
    const secrets = secretValues(fixture);
    expect(secrets.length).toBeGreaterThan(4);
    const { emulator } = await start(fixture);
    const adapter = partnerAdapter(emulator.url);
    const seen: unknown[] = [];
    for (const code of ['OWNER-1001', 'HR-1001', 'HR-4001']) seen.push(await byKey(adapter).read({ key: code, email: code, code }));
    // On the wire the vendor did send them: the adapter is what drops them.
    const wire = await fetch(`${emulator.url}/v2/user/get?user_code=HR-1001`, { headers: { authorization: AUTHORIZATION_KEY, token: TOKEN } }).then((r) => r.json());
    expect(wire).toMatchObject({ ssn: '123-45-6789', date_of_birth: '1985-03-14' });
    seen.push(await adapter.create(desiredRecord('z@sunpath.example', { firstName: 'Z', lastName: 'Z', role: 'MANAGER' }, { externalId: 'Z-1' }), ctx));
    const errors = await Promise.all([
      adapter.create(desiredRecord('owner@sunpath.example', { firstName: 'Z', lastName: 'Z', role: 'MANAGER' }, { externalId: 'Z-2' }), ctx).catch((e: unknown) => e),
      adapter.update('HR-1001', desiredRecord('x@x.example', { role: 'MANAGER' }), ['role'], ctx).catch((e: unknown) => e),
      byKey(partnerAdapter(emulator.url, { token: 'nope-token-value' })).read({ key: 'm', email: 'm', code: 'HR-1001' }).catch((e: unknown) => e),
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      seen.push((error as Error).message, (error as VendorHttpError).body ?? null);
    }
    const text = JSON.stringify(seen);
    for (const secret of secrets) expect(text).not.toContain(secret);
    for (const key of ['"ssn"', '"date_of_birth"', '"owner_ship"', '"password"']) expect(text).not.toContain(key);
  });

  it('drops write-only fields from a vendor error body that echoes them', async () => {
    const url = await scriptedServer(() => ({
      status: 400,
      body: { status: 400, error: 'Bad Request', message: 'bad', rejected: { ssn: '999-88-7777', password: 'pw-echoed', date_of_birth: '1990-01-01', owner_ship: 12.5 } },
    }));
    const error = (await byKey(partnerAdapter(url)).read({ key: 'm', email: 'm', code: 'X' }).catch((e: unknown) => e)) as VendorHttpError;
    expect(error).toBeInstanceOf(VendorHttpError);
    expect(JSON.stringify(error.body)).not.toMatch(/999-88-7777|pw-echoed|1990-01-01|12\.5/);
  });
});
