import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RootConfig } from '../../src/config/schema.js';
import { startSandbox, type Sandbox } from '../../src/compose/sandbox.js';
import { makeWorkspace, repoRoot, runCli, sampleConfig, sampleOfficesAndRoles, type CliResult } from '../helpers/workspace.js';

/**
 * Every output roster writes, over the real paths (the CLI as a user runs it), with CI set and unset:
 * nothing secret anywhere, personal data masked where others read, markup inert.
 */
const IN_CI = { CI: 'true', GITHUB_ACTIONS: 'true' };
const NOT_IN_CI = { CI: '', GITHUB_ACTIONS: '' };
const each = [
  ['in CI', IN_CI],
  ['not in CI', NOT_IN_CI],
] as const;

/** Lines GitHub Actions would run as workflow commands. */
const workflowCommands = (r: CliResult) => [...r.stdout.split('\n'), ...r.stderr.split('\n')].filter((l) => /^\s*(::|##\[)/.test(l.replace(/\u001b\[[0-9;]*m/g, '')));

describe('plan output: JSON masks like text in CI; saved plans keep real values, owner-only', () => {
  const config = path.join(repoRoot, 'roster.yaml');

  it('--format json in CI masks phones; on the operator\'s machine it shows them', async () => {
    const ci = await runCli(['plan', '--sandbox', '--format', 'json', '-c', config], { env: IN_CI });
    const local = await runCli(['plan', '--sandbox', '--format', 'json', '-c', config], { env: NOT_IN_CI });
    const phones = (r: CliResult) =>
      (JSON.parse(r.stdout) as { vendors: { operations: { changes: { field: string; after: unknown }[] }[] }[] }).vendors
        .flatMap((v) => v.operations.flatMap((o) => o.changes))
        .filter((c) => c.field === 'phone' && typeof c.after === 'string')
        .map((c) => c.after as string);
    expect(phones(local).length).toBeGreaterThan(0);
    expect(phones(local).some((p) => /\d{7}/.test(p))).toBe(true);
    expect(phones(ci)).toHaveLength(phones(local).length);
    for (const phone of phones(ci)) expect(phone).toMatch(/^(\+\d+ )?••• ••• \d{4}$/);
  });

  it('--out in CI saves real values (apply sends them) in a file only its owner can read', async () => {
    const workspace = await makeWorkspace({}, {});
    try {
      const file = path.join(workspace.dir, 'plan.json');
      await writeFile(file, 'old', { mode: 0o644 });
      const result = await runCli(['plan', '--sandbox', '--format', 'json', '--out', file, '-c', config], { env: IN_CI });
      expect(result.stdout).toContain('•••');
      expect(await readFile(file, 'utf8')).not.toContain('•••');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await workspace.remove();
    }
  });
});

describe('declared state: diagnostics never echo a credential, never run as workflow commands', () => {
  let base: RootConfig;
  let catalog: Record<string, string>;
  beforeAll(async () => {
    base = await sampleConfig();
    catalog = await sampleOfficesAndRoles();
  });

  const person = (extra: Record<string, unknown>) => ({ people: [{ email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', roles: ['sales-rep'], office: 'austin', ...extra }] });

  for (const [where, env] of each) {
    it(`a number, a list or a map where a credential reference belongs is not shown (${where})`, async () => {
      for (const literal of [99887766554433, [99887766554433], { value: 99887766554433 }, true]) {
        const config = structuredClone(base) as unknown as { vendors: Record<string, { credentials: Record<string, unknown> }> };
        config.vendors.enerflo.credentials.apiKey = literal;
        config.vendors.highlevel.credentials.token = { env: 99887766554433 };
        const workspace = await makeWorkspace({ ...config, users: path.join(repoRoot, 'users') }, {});
        try {
          const result = await runCli(['validate', '-c', workspace.configFile], { env });
          expect(result.code).toBe(1);
          expect(result.stderr).toContain('vendors.enerflo.credentials.apiKey');
          expect(result.stderr).toContain('the value found is not shown');
          expect(result.stdout + result.stderr).not.toMatch(/99887766554433|998877/);
        } finally {
          await workspace.remove();
        }
      }
    });
  }

  it('a users file whose name holds a newline writes no workflow command into the Actions log (spawned CLI)', async () => {
    const name = 'x\n::warning title=pwned::owned\n##[error]fake.yaml';
    const workspace = await makeWorkspace({ ...base, users: 'users' }, { ...catalog, [name]: person({ office: 'nowhere' }) });
    try {
      const result = await runCli(['validate', '-c', workspace.configFile], { env: IN_CI, cwd: workspace.dir, spawn: true });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('unknown office "nowhere"');
      expect(result.stderr).toContain('\\::warning title=pwned::owned');
      expect(workflowCommands(result)).toEqual([]);
    } finally {
      await workspace.remove();
    }
  });

  it('timezones: a case variant or a link is refused with the canonical name to write; a withdrawn name too', async () => {
    const cases = [
      ['america/CHICAGO', 'write America/Chicago'],
      ['US/Pacific', 'write America/Los_Angeles'],
      ['US/Pacific-New', 'withdrawn'],
    ] as const;
    for (const [timezone, hint] of cases) {
      const workspace = await makeWorkspace({ ...base, users: 'users' }, { ...catalog, 'people.yaml': person({ timezone }) });
      try {
        const result = await runCli(['validate', '-c', workspace.configFile], { env: NOT_IN_CI, cwd: workspace.dir });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('people[0].timezone');
        expect(result.stderr).toContain(hint);
      } finally {
        await workspace.remove();
      }
    }
    const ok = await makeWorkspace({ ...base, users: 'users' }, { ...catalog, 'people.yaml': person({ timezone: 'America/Chicago' }) });
    try {
      expect((await runCli(['validate', '-c', ok.configFile], { env: NOT_IN_CI, cwd: ok.dir })).code).toBe(0);
    } finally {
      await ok.remove();
    }
  });

  it('`roster webhook` refuses an RSA key under 2048 bits at start', async () => {
    const workspace = await makeWorkspace({}, {});
    try {
      const pem = path.join(workspace.dir, 'weak.pem');
      await writeFile(pem, generateKeyPairSync('rsa', { modulusLength: 512 }).publicKey.export({ type: 'spki', format: 'pem' }));
      const result = await runCli(['webhook', '--legacy-public-key', pem, '-c', path.join(repoRoot, 'roster.yaml')], { env: NOT_IN_CI });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/512 bits; at least 2048/);
      expect(result.stdout).not.toContain('listening');
    } finally {
      await workspace.remove();
    }
  });
});

/**
 * Pulse behind a proxy that bends its login answer: `repeat` copies the session token outside its
 * `token` field and sends a cut, upper-cased copy of it in a rate-limit header of every answer; `shape`
 * answers the login with the token where roster does not look for it.
 */
async function bentPulse(upstream: string, mode: { value: 'repeat' | 'shape' }, tokens: Set<string>) {
  let last = '';
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
    const answer = await fetch(upstream + req.url, { method: req.method, headers, body: req.method === 'GET' ? undefined : Buffer.concat(chunks) });
    let text = await answer.text();
    if (req.url?.includes('/auth/login') && answer.ok) {
      const body = JSON.parse(text) as { token: string };
      tokens.add(body.token);
      last = body.token;
      text = JSON.stringify(mode.value === 'repeat' ? { ...body, session: { id: body.token }, copy: body.token } : { data: { accessJwt: body.token } });
    }
    res.writeHead(answer.status, { 'content-type': 'application/json', ...(last ? { 'x-ratelimit-session': last.slice(0, 16).toUpperCase() } : {}) });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('a Pulse session token never reaches doctor output or a trace, wherever the login answer puts it', () => {
  let sandbox: Sandbox;
  let proxy: { url: string; close(): Promise<void> };
  const mode = { value: 'repeat' as 'repeat' | 'shape' };
  const tokens = new Set<string>();
  let configFile: string;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const config = await sampleConfig();
    sandbox = await startSandbox(config);
    for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(config.vendors[name], override);
    const pulse = Object.entries(config.vendors).find(([, v]) => v.kind === 'pulse')![0];
    proxy = await bentPulse(config.vendors[pulse].baseUrl, mode, tokens);
    config.vendors[pulse].baseUrl = proxy.url;
    const workspace = await makeWorkspace({ ...config, users: path.join(repoRoot, 'users') }, {});
    configFile = workspace.configFile;
    remove = workspace.remove;
  });
  afterAll(async () => {
    await proxy?.close();
    await sandbox?.stop();
    await remove?.();
  });

  const leaks = (text: string) => [...tokens].filter((t) => text.toLowerCase().includes(t.slice(0, 8).toLowerCase()));

  for (const [where, env] of each) {
    for (const shape of ['repeat', 'shape'] as const) {
      it(`doctor, text and JSON, login answer "${shape}", ${where}`, async () => {
        mode.value = shape;
        for (const format of ['text', 'json']) {
          const result = await runCli(['doctor', '--vendor', 'pulse', '--format', format, '-c', configFile], { env: { ...env, ...sandbox.env } });
          expect(tokens.size).toBeGreaterThan(0);
          expect(result.stdout).toContain('pulse');
          expect(leaks(result.stdout + result.stderr)).toEqual([]);
        }
      });
    }
  }

  it('plan --trace: the trace holds no copy of the token, cut or upper-cased', async () => {
    mode.value = 'repeat';
    const trace = path.join(path.dirname(configFile), 'trace.jsonl');
    const result = await runCli(['plan', '--vendor', 'pulse', '--trace', trace, '-c', configFile], { env: { ...NOT_IN_CI, ...sandbox.env } });
    const written = await readFile(trace, 'utf8');
    expect(written).toContain('/auth/login');
    expect(written).toContain('X-RATELIMIT-SESSION'.toLowerCase());
    expect(leaks(written + result.stdout + result.stderr)).toEqual([]);
    for (const line of written.trim().split('\n')) JSON.parse(line);
    expect((await stat(trace)).mode & 0o777).toBe(0o600);
  });
});
