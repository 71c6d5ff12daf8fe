import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HttpClient } from '../../src/http/client.js';
import { sanitizeText } from '../../src/render/mask.js';
import { makeWorkspace, repoRoot, runCli, type Workspace } from '../helpers/workspace.js';

const SECRET = 'tok/EN+s3cret value=42';

const servers: http.Server[] = [];
let workspace: Workspace | undefined;
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await workspace?.remove();
  workspace = undefined;
});

/** A vendor that refuses every request with an error echoing the credential in every common encoding. */
async function echoingVendor(): Promise<string> {
  const server = http.createServer((req, res) => {
    const echo = [
      `raw ${SECRET}`,
      `url ${encodeURIComponent(SECRET)}`,
      `form ${encodeURIComponent(SECRET).replace(/%20/g, '+')}`,
      `b64 ${Buffer.from(SECRET).toString('base64')}`,
      `b64url ${Buffer.from(SECRET).toString('base64url')}`,
      `basic ${req.headers.authorization}`,
      `json ${JSON.stringify({ token: SECRET })}`,
    ].join('; ');
    res.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify({ message: echo }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('secrets echoed back in any usual encoding are redacted', () => {
  it('raw, URL-encoded, form-encoded, base64 (both alphabets), inside Basic auth and JSON-escaped', async () => {
    const url = await echoingVendor();
    const client = new HttpClient({
      vendor: 'acme',
      baseUrl: url,
      retry: { maxAttempts: 1 },
      secrets: () => [SECRET],
      headers: () => ({ authorization: `Basic ${Buffer.from(`apiuser:${SECRET}`).toString('base64')}` }),
      describeError: (_status, body) => (body as { message: string }).message,
    });
    const error = await client.request({ method: 'PUT', path: '/users/1', body: {} }).catch((e) => e);
    expect(error.message).toMatch(/^acme: PUT \/users\/1 answered 422: raw \*\*\*; url \*\*\*; form \*\*\*; b64 \*\*\*; b64url \*\*\*; basic Basic \*\*\*; json /);
    const forms = [SECRET, encodeURIComponent(SECRET), Buffer.from(SECRET).toString('base64'), Buffer.from(SECRET).toString('base64url'), 's3cret'];
    for (const form of forms) expect(error.message).not.toContain(form);
  });

  it('a password in a base URL never reaches a message', async () => {
    const url = await echoingVendor();
    const withPassword = url.replace('http://', 'http://robot:hunter2-in-the-url@');
    const client = new HttpClient({ vendor: 'acme', baseUrl: withPassword, retry: { maxAttempts: 1 } });
    const error = await client.request({ method: 'GET', path: '/users' }).catch((e) => e);
    expect(error.message).toMatch(/^acme: GET \/users/);
    expect(error.message).not.toContain('hunter2-in-the-url');
  });

  it('`roster validate` refuses a base URL holding credentials, with its location', async () => {
    const config = parse(await readFile(path.join(repoRoot, 'roster.yaml'), 'utf8'));
    config.vendors.enerflo.baseUrl = 'https://robot:hunter2-in-the-url@enerflo.io';
    workspace = await makeWorkspace({ ...config, users: path.join(repoRoot, 'users') }, {});
    const result = await runCli(['validate', '-c', workspace.configFile]);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/roster\.yaml.*line \d+.*\n?.*vendors\.enerflo\.baseUrl|vendors\.enerflo\.baseUrl[\s\S]*must not hold credentials/);
    expect(result.stdout + result.stderr).toContain('a base URL must not hold credentials');
    expect(result.stdout + result.stderr).not.toContain('hunter2-in-the-url');
  });
});

describe('masking recognises the usual national forms of SSNs and dates of birth', () => {
  const masked = (text: string) => sanitizeText(text, { maskEmails: false });
  it.each([
    ['ssn 078-05-1120', 'ssn •••-••-1120'],
    ['ssn 078051120', 'ssn •••-••-1120'],
    ['ssn 078.05.1120', 'ssn •••-••-1120'],
    ['ssn 078 05 1120', 'ssn •••-••-1120'],
    ['born 1974-06-15', 'born ••••-••-••'],
    ['born 1974/06/15', 'born ••••-••-••'],
    ['born 06/15/1974', 'born ••••-••-••'],
    ['born 15.06.1974', 'born ••••-••-••'],
    ['born 15-06-1974', 'born ••••-••-••'],
    ['born June 15, 1974', 'born ••••-••-••'],
    ['born Jun 15 1974', 'born ••••-••-••'],
    ['born 15 June 1974', 'born ••••-••-••'],
    ['born 15-Jun-1974', 'born ••••-••-••'],
    ['born 19740615', 'born ••••-••-••'],
    ['dob 1974-06-15T00:00:00.000Z', 'dob ••••-••-••'],
    ['dob 1974-06-15T00:00:00+00:00', 'dob ••••-••-••'],
  ])('%s', (text, expected) => {
    expect(masked(text)).toBe(expected);
  });

  it('leaves timestamps of events, versions, addresses and ids alone', () => {
    for (const text of ['"startedAt": "2026-11-23T08:00:00.000Z"', 'version 1.2.3 at 10.0.0.1', 'user 145010 in account 6591739253089529']) {
      expect(masked(text)).toBe(text);
    }
  });
});

describe('text output in CI is masked like the PR comment', () => {
  it('`roster plan` prints phones masked when CI is set, and as they are on a terminal', async () => {
    const onTerminal = await runCli(['plan', '--sandbox', '--vendor', 'enerflo'], { env: { CI: '', GITHUB_ACTIONS: '' } });
    expect(onTerminal.stdout).toContain('phone            = "6025550122"');
    const inCi = await runCli(['plan', '--sandbox', '--vendor', 'enerflo'], { env: { CI: 'true' } });
    expect(inCi.stdout).toContain('phone            = "+1 ••• ••• 0122"');
    expect(inCi.stdout).not.toMatch(/\d{10}/);
  });

  it('`roster apply` and `roster drift` do the same in GitHub Actions', async () => {
    const apply = await runCli(['apply', '--sandbox', '--vendor', 'enerflo', '--no-report'], { env: { GITHUB_ACTIONS: 'true', CI: '' } });
    expect(apply.stdout).toContain('+ create aisha.khan@sunpath.example');
    expect(apply.stdout).not.toMatch(/"\d{10}"/);
    const drift = await runCli(['drift', '--sandbox', '--vendor', 'enerflo'], { env: { GITHUB_ACTIONS: 'true', CI: '', GITHUB_STEP_SUMMARY: '' } });
    expect(drift.stdout).toContain('+ create aisha.khan@sunpath.example');
    expect(drift.stdout).not.toMatch(/"\d{10}"/);
  });
});
