import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg } from '../../bench/generate.js';
import { loadBenchVendors } from '../../bench/vendors.js';
import { planSweep, readSweepState } from '../../src/commands/sweep.js';
import type { Session } from '../../src/commands/session.js';
import { loadOrganisation } from '../../src/compose/organisation.js';
import type { VendorTarget } from '../../src/compose/targets.js';
import type { Organisation } from '../../src/config/model.js';
import { emptySweepState, pickShard, recordSweep, sweepLimit, sweepStatus } from '../../src/reconcile/sweep.js';
import { partner } from '../../src/vendors/partner/index.js';
import type { ReadKey, VendorReader } from '../../src/vendors/types.js';
import { partnerAdapter, startPartner } from '../vendors/partner-helpers.js';

/*
 * A sweep spreads drift's read of a vendor read by key over several runs: each run reads the people
 * seen longest ago, and the state keeps what the last sweep saw. Clocks are injected; nothing is timed.
 */

describe('sweep state', () => {
  const keys = ['a', 'b', 'c', 'd', 'e'];
  const plan = (operations: string[]) => ({ vendor: 'partner', operations: operations.map((key) => ({ key })) as never[], errors: [] });

  it('reads those never seen first, then those seen longest ago, and keeps who differed', () => {
    const state = emptySweepState();
    expect(pickShard(state, 'partner', keys, 2)).toEqual(new Set(['a', 'b']));
    recordSweep(state, plan(['b']), ['a', 'b'], new Date('2026-12-01T00:00:00Z'), keys);
    expect(pickShard(state, 'partner', keys, 2)).toEqual(new Set(['c', 'd']));
    recordSweep(state, plan([]), ['c', 'd'], new Date('2026-12-02T00:00:00Z'), keys);
    // e was never read; then a and b, read longest ago.
    expect(pickShard(state, 'partner', keys, 3)).toEqual(new Set(['e', 'a', 'b']));
    const status = sweepStatus(state, 'partner', keys, new Set(['c', 'd']));
    expect(status).toEqual({ seen: 4, total: 5, driftedEarlier: ['b'] });
    recordSweep(state, plan([]), ['e'], new Date('2026-12-03T00:00:00Z'), keys);
    expect(sweepStatus(state, 'partner', keys, new Set(['e']))).toEqual({ seen: 5, total: 5, driftedEarlier: ['b'], oldest: '2026-12-01T00:00:00.000Z' });
  });

  it('forgets people no longer declared', () => {
    const state = emptySweepState();
    recordSweep(state, plan([]), ['a', 'gone'], new Date('2026-12-01T00:00:00Z'), ['a']);
    expect(Object.keys(state.vendors.partner)).toEqual(['a']);
  });

  it('takes a number of people, or a time at the vendor\'s rate', () => {
    const rate = { limit: 120, windowMs: 60_000 };
    expect(sweepLimit('2000', rate)).toBe(2000);
    expect(sweepLimit('30m', rate)).toBe(3600);
    expect(sweepLimit('90s', rate)).toBe(180);
    expect(sweepLimit('2h', rate)).toBe(14_400);
    expect(() => sweepLimit('soon', rate)).toThrow(/--sweep/);
    expect(() => sweepLimit('-5', rate)).toThrow(/--sweep/);
  });
});

describe('a sweep over three runs against the SimplePin emulator', () => {
  let dir: string;
  let org: Organisation;
  let fixture: unknown;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'roster-sweep-'));
    const profile = (await loadBenchVendors()).find((v) => v.kind === 'partner')!;
    const generated = await generateOrg(path.join(dir, 'org'), 200, [profile]);
    fixture = generated.fixtures.partner;
    org = await loadOrganisation(generated.configFile);
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every person once over the runs, keeps the state on disk, and remembers who differed', async () => {
    // Unpaced: the rate limit is the client's business, tested elsewhere.
    const { emulator } = await startPartner(fixture, { rateLimit: { limit: 1_000_000, windowMs: 1_000 } });
    const stateFile = path.join(dir, '.roster', 'sweep.json');
    try {
      const adapter = partnerAdapter(emulator.url);
      const byKey = adapter.reader as Extract<VendorReader, { mode: 'byKey' }>;
      const runs: string[][] = [];
      let day = 1;
      const run = async () => {
        const reads: string[] = [];
        const reader: VendorReader = { mode: 'byKey', read: (key: ReadKey) => (reads.push(key.key), byKey.read(key)) };
        const target: VendorTarget = { name: 'partner', config: org.config.vendors.partner, module: partner, reader, counter: { requests: 0 } };
        const session: Session = { org, targets: [target], close: async () => undefined };
        const result = await planSweep(session, {}, '80', stateFile, () => new Date(`2026-12-0${day++}T06:00:00Z`));
        runs.push(reads);
        return result;
      };
      const first = await run();
      const second = await run();
      const third = await run();
      expect(runs.map((r) => r.length)).toEqual([80, 80, 80]);
      // The first two runs read 160 different people; the third the last 40, then the 40 read longest ago.
      expect(new Set([...runs[0], ...runs[1]]).size).toBe(160);
      expect(new Set([...runs[0], ...runs[1], ...runs[2]]).size).toBe(200);
      expect(runs[2].filter((key) => runs[0].includes(key))).toHaveLength(40);

      // The bench's vendor holds 1 in 20 people drifted and 1 in 20 missing: each run plans its own.
      const changed = (result: typeof first) => result.plan.vendors[0].operations.map((op) => op.key);
      expect(changed(first).length).toBeGreaterThan(0);
      expect(changed(first).every((key) => runs[0].includes(key))).toBe(true);
      // What run 1 found and run 2 did not read again is still drift after run 2.
      expect(new Set(second.driftedEarlier.get('partner'))).toEqual(new Set(changed(first)));
      expect(third.driftedEarlier.get('partner')!.every((key) => !runs[2].includes(key))).toBe(true);

      const state = await readSweepState(stateFile);
      expect(Object.keys(state.vendors.partner)).toHaveLength(200);
      expect(JSON.parse(await readFile(stateFile, 'utf8')).version).toBe(1);
    } finally {
      await emulator.close();
    }
  }, 120_000);

  it('a state file that is not one roster wrote starts the sweep again', async () => {
    const file = path.join(dir, 'bad.json');
    await writeFile(file, '{"version": 7}');
    expect(await readSweepState(file)).toEqual(emptySweepState());
    await writeFile(file, 'not json');
    expect(await readSweepState(file)).toEqual(emptySweepState());
  });
});
