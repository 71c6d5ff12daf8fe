import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startSandboxProcess, type SandboxProcess } from '../helpers/workspace.js';

/**
 * `roster plan --out` then `roster apply PLANFILE` against SimplePin: apply re-reads the vendor before it
 * runs the saved operations, and SimplePin cannot be listed, so that re-read goes person by person too.
 */
describe('SimplePin: a saved plan is re-read by key and applied', () => {
  let sandbox: SandboxProcess;
  let dir: string;
  let env: Record<string, string>;
  const configOut = () => sandbox.configFile;

  beforeAll(async () => {
    sandbox = await startSandboxProcess('roster-simplepin-');
    ({ dir, env } = sandbox);
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('applies the saved operations, and the next plan is empty', async () => {
    const planFile = path.join(dir, 'plan.json');
    const saved = await runCli(['plan', '-c', configOut(), '--vendor', 'partner', '--out', planFile, '--detailed-exitcode'], { env, cwd: dir });
    expect(saved.code, saved.stderr).toBe(2);
    expect(saved.stdout).toContain('+ create kevin.brown@sunpath.example');
    const applied = await runCli(['apply', planFile, '-c', configOut(), '--yes', '--no-report'], { env, cwd: dir });
    expect(applied.stderr).not.toMatch(/refused|cannot list|listPath/);
    expect(applied.stdout).toContain('0 failed');
    expect(applied.code).toBe(0);
    const again = await runCli(['plan', '-c', configOut(), '--vendor', 'partner', '--detailed-exitcode'], { env, cwd: dir });
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 0 to deactivate');
    expect(again.code).toBe(0);
  });
});
