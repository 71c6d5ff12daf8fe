import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessReportTable, benchAccessReport, type AccessReportRun } from '../../bench/access-report.js';
import { loadBenchVendors } from '../../bench/vendors.js';

const run = promisify(execFile);
const vendors = await loadBenchVendors();

/**
 * The report's benchmark (`npm run bench -- --report`) at 200 people over every bench vendor: the shape
 * of its `report` entry in results.json and its table. Timing is the benchmark's business: nothing here
 * asserts on milliseconds.
 */
describe('bench: report access against plan (200 people)', () => {
  let dir: string;
  let result: AccessReportRun;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'roster-bench-report-'));
    result = await benchAccessReport(dir, 200, vendors);
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has exactly the documented fields, numbers where numbers belong', () => {
    expect(Object.keys(result)).toEqual(['people', 'vendors', 'commits', 'ms', 'planMs', 'ratio', 'rows', 'requests', 'planRequests', 'cpuMs', 'planCpuMs']);
    expect(result.people).toBe(200);
    expect(result.vendors).toEqual(vendors.map((v) => v.kind));
    for (const key of ['ms', 'planMs', 'ratio', 'cpuMs', 'planCpuMs', 'requests', 'planRequests'] as const) {
      expect(Number.isFinite(result[key])).toBe(true);
      expect(result[key]).toBeGreaterThan(0);
    }
  });

  it('replays a first-parent history of merged pull requests: the import and four changes (200 people are one file)', async () => {
    expect(result.commits).toBe(5);
    const { stdout } = await run('git', ['rev-list', '--first-parent', '--count', 'HEAD'], { cwd: path.join(dir, 'report-200') });
    expect(Number(stdout.trim())).toBe(5);
  });

  it('reports a row for every declared person in every vendor, and the live accounts git does not describe', () => {
    // Every generated person is declared in every vendor (95% of them exist live, 5% are new).
    expect(result.rows).toBeGreaterThanOrEqual(200 * vendors.length);
  });

  it('reads the vendors as a plan does: the same requests', () => {
    expect(result.requests).toBe(result.planRequests);
  });

  it('prints a table row per size', () => {
    const table = accessReportTable([result]);
    expect(table).toContain('| people | vendors | commits | report ms |');
    expect(table).toMatch(new RegExp(`^\\| 200 \\| ${vendors.map((v) => v.kind).join(', ')} \\| 5 \\| [\\d,]+ \\| [\\d,]+ \\| [\\d.]+× \\| [\\d,]+ / [\\d,]+ ms \\([\\d.]+×\\) \\| [\\d,]+ / [\\d,]+ \\|$`, 'm'));
  });
});
