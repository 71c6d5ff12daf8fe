import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import { enerflo } from '../../src/vendors/enerflo/index.js';
import { policySchema } from '../../src/config/schema.js';
import { applyPlan } from '../../src/reconcile/apply.js';
import { summarise } from '../../src/reconcile/plan.js';
import { planVendor } from '../../src/reconcile/plan-vendor.js';
import type { DesiredRecord, ListReader, VendorAdapter } from '../../src/vendors/types.js';

/*
 * A small fake Enerflo written from the documents (published.md, Enerflo): `GET /api/v3/users?page=&pageSize=`
 * answers `{results, totalPages}`; `status=inactive` and `status=suspended` list the users the default list
 * leaves out (help centre "reactivate a user account"); `POST /api/v1/users` creates (Add a User) and
 * `PUT /api/v3/users` updates (Update a User). Its users are listed with the Update-a-User names only
 * (`id, manager_email, first_name, last_name, phone, email, active, roles, office_ids`), no `manager_id`.
 * Each tolerant read is also a conformance row against the emulator (src/vendors/enerflo/facts.ts); this file
 * keeps what the rows do not: the whole plan-apply-plan round that settles, and the refusals around them.
 */
interface FakeUser {
  id: number;
  email: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  roles: string[];
  office_ids: number[];
  manager_email?: string | null;
  /** Only when a test gives one: Update a User has no such name. */
  manager_id?: number;
  active: boolean;
  suspended?: boolean;
}

interface FakeOptions {
  /** List items leave out `active` (the list's shape is not published). */
  omitActive?: boolean;
  /** Create answers `{data: user}` instead of the user. */
  wrapCreate?: boolean;
  /** The statuses `status=` accepts; any other is Laravel's 422. */
  statuses?: string[];
}

