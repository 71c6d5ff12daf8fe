import { afterEach, describe, expect, it } from 'vitest';
import { isListingChangedError } from '../../src/errors/listing.js';
import { TooManyUsersError } from '../../src/errors/user-limit.js';
import { HttpClient } from '../../src/http/client.js';
import { consistentListing } from '../../src/reconcile/plan.js';
import { json, Router, startEmulator, type Emulator } from '../../src/sandbox/emulator-kit.js';
import type { ListReader } from '../../src/vendors/types.js';
import { enerflo } from '../../src/vendors/enerflo/index.js';
import { pulse } from '../../src/vendors/pulse/index.js';

/**
 * Issue 24 point 7 for Enerflo and Pulse, as HighLevel has it (bounded-listings.test.ts): a listing's count
 * goes through the shared pages helper (src/http/pages.ts), so a claim over policy.maxUsers is refused on
 * the first page, and a count that moves between pages (a user deleted at the front slides onto a page
 * already read and would be planned as a create) means one re-read, then a refusal for that vendor.
 *
 * Small fakes written from the documents, over HTTP on 127.0.0.1, page-numbered with `page` and `pageSize`:
 * Enerflo `GET /api/v3/users` answers `{results, totalPages}` (shared/vendors/README.md: no user count is
 * documented; a `total` is read where an answer carries one, as the emulator's does), Pulse `GET /users`
 * answers `{data, page, pageSize, total, totalPages}` (README.md, inferred).
 */

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

type Mutate = (page: number, users: { id: number }[]) => void;

/** A paged fake: `users` served `pageSize` at a time; `onServe` may change them after a page is answered. */
async function pagedFake(path: string, shape: (users: object[], page: number, pageSize: number, total: number) => object, count: number, onServe: Mutate, claim?: number) {
  const users = Array.from({ length: count }, (_, i) => ({ id: i + 1 }));
  const router = new Router()
    .add('POST', '/auth/login', () => json(200, { token: 'b'.repeat(64) }))
    .add('GET', path, (req) => {
      // Enerflo's status listings (inactive, suspended) are empty here: the rows are about the default one.
      if (req.query.get('status')) return json(200, shape([], 1, 2, 0));
      const page = Number(req.query.get('page'));
      const pageSize = Number(req.query.get('pageSize'));
      const answer = shape(users.slice((page - 1) * pageSize, page * pageSize), page, pageSize, claim ?? users.length);
      onServe(page, users);
      return json(200, answer);
    });
  emulator = await startEmulator({ name: 'fake-paged', router, state: {}, tooManyRequests: () => json(429, {}), serverError: (s) => json(s, {}), notFound: () => json(404, {}) });
  return emulator.url;
}

const enerfloUser = (u: object) => {
  const id = (u as { id: number }).id;
  return { id, email: `u${id}@example.com`, first_name: 'U', last_name: String(id), active: true, roles: ['Sales Rep'], office_ids: [] };
};
const pulseUser = (u: object) => {
  const id = (u as { id: number }).id;
  return { id: `p${id}`, email: `u${id}@example.com`, name: `U ${id}`, active: true, teamId: null, phone: null, flatRolesList: [] };
};

const vendors = {
  enerflo: {
    async reader(onServe: Mutate, count: number, claim?: number): Promise<ListReader> {
      const url = await pagedFake(
        '/api/v3/users',
        (users, page, pageSize, total) => ({ results: users.map(enerfloUser), page, pageSize, total, totalPages: Math.max(1, Math.ceil(total / pageSize)) }),
        count,
        onServe,
        claim,
      );
      const config = enerflo.parseConfig({ kind: 'enerflo', baseUrl: url, pageSize: 2, credentials: { apiKey: { env: 'ENERFLO_API_KEY' } } });
      const http = new HttpClient({ vendor: 'enerflo', baseUrl: url, retry: { maxAttempts: 1, baseDelayMs: 1 } });
      return enerflo.createAdapter({ instanceName: 'enerflo', config, credentials: { apiKey: 'k'.repeat(32) }, http }).reader as ListReader;
    },
    firstPages: () => emulator!.requests.filter((r) => r.path === '/api/v3/users' && r.query.page === '1' && !r.query.status),
    moved: /^enerflo: GET \/api\/v3\/users page 2 counts 7 users where the first page counted 8; users changed while the list was read/,
    billion: 'enerflo: GET /api/v3/users page 1 counts 1000000000 users, over the limit of 200000 for enerflo (policy.maxUsers)',
  },
  pulse: {
    async reader(onServe: Mutate, count: number, claim?: number): Promise<ListReader> {
      const url = await pagedFake(
        '/users',
        (users, page, pageSize, total) => ({ data: users.map(pulseUser), page, pageSize, total, totalPages: Math.ceil(total / pageSize) }),
        count,
        onServe,
        claim,
      );
      const config = pulse.parseConfig({ kind: 'pulse', baseUrl: url, accountId: 'acct-1', pageSize: 2, credentials: { apiKey: { env: 'PULSE_API_KEY' }, apiSecret: { env: 'PULSE_API_SECRET' } } });
      const http = new HttpClient({ vendor: 'pulse', baseUrl: url, retry: { maxAttempts: 1, baseDelayMs: 1 } });
      return pulse.createAdapter({ instanceName: 'pulse', config, credentials: { apiKey: 'k', apiSecret: 's' }, http }).reader as ListReader;
    },
    firstPages: () => emulator!.requests.filter((r) => r.path === '/users' && r.query.page === '1'),
    moved: /^pulse: the user list had 8 users on page 1 and 7 on page 2; it changed while being read/,
    billion: 'pulse: GET /users page 1 counts 1000000000 users, over the limit of 200000 for pulse (policy.maxUsers)',
  },
};

