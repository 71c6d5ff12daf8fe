import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/compose/plan.js';
import { buildTargets } from '../../src/compose/targets.js';
import { vendorModules } from '../../src/vendors/registry.js';
import type { VendorModule } from '../../src/vendors/types.js';
import { makeWorkspace, runCli, startHarness } from '../helpers/workspace.js';
import { op, summary } from '../helpers/plans.js';
import type { E2EContext, E2ERun, E2ESetup, VendorE2E } from './e2e-scenario.js';

// End to end over real HTTP for every vendor in the registry: YAML in a workspace, the loader, the engine's
// plan and apply, the vendor's adapter and its emulator seeded from the built-in fixture. The scenario of
// each vendor is src/vendors/<kind>/e2e.ts: the common checks below run on it, then its own cases.
const scenarios = new Map<string, VendorE2E | undefined>(
  await Promise.all(
    vendorModules.map(async (module) => {
      const path = new URL(`../../src/vendors/${module.kind}/e2e.ts`, import.meta.url);
      if (!existsSync(path)) return [module.kind, undefined] as const;
      return [module.kind, ((await import(path.href)) as { e2e: VendorE2E }).e2e] as const;
    }),
  ),
);

const open: E2ERun[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((run) => run.close()));
});

function contextFor(module: VendorModule, scenario: VendorE2E): E2EContext {
  return {
    cli: runCli,
    async setUp(options: E2ESetup = {}) {
      const instance = { kind: module.kind, ...scenario.instance, ...options.instance };
      const workspace = await makeWorkspace({ users: 'users', vendors: { [module.kind]: instance } }, {
        'offices.yaml': { offices: options.offices ?? scenario.offices },
        'roles.yaml': { roles: options.roles ?? scenario.roles },
        'people.yaml': { people: options.people ?? scenario.people },
      });
      const fixture = options.fixture ?? module.sandbox.fixture();
      const harness = await startHarness(workspace.configFile, { [module.kind]: fixture }, () => options.emulator ?? {}).catch(async (error: unknown) => {
        await workspace.remove();
        throw error;
      });
      const emulator = harness.sandbox.emulators.get(module.kind)!;
      let closed = false;
      const run: E2ERun = {
        harness,
        emulator,
        state: emulator.state,
        close: async () => {
          if (closed) return;
          closed = true;
          await harness.close();
          await workspace.remove();
        },
      };
      open.push(run);
      return run;
    },
  };
}

describe.each(vendorModules.map((module) => [module.kind, module] as const))('%s end to end: plan and apply', (kind, module) => {
  const scenario = scenarios.get(kind);

  it('has a scenario in its folder (e2e.ts)', () => {
    expect(scenario, `src/vendors/${kind}/e2e.ts`).toBeDefined();
  });
  if (!scenario) return;
  const ctx = contextFor(module, scenario);

  it('plans the expected creates and updates, leaves users git does not describe alone, and never writes', async () => {
    const run = await ctx.setUp();
    const plan = await run.harness.plan();
    const vendor = plan.vendors[0];
    expect(vendor.errors).toEqual([]);
    if (scenario.firstPlan.readMode) expect(vendor.readMode).toBe(scenario.firstPlan.readMode);
    expect(summary(plan)).toEqual(scenario.firstPlan.summary);
    expect(vendor.unchanged).toBe(scenario.firstPlan.unchanged);
    expect(vendor.unmanaged.map((u) => [u.email, u.reason])).toEqual(scenario.firstPlan.unmanaged);
    await scenario.firstPlan.check?.(plan, run);
    // Planning never writes.
    expect(run.harness.writes()).toEqual([]);
  });

  it('applies the plan, and a second run finds nothing to do', async () => {
    const run = await ctx.setUp();
    const report = await run.harness.apply();
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    expect(report.summary).toEqual(scenario.apply.summary);
    await scenario.apply.check?.(report, run);

    const again = await run.harness.plan();
    expect(again.vendors[0].operations).toEqual([]);
    expect(again.vendors[0].errors).toEqual([]);
    expect(again.vendors[0].unchanged).toBe(scenario.apply.unchanged);
    await scenario.apply.settled?.(again, run);
  });

  it('applies nothing the second time: a re-run after an apply sends no write', async () => {
    const run = await ctx.setUp();
    expect((await run.harness.apply()).summary.failed).toBe(0);
    const writes = run.harness.writes().length;
    const rerun = await run.harness.apply();
    expect(rerun.results).toEqual([]);
    expect(rerun.summary).toEqual({ succeeded: 0, failed: 0, skipped: 0 });
    expect(run.harness.writes()).toHaveLength(writes);
  });

  for (const offboarding of scenario.offboard) {
    const settings = offboarding.instance ? ` with ${JSON.stringify(offboarding.instance)}` : '';
    it(`offboards ${offboarding.email} in git: ${offboarding.action}${settings}, and the next plan has nothing left to do`, async () => {
      const people = scenario.people.map((p) => (String(p.email).toLowerCase() === offboarding.email ? { ...p, active: false } : p));
      const run = await ctx.setUp({ people, instance: offboarding.instance });
      const plan = await run.harness.plan();
      expect(plan.vendors[0].errors).toEqual([]);
      if (offboarding.action === 'manual') {
        expect(op(plan, offboarding.email)).toBeUndefined();
        expect(plan.vendors[0].manual).toEqual([
          expect.objectContaining({ key: offboarding.email, vendorId: offboarding.vendorId, message: expect.stringContaining('by hand') }),
        ]);
      } else {
        expect(op(plan, offboarding.email)).toMatchObject({ action: offboarding.action, ...(offboarding.vendorId ? { vendorId: offboarding.vendorId } : {}) });
      }
      const report = await run.harness.apply(plan);
      expect(report.summary.failed).toBe(0);
      await offboarding.check?.(run);
      const again = await run.harness.plan();
      expect(again.vendors[0].operations).toEqual([]);
      expect(again.vendors[0].errors).toEqual([]);
    });
  }

  it('fails the vendor on its own, with a clear message and no secret, when a credential is refused', async () => {
    const run = await ctx.setUp();
    const wrong = `definitely-wrong-${kind}-credential`;
    const { env, message: expected } = scenario.refusedCredential;
    const targets = buildTargets(run.harness.org, { env: { ...run.harness.sandbox.env, [env]: wrong } });
    const plan = await buildPlan(run.harness.org, targets);
    const message = plan.vendors[0].errors[0]?.message ?? '';
    expect(message).toMatch(expected);
    expect(message).not.toContain(wrong);
    for (const secret of Object.values(module.sandbox.credentials)) expect(message).not.toContain(secret);
    expect(plan.vendors[0].operations).toEqual([]);
  });

  for (const c of scenario.cases) it(c.name, () => c.run(ctx), c.timeout);
});
