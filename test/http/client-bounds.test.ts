import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import { RateLimiter } from '../../src/http/limiter.js';

/** A raw vendor on 127.0.0.1 answering every request with `answer`. */
async function vendor(answer: http.RequestListener): Promise<string> {
  const server = http.createServer(answer);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const client = (baseUrl: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
  new HttpClient({ vendor: 'acme', baseUrl, retry: { maxAttempts: 1 }, ...extra });

describe('HttpClient bounds', () => {
  it('cuts off an endless answer at the size ceiling with a clear error, instead of buffering it', async () => {
    let written = 0;
    let stoppedEarly = false;
    const url = await vendor((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"users":[');
      const chunk = `${'{"email":"x@example.com"},'.repeat(4000)}`;
      const pump = () => {
        while (!res.destroyed && written < 500 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      res.on('close', () => (stoppedEarly = written < 500 * 1024 * 1024));
      pump();
    });
    const error = await client(url, { maxResponseBytes: 2 * 1024 * 1024 }).request({ method: 'GET', path: '/users' }).catch((e) => e);
    expect(error).toMatchObject({ kind: 'malformed' });
    expect(error.message).toBe(`acme: GET /users answered 200 with a body over ${2 * 1024 * 1024} bytes; it was not read further`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stoppedEarly).toBe(true);
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses an answer whose declared length is over the ceiling without reading it', async () => {
    const url = await vendor((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) });
      res.write('[');
    });
    const error = await client(url, { maxResponseBytes: 1024 * 1024 }).request({ method: 'GET', path: '/users' }).catch((e) => e);
    expect(error.message).toMatch(/answered 200 with a body over 1048576 bytes/);
  });

  it('says on its notice channel why it waits before retrying when the vendor asks for a long Retry-After', async () => {
    let n = 0;
    const url = await vendor((_req, res) => {
      if (n++ === 0) res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const notices: string[] = [];
    const slept: number[] = [];
    const http = client(url, { retry: { maxAttempts: 3 }, notice: (line) => notices.push(line), sleep: async (ms) => void slept.push(ms) });
    await http.request({ method: 'GET', path: '/users' });
    expect(slept[0]).toBeGreaterThanOrEqual(6_900);
    expect(notices).toEqual([expect.stringMatching(/^acme: waiting 7(\.0)? s before retrying GET \/users: it answered 429 and asked to wait$/)]);
  });

  it('says why when the vendor reports no requests remaining and the next request must wait for the window', async () => {
    const url = await vendor((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-remaining': '0' }).end('{}');
    });
    const notices: string[] = [];
    const limiter = new RateLimiter(100, 3_500);
    const http = client(url, {
      limiter,
      notice: (line) => notices.push(line),
      onResponse: (response, lim) => lim?.observeRemaining(Number(response.headers.get('x-remaining')), 100),
    });
    await http.request({ method: 'GET', path: '/users' });
    const started = Date.now();
    await http.request({ method: 'GET', path: '/users' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^acme: waiting 3\.\d s before the next request: the vendor reported 0 of 100 requests remaining in its window$/);
  });
});