const limitOf = (vendor: string) => ({ maxUsers: 200_000, vendor });
const listed = (vendor: string, reader: ListReader) => consistentListing(reader, limitOf(vendor));

describe.each(Object.entries(vendors))('%s: a count that moves between pages', (name, vendor) => {
  it('a user deleted at the front during the first listing: read once more, and the second listing has everyone', async () => {
    let deleted = false;
    const reader = await vendor.reader((page, users) => {
      if (page === 1 && !deleted) {
        deleted = true;
        users.shift();
      }
    }, 8);
    const live = await listed(name, reader);
    // Without the count check, user 3 slid onto page 1, already read, and would be planned as a create.
    expect(live.map((r) => r.email).sort()).toEqual(['u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8'].map((u) => `${u}@example.com`).sort());
    expect(vendor.firstPages()).toHaveLength(2);
  });

  it('a count that moves on every listing: refused after one re-read, naming both counts', async () => {
    const reader = await vendor.reader((page, users) => {
      if (page === 1) users.shift();
    }, 9);
    // The second listing sees 8 on page 1 and 7 on page 2.
    const error = await listed(name, reader).catch((e: unknown) => e);
    expect(isListingChangedError(error)).toBe(true);
    expect((error as Error).message).toMatch(vendor.moved);
    expect(vendor.firstPages()).toHaveLength(2);
  });

  it('a listing that holds still is read once, page by page', async () => {
    const reader = await vendor.reader(() => {}, 5);
    expect(await listed(name, reader)).toHaveLength(5);
    expect(vendor.firstPages()).toHaveLength(1);
  });

  it('a claim of a billion users is refused on page 1: one request, never re-read', async () => {
    const reader = await vendor.reader(() => {}, 2, 1_000_000_000);
    const error = await listed(name, reader).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyUsersError);
    expect((error as Error).message).toContain(vendor.billion);
    expect(vendor.firstPages()).toHaveLength(1);
  });
});

describe('pulse: the page ceiling comes from the first page\'s total', () => {
  it('a server whose totalPages keeps growing while its total holds is stopped at the total\'s pages plus the slack, and refused', async () => {
    const url = await pagedFake('/users', (users, page, pageSize) => ({ data: [pulseUser({ id: page })], page, pageSize, total: 4, totalPages: page + 1 }), 0, () => {});
    const config = pulse.parseConfig({ kind: 'pulse', baseUrl: url, accountId: 'acct-1', pageSize: 2, credentials: { apiKey: { env: 'PULSE_API_KEY' }, apiSecret: { env: 'PULSE_API_SECRET' } } });
    const http = new HttpClient({ vendor: 'pulse', baseUrl: url, retry: { maxAttempts: 1, baseDelayMs: 1 } });
    const reader = pulse.createAdapter({ instanceName: 'pulse', config, credentials: { apiKey: 'k', apiSecret: 's' }, http }).reader as ListReader;
    const error = await listed('pulse', reader).catch((e: unknown) => e);
    expect(isListingChangedError(error)).toBe(true);
    // A total of 4 at 2 a page allows 2 pages; 2 more are tolerated for users added while reading.
    expect((error as Error).message).toBe('the listing is still going at page 5, though the vendor\'s total of users allows 2 pages');
    // Each of the two listings stopped at page 4 (pages asked for ahead included): never followed for days.
    expect(emulator!.requests.filter((r) => r.path === '/users').length).toBeLessThanOrEqual(10);
  });
});
