import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { vendorModules } from '../src/vendors/registry.js';
import type { BenchVendor } from './profile.js';

export type { BenchVendor };

/**
 * Every vendor the benchmark knows, in registry order (the report's order): each registered vendor whose
 * folder has a `bench.ts` profile. No list here, so a new vendor joins the benchmark from its own folder.
 */
export async function loadBenchVendors(): Promise<BenchVendor[]> {
  // Built (dist-bench/) the profiles are `.js` beside the harness; run from source (vitest), `.ts`.
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const found: BenchVendor[] = [];
  for (const { kind } of vendorModules) {
    const file = new URL(`../src/vendors/${kind}/bench${extension}`, import.meta.url);
    if (!existsSync(fileURLToPath(file))) continue;
    const { benchProfile } = (await import(file.href)) as { benchProfile?: BenchVendor };
    if (benchProfile?.kind !== kind) throw new Error(`${fileURLToPath(file)} must export benchProfile, a BenchVendor of kind "${kind}"`);
    found.push(benchProfile);
  }
  return found;
}
