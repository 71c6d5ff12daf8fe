import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { RootConfig } from '../../src/config/schema.js';
import { startSandbox, type Sandbox } from '../../src/compose/sandbox.js';
import { makeWorkspace, repoRoot, runCli, type Workspace } from '../helpers/workspace.js';

/**
 * A vendor that misbehaves as badly as it can: reads pass through to the real emulator, but every
 * write is refused with an error that echoes the request's headers and body, credentials included.
 * Tokens seen in login answers (Pulse) are collected, since they are secrets too.
 */
async function hostileProxy(target: string, seenTokens: Set<string>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const isLogin = req.url?.includes('/auth/login');
    if (req.method === 'GET' || isLogin) {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
      const upstream = await fetch(target + req.url, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
      const text = await upstream.text();
      if (isLogin) for (const match of text.matchAll(/"token"\s*:\s*"([^"]+)"/g)) seenTokens.add(match[1]);
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(text);
      return;
    }
    const echo = `refused: headers ${JSON.stringify(req.headers)} body ${body}`;
    res.writeHead(422, { 'content-type': 'application/json' });
    // Every error shape the adapters read, each carrying the echo.
    res.end(JSON.stringify({ message: [echo], error: echo, errors: { email: [echo] }, statusCode: 422, status: 422 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('credentials never reach output, logs or reports, whatever fails', () => {
  let workspace: Workspace;
  let sandbox: Sandbox;
  const proxies: { close(): Promise<void> }[] = [];
  const tokens = new Set<string>();
  let config: RootConfig;

  beforeAll(async () => {
    config = parse(await readFile(path.join(repoRoot, 'roster.yaml'), 'utf8'));
    sandbox = await startSandbox(config);
    for (const [name, override] of Object.entries(sandbox.overrides)) {
      const proxy = await hostileProxy(override.baseUrl, tokens);
      proxies.push(proxy);
      Object.assign(config.vendors[name], override, { baseUrl: proxy.url });
    }
    workspace = await makeWorkspace({ ...config, users: path.join(repoRoot, 'users') }, {});
  });

  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await sandbox?.stop();
    await workspace?.remove();
  });

  const secrets = () => [...Object.values(sandbox.env), ...tokens];

  it('when every write is refused with the credentials echoed back', async () => {
    const reportFile = path.join(workspace.dir, 'report.json');
    const result = await runCli(['apply', '--yes', '-c', workspace.configFile, '--report', reportFile], { env: sandbox.env });
    const report = await readFile(reportFile, 'utf8');
    expect(result.code).toBe(1);
    // Every vendor's writes failed, with the vendor's (echoed) message in the output.
    for (const vendor of ['enerflo', 'highlevel', 'pulse', 'partner']) {
      expect(result.stdout).toMatch(new RegExp(`FAILED ${vendor}`));
    }
    expect(report).toContain('refused: headers');
    expect(secrets().length).toBeGreaterThanOrEqual(5);
    for (const secret of secrets()) {
      expect({ secret, inStdout: result.stdout.includes(secret), inStderr: result.stderr.includes(secret), inReport: report.includes(secret) }).toEqual({
        secret,
        inStdout: false,
        inStderr: false,
        inReport: false,
      });
    }
  });

  it('when the credentials are wrong, and when the vendor cannot be reached', async () => {
    const wrong = Object.fromEntries(Object.keys(sandbox.env).map((name) => [name, `wrong-${name.toLowerCase()}-value`]));
    const refused = await runCli(['plan', '-c', workspace.configFile], { env: wrong });
    expect(refused.code).toBe(1);
    const down = structuredClone(config);
    for (const instance of Object.values(down.vendors)) instance.baseUrl = 'http://127.0.0.1:9';
    await workspace.write('down.yaml', stringify({ ...down, users: path.join(repoRoot, 'users') }));
    const unreachable = await runCli(['plan', '-c', path.join(workspace.dir, 'down.yaml')], { env: sandbox.env });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stdout).toContain('could not be reached');
    for (const [result, values] of [
      [refused, Object.values(wrong)],
      [unreachable, Object.values(sandbox.env)],
    ] as const) {
      for (const secret of values) {
        expect(result.stdout.includes(secret) || result.stderr.includes(secret)).toBe(false);
      }
    }
  });
});
