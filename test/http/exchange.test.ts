import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { failure } from '../helpers/http.js';
import { HttpClient } from '../../src/http/client.js';
import { TRACE_BODY_LIMIT, type Exchange } from '../../src/http/exchange.js';

/** A plain HTTP vendor answering from `handler`; stopped after each test. */
let server: http.Server | undefined;
async function vendor(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const once = { maxAttempts: 1 };


describe('the exchange observer', () => {
  it('sees each whole exchange: request and answer headers, bodies, status and timing', async () => {
    const host = await vendor((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json', 'x-ratelimit-remaining': '9' });
        res.end(JSON.stringify({ id: 7, echoed: JSON.parse(body) }));
      });
    });
    const seen: Exchange[] = [];
    const client = new HttpClient({ vendor: 'v', baseUrl: `http://${host}/api`, headers: () => ({ authorization: 'Bearer tok-123' }), secrets: () => ['tok-123'], onExchange: (e) => seen.push(e) });
    const response = await client.request({ method: 'POST', path: '/users', body: { email: 'a@b.example' } });
    expect(response.body).toEqual({ id: 7, echoed: { email: 'a@b.example' } });
    expect(seen).toHaveLength(1);
    const [exchange] = seen;
    expect(exchange).toMatchObject({
      vendor: 'v',
      method: 'POST',
      status: 201,
      requestBody: { email: 'a@b.example' },
      requestHeaders: { authorization: 'Bearer tok-123', 'content-type': 'application/json' },
      responseBody: '{"id":7,"echoed":{"email":"a@b.example"}}',
      secrets: ['tok-123'],
    });
    expect(exchange.url.href).toBe(`http://${host}/api/users`);
    expect(exchange.responseHeaders?.['x-ratelimit-remaining']).toBe('9');
    expect(exchange.ms).toBeGreaterThanOrEqual(0);
  });

  it('gets at most TRACE_BODY_LIMIT characters of a huge answer, while the client still reads all of it', async () => {
    const big = 'x'.repeat(TRACE_BODY_LIMIT * 3);
    const host = await vendor((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ big }));
    });
    const seen: Exchange[] = [];
    const client = new HttpClient({ vendor: 'v', baseUrl: `http://${host}`, onExchange: (e) => seen.push(e) });
    const response = await client.request<{ big: string }>({ method: 'GET', path: '/big' });
    expect(response.body.big.length).toBe(big.length);
    expect(seen[0].responseBody?.length).toBe(TRACE_BODY_LIMIT);
    expect(seen[0].responseTruncated).toBe(true);
  });

  it('sees a request that got no answer, with the reason', async () => {
    const host = await vendor(() => {});
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const seen: Exchange[] = [];
    const client = new HttpClient({ vendor: 'v', baseUrl: `http://${host}`, retry: once, onExchange: (e) => seen.push(e) });
    await failure(client.request({ method: 'GET', path: '/users' }));
    expect(seen.map((e) => [e.status, e.error])).toEqual([[undefined, 'ECONNREFUSED']]);
  });
});

describe('network errors', () => {
  it('name the host, the line of baseUrl and the usual cause', async () => {
    const host = await vendor(() => {});
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const client = new HttpClient({ vendor: 'enerflo', baseUrl: `http://${host}`, retry: once, pointers: { baseUrlAt: 'roster.yaml:9' } });
    const error = await failure(client.request({ method: 'GET', path: '/users' }));
    expect(error.message).toBe(
      `enerflo: GET /users could not be reached (ECONNREFUSED) at ${host} (baseUrl, roster.yaml:9): nothing accepts connections there: check the port in baseUrl, or whether the vendor is up`,
    );
  });

  it('say when https:// meets a server that does not speak TLS', async () => {
    const host = await vendor((_req, res) => res.end('plain'));
    const client = new HttpClient({ vendor: 'pulse', baseUrl: `https://${host}`, retry: once });
    const error = await failure(client.request({ method: 'GET', path: '/users' }));
    expect(error.message).toContain(`at ${host}: TLS failed: the server does not speak HTTPS on that port`);
  });

  it('name the path setting on a 404 under it, and only under it', async () => {
    const host = await vendor((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const pointers = { pathSettings: { 'vendors.pulse.usersPath': '/users', 'vendors.pulse.loginPath': '/auth/login' } };
    const client = new HttpClient({ vendor: 'pulse', baseUrl: `http://${host}`, retry: once, pointers });
    const users = await failure(client.request({ method: 'GET', path: '/users', query: { page: 1 } }));
    expect(users.message).toBe('pulse: GET /users answered 404: not found (if /users is not this vendor\'s path, change vendors.pulse.usersPath)');
    const other = await failure(client.request({ method: 'GET', path: '/usersX' }));
    expect(other.message).toBe('pulse: GET /usersX answered 404: not found');
  });
});
