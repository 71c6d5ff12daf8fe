import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TooManyUsersError, type UserLimit } from '../../src/errors/user-limit.js';
import { HttpClient } from '../../src/http/client.js';
import { pageReader } from '../../src/http/pages.js';
import { consistentListing } from '../../src/reconcile/plan.js';
import { json, Router, startEmulator, type Emulator } from '../../src/sandbox/emulator-kit.js';
import { HighlevelAdapter } from '../../src/vendors/highlevel/adapter.js';
import { highlevel as highlevelModule } from '../../src/vendors/highlevel/index.js';
import { makeWorkspace, repoRoot, startHarness, type Harness, type Workspace } from '../helpers/workspace.js';

/**
 * Issue 24, point 7: bounded listings. A vendor claiming a billion users is refused on its first page for
 * that vendor alone (policy.maxUsers); a HighLevel count that moves between pages (a user deleted at the
 * front, so the next one slides onto a page already read and would be planned as a create) is read once
 * more, then refused. Fakes written from the documents (shared/vendors/README.md, HighLevel "List":
 * GET /users/search with skip/limit answers {users, count}), over HTTP on 127.0.0.1.
 */
const COMPANY = 'Rk7mQ2vX9pLs4TnB8cWd';

let emulator: Emulator | undefined;
let harness: Harness | undefined;
let workspace: Workspace | undefined;
afterEach(async () => {
  await emulator?.close();
  await harness?.close();
  await workspace?.remove();
  emulator = harness = workspace = undefined;
});

const user = (id: string) => ({ id, email: `${id}@example.com`, firstName: 'A', lastName: 'B', roles: { type: 'account', role: 'user', locationIds: [] } });

/** A HighLevel search that serves `users` by skip/limit; `onServe` may change them after a page is answered. */
async function fakeHighlevel(users: ReturnType<typeof user>[], onServe: (skip: number, users: ReturnType<typeof user>[]) => void = () => {}, claim?: number) {
  const router = new Router().add('GET', '/users/search', (req) => {
    const skip = Number(req.query.get('skip'));
    const limit = Number(req.query.get('limit'));
    const answer = { users: users.slice(skip, skip + limit), count: claim ?? users.length };
    onServe(skip, users);
    return json(200, answer);
  });
  emulator = await startEmulator({ name: 'fake-highlevel', router, state: {}, tooManyRequests: () => json(429, {}), serverError: (s) => json(s, {}), notFound: () => json(404, {}) });
  const http = new HttpClient({ vendor: 'highlevel', baseUrl: emulator.url });
  return new HighlevelAdapter({
    instanceName: 'highlevel',
    config: highlevelModule.parseConfig({ kind: 'highlevel', baseUrl: 'http://127.0.0.1:1', credentials: { token: { env: 'HIGHLEVEL_TOKEN' } }, companyId: COMPANY, pageSize: 2 }),
    credentials: { token: 't' },
    http,
  });
}
const searches = () => emulator!.requests.filter((r) => r.path === '/users/search');
const limit = { maxUsers: 200_000, vendor: 'highlevel' };

describe('HighLevel: a count that moves between pages', () => {
  it('a user deleted at the front while paging: the listing is read once more, and the second, still listing, has everyone', async () => {
    let deleted = false;
    const adapter = await fakeHighlevel(['a', 'b', 'c', 'd', 'e'].map(user), (skip, users) => {
      // Deleted by an administrator right after the first page went out, during the first listing only.
      if (skip === 0 && !deleted) {
        deleted = true;
        users.shift();
      }
    });
    const live = await consistentListing(adapter.reader, limit);
    // Without the count check, c slid onto the page already read and the first listing "ended" without it.
    expect(live.map((r) => r.vendorId)).toEqual(['b', 'c', 'd', 'e']);
    expect(searches().filter((r) => r.query.skip === '0')).toHaveLength(2);
  });

  it('a count that moves on every listing refuses the vendor after one re-read, naming both counts', async () => {
    const adapter = await fakeHighlevel(Array.from({ length: 40 }, (_, i) => user(`u${i}`)), (skip, users) => {
      if (skip === 0) users.shift();
    });
    await expect(consistentListing(adapter.reader, limit)).rejects.toThrow(
      /^highlevel: GET \/users\/search \(skip 2\) counts 38 users where the first page counted 39; users changed while the list was read/,
    );
    expect(searches().filter((r) => r.query.skip === '0')).toHaveLength(2);
  });

  it('a count that grows between pages is refused too (a user added at the front pushes one onto the next page: read twice)', async () => {
    let n = 0;
    const adapter = await fakeHighlevel(['a', 'b', 'c', 'd'].map(user), (skip, users) => {
      if (skip === 0) users.unshift(user(`new${n++}`));
    });
    await expect(consistentListing(adapter.reader, limit)).rejects.toThrow(/counts 6 users where the first page counted 5/);
  });
});

