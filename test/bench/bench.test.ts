import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBenchVendors } from '../../bench/vendors.js';
import { vendorModules } from '../../src/vendors/registry.js';

const run = promisify(execFile);
const benchVendors = await loadBenchVendors();

/**
 * Runs the real `npm run bench` harness at a tiny size and checks the results.json contract and the
 * printed table. Timing is the benchmark's business, never a test's: nothing here asserts on
 * milliseconds, memory or rates.
 */
describe('npm run bench (200 people)', () => {
  let dir: string;
  let stdout: string;
  let results: { runs: Record<string, unknown>[] };

  beforeAll(async () => {
    // The harness is built apart from the shipped CLI (dist-bench/, as `npm run build:bench` does).
    await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.bench.json'], { timeout: 150_000 });
  }, 180_000);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'roster-bench-'));
    const out = path.join(dir, 'results.json');
    ({ stdout } = await run(
      process.execPath,
      ['dist-bench/bench/run.js', '--sizes', '200', '--out', out, '--data', path.join(dir, 'data'), '--apply-seconds', '1'],
      { timeout: 120_000 },
    ));
    results = JSON.parse(await readFile(out, 'utf8'));
  }, 150_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds every registered vendor\'s profile in its folder (src/vendors/<kind>/bench.ts)', () => {
    expect(benchVendors.map((v) => v.kind)).toEqual(vendorModules.map((m) => m.kind));
  });

  it('writes exactly the contract: {runs: [{people, vendor, plan, apply, load, pullRequest}]}', () => {
    expect(Object.keys(results)).toEqual(['runs']);
    expect(results.runs.map((r) => r.vendor)).toEqual(benchVendors.map((v) => v.kind));
    for (const r of results.runs) {
      expect(Object.keys(r)).toEqual(['people', 'vendor', 'plan', 'apply', 'load', 'pullRequest']);
      expect(Object.keys(r.load as object)).toEqual(['ms', 'jsYamlMs', 'ratio']);
      expect(Object.keys(r.pullRequest as object)).toEqual(['changed', 'touched', 'requests']);
      expect(r.people).toBe(200);
      expect(Object.keys(r.plan as object)).toEqual(['requests', 'floorRequests', 'ms', 'floorMs', 'peakRssMB']);
      expect(Object.keys(r.apply as object)).toEqual(['requests', 'floorRequests', 'rateShare', 'http429']);
      for (const value of [...Object.values(r.plan as object), ...Object.values(r.apply as object), ...Object.values(r.load as object), ...Object.values(r.pullRequest as object)]) {
        expect(typeof value).toBe('number');
        expect(Number.isFinite(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('counts requests against floors that follow from the generated organisation', () => {
    for (const r of results.runs) {
      const plan = r.plan as { requests: number; floorRequests: number };
      const apply = r.apply as { requests: number; floorRequests: number; http429: number };
      expect(plan.floorRequests).toBeGreaterThanOrEqual(1);
      expect(plan.requests).toBeGreaterThanOrEqual(plan.floorRequests);
      // 5% new and 5% drifted: 20 changes, one write each at the floor, and the 10 creates' extra writes
      // where the vendor sets fields through other endpoints (Pulse: 3 writes a create).
      const profile = benchVendors.find((v) => v.kind === r.vendor)!;
      expect(apply.floorRequests).toBe(plan.floorRequests + 20 + 10 * ((profile.writesPerCreate?.count ?? 1) - 1));
      expect(apply.requests).toBeGreaterThanOrEqual(apply.floorRequests);
      expect(Number.isInteger(apply.http429)).toBe(true);
    }
  });

  it('reads SimplePin by key: one GET per declared person is the floor, and plan sends that and the probe', () => {
    const partner = results.runs.find((r) => r.vendor === 'partner')!;
    // One GET per declared person, and one for the probe (probeUserCode, issue 24): a known user read back
    // before a 404 is trusted to mean "absent". The probe is a read the floor counts (requiredReads).
    expect(partner.plan).toMatchObject({ requests: 201, floorRequests: 201 });
    // Five people renamed, one of them the manager of the next 49 (people[50]): 53 touched, 53 GETs and the probe.
    expect(partner.pullRequest).toEqual({ changed: 5, touched: 53, requests: 54 });
    expect(stdout).toMatch(/SimplePin: read by key \(no list endpoint\), one GET per declared person: 200 GETs, at least 2 min at the allowed 120 per 60 s/);
  });

  it('prints the markdown table with a row per vendor', () => {
    expect(stdout).toContain('| people | vendor |');
    for (const v of benchVendors) expect(stdout).toMatch(new RegExp(`^\\| 200 \\| ${v.kind} \\|`, 'm'));
  });
});
