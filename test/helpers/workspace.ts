import { execFile, spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { onTestFinished } from 'vitest';
import { loadOrganisation } from '../../src/compose/organisation.js';
import type { Organisation } from '../../src/config/model.js';
import type { RootConfig } from '../../src/config/schema.js';
import { applyPlan, type ApplyReport } from '../../src/reconcile/apply.js';
import { writersOf } from '../../src/reconcile/target.js';
import { buildPlan } from '../../src/compose/plan.js';
import { buildTargets, type VendorTarget } from '../../src/compose/targets.js';
import type { Plan } from '../../src/reconcile/types.js';
import type { EmulatorOptions } from '../../src/sandbox/emulator-kit.js';
import { applySandboxOverrides, startSandbox, type Sandbox, type SandboxOptions } from '../../src/compose/sandbox.js';
import { runInProcess, type CliResult } from './in-process.js';

export type { CliResult };

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliPath = path.join(repoRoot, 'dist/cli.js');

/** The sample organisation's roster.yaml, parsed: tests point its vendors at emulators they own. */
export async function sampleConfig(): Promise<RootConfig> {
  return parse(await readFile(path.join(repoRoot, 'roster.yaml'), 'utf8')) as RootConfig;
}

/** The sample organisation's offices and roles as users files, for tests that declare their own people. */
export async function sampleOfficesAndRoles(): Promise<Record<string, string>> {
  const users = path.join(repoRoot, 'users');
  return {
    'offices.yaml': await readFile(path.join(users, 'offices.yaml'), 'utf8'),
    'roles.yaml': await readFile(path.join(users, 'roles.yaml'), 'utf8'),
  };
}

/** A throwaway project folder: roster.yaml plus users/ files, written from plain objects. */
export interface Workspace {
  dir: string;
  configFile: string;
  write(relativePath: string, content: unknown): Promise<void>;
  remove(): Promise<void>;
}

export async function makeWorkspace(config: unknown, users: Record<string, unknown>): Promise<Workspace> {
  const dir = await mkdtemp(path.join(tmpdir(), 'roster-test-'));
  const write = async (relativePath: string, content: unknown) => {
    const file = path.join(dir, relativePath);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, typeof content === 'string' ? content : stringify(content));
  };
  await write('roster.yaml', config);
  await mkdir(path.join(dir, 'users'), { recursive: true });
  for (const [file, content] of Object.entries(users)) await write(path.join('users', file), content);
  return { dir, configFile: path.join(dir, 'roster.yaml'), write, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * The organisation loaded from a workspace, with every vendor pointed at a sandbox emulator seeded from
 * the given fixtures: real HTTP on 127.0.0.1, the same path the CLI's --sandbox takes.
 */
export interface Harness {
  org: Organisation;
  sandbox: Sandbox;
  targets: VendorTarget[];
  plan(): Promise<Plan>;
  apply(plan?: Plan): Promise<ApplyReport>;
  /** Requests that changed something (anything but GET), across all emulators. */
  writes(): { kind: string; method: string; path: string }[];
  close(): Promise<void>;
}

export async function startHarness(
  configFile: string,
  fixtures: Record<string, unknown>,
  emulatorOptions?: (kind: string) => EmulatorOptions,
): Promise<Harness> {
  const org = await loadOrganisation(configFile);
  const sandbox = await startSandbox(org.config, { fixtures, emulatorOptions });
  applySandboxOverrides(org.config, sandbox);
  // The client paces itself by the same (shrunk) budget the emulators enforce.
  const targets = buildTargets(org, { env: { ...sandbox.env }, rateLimit: (kind) => emulatorOptions?.(kind).rateLimit });
  const harness: Harness = {
    org,
    sandbox,
    targets,
    plan: () => buildPlan(org, targets),
    apply: async (plan) => applyPlan(plan ?? (await harness.plan()), { writers: writersOf(targets), concurrency: () => 4 }),
    writes: () =>
      [...sandbox.emulators].flatMap(([kind, emulator]) =>
        emulator.requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/auth/login')).map((r) => ({ kind, method: r.method, path: r.path })),
      ),
    close: () => sandbox.stop(),
  };
  return harness;
}

/**
 * Runs `roster` as a user would: in this process by default (the same program and commands, much
 * faster), or as the built binary with `spawn: true`, which each command keeps for one smoke test.
 * NO_COLOR keeps the output plain for assertions.
 */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; spawn?: boolean } = {},
): Promise<CliResult> {
  const cwd = options.cwd ?? repoRoot;
  const env = { ...process.env, NO_COLOR: '1', ...options.env };
  if (!options.spawn && options.input === undefined) return runInProcess(args, { cwd, env });
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cliPath, ...args],
      { cwd, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** `roster sandbox --config-out` as a separate process: its config file, its credentials, and how to stop it. */
export interface SandboxProcess {
  dir: string;
  configFile: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the built `roster sandbox` in a fresh folder and waits until its config and credentials are written. */
export async function startSandboxProcess(prefix: string): Promise<SandboxProcess> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const configFile = path.join(dir, 'sandbox.yaml');
  const child = spawn(process.execPath, [cliPath, 'sandbox', '--config-out', configFile], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('credentials:')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`roster sandbox exited early with ${code}`)));
  });
  const envText = await readFile(`${configFile}.env`, 'utf8');
  const env = Object.fromEntries(envText.trim().split('\n').map((line) => line.split('=') as [string, string]));
  return {
    dir,
    configFile,
    env,
    stop: async () => {
      child.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A workspace of these declarations and a harness over it, for the test that calls it: both are closed and
 * removed when that test finishes, passed or failed (no module-level variables and afterEach to keep).
 */
export async function harnessForTest(config: unknown, users: Record<string, unknown>): Promise<{ workspace: Workspace; harness: Harness }> {
  const workspace = await makeWorkspace(config, users);
  onTestFinished(() => workspace.remove());
  const harness = await startHarness(workspace.configFile, {}).catch((e: { diagnostics?: unknown }) => {
    throw new Error(JSON.stringify(e.diagnostics));
  });
  onTestFinished(() => harness.close());
  return { workspace, harness };
}

/** Emulators for the test that calls this, stopped when that test finishes, passed or failed. */
export async function sandboxForTest(config: RootConfig, options?: SandboxOptions): Promise<Sandbox> {
  const sandbox = await startSandbox(config, options);
  onTestFinished(() => sandbox.stop());
  return sandbox;
}

/** A workspace for the test that calls this, removed when that test finishes, passed or failed. */
export async function workspaceForTest(config: unknown, users: Record<string, unknown>): Promise<Workspace> {
  const workspace = await makeWorkspace(config, users);
  onTestFinished(() => workspace.remove());
  return workspace;
}
