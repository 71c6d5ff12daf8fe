import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { FaultProfile } from '../../src/sandbox/emulator-kit.js';
import type { PartnerEmulatorState } from '../../src/vendors/partner/emulator.js';
import { vendorModule } from '../../src/vendors/registry.js';
import { makeWorkspace, repoRoot, startHarness, type Harness, type Workspace } from '../helpers/workspace.js';

/**
 * Issue 6's promise: under a 20% fault rate (429s, 500s, 503s, dropped connections, slow answers and
 * writes whose answer is lost), apply of a plan of 200+ operations across all four vendors ends on its
 * own, reports every failure, converges within two more applies, creates nobody twice and loses nothing.
 */
const faults: FaultProfile = { rate429: 0.04, rate500: 0.04, rate503: 0.04, drop: 0.03, lostWrite: 0.03, slow: 0.02, slowMs: 30, seed: 20 };
const PEOPLE = 60;

function generatedPeople() {
  const offices = ['austin', 'phoenix', 'denver'];
  return {
    people: Array.from({ length: PEOPLE }, (_, i) => ({
      email: `fault.person${String(i).padStart(3, '0')}@sunpath.example`,
      firstName: `Fault${i}`,
      lastName: 'Tester',
      phone: `512-555-${String(1000 + i).slice(-4)}`,
      // sales-rep reaches Enerflo, HighLevel and Pulse; customer-care adds SimplePin.
      roles: ['sales-rep', 'customer-care'],
      office: offices[i % offices.length],
      externalId: `FAULT-${i}`,
    })),
  };
}

describe('apply under a 20% fault rate', () => {
  let workspace: Workspace;
  let harness: Harness;

  beforeAll(async () => {
    const config = parse(await readFile(path.join(repoRoot, 'roster.yaml'), 'utf8'));
    workspace = await makeWorkspace(config, {
      'offices.yaml': await readFile(path.join(repoRoot, 'users/offices.yaml'), 'utf8'),
      'roles.yaml': await readFile(path.join(repoRoot, 'users/roles.yaml'), 'utf8'),
      'people.yaml': generatedPeople(),
    });
    const fixtures = Object.fromEntries(
      ['enerflo', 'highlevel', 'pulse', 'partner'].map((kind) => [kind, vendorModule(kind).sandbox.fixture()]),
    );
    // Short rate windows keep the run to seconds; the client paces by the same budget.
    harness = await startHarness(workspace.configFile, fixtures, () => ({ rateLimit: { limit: 400, windowMs: 1_000 } }));
  });

  afterAll(async () => {
    await harness?.close();
    await workspace?.remove();
  });

  it('converges with nobody created twice and nothing lost', async () => {
    const first = await harness.plan();
    const opCount = first.vendors.reduce((n, v) => n + v.operations.length, 0);
    expect(opCount).toBeGreaterThanOrEqual(200);
    expect(first.vendors.map((v) => v.errors)).toEqual([[], [], [], []]);

    for (const emulator of harness.sandbox.emulators.values()) emulator.setFaults(faults);
    const reports = [await harness.apply(first)];
    // Every operation is accounted for, and every failure says why.
    expect(reports[0].results).toHaveLength(opCount);
    for (const failure of reports[0].results.filter((r) => !r.ok)) expect(failure.error).toMatch(/\S/);
    const injected = [...harness.sandbox.emulators.values()].flatMap((e) => e.requests.filter((r) => r.fault));
    expect(injected.length).toBeGreaterThan(20);

    // At most two more applies finish the job, still under faults.
    let plan = await harness.plan();
    for (let extra = 0; extra < 2 && plan.vendors.some((v) => v.operations.length > 0); extra++) {
      reports.push(await harness.apply(plan));
      plan = await harness.plan();
    }

    // A create whose answer was lost is looked up, never blindly repeated into a duplicate refusal.
    const failures = reports.flatMap((r) => r.results.filter((x) => !x.ok));
    expect(failures.filter((f) => /already|taken|exists|409/i.test(f.error ?? ''))).toEqual([]);

    for (const emulator of harness.sandbox.emulators.values()) emulator.setFaults(undefined);
    const final = await harness.plan();
    expect(final.vendors.map((v) => ({ vendor: v.vendor, operations: v.operations.map((op) => `${op.action} ${op.key}`), errors: v.errors }))).toEqual(
      final.vendors.map((v) => ({ vendor: v.vendor, operations: [], errors: [] })),
    );

    // Nobody exists twice in any vendor.
    for (const target of harness.targets) {
      // SimplePin cannot list its users (read by key): its emulator's own store is the witness there.
      const reader = target.reader!;
      const emails = reader.mode === 'byKey'
        ? (harness.sandbox.emulators.get(target.config.kind)!.state as PartnerEmulatorState).users.filter((u) => u.company_id === 1001).map((u) => (u.email ?? '').toLowerCase())
        : (await reader.list()).map((r) => r.email.toLowerCase());
      const duplicates = emails.filter((email, i) => emails.indexOf(email) !== i);
      expect({ vendor: target.name, duplicates }).toEqual({ vendor: target.name, duplicates: [] });
      const generated = emails.filter((email) => email.startsWith('fault.person'));
      expect({ vendor: target.name, count: generated.length }).toEqual({ vendor: target.name, count: PEOPLE });
    }
  }, 120_000);
});
