import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, VendorHttpError } from '../../src/http/client.js';
import { RateLimiter } from '../../src/http/limiter.js';
import { json, Router, startEmulator, type Emulator, type EmuResponse } from '../../src/sandbox/emulator-kit.js';

/** A one-route server answering from a script, one answer per request; the last answer repeats. */
async function scripted(answers: (EmuResponse | 'hang')[]): Promise<Emulator> {
  let n = 0;
  const router = new Router();
  const handler = async () => {
    const answer = answers[Math.min(n++, answers.length - 1)];
    if (answer === 'hang') {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return json(200, { late: true });
    }
    return answer;
  };
  router.add('GET', '/thing', handler).add('POST', '/thing', handler).add('PUT', '/thing', handler);
  return startEmulator({
    name: 'scripted',
    router,
    state: {},
    tooManyRequests: () => json(429, {}),
    serverError: (status) => json(status, {}),
    notFound: () => json(404, {}),
  });
}

/**
 * A vendor whose keep-alive connection dies under the second request sent on it, before any answer:
 * what a client sees when the vendor closed an idle connection just as it was reused. Every other
 * request is answered 200. `seen` lists `connection:method` in arrival order.
 */
async function closesReusedConnection(): Promise<{ url: string; seen: string[]; close(): void }> {
  const seen: string[] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    const id = ++connections;
    let requests = 0;
    socket.on('data', (chunk) => {
      requests++;
      seen.push(`${id}:${chunk.toString().split(' ')[0]}`);
      if (id === 1 && requests === 2) return void socket.destroy();
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nkeep-alive: timeout=60\r\n\r\n{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => void server.close() };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const fast = { baseDelayMs: 5, maxDelayMs: 50 };
let server: Emulator | undefined;
let rawVendor: { close(): void } | undefined;
afterEach(async () => {
  rawVendor?.close();
  rawVendor = undefined;
  await server?.close();
});

function client(url: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  return new HttpClient({ vendor: 'acme', baseUrl: url, retry: fast, secrets: () => ['s3cret-token-value'], ...extra });
}

describe('HttpClient', () => {
  it('retries 429, 502, 503 and 504 on reads, then succeeds', async () => {
    server = await scripted([json(429, {}), json(502, {}), json(503, {}), json(504, {}), json(200, { ok: true })]);
    const response = await client(server.url).request({ method: 'GET', path: '/thing' });
    expect(response.body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(5);
  });

  it('honours Retry-After before trying again', async () => {
    server = await scripted([json(429, {}, { 'retry-after': '1' }), json(200, { ok: true })]);
    const started = Date.now();
    await client(server.url).request({ method: 'GET', path: '/thing' });
    expect(server.requests[1].at - server.requests[0].at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('stops at the attempt ceiling with the last answer in the message', async () => {
    server = await scripted([json(503, {})]);
    const error = await client(server.url, { retry: { ...fast, maxAttempts: 3 } })
      .request({ method: 'GET', path: '/thing' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(VendorHttpError);
    expect(error.message).toBe('acme: GET /thing answered 503: service unavailable (after 3 attempts)');
    expect(server.requests).toHaveLength(3);
  });

  it('never repeats a POST the vendor may have acted on, but does repeat one it refused with 429', async () => {
    server = await scripted([json(500, {})]);
    const error = await client(server.url).request({ method: 'POST', path: '/thing', body: {} }).catch((e) => e);
    expect(error.ambiguous).toBe(true);
    expect(server.requests).toHaveLength(1);
    await server.close();

    server = await scripted([json(429, {}), json(201, { id: 1 })]);
    const created = await client(server.url).request({ method: 'POST', path: '/thing', body: {} });
    expect(created.status).toBe(201);
    expect(server.requests).toHaveLength(2);
  });

  it('times out a request that does not answer, and marks it ambiguous', async () => {
    server = await scripted(['hang']);
    const error = await client(server.url, { timeoutMs: 100, retry: { ...fast, maxAttempts: 1 } })
      .request({ method: 'PUT', path: '/thing', body: {} })
      .catch((e) => e);
    expect(error).toMatchObject({ kind: 'timeout', ambiguous: true });
    expect(error.message).toContain('did not answer within 100 ms');
  });

  it('reports HTML where JSON was expected as a malformed answer, not a crash', async () => {
    server = await scripted([{ status: 200, text: '<html>maintenance</html>', contentType: 'text/html' }]);
    const error = await client(server.url).request({ method: 'GET', path: '/thing' }).catch((e) => e);
    expect(error).toMatchObject({ kind: 'malformed' });
    expect(error.message).toBe('acme: GET /thing answered 200 with text/html where JSON was expected');
  });

  it('reports an unreachable vendor clearly, and repeats nothing it never received', async () => {
    server = await scripted([json(200, {})]);
    const url = server.url;
    await server.close();
    server = undefined;
    const error = await client(url).request({ method: 'POST', path: '/thing', body: {} }).catch((e) => e);
    expect(error).toMatchObject({ kind: 'network', ambiguous: false });
    expect(error.message).toContain('could not be reached (ECONNREFUSED)');
  });

  it('keeps secrets out of messages even when the vendor echoes them', async () => {
    server = await scripted([json(422, { message: 'token s3cret-token-value is not allowed' })]);
    const error = await client(server.url, { describeError: (_s, body) => (body as { message: string }).message })
      .request({ method: 'PUT', path: '/thing', body: {} })
      .catch((e) => e);
    expect(error.message).toBe('acme: PUT /thing answered 422: token *** is not allowed');
  });

  it('paces requests to the share of the limit it may use', async () => {
    server = await scripted([json(200, {})]);
    const limiter = new RateLimiter(10, 500, 0.5);
    const http = client(server.url, { limiter });
    await Promise.all(Array.from({ length: 10 }, () => http.request({ method: 'GET', path: '/thing' })));
    const times = server.requests.map((r) => r.at);
    // 5 per 500 ms window: the 6th request waits for the first window to pass.
    expect(times[5] - times[0]).toBeGreaterThanOrEqual(450);
    const inAnyWindow = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 450).length));
    expect(inAnyWindow).toBeLessThanOrEqual(5);
  });

  it('sends an idempotent write once more when an idle keep-alive connection died under it unanswered', async () => {
    const vendor = (rawVendor = await closesReusedConnection());
    const http = client(vendor.url, { staleAfterMs: 50 });
    await http.request({ method: 'GET', path: '/thing' });
    await pause(100);
    const updated = await http.with({}).request({ method: 'PUT', path: '/thing', body: {} });
    expect(updated.status).toBe(200);
    expect(vendor.seen).toEqual(['1:GET', '1:PUT', '2:PUT']);
  });

  it('never resends a POST on a stale connection: the create may have happened, so it fails ambiguous', async () => {
    const vendor = (rawVendor = await closesReusedConnection());
    const http = client(vendor.url, { staleAfterMs: 50 });
    await http.request({ method: 'GET', path: '/thing' });
    await pause(100);
    const error = await http.request({ method: 'POST', path: '/thing', body: {} }).catch((e) => e);
    expect(error).toMatchObject({ kind: 'network', ambiguous: true });
    expect(vendor.seen).toEqual(['1:GET', '1:POST']);
  });

  it('does not resend a write on a connection in steady use: that failure stays ambiguous', async () => {
    const vendor = (rawVendor = await closesReusedConnection());
    const http = client(vendor.url, { staleAfterMs: 5_000 });
    await http.request({ method: 'GET', path: '/thing' });
    await pause(100);
    const error = await http.request({ method: 'POST', path: '/thing', body: {} }).catch((e) => e);
    expect(error).toMatchObject({ kind: 'network', ambiguous: true });
    expect(error.message).toContain('could not be reached (ECONNRESET)');
    expect(vendor.seen).toEqual(['1:GET', '1:POST']);
  });

  it('shows every request to an observer as it goes out', async () => {
    server = await scripted([json(200, {})]);
    const sent: string[] = [];
    const http = client(server.url, { onRequest: (r) => sent.push(`${r.method} ${r.url.pathname}${r.url.search} ${r.headers.accept}`) });
    await http.with({ headers: () => ({ authorization: 'Bearer x' }) }).request({ method: 'GET', path: '/thing', query: { page: 2 } });
    await http.request({ method: 'PUT', path: '/thing', body: {} });
    expect(sent).toEqual(['GET /thing?page=2 application/json', 'PUT /thing application/json']);
  });
});
