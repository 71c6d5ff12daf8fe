import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RootConfig } from '../config/schema.js';
import { isLoopback } from '../config/where.js';
import { vendorModule } from '../vendors/registry.js';
import type { Emulator, EmulatorOptions } from '../sandbox/emulator-kit.js';

export interface SandboxOptions {
  /** A folder of the user's own `<kind>.json` fixtures (`--fixtures`); the vendors' built-in ones otherwise. */
  fixturesDir?: string;
  /** Fixed ports per vendor kind; the OS chooses otherwise. */
  ports?: Record<string, number>;
  host?: string;
  /** Per-kind emulator options (short rate windows, fault profiles) for tests and benchmarks. */
  emulatorOptions?: (kind: string) => EmulatorOptions;
  /** Fixtures given directly, by kind, before fixturesDir and the built-in ones. */
  fixtures?: Record<string, unknown>;
  /** Vendor instance names to start emulators for (`--vendor`); all when empty. */
  only?: string[];
}

export interface Sandbox {
  /** One emulator per vendor kind in the config. */
  emulators: Map<string, Emulator>;
  /** Environment variables the config's credential references must hold for the emulators. */
  env: Record<string, string>;
  /** Instance settings to overlay on the config: base URLs and the ids the fixtures hold. */
  overrides: Record<string, { baseUrl: string } & Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts an emulator for every vendor kind the config uses, seeded from fixtures. */
export async function startSandbox(config: RootConfig, options: SandboxOptions = {}): Promise<Sandbox> {
  const instances = Object.entries(config.vendors).filter(([name]) => !options.only?.length || options.only.includes(name));
  const kinds = [...new Set(instances.map(([, v]) => v.kind))];
  const emulators = new Map<string, Emulator>();
  const fixtures = new Map<string, unknown>();
  try {
    for (const kind of kinds) {
      const fixture = options.fixtures?.[kind] ?? (await fixtureFor(kind, options.fixturesDir));
      fixtures.set(kind, fixture);
      const emulatorOptions = { host: options.host, port: options.ports?.[kind], ...options.emulatorOptions?.(kind) };
      emulators.set(kind, await vendorModule(kind).sandbox.start(fixture, emulatorOptions));
    }
  } catch (error) {
    await Promise.all([...emulators.values()].map((e) => e.close()));
    throw error;
  }

  const env: Record<string, string> = {};
  const overrides: Sandbox['overrides'] = {};
  for (const [name, instance] of instances) {
    const module = vendorModule(instance.kind);
    const url = emulators.get(instance.kind)!.url;
    // An emulator listening beyond loopback (--host) speaks plain HTTP with sandbox-only credentials.
    const insecure = isLoopback(new URL(url)) ? {} : { allowInsecureHttp: true };
    overrides[name] = { ...module.sandbox.configFor(fixtures.get(instance.kind)), baseUrl: url, ...insecure };
    const refs = (instance.credentials ?? {});
    for (const [field, ref] of Object.entries(refs)) {
      const value = module.sandbox.credentials[field];
      if (value !== undefined) env[ref.env] = value;
    }
  }
  return {
    emulators,
    env,
    overrides,
    stop: async () => {
      await Promise.all([...emulators.values()].map((e) => e.close()));
    },
  };
}

/** Points every vendor instance of a loaded config at its emulator. */
export function applySandboxOverrides(config: RootConfig, sandbox: Sandbox): void {
  for (const [name, override] of Object.entries(sandbox.overrides)) {
    Object.assign(config.vendors[name], override);
  }
}

/** The user's `<dir>/<kind>.json` when a folder is given, else the vendor's built-in fixture (shipped in dist/ as code). */
async function fixtureFor(kind: string, dir: string | undefined): Promise<unknown> {
  return dir === undefined ? vendorModule(kind).sandbox.fixture() : readFixture(dir, kind);
}

async function readFixture(dir: string, kind: string): Promise<unknown> {
  const file = path.join(dir, `${kind}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`no sandbox fixture for ${kind}: ${file} does not exist`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`sandbox fixture ${file} is not valid JSON: ${(error as Error).message}`);
  }
}
