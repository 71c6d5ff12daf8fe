import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Organisation, ResolvedPerson, ResolvedRole } from '../../src/config/model.js';
import { HttpClient, VendorHttpError } from '../../src/http/client.js';
import { RateLimiter } from '../../src/http/limiter.js';
import { json, Router, startEmulator, type Emulator, type EmulatorOptions } from '../../src/sandbox/emulator-kit.js';
import { type EnerfloAdapter, describeEnerfloError } from '../../src/vendors/enerflo/adapter.js';
import { startEnerfloEmulator, type EnerfloState } from '../../src/vendors/enerflo/emulator.js';
import { enerflo } from '../../src/vendors/enerflo/index.js';
import { enerfloDesired } from '../../src/vendors/enerflo/mapping.js';
import { listing } from '../../src/vendors/facts.js';
import type { EnerfloRole } from '../../src/vendors/enerflo/schema.js';
import type { ApplyContext, DesiredRecord } from '../../src/vendors/types.js';
import { KEY, testFixture } from './enerflo-fixture.js';

let emu: Emulator;
let state: EnerfloState;
const noIds: ApplyContext = { vendorIdFor: () => undefined };
const source = { file: 'users/test.yaml', line: 1, col: 1 };

function adapterFor(url: string, options: { key?: string; pageSize?: number; counter?: { requests: number } } = {}): EnerfloAdapter {
  const config = enerflo.parseConfig({ kind: 'enerflo', baseUrl: url, pageSize: options.pageSize ?? 200, timeoutMs: 5_000, credentials: { apiKey: { env: 'ENERFLO_API_KEY' } } });
  const key = options.key ?? KEY;
  const http = new HttpClient({
    vendor: 'enerflo',
    baseUrl: url,
    timeoutMs: 5_000,
    limiter: new RateLimiter(300, 60_000),
    secrets: () => [key],
    counter: options.counter,
    retry: { baseDelayMs: 10, maxDelayMs: 100 },
  });
  return enerflo.createAdapter({ instanceName: 'enerflo', config, credentials: { apiKey: key }, http }) as EnerfloAdapter;
}

function role(key: string, enerfloRole?: Partial<EnerfloRole>): ResolvedRole {
  const full = enerfloRole && { sendWelcomeEmail: false, canCreateLeads: true, optimusAccess: false, canReassignLeads: true, roles: [], ...enerfloRole };
  return { key, source, ...(full ? { enerflo: full } : {}) };
}

const roles = {
  rep: role('sales-rep', { roles: ['Sales Rep'], sendWelcomeEmail: true }),
  setter: role('setter', { roles: ['Setter'] }),
  regional: role('regional-manager', { roles: ['Regional Manager'], optimusAccess: true }),
  admin: role('office-admin'),
};
const offices = {
  austin: { key: 'austin', name: 'Austin', timezone: 'America/Chicago', enerflo: { officeId: '101' }, source },
  dallas: { key: 'dallas', name: 'Dallas', timezone: 'America/Chicago', enerflo: { officeId: '102' }, source },
};

function person(email: string, extra: Partial<ResolvedPerson> = {}): ResolvedPerson {
  const [first, last] = email.split('@')[0].split('.');
  return {
    email,
    key: email.toLowerCase(),
    firstName: first[0].toUpperCase() + first.slice(1),
    lastName: (last ?? 'x')[0].toUpperCase() + (last ?? 'x').slice(1),
    active: true,
    roles: [roles.rep],
    source,
    ...extra,
  };
}

function orgOf(people: ResolvedPerson[]): Organisation {
  return { people, peopleByKey: new Map(people.map((p) => [p.key, p])) } as unknown as Organisation;
}

function desiredFor(p: ResolvedPerson, org: Organisation): DesiredRecord {
  const record = enerfloDesired(p, org);
  if (!record) throw new Error(`${p.email} does not map onto Enerflo`);
  return record;
}

const live = (email: string) => state.users.find((u) => u.email.toLowerCase() === email.toLowerCase())!;
const writes = () => emu.requests.filter((r) => r.method !== 'GET');

beforeEach(async () => {
  emu = await startEnerfloEmulator(testFixture());
  state = emu.state as EnerfloState;
});
afterEach(async () => {
  await emu.close();
});

