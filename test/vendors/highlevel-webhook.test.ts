import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookServer, WebhookVerifier, type WebhookKeys, type WebhookServer } from '../../src/vendors/highlevel/webhook.js';
import { cliPath, repoRoot } from '../helpers/workspace.js';

// Keys made here, never HighLevel's: the endpoint is tested as HighLevel would call it, over HTTP.
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
// The legacy x-wh-signature: RSA-SHA256 (HighLevel publishes a 4096-bit key; 2048 keeps the test quick).
const legacy = generateKeyPairSync('rsa', { modulusLength: 2048 });
const legacyPem = legacy.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const legacySigned = (raw: string, key: KeyObject = legacy.privateKey) => sign('sha256', Buffer.from(raw), key).toString('base64');

const userCreate = (over: Record<string, unknown> = {}) => ({
  type: 'UserCreate',
  locationId: 'aT4kW9nQ2rLx7VbP3mZs',
  id: 've9EPM428h8vShlRW1KT',
  firstName: 'Jake',
  lastName: 'Thompson',
  email: 'Jake.Thompson@sunpath.example',
  role: 'user',
  permissions: { contactsEnabled: true },
  timestamp: new Date().toISOString(),
  webhookId: `wh-${Math.random().toString(36).slice(2)}`,
  ...over,
});

const signed = (raw: string, key: KeyObject = privateKey) => sign(null, Buffer.from(raw), key).toString('base64');

let server: WebhookServer | undefined;
const logs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  logs.length = 0;
});

const isJake = (email: string) => email.toLowerCase() === 'jake.thompson@sunpath.example';

async function start(described: (email: string) => boolean | Promise<boolean> = isJake, keys: WebhookKeys = { publicKey: publicPem }) {
  server = await startWebhookServer({ ...keys, isDescribed: described, log: (line) => logs.push(line) });
  return server;
}

