import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/compose/sandbox.js';
import type { EmulatorOptions } from '../../src/sandbox/emulator-kit.js';
import { cliPath, runCli, sampleConfig, sampleOfficesAndRoles, sandboxForTest, type Workspace, workspaceForTest } from '../helpers/workspace.js';

// A long apply in CI (no terminal) says how far it is, and an interrupted one stops cleanly: the
// built CLI against emulators this test owns (a first rollout, so past the create threshold with --force), 70 new people in Enerflo and HighLevel (140 operations; Pulse
// is left out because its documented budget alone would make this test take over a minute).
describe('apply without a terminal', () => {
  let sandbox: Sandbox | undefined;
  let workspace: Workspace | undefined;

  async function manyNewPeople(n: number, emulatorOptions?: EmulatorOptions) {
    const config = await sampleConfig();
    delete (config.vendors as Record<string, unknown>).partner;
    delete (config.vendors as Record<string, unknown>).pulse;
    sandbox = await sandboxForTest(config, { emulatorOptions: () => emulatorOptions ?? {} });
    for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(config.vendors[name], override);
    const people = Array.from({ length: n }, (_, i) => ({
      email: `new.rep${i}@sunpath.example`,
      firstName: 'New',
      lastName: `Rep${i}`,
      roles: ['sales-rep'],
      office: 'austin',
    }));
    workspace = await workspaceForTest({ ...config, users: 'users' }, {
      ...(await sampleOfficesAndRoles()),
      'people.yaml': { people },
    });
    return { workspace, env: sandbox.env };
  }

  it('prints a line when it starts, while it runs, and at the end', async () => {
    const { workspace, env } = await manyNewPeople(70);
    const result = await runCli(['-c', workspace.configFile, 'apply', '--yes', '--force', '--report', path.join(workspace.dir, 'report.json')], {
      cwd: workspace.dir,
      env: { ...env, ROSTER_PROGRESS_INTERVAL_MS: '10' },
    });
    expect(result.stderr).toContain('applying 140 operations');
    const lines = result.stderr.split('\n').filter((l) => /^\d+\/140 done, \d+ failed, [\d.]+\/s/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/applied: 140\/140 done, 0 failed, [\d.]+\/s in \d+s/);
    expect(result.code).toBe(0);
  }, 120_000);

  it('on SIGTERM starts nothing new, waits for what is in flight, writes the report and says what was not applied', async () => {
    // Every request takes 150 ms, so the signal surely lands while most operations have not started.
    const { workspace, env } = await manyNewPeople(70, { faults: { slow: 1, slowMs: 150 } });
    const reportFile = path.join(workspace.dir, 'report.json');
    const child = spawn(process.execPath, [cliPath, '-c', workspace.configFile, 'apply', '--yes', '--force', '--report', reportFile], {
      cwd: workspace.dir,
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('applying 140 operations') && !child.killed) setTimeout(() => child.kill('SIGTERM'), 300);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(143);
    expect(stderr).toContain('SIGTERM: stopping. No new operation starts');
    const summary = /Interrupted: (\d+) of 140 operations applied, (\d+) failed, (\d+) not started\./.exec(stderr);
    expect(summary).not.toBeNull();
    const report = JSON.parse(await readFile(reportFile, 'utf8'));
    expect(report.interrupted).toBe(true);
    expect(report.results).toHaveLength(140);
    const notStarted = report.results.filter((r: { error?: string }) => r.error === 'not started: the run was interrupted').length;
    expect(notStarted).toBeGreaterThan(0);
    expect(Number(summary![3])).toBe(notStarted);
    expect(Number(summary![1])).toBe(report.summary.succeeded);
  }, 120_000);
});
