import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/compose/sandbox.js';
import { registerAnswerSecrets } from '../../src/secrets/answer.js';
import { makeWorkspace, repoRoot, runCli, sampleConfig } from '../helpers/workspace.js';

const secret = () => randomBytes(20).toString('hex');

describe('registerAnswerSecrets: an identifier is left alone only when it names a tenant, a place or a person', () => {
  it('registers credentials under names ending in "id"', () => {
    const answer = { token: secret(), accessId: secret(), sessionId: secret(), apiKeyId: secret(), refresh: { id: secret() }, session: { id: secret() }, clientID: secret(), grantId: 12345678901234 };
    const found = registerAnswerSecrets(JSON.stringify(answer));
    for (const value of [answer.token, answer.accessId, answer.sessionId, answer.apiKeyId, answer.refresh.id, answer.session.id, answer.clientID, String(answer.grantId)]) {
      expect(found).toContain(value);
    }
  });

  it('leaves the ids the output names alone: account, company, location, user, the answer\'s own id and its accounts\' ids', () => {
    const ids = {
      accountId: 'acct_7f3a9c1e55',
      companyId: 'cmp-2024-88412',
      locationId: 'loc_9dd01a77b2',
      userId: 'usr_55aa01bc3d',
      user_id: 987654321012,
      companyID: 'C0MPANY12345',
      id: 123456789012,
      primaryAccount: { id: 'acct_0000aaaa11', accountId: 'acct_0000aaaa11' },
      accounts: [{ id: 'acct_1111bbbb22' }],
    };
    const found = registerAnswerSecrets({ token: secret(), ...ids });
    for (const value of ['acct_7f3a9c1e55', 'cmp-2024-88412', 'loc_9dd01a77b2', 'usr_55aa01bc3d', '987654321012', 'C0MPANY12345', '123456789012', 'acct_0000aaaa11', 'acct_1111bbbb22']) {
      expect(found).not.toContain(value);
    }
  });

  it('does not let an entity-sounding prefix hide a credential: accountAccessId, userSessionId, companyApiKeyId are registered', () => {
    const answer = { accountAccessId: secret(), userSessionId: secret(), companyApiKeyId: secret() };
    const found = registerAnswerSecrets(answer);
    for (const value of Object.values(answer)) expect(found).toContain(value);
  });
});

/**
 * Pulse behind a proxy whose login answer carries more than the documented UserSession: credentials
 * under names that end in "Id", and the tenant ids the output needs. Over HTTP, through the CLI.
 */
describe('Pulse login answering extra credentials under "…Id" names: none reaches a trace or doctor', () => {
  let sandbox: Sandbox;
  let proxy: http.Server;
  let configFile: string;
  let remove: () => Promise<void>;
  const extra = { accessId: secret(), apiKeyId: secret(), refreshId: secret() };
  /** A numeric credential: registered, and in the trace a string "***" where the bare number was (valid JSON). */
  const GRANT = 918273645546372;
  const tenant = { companyId: 'cmp-77aa91bc02', locationId: 'loc-31bd02ee91' };

  beforeAll(async () => {
    const config = await sampleConfig();
    sandbox = await startSandbox(config);
    for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(config.vendors[name], override);
    const pulse = Object.entries(config.vendors).find(([, v]) => v.kind === 'pulse')![0];
    const upstream = config.vendors[pulse].baseUrl;
    proxy = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
      const answer = await fetch(upstream + req.url, { method: req.method, headers, body: req.method === 'GET' ? undefined : Buffer.concat(chunks) });
      let text = await answer.text();
      if (req.url?.includes('/auth/login') && answer.ok) text = JSON.stringify({ ...JSON.parse(text), ...extra, ...tenant, grantNumber: GRANT });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(text);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    config.vendors[pulse].baseUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const workspace = await makeWorkspace({ ...config, users: path.join(repoRoot, 'users') }, {});
    configFile = workspace.configFile;
    remove = workspace.remove;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    await sandbox?.stop();
    await remove?.();
  });

  const leaks = (text: string) => Object.values(extra).filter((t) => text.toLowerCase().includes(t.slice(0, 8).toLowerCase()));

  it('plan --trace: the login answer is in the trace, its credentials are not, its tenant ids are; every line is JSON', async () => {
    const trace = path.join(path.dirname(configFile), 'trace-ids.jsonl');
    const result = await runCli(['plan', '--vendor', 'pulse', '--trace', trace, '-c', configFile], { env: { CI: '', GITHUB_ACTIONS: '', ...sandbox.env } });
    const written = await readFile(trace, 'utf8');
    const login = written.split('\n').find((line) => line.includes('/auth/login'));
    expect(login).toBeDefined();
    expect(leaks(written + result.stdout + result.stderr)).toEqual([]);
    expect(written).not.toContain(String(GRANT).slice(0, 8));
    for (const line of written.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    const body = (JSON.parse(login!) as { responseBody: Record<string, unknown> }).responseBody;
    expect(body).toHaveProperty('accessId');
    expect(body).toMatchObject(tenant);
    expect(body.grantNumber).toBe('***');
  });

  it('doctor --format json: no credential of the answer', async () => {
    const result = await runCli(['doctor', '--vendor', 'pulse', '--format', 'json', '-c', configFile], { env: { CI: '', GITHUB_ACTIONS: '', ...sandbox.env } });
    expect(result.stdout).toContain('pulse');
    expect(leaks(result.stdout + result.stderr)).toEqual([]);
  });
});
