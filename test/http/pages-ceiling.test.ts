import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import { pageReader } from '../../src/http/pages.js';
import { ListingChangedError } from '../../src/errors/listing.js';

interface Page {
  users: { id: string }[];
  total?: number;
  pageSize: number;
  totalPages: number;
}

/** A vendor that claims a million pages and answers each with a page of new users; `total` is what it reports. */
async function endlessVendor(total: number | undefined): Promise<{ url: string; asked: () => number }> {
  let asked = 0;
  const server = http.createServer((req, res) => {
    asked++;
    const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page'));
    const body: Page = { users: Array.from({ length: 100 }, (_, i) => ({ id: `${page}-${i}` })), pageSize: 100, totalPages: 1_000_000, ...(total !== undefined ? { total } : {}) };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked: () => asked };
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function readAll(url: string, options: { maxPages?: (page: Page) => number | undefined; hardLimit?: number }) {
  const client = new HttpClient({ vendor: 'acme', baseUrl: url });
  const next = pageReader<Page>({
    fetch: async (index) => (await client.request<Page>({ method: 'GET', path: '/users', query: { page: index } })).body,
    pageCount: (page) => page.totalPages,
    ...options,
  });
  const users: string[] = [];
  for (;;) {
    const page = await next();
    users.push(...page.users.map((u) => u.id));
    if (users.length > 10_000_000) return users;
  }
}

describe('pagination has a ceiling', () => {
  it('derived from the vendor total: a vendor claiming a million pages for 250 users is stopped after a few', async () => {
    const vendor = await endlessVendor(250);
    const error = await readAll(vendor.url, { maxPages: (page) => (page.total === undefined ? undefined : Math.ceil(page.total / page.pageSize)) }).catch((e) => e);
    expect(error).toBeInstanceOf(ListingChangedError);
    expect(error.message).toBe("the listing is still going at page 6, though the vendor's total of users allows 3 pages");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(vendor.asked()).toBeLessThanOrEqual(5);
  });

  it('and an absolute one when the vendor gives no total', async () => {
    const vendor = await endlessVendor(undefined);
    const error = await readAll(vendor.url, { hardLimit: 20 }).catch((e) => e);
    expect(error).toBeInstanceOf(ListingChangedError);
    expect(error.message).toBe('the listing is still going at page 21; stopped at the limit of 20 pages');
    expect(vendor.asked()).toBeLessThanOrEqual(20);
  });
});