async function deliver(raw: string, signature: string | undefined, legacySignature?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['x-ghl-signature'] = signature;
  if (legacySignature !== undefined) headers['x-wh-signature'] = legacySignature;
  const response = await fetch(server!.url + '/webhooks/highlevel', { method: 'POST', headers, body: raw });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('HighLevel webhook endpoint', () => {
  it('accepts a good delivery and says the user is described in git', async () => {
    await start();
    const raw = JSON.stringify(userCreate());
    const res = await deliver(raw, signed(raw));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, type: 'UserCreate', email: 'Jake.Thompson@sunpath.example', described: true, userId: 've9EPM428h8vShlRW1KT' });
    expect(logs).toEqual([expect.stringMatching(/UserCreate Jake\.Thompson@sunpath\.example in location aT4kW9nQ2rLx7VbP3mZs: described in git/)]);
  });

  it('says so when the new user is not described in git', async () => {
    await start();
    const raw = JSON.stringify(userCreate({ email: 'stranger@gmail.example', locationId: undefined, companyId: 'Rk7mQ2vX9pLs4TnB8cWd' }));
    const res = await deliver(raw, signed(raw));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ described: false, email: 'stranger@gmail.example' });
    expect(logs[0]).toMatch(/stranger@gmail\.example in agency Rk7mQ2vX9pLs4TnB8cWd: NOT described in git/);
  });

  it('verifies the raw bytes: the same JSON with other whitespace fails', async () => {
    await start();
    const raw = JSON.stringify(userCreate());
    const reformatted = JSON.stringify(JSON.parse(raw), null, 2);
    const res = await deliver(reformatted, signed(raw));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('signature does not match the body');
  });

  it('rejects a forged delivery: signed with another key, or altered after signing', async () => {
    await start();
    const raw = JSON.stringify(userCreate());
    expect((await deliver(raw, signed(raw, other.privateKey))).status).toBe(401);
    const tampered = raw.replace('Jake.Thompson@', 'Mallory@');
    expect((await deliver(tampered, signed(raw))).status).toBe(401);
    expect(logs.every((l) => l.startsWith('rejected a delivery: signature does not match'))).toBe(true);
  });

  it('rejects a replay of a delivery it already accepted', async () => {
    await start();
    const raw = JSON.stringify(userCreate({ webhookId: 'wh-replayed-once' }));
    expect((await deliver(raw, signed(raw))).status).toBe(200);
    const again = await deliver(raw, signed(raw));
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/replayed delivery: webhookId wh-replayed-once/);
  });

  it('rejects a stale delivery, older than 5 minutes, even when well signed', async () => {
    await start();
    const raw = JSON.stringify(userCreate({ timestamp: new Date(Date.now() - 6 * 60_000).toISOString() }));
    const res = await deliver(raw, signed(raw));
    expect(res.status).toBe(401);
    expect(res.body.error).toMatch(/stale delivery/);
    const fresh = JSON.stringify(userCreate({ timestamp: new Date(Date.now() - 4 * 60_000).toISOString() }));
    expect((await deliver(fresh, signed(fresh))).status).toBe(200);
  });

  it('rejects malformed deliveries', async () => {
    await start();
    const raw = JSON.stringify(userCreate());
    expect(await deliver(raw, undefined)).toMatchObject({ status: 401, body: { error: 'missing x-ghl-signature (or legacy x-wh-signature) header' } });
    expect((await deliver(raw, 'not base64 at all!')).status).toBe(401);
    expect((await deliver(raw, Buffer.from('too short').toString('base64'))).status).toBe(401);
    const notJson = 'type=UserCreate';
    expect(await deliver(notJson, signed(notJson))).toMatchObject({ status: 400, body: { error: 'body is not JSON' } });
    const noTimestamp = JSON.stringify(userCreate({ timestamp: undefined }));
    expect(await deliver(noTimestamp, signed(noTimestamp))).toMatchObject({ status: 400, body: { error: 'missing or unreadable timestamp' } });
    const noId = JSON.stringify(userCreate({ webhookId: undefined }));
    expect(await deliver(noId, signed(noId))).toMatchObject({ status: 400, body: { error: 'missing webhookId' } });
    const noEmail = JSON.stringify(userCreate({ email: undefined }));
    expect(await deliver(noEmail, signed(noEmail))).toMatchObject({ status: 400, body: { error: 'UserCreate without an email' } });
    const get = await fetch(server!.url, { method: 'GET' });
    expect(get.status).toBe(405);
  });

  it('acknowledges other event types without judging them', async () => {
    await start();
    const raw = JSON.stringify({ type: 'ContactCreate', timestamp: new Date().toISOString(), webhookId: 'wh-contact' });
    expect(await deliver(raw, signed(raw))).toMatchObject({ status: 200, body: { ok: true, ignored: true } });
  });

  it('answers 429 (the only status HighLevel retries) when git cannot be read, and accepts the retry', async () => {
    let broken = true;
    await start(() => {
      if (broken) throw new Error('users/people.yaml, line 3: bad indentation');
      return true;
    });
    const raw = JSON.stringify(userCreate({ webhookId: 'wh-retry' }));
    expect((await deliver(raw, signed(raw))).status).toBe(429);
    broken = false;
    expect((await deliver(raw, signed(raw))).status).toBe(200);
  });

  it('refuses a key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => new WebhookVerifier({ publicKey: rsa.publicKey })).toThrow(/Ed25519/);
    expect(() => new WebhookVerifier({ publicKey: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----' })).toThrow(/not a PEM public key/);
  });

  it('refuses a legacy key that is not RSA, and a verifier with no key at all', () => {
    expect(() => new WebhookVerifier({ legacyPublicKey: publicKey })).toThrow(/x-wh-signature.*RSA/);
    expect(() => new WebhookVerifier({})).toThrow(/no webhook public key/);
  });
});