describe('Enerflo mapping', () => {
  it('maps nothing when no role maps onto Enerflo', () => {
    const p = person('olivia.chen@sunrise.example', { roles: [roles.admin] });
    expect(enerfloDesired(p, orgOf([p]))).toBeUndefined();
  });

  it('unions Role Names, ORs flags, takes office, extras, phone, manager and pinned id', () => {
    const boss = person('maria.lopez@sunrise.example', { roles: [roles.regional] });
    const p = person('sam.rep@sunrise.example', {
      roles: [roles.setter, roles.rep, roles.regional, roles.admin],
      office: offices.austin,
      phone: '+15125550123',
      timezone: 'America/Chicago',
      manager: boss.key,
      externalId: 'HR-7',
      vendors: { enerflo: { id: '1003', officeIds: ['103', '101', '102'] } },
    });
    const record = desiredFor(p, orgOf([boss, p]));
    expect(record).toMatchObject({ key: 'sam.rep@sunrise.example', pinnedId: '1003', externalId: 'HR-7', active: true, dependsOn: [boss.key] });
    expect(record.fields).toEqual({
      firstName: 'Sam',
      lastName: 'Rep',
      roles: ['Regional Manager', 'Sales Rep', 'Setter'],
      canCreateLeads: true,
      optimusAccess: true,
      canReassignLeads: true,
      phone: '5125550123',
      timezone: 'America/Chicago',
      externalId: 'HR-7',
      manager: boss.key,
      office: '101',
      officeIds: ['102', '103'],
      sendWelcomeEmail: true,
    });
  });

  it('names a manager only on a Sales Rep, and only one who is in Enerflo', () => {
    const outsider = person('olivia.chen@sunrise.example', { roles: [roles.admin] });
    const boss = person('maria.lopez@sunrise.example', { roles: [roles.regional] });
    const setter = person('sue.setter@sunrise.example', { roles: [roles.setter], manager: boss.key });
    const rep = person('sam.rep@sunrise.example', { manager: outsider.key });
    const org = orgOf([outsider, boss, setter, rep]);
    expect(desiredFor(setter, org).fields).not.toHaveProperty('manager');
    expect(desiredFor(setter, org).dependsOn).toEqual([]);
    expect(desiredFor(rep, org).fields).not.toHaveProperty('manager');
  });

  it('leaves extra offices unmanaged for anyone but a Regional Manager', () => {
    const p = person('sam.rep@sunrise.example', { office: offices.austin, vendors: { enerflo: { officeIds: ['102'] } } });
    expect(desiredFor(p, orgOf([p])).fields).not.toHaveProperty('officeIds');
  });
});