describe('a vendor claiming a billion users', () => {
  it('HighLevel: refused on its first page, one request, never re-read', async () => {
    const adapter = await fakeHighlevel([user('a'), user('b')], () => {}, 1_000_000_000);
    const error = await consistentListing(adapter.reader, limit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyUsersError);
    expect((error as Error).message).toBe(
      'highlevel: GET /users/search (skip 0) counts 1000000000 users, over the limit of 200000 for highlevel (policy.maxUsers); not read further. If the vendor really has that many, raise policy.maxUsers on vendor "highlevel"',
    );
    expect(searches()).toHaveLength(1);
  });

  it('the limit is the setting: 5 users over a maxUsers of 4 is refused, 4 is read', async () => {
    const adapter = await fakeHighlevel(['a', 'b', 'c', 'd', 'e'].map(user));
    await expect(adapter.list({ limit: { maxUsers: 4, vendor: 'highlevel' } })).rejects.toThrow(/counts 5 users, over the limit of 4/);
    expect(await adapter.list({ limit: { maxUsers: 5, vendor: 'highlevel' } })).toHaveLength(5);
  });

  /** A paged vendor in the shape Enerflo and Pulse document: {data, total, totalPages} per page. */
  async function pagedVendor(total: number, totalPages: number) {
    const router = new Router().add('GET', '/users', (req) => json(200, { data: [user(`p${req.query.get('page')}`)], total, totalPages }));
    emulator = await startEmulator({ name: 'fake-paged', router, state: {}, tooManyRequests: () => json(429, {}), serverError: (s) => json(s, {}), notFound: () => json(404, {}) });
    const http = new HttpClient({ vendor: 'paged', baseUrl: emulator.url });
    type Page = { body?: { total?: number; totalPages?: number } };
    return (withTotal: boolean, limit?: UserLimit) =>
      pageReader<Page>({
        limit,
        fetch: (index) => http.request({ method: 'GET', path: '/users', query: { page: String(index + 1) } }),
        pageCount: (answer) => answer.body?.totalPages,
        ...(withTotal ? { total: (answer: Page) => answer.body?.total } : {}),
        describe: (index) => `paged: GET /users page ${index + 1}`,
      });
  }

  it('the shared pages helper: a claimed total over the limit is refused on page 1, before any page is asked for ahead', async () => {
    const reader = await pagedVendor(1_000_000_000, 10_000_000);
    await expect(reader(true, { maxUsers: 200_000, vendor: 'paged' })()).rejects.toThrow(
      'paged: GET /users page 1 counts 1000000000 users, over the limit of 200000 for paged (policy.maxUsers)',
    );
    expect(emulator!.requests).toHaveLength(1);
  });

  it('the shared pages helper, for an adapter that passes no total: more pages than the limit of users could fill is refused on page 1', async () => {
    const reader = await pagedVendor(1_000_000_000, 10_000_000);
    await expect(reader(false, { maxUsers: 200_000, vendor: 'paged' })()).rejects.toThrow(
      'paged: GET /users page 1 counts 10000000 pages, more than the limit of 200000 users for paged (policy.maxUsers) could fill',
    );
    expect(emulator!.requests).toHaveLength(1);
  });

  it('outside a vendor listing (no limit set) the helper pages as before', async () => {
    const reader = (await pagedVendor(3, 3))(true);
    for (let i = 0; i < 3; i++) await reader();
    expect(emulator!.requests.map((r) => r.query.page)).toEqual(['1', '2', '3']);
  });
});

describe('policy.maxUsers through the engine', () => {
  it('refuses that vendor alone with a located error; the other vendor plans', async () => {
    const root = parse(await readFile(path.join(repoRoot, 'roster.yaml'), 'utf8'));
    const config = {
      ...root,
      vendors: { highlevel: { ...root.vendors.highlevel, policy: { ...root.vendors.highlevel.policy, maxUsers: 1 } }, partner: root.vendors.partner },
    };
    workspace = await makeWorkspace(config, {
      'offices.yaml': await readFile(path.join(repoRoot, 'users/offices.yaml'), 'utf8'),
      'roles.yaml': await readFile(path.join(repoRoot, 'users/roles.yaml'), 'utf8'),
      'people.yaml': { people: [{ email: 'cara.care@sunpath.example', firstName: 'Cara', lastName: 'Care', roles: ['customer-care'], office: 'denver', externalId: 'HR-7001' }] },
    });
    harness = await startHarness(workspace.configFile, {});
    const plan = await harness.plan();
    const hl = plan.vendors.find((v) => v.vendor === 'highlevel')!;
    expect(hl.operations).toEqual([]);
    expect(hl.errors.map((e) => e.message).join('\n')).toMatch(/could not list users: highlevel: GET \/users\/search \(skip 0\) counts \d+ users, over the limit of 1 for highlevel \(policy\.maxUsers\)/);
    const searchesMade = harness.sandbox.emulators.get('highlevel')!.requests.filter((r) => r.path === '/users/search');
    expect(searchesMade).toHaveLength(1);
    const partner = plan.vendors.find((v) => v.vendor === 'partner')!;
    expect(partner.errors).toEqual([]);
    expect(partner.operations.map((op) => `${op.action} ${op.key}`)).toContain('create cara.care@sunpath.example');
  });
});
