import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { failure } from '../helpers/http.js';
import { HttpClient, requestUrl, type Query } from '../../src/http/client.js';
import type { Exchange } from '../../src/http/exchange.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** A self-signed certificate for 127.0.0.1, valid 2020-2120; its key exists only for these tests. */
const certPath = path.join(repoRoot, 'test/http/fixtures/self-signed.crt');
const tls = { cert: readFileSync(certPath), key: readFileSync(path.join(repoRoot, 'test/http/fixtures/self-signed.key')) };

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A vendor on 127.0.0.1 answering with `answer`; `connections` counts the TCP connections it accepted. */
async function vendor(answer: http.RequestListener, secure = false): Promise<{ url: string; connections: () => number }> {
  const server = secure ? https.createServer(tls, answer) : http.createServer(answer);
  server.keepAliveTimeout = 60_000;
  let connections = 0;
  server.on(secure ? 'secureConnection' : 'connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `${secure ? 'https' : 'http'}://127.0.0.1:${port}`, connections: () => connections };
}

const once = { maxAttempts: 1 };
const client = (baseUrl: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) => new HttpClient({ vendor: 'acme', baseUrl, retry: once, ...extra });


const okJson = (_req: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');

/** The URL as the client built it before: the path on the base URL, then `searchParams.set` per parameter. */
function viaSearchParams(baseUrl: string, path: string, query: Query): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
  return url.href;
}

describe('request URLs', () => {
  it('write the query as URLSearchParams does, whatever the characters', () => {
    const tricky = ["a b+c&d=e", "!'()~*-._", 'Zoë Ångström ✓', '😀', '\uD800 lone', '%41 already', 'x/y?z#w', ''];
    for (const value of tricky) {
      const query: Query = { user_code: value, [value || 'empty']: 1, skip: undefined, flag: true };
      expect(requestUrl('https://api.example.com/v2/', { path: '/user/get', query }).href).toBe(viaSearchParams('https://api.example.com/v2/', '/user/get', query));
    }
  });

  it('keep a query the path brings, replacing a parameter set again', () => {
    const query: Query = { page: 2, size: 50 };
    expect(requestUrl('http://127.0.0.1:8080', { path: '/users?page=1&sort=a b', query }).href).toBe(viaSearchParams('http://127.0.0.1:8080', '/users?page=1&sort=a b', query));
    expect(requestUrl('http://127.0.0.1:8080//', { path: '/users' }).href).toBe('http://127.0.0.1:8080/users');
  });
});

describe('HttpClient on node:http', () => {
  it('reuses keep-alive connections, across the clients derived with `with`', async () => {
    const { url, connections } = await vendor(okJson);
    const base = client(url);
    const derived = base.with({ headers: () => ({ authorization: 'Bearer x' }) });
    for (let i = 0; i < 10; i++) await (i % 2 ? derived : base).request({ method: 'GET', path: '/thing' });
    await Promise.all(Array.from({ length: 20 }, () => derived.request({ method: 'GET', path: '/thing' })));
    await Promise.all(Array.from({ length: 20 }, () => base.request({ method: 'GET', path: '/thing' })));
    expect(connections()).toBeLessThanOrEqual(20);
    expect(connections()).toBeGreaterThanOrEqual(1);
  });

  it('sends a JSON body with its content type and length, and reads the answer\'s headers by any case', async () => {
    let seen: { headers: http.IncomingHttpHeaders; body: string } | undefined;
    const { url } = await vendor((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        seen = { headers: req.headers, body };
        res.writeHead(201, { 'content-type': 'application/json', 'X-Request-Id': 'r-1' }).end('{"id":1}');
      });
    });
    const response = await client(url).request({ method: 'POST', path: '/users', body: { name: 'Zoë' } });
    expect(seen?.body).toBe('{"name":"Zoë"}');
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.headers['content-length']).toBe(String(Buffer.byteLength('{"name":"Zoë"}')));
    expect(seen?.headers.host).toBe(new URL(url).host);
    expect(seen?.headers.connection).toBe('keep-alive');
    expect(response.headers.get('X-REQUEST-ID')).toBe('r-1');
    expect(response.headers.get('x-missing')).toBeNull();
  });

  it('decodes UTF-8 once, dropping a byte order mark, and a gzip answer', async () => {
    const { url } = await vendor((req, res) => {
      const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"name":"Åsa"}')]);
      if (req.url === '/gzip') res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(zlib.gzipSync(body));
      else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    expect((await client(url).request({ method: 'GET', path: '/plain' })).body).toEqual({ name: 'Åsa' });
    expect((await client(url).request({ method: 'GET', path: '/gzip' })).body).toEqual({ name: 'Åsa' });
  });

  it('fails a vendor that hangs up mid-body as a connection closed, seen by the observer', async () => {
    const { url } = await vendor((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"users":[', () => setTimeout(() => res.socket?.destroy(), 20));
    });
    const seen: Exchange[] = [];
    const error = await failure(client(url, { onExchange: (e) => seen.push(e) }).request({ method: 'GET', path: '/users' }));
    expect(error).toMatchObject({ kind: 'network', ambiguous: true });
    expect(error.message).toContain('could not be reached (ECONNRESET)');
    expect(seen.map((e) => [e.status, e.error])).toEqual([[200, 'ECONNRESET']]);
  });

  it('times out an answer whose body trickles past the deadline, and closes its connection', async () => {
    let closed = false;
    const { url } = await vendor((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const drip = setInterval(() => res.write(' '), 20);
      res.on('close', () => {
        closed = true;
        clearInterval(drip);
      });
    });
    const started = Date.now();
    const error = await failure(client(url, { timeoutMs: 200 }).request({ method: 'GET', path: '/users' }));
    expect(error).toMatchObject({ kind: 'timeout', ambiguous: true });
    expect(error.message).toBe('acme: GET /users did not answer within 200 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(true);
  });

  it('cuts off a body over the limit that declared no length, and reads one exactly at it', async () => {
    const { url } = await vendor((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Chunked, no content-length: the limit can only be seen while reading.
      const size = req.url === '/over' ? 1001 : 1000;
      res.write('"');
      res.write('x'.repeat(size - 2));
      res.end('"');
    });
    const error = await failure(client(url, { maxResponseBytes: 1000 }).request({ method: 'GET', path: '/over' }));
    expect(error).toMatchObject({ kind: 'malformed', status: 200 });
    expect(error.message).toBe('acme: GET /over answered 200 with a body over 1000 bytes; it was not read further');
    const exact = await client(url, { maxResponseBytes: 1000 }).request<string>({ method: 'GET', path: '/exact' });
    expect(exact.body).toHaveLength(998);
  });

  it('counts the limit in decoded bytes: a small gzip answer that inflates past it is cut off', async () => {
    // 10 MB of one character compresses to about 10 KB, with a content-length far under the limit.
    const bomb = zlib.gzipSync(`"${'x'.repeat(10 * 1024 * 1024)}"`);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const { url } = await vendor((_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(bomb.length) }).end(bomb));
    const error = await failure(client(url, { maxResponseBytes: 64 * 1024 }).request({ method: 'GET', path: '/bomb' }));
    expect(error).toMatchObject({ kind: 'malformed', status: 200 });
    expect(error.message).toBe(`acme: GET /bomb answered 200 with a body over ${64 * 1024} bytes; it was not read further`);
  });

  it('says a redirect is not followed and where it points', async () => {
    const { url } = await vendor((_req, res) => res.writeHead(301, { location: 'https://api.example.com/v2/users' }).end());
    const error = await failure(client(url).request({ method: 'GET', path: '/users' }));
    expect(error.message).toBe('acme: GET /users answered 301: redirected to https://api.example.com/v2/users (redirects are not followed: point baseUrl there)');
  });

  it('fails an https vendor whose certificate is not trusted with the TLS hint', async () => {
    const { url } = await vendor(okJson, true);
    const error = await failure(client(url).request({ method: 'GET', path: '/thing' }));
    expect(error).toMatchObject({ kind: 'network' });
    expect(error.message).toContain('could not be reached (DEPTH_ZERO_SELF_SIGNED_CERT)');
    expect(error.message).toContain('TLS failed: the certificate is not trusted for this host (a proxy that inspects traffic? NODE_EXTRA_CA_CERTS adds its CA)');
  });

  it('lets a process exit by itself after its last request, over https trusted through NODE_EXTRA_CA_CERTS', async () => {
    const { url, connections } = await vendor(okJson, true);
    // The built client (the test setup builds dist/); the vendor keeps idle connections for a minute.
    const script = `
      import { HttpClient } from ${JSON.stringify(path.join(repoRoot, 'dist/http/client.js'))};
      const http = new HttpClient({ vendor: 'acme', baseUrl: ${JSON.stringify(url)}, retry: { maxAttempts: 1 } });
      const first = await http.request({ method: 'GET', path: '/thing' });
      const second = await http.with({}).request({ method: 'GET', path: '/thing' });
      process.stdout.write(JSON.stringify([first.body, second.body]) + '\\n');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let answeredAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      answeredAt ||= Date.now();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const kill = setTimeout(() => child.kill(), 10_000);
      child.on('exit', (exitCode) => {
        clearTimeout(kill);
        resolve(exitCode);
      });
    });
    const exitedAfterMs = Date.now() - answeredAt;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([{ ok: true }, { ok: true }]);
    expect(connections()).toBe(1);
    // An idle keep-alive socket that held the process would keep it for the pool's 5 s at least.
    expect(exitedAfterMs).toBeLessThan(2_000);
  });
});

describe('request headers on the wire', () => {
  it('carry host, a length for every write, the vendor\'s headers once each, and what fetch added', async () => {
    const seen: { method?: string; raw: string[] }[] = [];
    const { url } = await vendor((req, res) => {
      seen.push({ method: req.method, raw: req.rawHeaders });
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    const http = client(url, { headers: () => ({ 'X-Api-Key': 'k1', 'x-api-key': 'k2', 'User-Agent': 'roster-test' }) });
    await http.request({ method: 'GET', path: '/a' });
    await http.request({ method: 'PUT', path: '/a' });
    await http.request({ method: 'DELETE', path: '/a' });
    const headersOf = (raw: string[]) => Object.fromEntries(Array.from({ length: raw.length / 2 }, (_, i) => [raw[2 * i].toLowerCase(), raw[2 * i + 1]]));
    const [get, put, del] = seen.map((s) => headersOf(s.raw));
    // One line per header: none sent twice.
    for (const { raw } of seen) expect(new Set(raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase())).size).toBe(raw.length / 2);
    expect(get).toMatchObject({ host: new URL(url).host, accept: 'application/json', 'x-api-key': 'k1, k2', 'user-agent': 'roster-test', 'accept-encoding': 'gzip, deflate', connection: 'keep-alive' });
    expect(get['content-length']).toBeUndefined();
    expect(get['transfer-encoding']).toBeUndefined();
    expect(put['content-length']).toBe('0');
    expect(put['transfer-encoding']).toBeUndefined();
    expect(del['content-length']).toBeUndefined();
  });
});

describe('a hook that throws on an answer', () => {
  it('fails the request and frees its connection instead of leaving the body unread', async () => {
    const { url, connections } = await vendor(okJson);
    let calls = 0;
    const http = client(url, {
      onResponse: () => {
        if (calls++ === 0) throw new Error('hook failed');
      },
    });
    await expect(http.request({ method: 'GET', path: '/thing' })).rejects.toThrow(/hook failed/);
    expect((await http.request({ method: 'GET', path: '/thing' })).body).toEqual({ ok: true });
    expect(connections()).toBe(2);
  });
});