async function fakeEnerflo(users: Array<Partial<FakeUser> & { id: number; email: string }>, options: FakeOptions = {}) {
  const state: FakeUser[] = users.map((u) => ({ roles: [], office_ids: [], active: true, ...u }));
  const requests: Array<{ method: string; url: string; body?: Record<string, unknown> }> = [];
  const statuses = options.statuses ?? ['inactive', 'suspended'];
  const present = (u: FakeUser) => {
    const { suspended: _suspended, active, ...rest } = u;
    return options.omitActive ? rest : { ...rest, active };
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      const send = (status: number, answer: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      if (req.method === 'GET' && url.pathname === '/api/v3/users') {
        const status = url.searchParams.get('status');
        if (status !== null && !statuses.includes(status)) return send(422, { message: 'The selected status is invalid.', errors: { status: ['The selected status is invalid.'] } });
        const results = state.filter((u) =>
          status === 'suspended' ? u.suspended : status === 'inactive' ? !u.active && !u.suspended : u.active && !u.suspended,
        );
        return send(200, { results: results.map(present), totalPages: 1 });
      }
      if (req.method === 'POST' && url.pathname === '/api/v1/users' && body) {
        if (state.some((u) => u.email.toLowerCase() === String(body.email).toLowerCase())) {
          return send(422, { message: 'The given data was invalid.', errors: { email: ['The email has already been taken.'] } });
        }
        const user: FakeUser = {
          id: Math.max(100, ...state.map((u) => u.id)) + 1,
          email: String(body.email),
          first_name: body.first_name as string | undefined,
          last_name: body.last_name as string | undefined,
          phone: body.phone as string | undefined,
          roles: (body.roles as string[]) ?? [],
          office_ids: body.office_id ? [Number(body.office_id)] : [],
          manager_email: (body.manager_email as string | undefined) ?? null,
          active: true,
        };
        state.push(user);
        return send(201, options.wrapCreate ? { data: present(user) } : present(user));
      }
      if (req.method === 'PUT' && url.pathname === '/api/v3/users' && body) {
        const user = state.find((u) => String(u.id) === String(body.id));
        if (!user) return send(422, { message: 'The given data was invalid.', errors: { id: ['The selected id is invalid.'] } });
        for (const name of ['email', 'first_name', 'last_name', 'phone', 'roles', 'office_ids', 'manager_email'] as const) {
          if (name in body) (user as unknown as Record<string, unknown>)[name] = body[name];
        }
        if (typeof body.active === 'boolean') {
          user.active = body.active;
          if (body.active) user.suspended = false;
        }
        return send(200, present(user));
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function adapterFor(url: string, settings: Record<string, unknown> = {}): VendorAdapter {
  const config = enerflo.parseConfig({ kind: 'enerflo', baseUrl: url, timeoutMs: 5_000, credentials: { apiKey: { env: 'ENERFLO_API_KEY' } }, ...settings });
  const httpClient = new HttpClient({ vendor: 'enerflo', baseUrl: url, timeoutMs: 5_000, secrets: () => ['k'] });
  return enerflo.createAdapter({ instanceName: 'enerflo', config, credentials: { apiKey: 'k' }, http: httpClient });
}

function reader(url: string, settings: Record<string, unknown> = {}): ListReader {
  const adapter = adapterFor(url, settings);
  if (adapter.reader.mode !== 'list') throw new Error('Enerflo lists its users');
  return adapter.reader;
}

const noIds = { vendorIdFor: () => undefined };

function desired(email: string, fields: DesiredRecord['fields'], active = true): DesiredRecord {
  return { key: email, email, active, fields, dependsOn: [] };
}

describe('Enerflo tolerant reads', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('reads the manager from manager_email when the listing carries no manager_id', async () => {
    const fake = await fakeEnerflo([
      { id: 1, email: 'boss@acme.com', first_name: 'B', last_name: 'Oss', roles: ['Sales Rep'], active: true },
      { id: 2, email: 'rep@acme.com', first_name: 'R', last_name: 'Ep', roles: ['Sales Rep'], active: true, manager_email: 'Boss@Acme.com' },
    ]);
    close = fake.close;
    const live = await reader(fake.url).list();
    expect(live.find((r) => r.vendorId === '2')?.fields.manager).toBe('boss@acme.com');
    expect(live.find((r) => r.vendorId === '1')?.fields.manager).toBeNull();
  });

  it('manager_id still wins, named by the listed user with that id', async () => {
    const fake = await fakeEnerflo([
      { id: 1, email: 'boss@acme.com', roles: ['Sales Rep'], active: true },
      { id: 2, email: 'rep@acme.com', roles: ['Sales Rep'], active: true, manager_id: 1, manager_email: 'stale@acme.com' },
    ]);
    close = fake.close;
    const live = await reader(fake.url).list();
    expect(live.find((r) => r.vendorId === '2')?.fields.manager).toBe('boss@acme.com');
  });

  it('a list item without `active` takes it from the listing it came from', async () => {
    const fake = await fakeEnerflo(
      [
        { id: 1, email: 'here@acme.com', roles: ['Setter'], active: true },
        { id: 2, email: 'gone@acme.com', roles: ['Setter'], active: false },
      ],
      { omitActive: true },
    );
    close = fake.close;
    const live = await reader(fake.url).list();
    expect(live.map((r) => [r.email, r.active])).toEqual([
      ['here@acme.com', true],
      ['gone@acme.com', false],
    ]);
  });

  it('a create answered as {"data": {...}} is read as the created user, not reported failed', async () => {
    const fake = await fakeEnerflo([], { wrapCreate: true });
    close = fake.close;
    const adapter = adapterFor(fake.url);
    const { vendorId } = await adapter.writer.create(desired('new@acme.com', { roles: ['Setter'] }), noIds);
    expect(vendorId).toBe(String(fake.state[0].id));
  });

  it('an answer with no id, wrapped or not, is still malformed', async () => {
    const server = http.createServer((_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"data":{"email":"new@acme.com"}}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    const adapter = adapterFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await expect(adapter.writer.create(desired('new@acme.com', { roles: ['Setter'] }), noIds)).rejects.toThrow("without the new user's id");
  });

  it('suspended users are listed too, so bringing one back plans a reactivate, not a create', async () => {
    const fake = await fakeEnerflo([
      { id: 1, email: 'here@acme.com', roles: ['Setter'] },
      { id: 2, email: 'back@acme.com', first_name: 'Ann', roles: ['Setter'], active: false, suspended: true },
    ]);
    close = fake.close;
    const live = await reader(fake.url).list();
    expect(live.map((r) => [r.email, r.active])).toEqual([
      ['here@acme.com', true],
      ['back@acme.com', false],
    ]);
    const plan = planVendor({
      vendor: 'enerflo',
      kind: 'enerflo',
      removal: 'flag',
      emailChange: 'inPlace',
      fields: enerflo.fields,
      policy: policySchema.parse({}),
      desired: [desired('back@acme.com', { firstName: 'Ann', roles: ['Setter'] })],
      live,
    });
    expect(plan.operations.map((op) => `${op.action} ${op.key}`)).toEqual(['reactivate back@acme.com']);
    expect(fake.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('status'))).toEqual([null, 'inactive', 'suspended']);
  });

  it('which statuses is a setting: [] reads no suspended listing, and an unknown status is refused, not skipped', async () => {
    const fake = await fakeEnerflo([{ id: 2, email: 'back@acme.com', roles: ['Setter'], active: false, suspended: true }], { statuses: ['inactive', 'banned'] });
    close = fake.close;
    expect(await reader(fake.url, { suspendedStatuses: [] }).list()).toEqual([]);
    expect((await reader(fake.url, { suspendedStatuses: ['banned'] }).list()).map((r) => r.email)).toEqual([]);
    await expect(reader(fake.url).list()).rejects.toThrow('The selected status is invalid.');
  });

  it('done when: a plan against a fake answering with the Update-a-User names only settles to no changes after one apply', async () => {
    // Listed without `active`, created answers wrapped in {data}, managers by manager_email, one user suspended.
    const fake = await fakeEnerflo(
      [
        { id: 1, email: 'boss@acme.com', first_name: 'Bo', last_name: 'Ss', phone: '5125550100', roles: ['Sales Rep'] },
        { id: 2, email: 'rep@acme.com', first_name: 'Re', last_name: 'P', roles: ['Sales Rep'], manager_email: 'BOSS@acme.com' },
        { id: 3, email: 'old@acme.com', first_name: 'Ol', last_name: 'D', roles: ['Setter'], active: false },
        { id: 4, email: 'back@acme.com', first_name: 'Ba', last_name: 'Ck', roles: ['Setter'], active: false, suspended: true },
        { id: 5, email: 'leaving@acme.com', first_name: 'Le', last_name: 'Ave', roles: ['Setter'] },
      ],
      { omitActive: true, wrapCreate: true },
    );
    close = fake.close;
    const flags = { canCreateLeads: true, optimusAccess: false, canReassignLeads: true, sendWelcomeEmail: false, timezone: 'America/Chicago' };
    const want = (email: string, fields: DesiredRecord['fields'], active = true, manager?: string): DesiredRecord => ({
      ...desired(email, { ...flags, ...fields, ...(manager ? { manager } : {}) }, active),
      dependsOn: manager ? [manager] : [],
    });
    const declared = [
      want('boss@acme.com', { firstName: 'Bo', lastName: 'Ss', phone: '5125550100', roles: ['Sales Rep'] }),
      want('rep@acme.com', { firstName: 'Re', lastName: 'Peat', roles: ['Sales Rep'] }, true, 'boss@acme.com'),
      want('old@acme.com', { firstName: 'Ol', lastName: 'D', roles: ['Setter'] }, false),
      want('back@acme.com', { firstName: 'Ba', lastName: 'Ck', roles: ['Setter'] }),
      want('leaving@acme.com', { firstName: 'Le', lastName: 'Ave', roles: ['Setter'] }, false),
      want('new@acme.com', { firstName: 'Ne', lastName: 'W', roles: ['Sales Rep'] }, true, 'boss@acme.com'),
    ];
    const adapter = adapterFor(fake.url);
    const planned = async () => {
      const live = await (adapter.reader as ListReader).list();
      return planVendor({ vendor: 'enerflo', kind: 'enerflo', removal: 'flag', emailChange: 'inPlace', fields: enerflo.fields, policy: policySchema.parse({}), desired: declared, live });
    };
    const first = await planned();
    expect(first.errors).toEqual([]);
    expect(first.operations.map((op) => `${op.action} ${op.key}`).sort()).toEqual([
      'create new@acme.com',
      'deactivate leaving@acme.com',
      'reactivate back@acme.com',
      'update rep@acme.com',
    ]);
    const report = await applyPlan({ version: 1, vendors: [first], summary: summarise([first]) }, { writers: new Map([['enerflo', adapter.writer]]) });
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    const second = await planned();
    expect(second.errors).toEqual([]);
    expect(second.operations).toEqual([]);
  });
});
