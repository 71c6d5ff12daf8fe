import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, repoRoot, runCli } from '../helpers/workspace.js';

/**
 * `roster plan --out` then `roster apply PLANFILE` against SimplePin: apply re-reads the vendor before it
 * runs the saved operations, and SimplePin cannot be listed, so that re-read goes person by person too.
 */
describe('SimplePin: a saved plan is re-read by key and applied', () => {
  let dir: string;
  let child: ReturnType<typeof spawn>;
  let env: Record<string, string>;
  const configOut = () => path.join(dir, 'sandbox.yaml');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'roster-simplepin-'));
    child = spawn(process.execPath, [cliPath, 'sandbox', '--config-out', configOut()], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('credentials:')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`roster sandbox exited early with ${code}`)));
    });
    const envText = await readFile(`${configOut()}.env`, 'utf8');
    env = Object.fromEntries(envText.trim().split('\n').map((line) => line.split('=') as [string, string]));
  });

  afterAll(async () => {
    child?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
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
