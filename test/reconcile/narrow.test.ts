import { describe, expect, it } from 'vitest';
import { dueOnly } from '../../src/reconcile/due.js';
import { narrowPlan, narrowToVendors } from '../../src/reconcile/narrow.js';
import { summarise } from '../../src/reconcile/plan.js';
import type { DateCause, Operation, Plan, VendorPlan } from '../../src/reconcile/types.js';

const dated: DateCause = { kind: 'date', events: [] };

function create(key: string, dependsOn: string[] = [], due = false): Operation {
  return { action: 'create', key, changes: [], dependsOn, desired: { key, email: key, active: true, fields: {}, dependsOn }, ...(due ? { cause: dated } : {}) };
}

function remove(key: string, dependsOn: string[] = [], due = false): Operation {
  return { action: 'delete', key, vendorId: `id-${key}`, changes: [], dependsOn, live: { vendorId: `id-${key}`, email: key, active: true, fields: {} }, ...(due ? { cause: dated } : {}) };
}

function vendorPlan(vendor: string, operations: Operation[]): VendorPlan {
  return { vendor, kind: 'test', operations, unmanaged: [], errors: [], notices: [], readMode: 'list', unchanged: 0, liveCount: 10, fields: [], ids: { 'old@x': 'id-old' } };
}

function planOf(...vendors: VendorPlan[]): Plan {
  return { version: 1, vendors, summary: summarise(vendors), since: '2026-01-01' };
}

const keys = (plan: Plan) => plan.vendors.flatMap((v) => v.operations.map((op) => `${op.action} ${op.key}`));

describe('narrowPlan', () => {
  it.each([
    {
      name: 'a report whose manager is left out goes too, naming the manager',
      ops: [create('boss@x'), create('rep@x', ['boss@x'])],
      drop: ['boss@x'],
      kept: [],
      because: { 'rep@x': 'boss@x' },
    },
    {
      name: 'to any depth: a -> b -> c',
      ops: [create('a@x'), create('b@x', ['a@x']), create('c@x', ['b@x']), create('d@x')],
      drop: ['a@x'],
      kept: ['create d@x'],
      because: { 'b@x': 'a@x', 'c@x': 'b@x' },
    },
    {
      name: 'a dependency on a user who exists (not created in this plan) stays met',
      ops: [create('rep@x', ['old@x']), create('other@x')],
      drop: ['other@x'],
      kept: ['create rep@x'],
      because: {},
    },
    {
      name: 'an email re-create: the old user is not deleted when the new create goes',
      ops: [create('new@x'), remove('new@x', ['new@x'])],
      drop: ['create new@x'],
      kept: [],
      because: { 'new@x': 'new@x' },
    },
    {
      name: 'leaving out a delete does not take the dependants of that key',
      ops: [create('new@x'), remove('new@x', ['new@x']), create('rep@x', ['new@x'])],
      drop: ['delete new@x'],
      kept: ['create new@x', 'create rep@x'],
      because: {},
    },
  ])('$name', ({ ops, drop, kept, because }) => {
    const gone = (op: Operation) => drop.includes(op.key) || drop.includes(`${op.action} ${op.key}`);
    const { plan, leftOut } = narrowPlan(planOf(vendorPlan('v', ops)), (op) => (gone(op) ? 'not wanted' : undefined));
    expect(keys(plan)).toEqual(kept);
    expect(plan.summary.create).toBe(kept.filter((k) => k.startsWith('create')).length);
    expect(Object.fromEntries(leftOut.filter((l) => l.waitsFor).map((l) => [l.operation.key, l.waitsFor]))).toEqual(because);
    for (const l of leftOut.filter((l) => l.waitsFor)) expect(l.reason).toMatch(/waits for the create of .*, which is left out/);
    for (const l of leftOut.filter((l) => !l.waitsFor)) expect(l.reason).toBe('not wanted');
  });

  it('never crosses vendors: a key left out in one vendor does not block the same key in another', () => {
    const { plan } = narrowPlan(planOf(vendorPlan('a', [create('boss@x')]), vendorPlan('b', [create('boss@x'), create('rep@x', ['boss@x'])])), (op, v) =>
      v.vendor === 'a' ? 'gone' : undefined,
    );
    expect(keys(plan)).toEqual(['create boss@x', 'create rep@x']);
  });

  it('--vendor keeps the named instances and lists the rest as left out', () => {
    const { plan, leftOut } = narrowToVendors(planOf(vendorPlan('a', [create('x@x')]), vendorPlan('b', [create('y@x')])), ['b']);
    expect(plan.vendors.map((v) => v.vendor)).toEqual(['b']);
    expect(plan.summary.create).toBe(1);
    expect(leftOut.map((l) => l.operation.key)).toEqual(['x@x']);
  });
});

describe('apply --due (dueOnly)', () => {
  it('does not create a report whose manager is not due, although the report is', () => {
    const { due, refused } = dueOnly(planOf(vendorPlan('enerflo', [create('boss@x'), create('rep@x', ['boss@x'], true), create('solo@x', [], true)])));
    expect(keys(due)).toEqual(['create solo@x']);
    expect(refused.map((r) => [r.operation.key, r.reason])).toEqual([
      ['boss@x', 'no start or end reached since 2026-01-01 explains it'],
      ['rep@x', 'waits for the create of boss@x, which is left out (no start or end reached since 2026-01-01 explains it)'],
    ]);
  });

  it('keeps both when the manager is due too, with the dependency intact', () => {
    const { due } = dueOnly(planOf(vendorPlan('enerflo', [create('boss@x', [], true), create('rep@x', ['boss@x'], true)])));
    expect(due.vendors[0].operations.map((op) => [op.key, op.dependsOn])).toEqual([
      ['boss@x', []],
      ['rep@x', ['boss@x']],
    ]);
  });
});
