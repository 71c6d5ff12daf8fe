import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startSandboxProcess, type SandboxProcess } from '../helpers/workspace.js';

/** `roster sandbox` keeps the emulators up so separate plan and apply runs share one live state. */
describe('roster sandbox', () => {
  let sandbox: SandboxProcess;
  let env: Record<string, string>;
  const configOut = () => sandbox.configFile;

  beforeAll(async () => {
    sandbox = await startSandboxProcess('roster-sandbox-');
    ({ env } = sandbox);
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('writes a config and credentials that separate plan and apply runs share', async () => {
    const config = await readFile(configOut(), 'utf8');
    expect(config).toMatch(/baseUrl: http:\/\/127\.0\.0\.1:\d+/);
    expect(Object.keys(env).sort()).toEqual(['ENERFLO_API_KEY', 'HIGHLEVEL_TOKEN', 'PARTNER_AUTHORIZATION_KEY', 'PARTNER_TOKEN', 'PULSE_API_KEY', 'PULSE_API_SECRET']);

    const first = await runCli(['plan', '-c', configOut(), '--detailed-exitcode'], { env, spawn: true });
    expect(first.code).toBe(2);
    const applied = await runCli(['apply', '-c', configOut(), '--yes', '--no-report'], { env, spawn: true });
    expect(applied.stdout).toContain('0 failed');
    expect(applied.code).toBe(0);
    const second = await runCli(['plan', '-c', configOut(), '--detailed-exitcode'], { env, spawn: true });
    expect(second.stdout).toContain('Plan: 0 to create, 0 to update, 0 to deactivate');
    expect(second.code).toBe(0);
  });

  it('refuses to apply without --yes when there is no terminal to ask, and applies nothing', async () => {
    const result = await runCli(['apply', '--sandbox', '--vendor', 'enerflo', '--no-report']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('+ create aisha.khan@sunpath.example');
    expect(result.stderr).toContain('Refusing to apply: no terminal to ask for confirmation. Re-run with --yes to apply this plan.');
    expect(result.stdout).not.toContain('Apply results');
  });

  it('runs the demo a fresh clone shows: plan, apply, and a second plan with nothing left to do', async () => {
    const result = await runCli(['demo'], { spawn: true });
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toContain('0 failed');
    expect(result.code).toBe(0);
  });
});