describe('HighLevel webhook endpoint: the legacy x-wh-signature (RSA-SHA256)', () => {
  const both = { publicKey: publicPem, legacyPublicKey: legacyPem };

  it('accepts a delivery signed the legacy way, with the legacy key configured', async () => {
    await start(isJake, both);
    const raw = JSON.stringify(userCreate());
    expect(await deliver(raw, undefined, legacySigned(raw))).toMatchObject({ status: 200, body: { ok: true, described: true } });
  });

  it('rejects a forged or altered legacy delivery, and keeps its replay window and webhookId dedupe', async () => {
    await start(isJake, both);
    const raw = JSON.stringify(userCreate({ webhookId: 'wh-legacy-once' }));
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(await deliver(raw, undefined, legacySigned(raw, forger.privateKey))).toMatchObject({ status: 401, body: { error: 'signature does not match the body' } });
    expect((await deliver(raw.replace('Jake.Thompson@', 'Mallory@'), undefined, legacySigned(raw))).status).toBe(401);
    expect((await deliver(raw, undefined, 'not base64 at all!')).status).toBe(401);
    expect((await deliver(raw, undefined, legacySigned(raw))).status).toBe(200);
    expect((await deliver(raw, undefined, legacySigned(raw))).status).toBe(409);
    const stale = JSON.stringify(userCreate({ timestamp: new Date(Date.now() - 6 * 60_000).toISOString() }));
    expect((await deliver(stale, undefined, legacySigned(stale))).body.error).toMatch(/stale delivery/);
  });

  it('judges x-ghl-signature alone when both headers come: a good legacy signature does not rescue a bad Ed25519 one', async () => {
    await start(isJake, both);
    const raw = JSON.stringify(userCreate());
    expect((await deliver(raw, signed(raw, other.privateKey), legacySigned(raw))).status).toBe(401);
    expect((await deliver(raw, signed(raw), legacySigned(raw, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey))).status).toBe(200);
  });

  it('with only the legacy key, checks x-wh-signature even when x-ghl-signature comes too', async () => {
    await start(isJake, { legacyPublicKey: legacyPem });
    const raw = JSON.stringify(userCreate());
    expect((await deliver(raw, signed(raw), legacySigned(raw))).status).toBe(200);
    const ghlOnly = JSON.stringify(userCreate());
    expect(await deliver(ghlOnly, signed(ghlOnly))).toMatchObject({ status: 401, body: { error: 'x-ghl-signature received, but no Ed25519 public key is configured' } });
  });

  it('refuses a legacy delivery when no legacy key is configured', async () => {
    await start();
    const raw = JSON.stringify(userCreate());
    expect(await deliver(raw, undefined, legacySigned(raw))).toMatchObject({ status: 401, body: { error: 'x-wh-signature received, but no legacy RSA public key is configured' } });
  });
});

describe('roster webhook (the CLI)', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('serves the endpoint against the users/ in git', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'roster-webhook-'));
    const keyFile = path.join(dir, 'highlevel-webhook.pem');
    await writeFile(keyFile, publicPem);
    const legacyKeyFile = path.join(dir, 'highlevel-webhook-legacy.pem');
    await writeFile(legacyKeyFile, legacyPem);
    const child = spawn(process.execPath, [cliPath, 'webhook', '--port', '0', '--public-key', keyFile, '--legacy-public-key', legacyKeyFile], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
    });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 15_000);
        child.stdout.on('data', () => {
          const match = /listening for HighLevel webhooks on (http:\/\/\S+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
      });
      const post = async (event: Record<string, unknown>) => {
        const raw = JSON.stringify(event);
        const response = await fetch(url, { method: 'POST', headers: { 'x-ghl-signature': signed(raw) }, body: raw });
        return (await response.json()) as Record<string, unknown>;
      };
      // Jake is in users/people/austin.yaml with a HighLevel role; Robert's roles have none.
      expect(await post(userCreate())).toMatchObject({ described: true });
      expect(await post(userCreate({ email: 'robert.hayes@sunpath.example' }))).toMatchObject({
        described: false,
        detail: 'in git, but none of their roles maps onto HighLevel',
      });
      expect(await post(userCreate({ email: 'nobody@sunpath.example' }))).toMatchObject({ described: false });
      const legacyRaw = JSON.stringify(userCreate());
      const legacyAnswer = await fetch(url, { method: 'POST', headers: { 'x-wh-signature': legacySigned(legacyRaw) }, body: legacyRaw });
      expect(await legacyAnswer.json()).toMatchObject({ described: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(output).toMatch(/UserCreate nobody@sunpath\.example .*NOT described in git/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('needs a public key', async () => {
    const child = spawn(process.execPath, [cliPath, 'webhook', '--port', '0'], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', HIGHLEVEL_WEBHOOK_PUBLIC_KEY: '', HIGHLEVEL_WEBHOOK_LEGACY_PUBLIC_KEY: '' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/no webhook public key: pass --public-key <file> or set HIGHLEVEL_WEBHOOK_PUBLIC_KEY/);
    expect(stderr).toMatch(/--legacy-public-key <file> \/ HIGHLEVEL_WEBHOOK_LEGACY_PUBLIC_KEY/);
  });
});