describe('Enerflo adapter: list and findByEmail', () => {
  it('pages until page >= totalPages, then lists inactive users, and maps users into the field space', async () => {
    const adapter = adapterFor(emu.url, { pageSize: 2 });
    const users = await adapter.list();
    expect(users.map((u) => u.vendorId)).toEqual(['1001', '1002', '1003']);
    // The three listings are read at once, so their requests interleave; each is read in page order.
    expect(emu.requests.map((r) => r.query)).toEqual(
      expect.arrayContaining([
        { page: '1', pageSize: '2' },
        { page: '2', pageSize: '2' },
        { page: '1', pageSize: '2', status: 'inactive' },
        { page: '1', pageSize: '2', status: 'suspended' },
      ]),
    );
    expect(emu.requests).toHaveLength(4);
    expect(users[1]).toEqual({
      vendorId: '1002',
      email: 'maria.lopez@sunrise.example',
      externalId: undefined,
      active: true,
      fields: {
        firstName: 'Maria',
        lastName: 'Lopez',
        phone: '5125550101',
        timezone: 'America/Chicago',
        roles: ['Regional Manager'],
        office: '101',
        officeIds: ['102'],
        manager: null,
        externalId: null,
        canCreateLeads: true,
        optimusAccess: false,
        canReassignLeads: true,
      },
    });
    expect(users[2].fields).toMatchObject({ roles: ['Sales Rep'], office: '101', officeIds: [], manager: 'maria.lopez@sunrise.example' });
  });

  it('names a manager who is listed on a later page than their report', async () => {
    await emu.close();
    const fixture = testFixture();
    const rep = fixture.users.find((u) => u.id === 1003)!;
    const manager = fixture.users.find((u) => u.id === 1002)!;
    // The rep now has the lowest id after the admin, so pages of one user list them before their manager.
    fixture.users = fixture.users.filter((u) => u !== rep && u !== manager);
    fixture.users.push({ ...rep, id: 900, manager_id: 1002 }, manager);
    emu = await startEnerfloEmulator(fixture);
    const users = await adapterFor(emu.url, { pageSize: 1 }).list();
    const listed = users.map((u) => u.vendorId);
    expect(listed.indexOf('900')).toBeLessThan(listed.indexOf('1002'));
    expect(users.find((u) => u.vendorId === '900')!.fields.manager).toBe('maria.lopez@sunrise.example');
  });

  it('sends the key in the api-key header and filters by the configured company', async () => {
    const config = enerflo.parseConfig({ kind: 'enerflo', baseUrl: emu.url, pageSize: 50, companyId: '1', timeoutMs: 5_000, credentials: { apiKey: { env: 'ENERFLO_API_KEY' } } });
    const http = new HttpClient({ vendor: 'enerflo', baseUrl: emu.url });
    const adapter = enerflo.createAdapter({ instanceName: 'enerflo', config, credentials: { apiKey: KEY }, http });
    expect(await listing(adapter).list()).toHaveLength(3);
    expect(emu.requests[0].query).toEqual({ page: '1', pageSize: '50', company_id: '1' });
  });

  it('finds by email, whatever the case, and misses deleted users', async () => {
    const adapter = adapterFor(emu.url);
    expect((await adapter.findByEmail('SAM.REP@sunrise.example'))?.vendorId).toBe('1003');
    expect(await adapter.findByEmail('gone@sunrise.example')).toBeUndefined();
  });

  it('waits out an HTML 429 (another integration used the key) and finishes the listing', async () => {
    await emu.close();
    emu = await startEnerfloEmulator(testFixture(), { rateLimit: { limit: 2, windowMs: 1_000 } });
    // Someone else spends the key's budget first.
    for (let i = 0; i < 2; i++) await fetch(`${emu.url}/api/v3/users`, { headers: { 'api-key': KEY } });
    const config = enerflo.parseConfig({ kind: 'enerflo', baseUrl: emu.url, pageSize: 1, timeoutMs: 5_000, credentials: { apiKey: { env: 'ENERFLO_API_KEY' } } });
    const http = new HttpClient({ vendor: 'enerflo', baseUrl: emu.url, limiter: new RateLimiter(2, 1_000), retry: { baseDelayMs: 10 } });
    const users = await listing(enerflo.createAdapter({ instanceName: 'enerflo', config, credentials: { apiKey: KEY }, http })).list();
    expect(users).toHaveLength(3);
    const statuses = emu.requests.slice(2).map((r) => r.status);
    expect(statuses[0]).toBe(429);
    // Three pages of active users, one of inactive ones and one (empty) of suspended ones.
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
  });
});

/** A vendor that misbehaves on the wire, served over real HTTP by the emulator kit. */
async function lyingVendor(pages: (page: number, status: string | null) => unknown, options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator(
    {
      name: 'lying-enerflo',
      router: new Router()
        // Its suspended listing (read after the inactive one) is empty: the rows here are about the other two.
        .add('GET', '/api/v3/users', (req) =>
          req.query.get('status') === 'suspended'
            ? json(200, { results: [], totalPages: 1, page: Number(req.query.get('page')) })
            : json(200, pages(Number(req.query.get('page')), req.query.get('status'))),
        )
        .add('PUT', '/api/v3/users', (req) =>
          json(422, { message: 'bad', errors: { api_key: [`The key ${String(req.headers['api-key'])} may not do that.`] } }),
        ),
      state: {},
      tooManyRequests: () => json(429, {}),
      serverError: (status) => json(status, {}),
      notFound: () => json(404, {}),
    },
    options,
  );
}

