import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/workspace.js';

/** The one spawned run of `roster doctor`; every rule is tested in-process in test/doctor/. */
describe('roster doctor (CLI)', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('passes the sandbox vendors as a table and as JSON, with a trace', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'roster-doctor-'));
    const trace = path.join(dir, 'doctor.jsonl');
    const text = await runCli(['doctor', '--sandbox', '--trace', trace]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^enerflo \(enerflo, http:\/\/127\.0\.0\.1:\d+\): usable$/m);
    expect(text.stdout).toMatch(/^ {2}OK {4}read +\d+ ms {2}listed \d+ users in \d+ requests?$/m);
    expect(text.stdout).toContain('4 of 4 vendors usable.');
    const lines = (await readFile(trace, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(8);
    expect(lines.every((l) => l.method === 'GET' || l.url.endsWith('/auth/login'))).toBe(true);

    const json = await runCli(['doctor', '--sandbox', '--vendor', 'pulse', '--format', 'json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ version: 1, usable: true, vendors: [{ vendor: 'pulse', kind: 'pulse', usable: true }] });
    expect(report.vendors[0].steps.map((s: { step: string }) => s.step)).toEqual(['config', 'credentials', 'host', 'read', 'rate']);
  });
});
