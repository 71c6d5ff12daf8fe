import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath, repoRoot } from '../helpers/workspace.js';

/**
 * `roster sandbox` stops its emulators when the process that started it goes away: the README's recipe
 * (`npx roster sandbox … & sandbox=$!` … `kill $sandbox`) kills npm, not roster. Checked by the ports.
 */

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits (no timing asserted) until none of the ports accepts connections; false if they never close. */
async function allClosed(ports: number[], attempts = 100): Promise<boolean> {
  for (let i = 0; i < attempts; i += 1) {
    const open = await Promise.all(ports.map(listening));
    if (!open.some(Boolean)) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

/** The emulator ports a sandbox printed, once it printed where its credentials are. */
function portsOf(child: ChildProcess): Promise<number[]> {
  let stdout = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('credentials:')) resolve([...stdout.matchAll(/^\w+\s+http:\/\/127\.0\.0\.1:(\d+)/gm)].map((m) => Number(m[1])));
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${stdout}`)));
  });
}

const started: ChildProcess[] = [];
let dir: string | undefined;

afterEach(async () => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('roster sandbox lifetime', () => {
  it('stops its emulators when the process that started it is killed outright', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'roster-lifetime-'));
    const configOut = path.join(dir, 'sandbox.yaml');
    // A parent that starts the sandbox and is then SIGKILLed: it never gets to pass anything on.
    const parent = spawn(
      process.execPath,
      ['-e', `require('node:child_process').spawn(process.execPath, ${JSON.stringify([cliPath, 'sandbox', '--config-out', configOut])}, { stdio: 'inherit' }); setInterval(() => {}, 1e6);`],
      { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    started.push(parent);
    const ports = await portsOf(parent);
    expect(ports).toHaveLength(4);
    expect(await Promise.all(ports.map(listening))).toEqual([true, true, true, true]);
    // The credentials file is owner-only.
    expect((await stat(`${configOut}.env`)).mode & 0o777).toBe(0o600);

    parent.kill('SIGKILL');
    expect(await allClosed(ports)).toBe(true);
  });

  it('stops when npm exec is killed though the `sh -c` npm put between them stays alive', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'roster-lifetime-'));
    const configOut = path.join(dir, 'sandbox.yaml');
    // The shape `npx roster sandbox` runs in: npm exec → sh -c "roster sandbox …" → node. The `; :` keeps
    // sh from exec-ing node, so sh survives npm's SIGKILL and stays roster's parent.
    const command = `'${process.execPath}' '${cliPath}' sandbox --config-out '${configOut}'; :`;
    const npm = spawn(
      process.execPath,
      ['-e', `process.title = 'npm exec roster sandbox'; require('node:child_process').spawn('sh', ['-c', ${JSON.stringify(command)}], { stdio: 'inherit' }); setInterval(() => {}, 1e6);`],
      { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', npm_command: 'exec' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    started.push(npm);
    const ports = await portsOf(npm);
    expect(ports).toHaveLength(4);
    npm.kill('SIGKILL');
    expect(await allClosed(ports)).toBe(true);
  });

  it('stops when `npx roster sandbox` is killed as the README does (`kill $sandbox`)', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'roster-lifetime-'));
    const configOut = path.join(dir, 'sandbox.yaml');
    const npx = spawn('npx', ['--no', 'roster', 'sandbox', '--config-out', configOut], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    started.push(npx);
    const ports = await portsOf(npx);
    expect(ports).toHaveLength(4);
    npx.kill('SIGTERM');
    expect(await allClosed(ports)).toBe(true);
  });

  it('keeps the files the README recipe writes out of `git add -A`', () => {
    const result = spawnSync('git', ['check-ignore', 'sandbox.yaml', 'sandbox.yaml.env'], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.stdout.trim().split('\n')).toEqual(['sandbox.yaml', 'sandbox.yaml.env']);
  });
});
