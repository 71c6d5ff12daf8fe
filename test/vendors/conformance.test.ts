import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import type { Emulator } from '../../src/sandbox/emulator-kit.js';
import type { FactContext, VendorFact } from '../../src/vendors/facts.js';
import { vendorModules } from '../../src/vendors/registry.js';
import type { VendorModule } from '../../src/vendors/types.js';

// One table of documented facts per vendor (src/vendors/<kind>/facts.ts), each row checked against the
// emulator over HTTP and against the requests the adapter really sent, as the emulator received them.
const factsByKind = new Map<string, VendorFact[]>(
  await Promise.all(
    vendorModules.map(async (module) => {
      const path = new URL(`../../src/vendors/${module.kind}/facts.ts`, import.meta.url);
      if (!existsSync(path)) return [module.kind, [] as VendorFact[]] as const;
      const file = (await import(path.href)) as { facts: VendorFact[] };
      return [module.kind, file.facts] as const;
    }),
  ),
);

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

function contextFor(module: VendorModule): FactContext {
  const fixture = () => module.sandbox.fixture() as Record<string, unknown>;
  return {
    fixture,
    credentials: module.sandbox.credentials,
    async start(seed, options) {
      const emulator = await module.sandbox.start(seed ?? fixture(), { host: '127.0.0.1', ...options });
      running.push(emulator);
      return emulator;
    },
    adapter(emulator, settings = {}) {
      const credentials = Object.fromEntries(module.credentialFields.map((field) => [field, { env: `FACT_${field.toUpperCase()}` }]));
      const config = module.parseConfig({
        kind: module.kind,
        baseUrl: emulator.url,
        credentials,
        ...module.sandbox.configFor(fixture()),
        ...settings,
      });
      const secrets = Object.values(module.sandbox.credentials);
      const http = new HttpClient({
        vendor: module.kind,
        baseUrl: config.baseUrl,
        timeoutMs: 5_000,
        secrets: () => secrets,
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      });
      return module.createAdapter({ instanceName: module.kind, config, credentials: { ...module.sandbox.credentials }, http });
    },
    sent(emulator, options = {}) {
      return emulator.requests.slice(options.from ?? 0).filter((r) => !options.writesOnly || WRITES.has(r.method));
    },
  };
}

describe.each(vendorModules.map((module) => [module.kind, module] as const))('%s: documented facts', (kind, module) => {
  const rows = factsByKind.get(kind) ?? [];

  it('has a table of facts, each with a source and at least one side checked', () => {
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.source.trim(), row.fact).not.toBe('');
      expect(Boolean(row.emulator ?? row.adapter), row.fact).toBe(true);
    }
  });

  it('offers through its writer the removal the module declares for planning, and nothing of the other kind', async () => {
    const ctx = contextFor(module);
    const { removal } = ctx.adapter(await ctx.start()).writer;
    expect(removal.kind).toBe(module.removal);
    expect(Object.keys(removal).sort()).toEqual(module.removal === 'flag' ? ['deactivate', 'kind', 'reactivate'] : ['delete', 'kind']);
  });

  for (const row of rows) {
    for (const side of ['emulator', 'adapter'] as const) {
      const check = row[side];
      if (check) it(`${side}: ${row.fact} (${row.source})`, () => check(contextFor(module)));
    }
  }
});
