import { describe, expect, it } from 'vitest';
import { planVendor } from '../../src/reconcile/plan-vendor.js';
import { summarise } from '../../src/reconcile/plan.js';
import { thresholdViolations } from '../../src/reconcile/safety.js';
import type { Plan, VendorPlan } from '../../src/reconcile/types.js';
import { enerflo } from '../../src/vendors/enerflo/index.js';
import type { DesiredRecord, LiveRecord } from '../../src/vendors/types.js';

const config = enerflo.parseConfig({ kind: 'enerflo', baseUrl: 'http://127.0.0.1:1', credentials: { apiKey: { env: 'X' } }, policy: { prune: true } });

const want = (n: number, extra: Partial<DesiredRecord> = {}): DesiredRecord => ({ key: `p${n}@acme.com`, email: `p${n}@acme.com`, active: true, fields: {}, dependsOn: [], ...extra });
const live = (n: number, active = true): LiveRecord => ({ vendorId: `u${n}`, email: `p${n}@acme.com`, active, fields: {} });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

function planned(desired: DesiredRecord[], liveRecords: LiveRecord[], readMode: 'list' | 'byKey' = 'list'): Plan {
  const vendor: VendorPlan = {
    ...planVendor({ vendor: 'enerflo', kind: 'enerflo', policy: config.policy, removal: 'flag', emailChange: 'inPlace', fields: [], desired, live: liveRecords }),
    readMode,
  };
  return { version: 1, vendors: [vendor], summary: summarise([vendor]) };
}

const messages = (plan: Plan) => thresholdViolations(plan, { enerflo: config }).map((v) => v.message);

describe('safety thresholds count active live users', () => {
  it('20 active and 80 deactivated users: switching off all 20 trips the deactivate threshold', () => {
    const plan = planned(
      range(0, 20).map((n) => want(n, { active: false })),
      [...range(0, 20).map((n) => live(n)), ...range(20, 100).map((n) => live(n, false))],
    );
    expect(plan.vendors[0].operations).toHaveLength(20);
    expect(plan.vendors[0].activeCount).toBe(20);
    expect(messages(plan)).toEqual([
      'enerflo: the plan would deactivate 20 of 20 live users (100%), over the 30% threshold (policy.thresholds.deactivate); re-run with --force if this is intended (active users only: 80 inactive not counted)',
    ]);
  });

  it('pruning 10 of 20 active users with 80 inactive ones beside them trips it too (50%, not 10%, over the default 30%)', () => {
    const plan = planned(range(0, 10).map((n) => want(n)), [...range(0, 20).map((n) => live(n)), ...range(20, 100).map((n) => live(n, false))]);
    expect(messages(plan)[0]).toContain('deactivate 10 of 20 live users (50%)');
  });

  it('creates against a listing of inactive users only: no active user, so the create threshold trips', () => {
    const plan = planned(range(0, 12).map((n) => want(n)), range(100, 140).map((n) => live(n, false)));
    expect(messages(plan)).toEqual([expect.stringContaining('would create 12 users and the vendor listed no active users (only 40 inactive)')]);
  });

  it('below minUsers active users, no share is computed however many inactive ones there are', () => {
    const plan = planned([want(0, { active: false })], [live(0), ...range(20, 100).map((n) => live(n, false))]);
    expect(messages(plan)).toEqual([]);
  });
});

describe('read by key: creates as a share of the declared people found', () => {
  it('nobody found (a base URL answering 404 to every path): creating all 12 needs --force', () => {
    const plan = planned(range(0, 12).map((n) => want(n)), [], 'byKey');
    expect(messages(plan)).toEqual([
      expect.stringContaining('enerflo: the plan would create 12 users and none of the declared people was found by key'),
    ]);
  });

  it('a first rollout with a few found passes; far more creates than people found does not', () => {
    expect(messages(planned(range(0, 16).map((n) => want(n)), range(0, 4).map((n) => live(n)), 'byKey'))).toEqual([]);
    expect(messages(planned(range(0, 30).map((n) => want(n)), range(0, 2).map((n) => live(n)), 'byKey'))).toEqual([
      expect.stringContaining('would create 28 users and only 2 of the declared people were found by key, over the threshold of 3 creates per declared person found'),
    ]);
  });
});