describe('Enerflo adapter: paging guards', () => {
  const user = (id: number) => ({ id, email: `u${id}@x.example`, roles: ['Setter'] });

  it('stops with a clear error when a page repeats', async () => {
    const liar = await lyingVendor((page) => ({ results: [user(1), user(2)], totalPages: 3, page }));
    try {
      await expect(adapterFor(liar.url).list()).rejects.toThrow(/page 2 lists user 1 again/);
    } finally {
      await liar.close();
    }
  });

  it('stops when totalPages keeps growing', async () => {
    const liar = await lyingVendor((page) => ({ results: [user(page)], totalPages: page + 1, page, pageSize: 1, total: 1 }));
    try {
      await expect(adapterFor(liar.url).list()).rejects.toThrow(/totalPages keeps growing/);
      // The default and inactive listings grow alike (the suspended one is empty) and are read at once.
      const byListing = (status: string | null) => liar.requests.filter((r) => (r.query.status ?? null) === status).length;
      expect(byListing(null)).toBeLessThanOrEqual(10);
      expect(byListing('inactive')).toBeLessThanOrEqual(10);
    } finally {
      await liar.close();
    }
  });

  it('stops reading the other listings once one has failed', async () => {
    // The default listing lies (its totalPages keeps growing); the inactive one is a sound listing of 2,000
    // pages. Read at once, the inactive one stops at its next page once the default one has failed,
    // rather than being read to its end after the list has already answered.
    const liar = await lyingVendor((page, status) =>
      status === 'inactive'
        ? { results: [user(10_000 + page)], totalPages: 2_000, page, pageSize: 1, total: 2_000 }
        : { results: [user(page)], totalPages: page + 1, page, pageSize: 1, total: 1 },
    );
    try {
      await expect(adapterFor(liar.url).list()).rejects.toThrow(/totalPages keeps growing/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const inactive = liar.requests.filter((r) => r.query.status === 'inactive').length;
      expect(inactive).toBeLessThanOrEqual(15);
    } finally {
      await liar.close();
    }
  });

  it('reports the listing that failed, not one it stopped', async () => {
    // Now the inactive listing lies and the default one is sound and long: the default one stops at its next
    // page, and the error is the inactive listing's own.
    const liar = await lyingVendor((page, status) =>
      status === 'inactive'
        ? { results: [user(10_000 + page)], totalPages: page + 1, page, pageSize: 1, total: 1 }
        : { results: [user(page)], totalPages: 2_000, page, pageSize: 1, total: 2_000 },
    );
    try {
      await expect(adapterFor(liar.url).list()).rejects.toThrow(/status=inactive page \d+: totalPages keeps growing/);
    } finally {
      await liar.close();
    }
  });

  it('stops on an empty page before the last, a wrong page number or a missing results list', async () => {
    const empty = await lyingVendor((page) => ({ results: page === 1 ? [user(1)] : [], totalPages: 5, page }));
    const wrong = await lyingVendor(() => ({ results: [user(1)], totalPages: 2, page: 1 }));
    const shapeless = await lyingVendor(() => ({ data: [], totalPages: 1 }));
    try {
      await expect(adapterFor(empty.url).list()).rejects.toThrow(/page 2 is empty though totalPages says 5/);
      await expect(adapterFor(wrong.url).list()).rejects.toThrow(/answered page 1 instead/);
      await expect(adapterFor(shapeless.url).list()).rejects.toThrow(/without a results list/);
    } finally {
      await Promise.all([empty.close(), wrong.close(), shapeless.close()]);
    }
  });
});

describe('Enerflo adapter: what a listing may hold', () => {
  const user = (id: number, extra: Record<string, unknown> = {}) => ({ id, email: `u${id}@x.example`, roles: ['Setter'], ...extra });

  it('keeps a user found in both listings once, as the later (inactive) listing has them', async () => {
    // Deactivated between the two readings.
    const vendor = await lyingVendor((page, status) =>
      status === 'inactive' ? { results: [user(2, { active: false })], totalPages: 1, page } : { results: [user(1), user(2)], totalPages: 1, page },
    );
    try {
      const users = await adapterFor(vendor.url).list();
      expect(users.map((u) => [u.vendorId, u.active])).toEqual([
        ['1', true],
        ['2', false],
      ]);
    } finally {
      await vendor.close();
    }
  });

  it('marks one user it cannot read, and reads the others', async () => {
    const vendor = await lyingVendor((page, status) =>
      status === 'inactive'
        ? { results: [], totalPages: 1, page }
        : { results: [user(1), { id: 2, email: null, roles: ['Setter'] }, user(3, { roles: 'Setter' }), user(4)], totalPages: 1, page },
    );
    try {
      const users = await adapterFor(vendor.url).list();
      expect(users.map((u) => [u.vendorId, u.unreadable])).toEqual([
        ['1', undefined],
        ['2', 'the user has no email address'],
        ['3', 'roles is not a list of Role Names'],
        ['4', undefined],
      ]);
      expect(users[2].email).toBe('u3@x.example');
    } finally {
      await vendor.close();
    }
  });

  it('fails the listing, naming Enerflo, when it ends short of the total it announced', async () => {
    const vendor = await lyingVendor((page) => ({ results: [user(1), user(2)], totalPages: 1, page, pageSize: 200, total: 3 }));
    try {
      await expect(adapterFor(vendor.url).list()).rejects.toThrow(/^enerflo: GET \/api\/v3\/users ended after 1 pages with 2 users, but the first page said 3/);
    } finally {
      await vendor.close();
    }
  });
});

describe('Enerflo adapter: writes', () => {
  it('creates a Sales Rep in one POST with manager_id from the context, office_id, flags and no password', async () => {
    const boss = person('maria.lopez@sunrise.example', { roles: [roles.regional] });
    const rep = person('nina.new@sunrise.example', { office: offices.austin, phone: '+15125550111', timezone: 'America/Chicago', manager: boss.key, externalId: 'HR-9' });
    const adapter = adapterFor(emu.url);
    const { vendorId } = await adapter.create(desiredFor(rep, orgOf([boss, rep])), { vendorIdFor: (k) => (k === boss.key ? '1002' : undefined) });
    expect(writes()).toHaveLength(1);
    const body = writes()[0].body as Record<string, unknown>;
    expect(writes()[0]).toMatchObject({ method: 'POST', path: '/api/v1/users' });
    expect(body).toEqual({
      email: 'nina.new@sunrise.example',
      roles: ['Sales Rep'],
      notify_email: true,
      can_create_customers: true,
      allow_optimus: false,
      can_reassign_leads: true,
      first_name: 'Nina',
      last_name: 'New',
      phone: '5125550111',
      timezone: 'America/Chicago',
      external_user_id: 'HR-9',
      manager_id: 1002,
      manager_email: 'maria.lopez@sunrise.example',
      office_id: '101',
    });
    expect(body).not.toHaveProperty('password');
    expect(live('nina.new@sunrise.example')).toMatchObject({ id: Number(vendorId), manager_id: 1002, office_ids: [101], has_password: false });
    expect(state.outbox).toEqual([{ to: 'nina.new@sunrise.example', kind: 'welcome' }]);
  });

  it('falls back to manager_email when the manager id is not known', async () => {
    const boss = person('maria.lopez@sunrise.example', { roles: [roles.regional] });
    const rep = person('nina.new@sunrise.example', { manager: boss.key });
    await adapterFor(emu.url).create(desiredFor(rep, orgOf([boss, rep])), noIds);
    expect(writes()[0].body).toMatchObject({ manager_email: 'maria.lopez@sunrise.example' });
    expect(writes()[0].body).not.toHaveProperty('manager_id');
    expect(live('nina.new@sunrise.example').manager_id).toBe(1002);
  });

  it('sets offices create cannot carry with a follow-up PUT, so the next listing matches git', async () => {
    const p = person('rita.regional@sunrise.example', {
      roles: [roles.regional],
      office: offices.dallas,
      vendors: { enerflo: { officeIds: ['101', '103'] } },
    });
    const record = desiredFor(p, orgOf([p]));
    const adapter = adapterFor(emu.url);
    const { vendorId } = await adapter.create(record, noIds);
    expect(writes().map((w) => w.method)).toEqual(['POST', 'PUT']);
    expect(writes()[0].body).not.toHaveProperty('office_id');
    expect(writes()[1].body).toEqual({ id: vendorId, office_ids: [102, 101, 103] });
    const listed = (await adapter.list()).find((u) => u.vendorId === vendorId)!;
    // Every field, create-only ones included, reads back as sent; the welcome email is an act, not a value.
    for (const [field, value] of Object.entries(record.fields)) if (field !== 'sendWelcomeEmail') expect(listed.fields[field], field).toEqual(value);
  });

  it('reports a create whose follow-up PUT fails as a plain failure naming the new id', async () => {
    const nowhere = { ...offices.dallas, key: 'nowhere', enerflo: { officeId: '999' } };
    const p = person('rita.regional@sunrise.example', { roles: [roles.regional], office: nowhere });
    const error = (await adapterFor(emu.url)
      .create(desiredFor(p, orgOf([p])), noIds)
      .catch((e: unknown) => e)) as VendorHttpError;
    const created = live('rita.regional@sunrise.example');
    expect(error.message).toBe(
      `created as Enerflo user ${created.id}, but setting offices or status failed: enerflo: PUT /api/v3/users answered 422: office_ids.0: The selected office_ids.0 is invalid.`,
    );
    expect(error.ambiguous).toBe(false);
    expect(error.status).toBe(422);
  });

  it('updates with the documented fields only, id (a string) in the body, roles and office_ids in full', async () => {
    const boss = person('admin@sunrise.example', { roles: [roles.regional] });
    const p = person('sam.rep@sunrise.example', {
      roles: [roles.rep, roles.setter],
      lastName: 'Representative',
      office: offices.dallas,
      phone: '+1 (512) 555-0177',
      manager: boss.key,
    });
    const record = desiredFor(p, orgOf([boss, p]));
    const adapter = adapterFor(emu.url);
    await adapter.update('1003', record, ['lastName', 'roles'], { vendorIdFor: (k) => (k === boss.key ? '1001' : undefined) });
    expect(writes()[0]).toMatchObject({ method: 'PUT', path: '/api/v3/users' });
    // Update a User documents id, manager_email, first_name, last_name, phone, email, active, roles,
    // office_ids and nothing else: no flags, timezone, external id or manager_id.
    expect(writes()[0].body).toEqual({
      id: '1003',
      email: 'sam.rep@sunrise.example',
      roles: ['Sales Rep', 'Setter'],
      first_name: 'Sam',
      last_name: 'Representative',
      phone: '5125550177',
      office_ids: [102],
      manager_email: 'admin@sunrise.example',
    });
    const listed = (await adapter.list()).find((u) => u.vendorId === '1003')!;
    const createOnly = new Set(enerflo.fields.filter((f) => f.createOnly).map((f) => f.name));
    for (const [field, value] of Object.entries(record.fields)) if (!createOnly.has(field)) expect(listed.fields[field], field).toEqual(value);
  });

  it('never sends a field git leaves out, so it is never cleared', async () => {
    const p = person('maria.lopez@sunrise.example', { roles: [roles.regional] });
    await adapterFor(emu.url).update('1002', desiredFor(p, orgOf([p])), ['optimusAccess'], noIds);
    const body = writes()[0].body as Record<string, unknown>;
    for (const field of ['phone', 'timezone', 'external_id', 'office_ids', 'manager_id', 'manager_email']) expect(body).not.toHaveProperty(field);
    expect(live('maria.lopez@sunrise.example')).toMatchObject({ phone: '5125550101', office_ids: [101, 102], timezone: 'America/Chicago' });
  });

  it('changes an email in place', async () => {
    const p = person('samuel.rep@sunrise.example');
    await adapterFor(emu.url).update('1003', desiredFor(p, orgOf([p])), ['email'], noIds);
    expect(state.users.find((u) => u.id === 1003)!.email).toBe('samuel.rep@sunrise.example');
  });

  it('deactivates and reactivates with active', async () => {
    const adapter = adapterFor(emu.url);
    const [, maria] = await adapter.list();
    await adapter.deactivate('1002', maria);
    expect(writes()[0].body).toEqual({ id: '1002', active: false });
    expect((await adapter.findByEmail('maria.lopez@sunrise.example'))?.active).toBe(false);
    const p = person('maria.lopez@sunrise.example', { roles: [roles.regional] });
    await adapter.reactivate('1002', desiredFor(p, orgOf([p])), [], noIds);
    expect(writes().at(-1)?.body).toMatchObject({ id: '1002', active: true, roles: ['Regional Manager'] });
    expect((await adapter.findByEmail('maria.lopez@sunrise.example'))?.active).toBe(true);
  });

  it('offers no delete: Enerflo has none, so its writer removes users by deactivation', () => {
    const { removal } = adapterFor(emu.url).writer;
    expect(removal.kind).toBe('flag');
    expect(removal).not.toHaveProperty('delete');
    expect(writes()).toEqual([]);
  });

  it('declares how users leave, that emails change in place, and its managed fields', () => {
    expect(enerflo.removal).toBe('flag');
    expect(enerflo.emailChange(enerflo.parseConfig({ kind: 'enerflo', baseUrl: 'https://enerflo.io', credentials: { apiKey: { env: 'ENERFLO_API_KEY' } } }))).toBe('inPlace');
    expect(enerflo.fields.map((f) => f.name)).toEqual([
      'firstName',
      'lastName',
      'phone',
      'timezone',
      'roles',
      'office',
      'officeIds',
      'manager',
      'externalId',
      'canCreateLeads',
      'optimusAccess',
      'canReassignLeads',
      'sendWelcomeEmail',
    ]);
    expect(enerflo.fields.find((f) => f.name === 'phone')?.personal).toBe('phone');
    // Add a User takes them, Update a User does not (shared/vendors/README.md, Enerflo).
    expect(enerflo.fields.filter((f) => f.createOnly).map((f) => f.name)).toEqual([
      'timezone',
      'externalId',
      'canCreateLeads',
      'optimusAccess',
      'canReassignLeads',
      'sendWelcomeEmail',
    ]);
  });
});

describe('Enerflo adapter: errors', () => {
  it('turns a 422 into the vendor sentence: email already taken (a deleted user)', async () => {
    const p = person('gone@sunrise.example');
    const error = await adapterFor(emu.url)
      .create(desiredFor(p, orgOf([p])), noIds)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorHttpError);
    expect((error as VendorHttpError).status).toBe(422);
    expect((error as Error).message).toBe('enerflo: POST /api/v1/users answered 422: email: The email has already been taken.');
  });

  it('surfaces a role that cannot be removed while leads are attributed', async () => {
    const p = person('sam.rep@sunrise.example', { roles: [roles.setter] });
    await expect(adapterFor(emu.url).update('1003', desiredFor(p, orgOf([p])), ['roles'], noIds)).rejects.toThrow(
      /^enerflo: PUT \/api\/v3\/users answered 422: roles: The Sales Rep role cannot be removed while leads, surveys or appointments are attributed/,
    );
  });

  it('joins several fields in one message', () => {
    expect(
      describeEnerfloError(422, {
        message: 'The email field is required. (and 1 more error)',
        errors: { email: ['The email field is required.'], 'roles.0': ['"agent" is a Role Slug; use the Role Name "Sales Rep" when assigning roles.'] },
      }),
    ).toBe('email: The email field is required.; roles.0: "agent" is a Role Slug; use the Role Name "Sales Rep" when assigning roles.');
    expect(describeEnerfloError(404, { message: 'User not found.' })).toBe('User not found.');
    expect(describeEnerfloError(500, '<html>')).toBeUndefined();
  });

  it('never puts the key in a message: a wrong key, and a vendor that echoes it', async () => {
    const wrongKey = 'deadbeefdeadbeefde.99999999';
    const unauthorised = (await adapterFor(emu.url, { key: wrongKey })
      .list()
      .catch((e: unknown) => e)) as Error;
    expect(unauthorised.message).toMatch(/answered 401/);
    expect(unauthorised.message).not.toContain(wrongKey);

    const echo = await lyingVendor(() => ({ results: [], totalPages: 1 }));
    try {
      const p = person('sam.rep@sunrise.example');
      const error = (await adapterFor(echo.url)
        .update('1', desiredFor(p, orgOf([p])), [], noIds)
        .catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(/api_key: The key \*\*\* may not do that\./);
      expect(error.message).not.toContain(KEY);
    } finally {
      await echo.close();
    }
  });
});
