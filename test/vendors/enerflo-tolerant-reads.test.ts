import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import { enerflo } from '../../src/vendors/enerflo/index.js';
import type { ListReader } from '../../src/vendors/types.js';

/*
 * A small fake Enerflo written from the documents (published.md): `GET /api/v3/users?page=&pageSize=`
 * answers `{results, totalPages}`, and `status=inactive` lists the inactive users. Its users carry the
 * manager as Update a User names it, `manager_email`, and no `manager_id`.
 */
async function fakeEnerflo(active: object[], inactive: object[] = []) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const results = url.searchParams.get('status') === 'inactive' ? inactive : active;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results, totalPages: 1 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function reader(url: string): ListReader {
  const config = enerflo.parseConfig({ kind: 'enerflo', baseUrl: url, timeoutMs: 5_000, credentials: { apiKey: { env: 'ENERFLO_API_KEY' } } });
  const httpClient = new HttpClient({ vendor: 'enerflo', baseUrl: url, timeoutMs: 5_000, secrets: () => ['k'] });
  const adapter = enerflo.createAdapter({ instanceName: 'enerflo', config, credentials: { apiKey: 'k' }, http: httpClient });
  if (adapter.reader.mode !== 'list') throw new Error('Enerflo lists its users');
  return adapter.reader;
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
});
