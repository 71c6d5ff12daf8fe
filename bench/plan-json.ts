/**
 * The plan JSON of a generated benchmark organisation, for checking that a speed or memory change
 * leaves every plan byte for byte as it was:
 *
 *   npm run build:bench && node dist-bench/bench/plan-json.js --size 1000 --out /tmp/plans-before
 *
 * Writes `<out>/<size>-<vendor>.json` per vendor (the sandbox emulators run in this process, seeded with the
 * benchmark's fixtures); compare two folders with `diff -r` or `cmp`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadOrganisation } from '../src/compose/organisation.js';
import { startSandbox } from '../src/compose/sandbox.js';
import { buildTargets } from '../src/compose/targets.js';
import { buildPlan } from '../src/compose/plan.js';
import { renderJson } from '../src/render/json.js';
import { generateOrg } from './generate.js';
import { loadBenchVendors } from './vendors.js';

/** As in the benchmark's plans: a budget nothing reaches, so read-by-key plans are not paced. */
const UNPACED = { limit: 1_000_000, windowMs: 1_000 };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: '1000' }, out: { type: 'string' }, vendors: { type: 'string' }, data: { type: 'string', default: 'bench/data' } } });
  if (!values.out) throw new Error('--out DIR is required');
  const size = Number(values.size);
  const wanted = values.vendors?.split(',');
  const vendors = (await loadBenchVendors()).filter((v) => !wanted || wanted.includes(v.kind));
  const generated = await generateOrg(path.join(values.data, `plan-json-${size}`), size, vendors);
  await mkdir(values.out, { recursive: true });
  for (const vendor of vendors) {
    const org = await loadOrganisation(generated.configFile);
    const sandbox = await startSandbox(org.config, {
      fixtures: { [vendor.kind]: generated.fixtures[vendor.kind] },
      only: [vendor.kind],
      emulatorOptions: () => ({ rateLimit: UNPACED }),
    });
    try {
      Object.assign(org.config.vendors[vendor.kind], sandbox.overrides[vendor.kind]);
      const targets = buildTargets(org, { only: [vendor.kind], env: { ...process.env, ...sandbox.env }, rateLimit: () => UNPACED });
      const plan = await buildPlan(org, targets);
      const file = path.join(values.out, `${size}-${vendor.kind}.json`);
      await writeFile(file, renderJson(plan));
      console.error(`${file}: ${plan.vendors[0].operations.length} operations, ${plan.vendors[0].errors.length} errors`);
    } finally {
      await sandbox.stop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
