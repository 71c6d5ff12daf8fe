import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { json, Router, startEmulator, type Emulator } from '../../src/sandbox/emulator-kit.js';
import { cliPath, repoRoot } from '../helpers/workspace.js';

/** Opens a raw connection, writes `text`, and resolves with whatever came back once the server closes or `waitMs` passes. */
function rawExchange(url: string, text: string | Buffer, options: { waitMs?: number; hangUp?: boolean } = {}): Promise<{ answer: string; closedByServer: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    let closedByServer = false;
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closedByServer = !options.hangUp;
      clearTimeout(timer);
      resolve({ answer, closedByServer });
    });
    socket.on('connect', () => {
      socket.write(text);
      if (options.hangUp) socket.destroy();
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer, closedByServer: false });
    }, options.waitMs ?? 2_000);
  });
}

/** A request head announcing a body of `length` bytes, followed by the first few of them. */
const truncatedPost = (length: number) => `POST /anything HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{"type":"UserCr`;

/** Starts a CLI server and resolves with the first match of `ready` in its stdout. */
async function startCli(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray; stderr: () => string }> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready: ${stdout}${stderr}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = ready.exec(stdout);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stdout}${stderr}`)));
  });
  return { child, match, stderr: () => stderr };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('roster webhook survives its clients', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startCli>>;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'roster-webhook-faults-'));
    const keyFile = path.join(dir, 'key.pem');
    await writeFile(keyFile, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString());
    server = await startCli(['webhook', '--port', '0', '--public-key', keyFile], /listening for HighLevel webhooks on (http:\/\/\S+)/);
    url = server.match[1];
  });

  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  it('a client hanging up mid-body ends that request only; the next delivery is answered', async () => {
    for (let i = 0; i < 3; i++) {
      await rawExchange(url, truncatedPost(5_000), { hangUp: true });
      await pause(50);
    }
    await pause(200);
    expect(server.child.exitCode).toBeNull();
    expect(server.stderr()).not.toMatch(/aborted|Error/);
    const response = await fetch(url, { method: 'POST', body: '{}' });
    // Unsigned: refused, but answered, by the process that is still up.
    expect(response.status).toBe(401);
  });

  it('an endless body is cut off instead of read forever', async () => {
    const { hostname, port } = new URL(url);
    const closed = await new Promise<boolean>((resolve) => {
      const socket = net.connect(Number(port), hostname, () => {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const pump = () => {
          while (!socket.destroyed && socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`));
        };
        socket.on('drain', pump);
        pump();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(true));
      setTimeout(() => {
        socket.destroy();
        resolve(false);
      }, 8_000);
    });
    expect(closed).toBe(true);
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(401);
  });
});

describe('roster sandbox survives its clients, for every emulator', () => {
  let dir: string;
  let sandbox: Awaited<ReturnType<typeof startCli>>;
  let urls: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'roster-sandbox-faults-'));
    const configOut = path.join(dir, 'sandbox.yaml');
    sandbox = await startCli(['sandbox', '--config-out', configOut], /credentials:/);
    urls = [...(await readFile(configOut, 'utf8')).matchAll(/baseUrl: (http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]);
  });

  afterAll(async () => {
    sandbox?.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  it('clients hanging up mid-body, on each of the four emulators, leave every one of them serving', async () => {
    expect(urls).toHaveLength(4);
    for (const url of urls) await rawExchange(url, truncatedPost(10_000), { hangUp: true });
    await pause(300);
    expect(sandbox.child.exitCode).toBeNull();
    for (const url of urls) {
      const response = await fetch(`${url}/nowhere`);
      expect(response.status).toBeLessThan(500);
    }
  });

  it('a body declared over the limit is refused with 413 before it is read', async () => {
    for (const url of urls) {
      const { answer } = await rawExchange(url, `POST /x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n{`);
      expect(answer).toMatch(/^HTTP\/1\.1 413/);
    }
    expect(sandbox.child.exitCode).toBeNull();
  });
});

describe('emulator servers bound slow clients', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  async function start() {
    const router = new Router().add('GET', '/ok', () => json(200, { ok: true })).add('POST', '/ok', () => json(200, { ok: true }));
    emulator = await startEmulator(
      { name: 'slow', router, state: {}, tooManyRequests: () => json(429, {}), serverError: (s) => json(s, {}), notFound: () => json(404, {}) },
      { limits: { headersTimeoutMs: 300, requestTimeoutMs: 600, idleTimeoutMs: 2_000 } },
    );
    return emulator;
  }

  it('a client trickling its request head is cut off after the header timeout', async () => {
    const { url } = await start();
    const started = Date.now();
    const { closedByServer, answer } = await rawExchange(url, 'GET /ok HTTP/1.1\r\nHost: x\r\n', { waitMs: 5_000 });
    expect(closedByServer).toBe(true);
    expect(answer).toMatch(/408|^$/);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await fetch(`${url}/ok`)).status).toBe(200);
  });

  it('a client trickling its body is cut off after the request timeout', async () => {
    const { url } = await start();
    const started = Date.now();
    const { closedByServer } = await rawExchange(url, truncatedPost(100), { waitMs: 5_000 });
    expect(closedByServer).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await fetch(`${url}/ok`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(200);
  });
});
