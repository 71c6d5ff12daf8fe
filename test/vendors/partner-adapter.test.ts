import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VendorHttpError } from '../../src/http/client.js';
import type { Emulator } from '../../src/sandbox/emulator-kit.js';
import type { PartnerFixture } from '../../src/vendors/partner/emulator.js';
import { desiredRecord, partnerAdapter, sandboxFixture, secretValues, startPartner, TOKEN } from './partner-helpers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start(fixture: PartnerFixture = sandboxFixture()) {
  const started = await startPartner(fixture);
  closers.push(() => started.emulator.close());
  return started;
}

/** A real HTTP server answering list pages from a script, for vendors that misbehave. */
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

function user(id: number, extra: Record<string, unknown> = {}) {
  return { id, email: `u${id}@x.example`, first_name: 'U', last_name: String(id), role: 'MANAGER', state: 'ACTIVE', ...extra };
}

describe('partner adapter: list', () => {
  it('lists every user of the company as LiveRecords, the account owner protected', async () => {
    const { emulator } = await start();
    const adapter = partnerAdapter(emulator.url);
    const live = await adapter.list();
    expect(live.map((r) => r.vendorId)).toEqual(['5001', '5002', '5003', '5004', '5005']);
    const owner = live.find((r) => r.vendorId === '5001')!;
    expect(owner.protectedReason).toMatch(/ACCOUNT_OWNER/);
    expect(live.filter((r) => r.protectedReason)).toHaveLength(1);
    expect(live.find((r) => r.vendorId === '5002')).toEqual({
      vendorId: '5002',
      email: 'maria.gonzalez@sunpath.example',
      externalId: 'HR-1001',
      active: true,
      fields: {
        firstName: 'Maria',
        lastName: 'Gonzalez',
        phone: '+15125550101',
        role: 'MANAGER',
        timezone: 'America/Chicago',
        title: 'Regional Manager',
      },
    });
    expect(live.find((r) => r.vendorId === '5004')!.active).toBe(false);
    expect(adapter.capabilities).toEqual({ deactivate: 'flag', emailChange: true });
    expect(adapter.fields.find((f) => f.name === 'phone')?.personal).toBe('phone');
  });

  it('pages through the list with the configured page size', async () => {
    const fixture = sandboxFixture();
    for (let i = 0; i < 9; i++) fixture.users!.push({ company_id: 1001, email: `p${i}@sunpath.example`, first_name: 'P', last_name: String(i), role: 'ACCOUNTING' });
    const { emulator } = await start(fixture);
    const adapter = partnerAdapter(emulator.url, { config: { pageSize: 4 } });
    const live = await adapter.list();
    expect(live).toHaveLength(14);
    expect(new Set(live.map((r) => r.vendorId)).size).toBe(14);
    const pages = emulator.requests.filter((r) => r.path === '/v2/user/list').map((r) => r.query);
    expect(pages.map((q) => q.page)).toEqual(['0', '1', '2', '3']);
    expect(pages.every((q) => q.size === '4' && q.company_id === '1001')).toBe(true);
    expect(emulator.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('keeps paging correctly when the vendor caps the page size below the configured one', async () => {
    const fixture = sandboxFixture();
    for (let i = 0; i < 150; i++) fixture.users!.push({ company_id: 1001, email: `c${i}@sunpath.example`, first_name: 'C', last_name: String(i), role: 'ACCOUNTING' });
    const { emulator } = await start(fixture);
    const live = await partnerAdapter(emulator.url, { config: { pageSize: 500 } }).list();
    expect(live).toHaveLength(155);
  });

  it('fails clearly when the vendor repeats a page (ignores the page parameter)', async () => {
    const url = await scriptedServer(() => ({ body: { content: [user(1), user(2)], page: 0, size: 2, total_elements: 4, total_pages: 2 } }));
    await expect(partnerAdapter(url, { config: { pageSize: 2 } }).list()).rejects.toThrow(/already listed on an earlier page/);
  });

  it('fails clearly when the totals lie (an empty page before the reported end)', async () => {
    const url = await scriptedServer((page) => ({
      body: { content: page === 0 ? [user(1), user(2)] : [], page, size: 2, total_elements: 6, total_pages: 3 },
    }));
    await expect(partnerAdapter(url, { config: { pageSize: 2 } }).list()).rejects.toThrow(/page 1 is empty although the vendor reported 6 users in 3 pages/);
  });

  it('fails clearly when total_elements does not match what was listed, or totals change mid-way', async () => {
    const short = await scriptedServer((page) => ({ body: { content: [user(page + 1)], page, size: 1, total_elements: 5, total_pages: 2 } }));
    await expect(partnerAdapter(short, { config: { pageSize: 1 } }).list()).rejects.toThrow(/listed 2 users although the vendor reported 5/);
    const moving = await scriptedServer((page) => ({ body: { content: [user(page + 1)], page, size: 1, total_elements: 2 + page, total_pages: 2 + page } }));
    await expect(partnerAdapter(moving, { config: { pageSize: 1 } }).list()).rejects.toThrow(/changed its totals while listing/);
  });

  it('fails clearly on an answer that is not a page, and refuses absurd page counts', async () => {
    const notPage = await scriptedServer(() => ({ body: { users: [user(1)] } }));
    await expect(partnerAdapter(notPage).list()).rejects.toThrow(/without a page of users/);
    const absurd = await scriptedServer(() => ({ body: { content: [user(1)], total_pages: 10_000_000 } }));
    await expect(partnerAdapter(absurd).list()).rejects.toThrow(/refusing to believe/);
  });

  it('takes a bare array answer as the whole list', async () => {
    const url = await scriptedServer(() => ({ body: [user(1), user(2, { role: 'ACCOUNT_OWNER' })] }));
    const live = await partnerAdapter(url).list();
    expect(live.map((r) => [r.vendorId, Boolean(r.protectedReason)])).toEqual([['1', false], ['2', true]]);
  });

  it('never puts the token in an error, even when the vendor echoes it', async () => {
    const url = await scriptedServer((_page, req) => ({
      status: 401,
      body: { status: 401, error: 'Unauthorized', message: `token ${String(req.headers.authorization)} expired` },
    }));
    const error = await partnerAdapter(url).list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorHttpError);
    expect((error as Error).message).toContain('401');
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it('reports a wrong token and an unreachable company with the vendor message', async () => {
    const { emulator } = await start();
    await expect(partnerAdapter(emulator.url, { token: 'wrong-token-value' }).list()).rejects.toThrow(/401/);
    await expect(partnerAdapter(emulator.url, { config: { companyId: '2002' } }).list()).rejects.toThrow(/403: Access to company 2002 is denied/);
    await expect(partnerAdapter(emulator.url, { config: { companyId: '9999' } }).list()).rejects.toThrow(/404: Company 9999 not found/);
  });
});

describe('partner adapter: writes', () => {
  it('creates with add (JSON, send_email false, user_code from the external id) and returns the new id', async () => {
    const { emulator, state } = await start();
    const adapter = partnerAdapter(emulator.url);
    const desired = desiredRecord(
      'new.hire@sunpath.example',
      { firstName: 'New', lastName: 'Hire', role: 'CUSTOMER_CARE', phone: '+15125550123', timezone: 'America/Denver', title: 'Support' },
      { externalId: 'HR-1' },
    );
    const { vendorId } = await adapter.create(desired, { vendorIdFor: () => undefined });
    const add = emulator.requests.find((r) => r.path === '/v2/user/add')!;
    expect(add.query).toEqual({ company_id: '1001' });
    expect(add.body).toEqual({
      email: 'new.hire@sunpath.example',
      first_name: 'New',
      last_name: 'Hire',
      role: 'CUSTOMER_CARE',
      state: 'ACTIVE',
      send_email: false,
      phone: '+15125550123',
      time_zone_id: 'America/Denver',
      account_title: 'Support',
      user_code: 'HR-1',
    });
    expect(state.users.find((u) => String(u.id) === vendorId)?.email).toBe('new.hire@sunpath.example');
    expect(state.invitesSent).toEqual([]);
    const found = await adapter.findByEmail('NEW.HIRE@sunpath.example');
    expect(found).toMatchObject({ vendorId, externalId: 'HR-1', fields: { title: 'Support', timezone: 'America/Denver' } });
    expect(await adapter.findByEmail('nobody@sunpath.example')).toBeUndefined();
  });

  it('surfaces a duplicate create as a 409 with the vendor message', async () => {
    const { emulator } = await start();
    const error = await partnerAdapter(emulator.url)
      .create(desiredRecord('maria.gonzalez@sunpath.example', { firstName: 'M', lastName: 'G', role: 'MANAGER' }), { vendorIdFor: () => undefined })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorHttpError);
    expect((error as VendorHttpError).status).toBe(409);
    expect((error as Error).message).toMatch(/409: A user with email maria.gonzalez@sunpath.example already exists/);
  });

  it('updates only the changed managed fields, and clears with "" because null keeps the value', async () => {
    const { emulator, state } = await start();
    const adapter = partnerAdapter(emulator.url);
    const desired = desiredRecord('maria.gonzalez@sunpath.example', { firstName: 'Maria', lastName: 'Gonzalez', role: 'MANAGER', title: 'Regional Manager', timezone: null });
    await adapter.update('5002', desired, ['title', 'timezone'], { vendorIdFor: () => undefined });
    const update = emulator.requests.find((r) => r.path === '/v2/user/update')!;
    expect(update.query).toEqual({ user_id: '5002' });
    expect(update.body).toEqual({ account_title: 'Regional Manager', time_zone_id: '' });
    const maria = state.users.find((u) => u.id === 5002)!;
    expect(maria).toMatchObject({ account_title: 'Regional Manager', time_zone_id: '', phone: '(512) 555-0101', last_name: 'Gonzalez' });
    expect((await adapter.findByEmail('maria.gonzalez@sunpath.example'))!.fields.timezone).toBeNull();
  });

  it('changes an email in place, and refuses fields it does not manage', async () => {
    const { emulator, state } = await start();
    const adapter = partnerAdapter(emulator.url);
    await adapter.update('5003', desiredRecord('samantha.o@sunpath.example', { firstName: 'Samantha', lastName: 'Ortiz', role: 'CUSTOMER_CARE' }), ['email'], { vendorIdFor: () => undefined });
    expect(state.users.find((u) => u.id === 5003)!.email).toBe('samantha.o@sunpath.example');
    await expect(adapter.update('5003', desiredRecord('d@x.example', {}), ['ssn'], { vendorIdFor: () => undefined })).rejects.toThrow(/cannot update field "ssn"/);
  });

  it('sends nothing for an update without managed changes', async () => {
    const { emulator } = await start();
    await partnerAdapter(emulator.url).update('5002', desiredRecord('maria.gonzalez@sunpath.example', {}), [], { vendorIdFor: () => undefined });
    expect(emulator.requests).toHaveLength(0);
  });

  it('deactivates with state INACTIVE and reactivates with ACTIVE plus the changes', async () => {
    const { emulator, state } = await start();
    const adapter = partnerAdapter(emulator.url);
    const live = (await adapter.list()).find((r) => r.vendorId === '5003')!;
    await adapter.deactivate('5003', live);
    expect(state.users.find((u) => u.id === 5003)!.state).toBe('INACTIVE');
    expect(emulator.requests.at(-1)!.body).toEqual({ state: 'INACTIVE' });

    const desired = desiredRecord('former.bookkeeper@sunpath.example', { firstName: 'Frank', lastName: 'Ledger', role: 'ACCOUNTING', title: 'Bookkeeper' });
    await adapter.reactivate('5004', desired, ['title'], { vendorIdFor: () => undefined });
    expect(emulator.requests.at(-1)!.body).toEqual({ account_title: 'Bookkeeper', state: 'ACTIVE' });
    expect(state.users.find((u) => u.id === 5004)).toMatchObject({ state: 'ACTIVE', account_title: 'Bookkeeper' });
  });

  it('has no delete', async () => {
    const { emulator } = await start();
    const adapter = partnerAdapter(emulator.url);
    const live = (await adapter.list())[1];
    await expect(adapter.delete(live.vendorId, live)).rejects.toThrow(/no delete/);
  });

  it('never writes the account owner', async () => {
    const { emulator, state } = await start();
    const adapter = partnerAdapter(emulator.url);
    const owner = (await adapter.list()).find((r) => r.protectedReason)!;
    const before = emulator.requests.length;
    await expect(adapter.deactivate(owner.vendorId, owner)).rejects.toThrow(/not managed by roster/);
    await expect(adapter.update(owner.vendorId, desiredRecord('owner@sunpath.example', { title: 'CEO' }), ['title'], { vendorIdFor: () => undefined })).rejects.toThrow(/not managed/);
    await expect(adapter.reactivate(owner.vendorId, desiredRecord('owner@sunpath.example', {}), [], { vendorIdFor: () => undefined })).rejects.toThrow(/not managed/);
    await expect(adapter.create(desiredRecord('boss@sunpath.example', { firstName: 'B', lastName: 'O', role: 'ACCOUNT_OWNER' }), { vendorIdFor: () => undefined })).rejects.toThrow(/ACCOUNT_OWNER/);
    expect(emulator.requests.length).toBe(before);
    expect(state.users.find((u) => u.id === 5001)!.state).toBe('ACTIVE');
  });

  it('refuses to start without a token or a company', () => {
    expect(() => partnerAdapter('http://127.0.0.1:1', { token: '' })).toThrow(/token is missing/);
    expect(() => partnerAdapter('http://127.0.0.1:1', { config: { companyId: '' } })).toThrow(/companyId/);
  });
});

describe('partner adapter: write-only personal data', () => {
  it('never returns or throws ssn, date of birth, ownership or password values', async () => {
    const fixture = sandboxFixture();
    const secrets = secretValues(fixture);
    expect(secrets.length).toBeGreaterThan(4);
    const { emulator } = await start(fixture);
    const adapter = partnerAdapter(emulator.url);
    const seen: unknown[] = [];
    seen.push(await adapter.list());
    seen.push(await adapter.findByEmail('owner@sunpath.example'));
    seen.push(await adapter.create(desiredRecord('z@sunpath.example', { firstName: 'Z', lastName: 'Z', role: 'MANAGER' }), { vendorIdFor: () => undefined }));
    const errors = await Promise.all([
      adapter.create(desiredRecord('owner@sunpath.example', { firstName: 'Z', lastName: 'Z', role: 'MANAGER' }), { vendorIdFor: () => undefined }).catch((e: unknown) => e),
      adapter.update('5001', desiredRecord('x@x.example', { role: 'MANAGER' }), ['role'], { vendorIdFor: () => undefined }).catch((e: unknown) => e),
      partnerAdapter(emulator.url, { config: { companyId: '2002' } }).list().catch((e: unknown) => e),
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
    const error = (await partnerAdapter(url).list().catch((e: unknown) => e)) as VendorHttpError;
    expect(JSON.stringify(error.body)).not.toMatch(/999-88-7777|pw-echoed|1990-01-01|12\.5/);
  });
});
