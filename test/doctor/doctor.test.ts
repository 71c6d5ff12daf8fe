import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { enerflo } from '../../src/vendors/enerflo/index.js';
import { loadOrganisation } from '../../src/compose/organisation.js';
import type { RootConfig } from '../../src/config/schema.js';
import { ExchangeLog } from '../../src/doctor/exchanges.js';
import type { DoctorReport, VendorDiagnosis } from '../../src/doctor/model.js';
import { renderDoctorText } from '../../src/doctor/render.js';
import { diagnose } from '../../src/doctor/run.js';
import { buildTargets } from '../../src/compose/targets.js';
import { startSandbox, type Sandbox } from '../../src/compose/sandbox.js';
import { makeWorkspace, repoRoot, type Workspace } from '../helpers/workspace.js';

/** A port nothing listens on: taken from the OS, then given back. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('roster doctor', () => {
  let sandbox: Sandbox;
  let base: RootConfig;
  let users: Record<string, string>;
  let workspace: Workspace | undefined;

  beforeAll(async () => {
    base = parse(await readFile(path.join(repoRoot, 'roster.yaml'), 'utf8'));
    sandbox = await startSandbox(base);
    for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(base.vendors[name], override);
    const dir = path.join(repoRoot, 'users');
    users = {
      'offices.yaml': await readFile(path.join(dir, 'offices.yaml'), 'utf8'),
      'roles.yaml': await readFile(path.join(dir, 'roles.yaml'), 'utf8'),
    };
  });
  afterAll(async () => sandbox?.stop());
  afterEach(async () => {
    await workspace?.remove();
    workspace = undefined;
  });

  /** Doctor over the sandbox, after `change` edits the config and the environment, in-process as the CLI runs it. */
  async function doctor(change: (config: RootConfig, env: Record<string, string>) => void = () => {}): Promise<DoctorReport> {
    const config = structuredClone(base);
    const env = { ...sandbox.env };
    change(config, env);
    workspace = await makeWorkspace(config, users);
    const org = await loadOrganisation(workspace.configFile);
    const log = new ExchangeLog();
    const targets = buildTargets(org, { env, onExchange: log.record });
    return diagnose(org, { targets, env, observe: log.record, close: async () => {} }, log);
  }

  const vendor = (report: DoctorReport, name: string): VendorDiagnosis => report.vendors.find((v) => v.vendor === name)!;
  const failed = (report: DoctorReport) => report.vendors.filter((v) => !v.usable).map((v) => v.vendor);
  const step = (report: DoctorReport, name: string, stepName: string) => vendor(report, name).steps.find((s) => s.step === stepName)!;
  const writes = () =>
    [...sandbox.emulators.values()].flatMap((e) => e.requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/auth/login')));

  it('passes all four sandbox vendors, timing each step, and writes nothing', async () => {
    const before = writes().length;
    const report = await doctor();
    expect(failed(report)).toEqual([]);
    expect(report.usable).toBe(true);
    for (const v of report.vendors) {
      expect(v.steps.map((s) => `${s.step}:${s.status}`)).toEqual(['config:ok', 'credentials:ok', 'host:ok', 'read:ok', 'rate:ok']);
      expect(step(report, v.vendor, 'read').ms).toBeGreaterThan(0);
    }
    expect(step(report, 'enerflo', 'read').detail).toMatch(/^listed \d+ users in \d+ requests?$/);
    expect(step(report, 'enerflo', 'credentials').detail).toBe('ENERFLO_API_KEY set');
    // The budget (documented limit × rateShare) and the headers Enerflo sends (shared/vendors/README.md).
    expect(step(report, 'enerflo', 'rate').detail).toContain('roster paces at 300 requests per minute (300 documented × rateShare 1)');
    expect(step(report, 'enerflo', 'rate').detail).toContain('x-ratelimit-limit: 300');
    expect(writes().length).toBe(before);
    expect(renderDoctorText(report)).toContain('4 of 4 vendors usable.');
  });

  it('fails a vendor on a closed port alone, naming the host, the baseUrl line and the cause', async () => {
    const port = await closedPort();
    const report = await doctor((config) => (config.vendors.highlevel.baseUrl = `http://127.0.0.1:${port}`));
    expect(failed(report)).toEqual(['highlevel']);
    const host = step(report, 'highlevel', 'host');
    expect(host.status).toBe('fail');
    expect(host.detail).toContain(`could not be reached (ECONNREFUSED) at 127.0.0.1:${port} (baseUrl, `);
    expect(host.detail).toContain('nothing accepts connections there');
    expect(host.setting).toBe('vendors.highlevel.baseUrl');
    expect(host.at).toMatch(/roster\.yaml:\d+$/);
    expect(step(report, 'highlevel', 'read').status).toBe('skip');
  });

  it('fails a vendor with a wrong key alone, naming the environment variables and what the vendor said', async () => {
    const report = await doctor((_config, env) => (env.PULSE_API_KEY = 'not-the-pulse-key'));
    expect(failed(report)).toEqual(['pulse']);
    const read = step(report, 'pulse', 'read');
    expect(read.detail).toMatch(/^authentication failed: POST http:\/\/127\.0\.0\.1:\d+\/api\/auth\/login answered 401; check PULSE_API_KEY and PULSE_API_SECRET$/);
    expect(read.setting).toBe('vendors.pulse.credentials');
    expect(read.answer?.status).toBe(401);
    expect(read.answer?.body).toMatch(/\w/);
    expect(JSON.stringify(report)).not.toContain('not-the-pulse-key');
  });

  it('fails a vendor with a wrong users path alone, naming the path setting', async () => {
    const report = await doctor((config) => (enerflo.configOf(config.vendors.enerflo).usersPath = '/api/v3/userz'));
    expect(failed(report)).toEqual(['enerflo']);
    const read = step(report, 'enerflo', 'read');
    expect(read.detail).toBe(`GET ${sandbox.overrides.enerflo.baseUrl}/api/v3/userz answered 404: vendors.enerflo.usersPath (/api/v3/userz) is not a path this vendor serves`);
    expect(read.setting).toBe('vendors.enerflo.usersPath');
    expect(read.at).toMatch(/roster\.yaml:\d+$/);
    expect(read.answer?.status).toBe(404);
  });

  it('blames a wrong path prefix in baseUrl, not the default path settings, and shows the whole URL', async () => {
    const report = await doctor((config) => {
      config.vendors.enerflo.baseUrl += '/v1';
      config.vendors.highlevel.baseUrl += '/v1';
      config.vendors.pulse.baseUrl = config.vendors.pulse.baseUrl.replace(/\/api$/, '/apx');
    });
    expect(failed(report).sort()).toEqual(['enerflo', 'highlevel', 'pulse']);
    const enerfloBase = `${sandbox.overrides.enerflo.baseUrl}/v1`;
    const enerfloRead = step(report, 'enerflo', 'read');
    expect(enerfloRead.detail).toBe(
      `GET ${enerfloBase}/api/v3/users answered 404: the path prefix /v1 in baseUrl (${enerfloBase}) is not where this vendor serves vendors.enerflo.usersPath (/api/v3/users, the default); correct or remove the prefix`,
    );
    expect(enerfloRead.setting).toBe('vendors.enerflo.baseUrl');
    expect(enerfloRead.at).toMatch(/roster\.yaml:\d+$/);
    const highlevelBase = `${sandbox.overrides.highlevel.baseUrl}/v1`;
    expect(step(report, 'highlevel', 'read')).toMatchObject({
      detail: `GET ${highlevelBase}/users/search answered 404: the path prefix /v1 in baseUrl (${highlevelBase}) is not where this vendor serves /users/search; correct or remove the prefix`,
      setting: 'vendors.highlevel.baseUrl',
    });
    const pulse = step(report, 'pulse', 'read');
    expect(pulse.detail).toContain('/apx/auth/login answered 404: the path prefix /apx in baseUrl (');
    expect(pulse.detail).toContain('vendors.pulse.loginPath (/auth/login, the default)');
    expect(pulse.setting).toBe('vendors.pulse.baseUrl');
    const text = renderDoctorText(report);
    expect(text).not.toContain('fix: vendors.enerflo.usersPath');
    expect(text).not.toContain('fix: vendors.pulse.loginPath');
  });

  it('sends every vendor whose baseUrl serves a web page to baseUrl, whatever the status', async () => {
    // A website: its home page answers 200, every other path a 404 page; both are HTML.
    const website = http.createServer((request, response) => {
      request.resume();
      response.writeHead(request.url === '/' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!DOCTYPE html><html><head><title>Sign in</title></head><body>Welcome</body></html>');
    });
    await new Promise<void>((resolve) => website.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(website.address() as net.AddressInfo).port}`;
    try {
      const report = await doctor((config) => {
        for (const name of Object.keys(config.vendors)) config.vendors[name].baseUrl = url;
      });
      expect(failed(report).sort()).toEqual(['enerflo', 'highlevel', 'partner', 'pulse']);
      for (const name of ['enerflo', 'highlevel', 'partner', 'pulse']) {
        const read = step(report, name, 'read');
        expect(read.detail).toContain(`with a web page (text/html), not the vendor's API: baseUrl ${url} points at a website; set it to the API's base URL`);
        expect(read.setting).toBe(`vendors.${name}.baseUrl`);
        expect(read.at).toMatch(/roster\.yaml:\d+$/);
      }
      expect(renderDoctorText(report)).not.toMatch(/fix: vendors\.\w+\.(loginPath|usersPath)/);
    } finally {
      await new Promise<void>((resolve) => website.close(() => resolve()));
    }
  });

  it('refuses plain HTTP to a remote host before sending anything, unless the instance opts in', async () => {
    const received = sandbox.emulators.get('partner')!.requests.length;
    const report = await doctor((config) => (config.vendors.partner.baseUrl = 'http://partner.roster-doctor.invalid'));
    expect(failed(report)).toEqual(['partner']);
    const config = step(report, 'partner', 'config');
    expect(config.detail).toContain('vendors.partner.baseUrl is plain http:// to partner.roster-doctor.invalid: credentials would travel in clear');
    expect(config.setting).toBe('vendors.partner.baseUrl');
    expect(vendor(report, 'partner').steps.slice(2).map((s) => s.status)).toEqual(['skip', 'skip', 'skip']);
    expect(sandbox.emulators.get('partner')!.requests.length).toBe(received);

    // Opted in: allowed with a warning, and then the host (which does not exist) is what fails, as DNS.
    const optedIn = await doctor((c) => Object.assign(c.vendors.partner, { baseUrl: 'http://partner.roster-doctor.invalid', allowInsecureHttp: true }));
    expect(step(optedIn, 'partner', 'config').status).toBe('warn');
    const host = step(optedIn, 'partner', 'host');
    expect(host.status).toBe('fail');
    expect(host.detail).toMatch(/\((ENOTFOUND|EAI_AGAIN)\) at partner\.roster-doctor\.invalid .*DNS/);
  });

  it('leaves plan and apply no client for a plain-HTTP remote host either', async () => {
    const config = structuredClone(base);
    config.vendors.partner.baseUrl = 'http://partner.roster-doctor.invalid';
    workspace = await makeWorkspace(config, users);
    const org = await loadOrganisation(workspace.configFile);
    const partner = buildTargets(org, { env: sandbox.env }).find((t) => t.name === 'partner')!;
    expect(partner.reader).toBeUndefined();
    expect(partner.writer).toBeUndefined();
    expect(partner.setupError).toContain('credentials would travel in clear');
    org.config.vendors.partner.allowInsecureHttp = true;
    expect(buildTargets(org, { env: sandbox.env }).find((t) => t.name === 'partner')!.writer).toBeDefined();
  });

  it('names a missing credential variable and still checks the host', async () => {
    const report = await doctor((_config, env) => delete env.ENERFLO_API_KEY);
    expect(failed(report)).toEqual(['enerflo']);
    expect(step(report, 'enerflo', 'credentials')).toMatchObject({ status: 'fail', detail: 'ENERFLO_API_KEY is not set in the environment', setting: 'vendors.enerflo.credentials.apiKey' });
    expect(step(report, 'enerflo', 'host').status).toBe('ok');
    expect(step(report, 'enerflo', 'read').status).toBe('skip');
  });
});
