import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadOrganisation } from '../../src/compose/organisation.js';
import { startSandbox, type Sandbox } from '../../src/compose/sandbox.js';
import { buildTargets } from '../../src/compose/targets.js';
import type { RootConfig } from '../../src/config/schema.js';
import { ExchangeLog } from '../../src/doctor/exchanges.js';
import { diagnose } from '../../src/doctor/run.js';
import { buildPlan } from '../../src/compose/plan.js';
import { readLive } from '../../src/reconcile/read.js';
import { thresholdViolations } from '../../src/reconcile/safety.js';
import { makeWorkspace, repoRoot, type Workspace } from '../helpers/workspace.js';
import { desiredRecord, partnerAdapter, startPartner } from './partner-helpers.js';

/*
 * SimplePin is read by key, and no published page says what an unknown user_code answers (published.md):
 * a 404 is trusted to mean "absent" only once a known user (probeUserCode) reads back. A base URL that
 * answers 404 to every path must never plan to create everyone with exit 0.
 */

/** A server that answers 404 to every path, as a wrong base URL (another app, a proxy's default) does. */
async function everything404(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":404,"error":"Not Found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const declared = Array.from({ length: 12 }, (_, i) => desiredRecord(`p${i}@sunpath.example`, { role: 'MANAGER' }, { externalId: `HR-9${i}` }));

describe('SimplePin read by key: a 404 is trusted only after the probe reads back', () => {
  it('a base URL answering 404 everywhere, with a probe: the read fails, naming the setting', async () => {
    const server = await everything404();
    try {
      const adapter = partnerAdapter(server.url, { config: { probeUserCode: 'OWNER-1001' } });
      await expect(readLive(adapter.reader, declared, 4)).rejects.toThrow(
        'the probe probe user_code OWNER-1001 (probeUserCode) was not found, so "not found" cannot be trusted to mean a person is absent',
      );
      // Nobody was read after the probe failed.
      expect(server.hits()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('the same base URL without a probe: everyone looks absent (what the create threshold then weighs)', async () => {
    const server = await everything404();
    try {
      const adapter = partnerAdapter(server.url);
      const read = await readLive(adapter.reader, declared, 4);
      expect(read.live).toEqual([]);
      expect(server.hits()).toBe(12);
    } finally {
      await server.close();
    }
  });

  it('against the emulator, the probe (the account owner) reads back and the declared people are read as before', async () => {
    const { emulator } = await startPartner();
    try {
      const adapter = partnerAdapter(emulator.url, { config: { probeUserCode: 'OWNER-1001' } });
      const read = await readLive(adapter.reader, [desiredRecord('x@sunpath.example', { role: 'MANAGER' }, { externalId: 'HR-1001' })], 4);
      expect(read.live.map((r) => r.vendorId)).toEqual(['HR-1001']);
        expect(emulator.requests.filter((r) => r.method === 'GET').map((r) => r.query.user_code)).toEqual(['OWNER-1001', 'HR-1001']);
    } finally {
      await emulator.close();
    }
  });
});

describe('plan and doctor against a SimplePin base URL that answers 404 to every path', () => {
  let sandbox: Sandbox;
  let base: RootConfig;
  let workspace: Workspace | undefined;
  let server: Awaited<ReturnType<typeof everything404>>;

  beforeAll(async () => {
    base = parse(await readFile(path.join(repoRoot, 'roster.yaml'), 'utf8'));
    base.vendors = { partner: base.vendors.partner };
    sandbox = await startSandbox(base);
    for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(base.vendors[name], override);
    server = await everything404();
  });
  afterAll(async () => {
    await sandbox?.stop();
    await server?.close();
  });
  afterEach(async () => {
    await workspace?.remove();
    workspace = undefined;
  });

  async function session(settings: Record<string, unknown>) {
    const config = structuredClone(base);
    // The sandbox sets its account owner as the probe; each case says whether it has one.
    delete (config.vendors.partner as Record<string, unknown>).probeUserCode;
    Object.assign(config.vendors.partner, { baseUrl: server.url, allowInsecureHttp: true, ...settings });
    workspace = await makeWorkspace({ ...config, users: path.join(repoRoot, 'users') }, {});
    const org = await loadOrganisation(workspace.configFile);
    const log = new ExchangeLog();
    const targets = buildTargets(org, { env: sandbox.env, onExchange: log.record });
    return { org, targets, log };
  }

  it('plan with a probe: the vendor fails on its own with the probe named; no create is planned', async () => {
    const { org, targets } = await session({ probeUserCode: 'OWNER-1001' });
    const plan = await buildPlan(org, targets);
    const partner = plan.vendors.find((v) => v.vendor === 'partner')!;
    expect(partner.operations).toEqual([]);
    expect(partner.errors[0].message).toContain('probeUserCode');
  });

  it('plan without a probe: creates for everyone, refused by the create threshold', async () => {
    const { org, targets } = await session({});
    const plan = await buildPlan(org, targets);
    const partner = plan.vendors.find((v) => v.vendor === 'partner')!;
    const creates = partner.operations.filter((op) => op.action === 'create').length;
    expect(creates).toBeGreaterThan(0);
    const thresholds = { ...org.config.vendors.partner, policy: { ...org.config.vendors.partner.policy, thresholds: { ...org.config.vendors.partner.policy.thresholds, minUsers: 1 } } };
    expect(thresholdViolations(plan, { partner: thresholds }).map((v) => v.message)).toEqual([
      expect.stringContaining(`partner: the plan would create ${creates} users and none of the declared people was found by key`),
    ]);
  });

  it('doctor with a probe fails the read step, naming vendors.partner.probeUserCode; without one it warns', async () => {
    const probed = await session({ probeUserCode: 'OWNER-1001' });
    const report = await diagnose(probed.org, { targets: probed.targets, env: sandbox.env, observe: probed.log.record, close: async () => {} }, probed.log);
    const read = report.vendors.find((v) => v.vendor === 'partner')!.steps.find((s) => s.step === 'read')!;
    expect(read).toMatchObject({ status: 'fail', setting: 'vendors.partner.probeUserCode' });
    expect(read.detail).toContain('a 404 cannot be trusted to mean "absent" here');
    expect(report.usable).toBe(false);
    await workspace?.remove();

    const bare = await session({});
    const unprobed = await diagnose(bare.org, { targets: bare.targets, env: sandbox.env, observe: bare.log.record, close: async () => {} }, bare.log);
    const warned = unprobed.vendors.find((v) => v.vendor === 'partner')!.steps.find((s) => s.step === 'read')!;
    expect(warned.status).toBe('warn');
    expect(warned.detail).toContain('a 404 may not mean "absent"');
  });
});
