import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/compose/plan.js';
import { collectAfterLargeReads, COLLECT_AFTER_USERS } from '../../src/compose/memory.js';
import { harnessForTest, sampleConfig, sampleOfficesAndRoles } from '../helpers/workspace.js';

// Issue 26, memory: planning is told when each vendor's users are read (PlanReading.settle), and every plan
// collects the reading's garbage there once a vendor holds COLLECT_AFTER_USERS users or more.

describe('settling between reading and planning', () => {
  it('tells settle once per vendor, after all its reads and before its plan, how many users were read', async () => {
    const config = await sampleConfig();
    const people = [
      { email: 'maria.gonzalez@sunpath.example', firstName: 'Maria', lastName: 'Gonzalez Ruiz', roles: ['regional-manager'], office: 'austin', externalId: 'HR-1001' },
      { email: 'nina.new@sunpath.example', firstName: 'Nina', lastName: 'New', roles: ['sales-rep'], office: 'austin' },
    ];
    const { harness } = await harnessForTest({ ...config, users: 'users' }, { ...(await sampleOfficesAndRoles()), 'people.yaml': { people } });
    const told: { users: number; requestsSoFar: number }[] = [];
    const requests = () => [...harness.sandbox.emulators.values()].reduce((sum, emulator) => sum + emulator.requests.length, 0);
    const plan = await buildPlan(harness.org, harness.targets, {}, { settle: (users) => told.push({ users, requestsSoFar: requests() }) });

    const planned = plan.vendors.filter((v) => v.errors.length === 0);
    expect(planned.length).toBeGreaterThan(1);
    // One call per vendor read, with that vendor's users (a vendor read by key: those found).
    expect(told.map((t) => t.users).sort()).toEqual(plan.vendors.map((v) => v.liveCount).sort());
    // Planning sends nothing, so the last call saw every request the plan made: each came after its vendor's reads.
    expect(told.at(-1)!.requestsSoFar).toBe(requests());
  });

  it('collects the garbage of a large read, and adds no global gc', () => {
    const hadGlobal = 'gc' in globalThis;
    let garbage: { at: number; text: string }[] | null = [];
    for (let i = 0; i < 1_000_000; i++) garbage.push({ at: i, text: `user-${i}` });
    garbage = null;
    const before = process.memoryUsage().heapUsed;
    collectAfterLargeReads(COLLECT_AFTER_USERS);
    const after = process.memoryUsage().heapUsed;
    // A million small objects are tens of MB; a full collection frees nearly all of them.
    expect(before - after).toBeGreaterThan(30 * 1024 * 1024);
    expect('gc' in globalThis).toBe(hadGlobal);
  });
});
