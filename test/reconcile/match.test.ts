import { describe, expect, it } from 'vitest';
import { policySchema } from '../../src/config/schema.js';
import { matchRecords } from '../../src/reconcile/match.js';
import { planVendor } from '../../src/reconcile/plan-vendor.js';
import type { DesiredRecord, LiveRecord } from '../../src/vendors/types.js';

/*
 * Matching is set arithmetic: a live user two declared people reach (pinned id, external id, email, in any
 * mix) is an intersection with no "first". Every case runs with the two names both ways round (the one
 * who sorts first swapped), and with the declarations in both orders: the outcome must not move.
 */

function want(key: string, extra: Partial<DesiredRecord> = {}): DesiredRecord {
  return { key, email: key, active: true, fields: { firstName: key.split('@')[0] }, dependsOn: [], ...extra };
}

function live(vendorId: string, email: string, extra: Partial<LiveRecord> = {}): LiveRecord {
  return { vendorId, email, active: true, fields: { firstName: 'someone' }, ...extra };
}

function planned(desired: DesiredRecord[], liveRecords: LiveRecord[]) {
  return planVendor({
    vendor: 'acme',
    kind: 'enerflo',
    removal: 'flag',
    emailChange: 'inPlace',
    fields: [{ name: 'firstName' }],
    policy: policySchema.parse({ prune: true }),
    desired,
    live: liveRecords,
  });
}

/** The outcome as sorted strings, with the two people's names written as P and Q. */
function outcome(p: ReturnType<typeof planned>, names: Record<string, string>) {
  const name = (text: string) => Object.entries(names).reduce((t, [real, alias]) => t.replaceAll(real, alias), text);
  return {
    operations: p.operations.map((op) => name(`${op.action} ${op.key} ${op.vendorId ?? ''}`.trim())).sort(),
    errors: p.errors.map((e) => name(`${e.key}`)).sort(),
    unmanaged: p.unmanaged.map((u) => name(`${u.vendorId} ${u.reason.replace(/;.*/, '')}`)).sort(),
  };
}

/** [first, second] sort in both orders: amy < zed, and zed's case with the names swapped. */
const namePairs = [
  ['amy@acme.com', 'zed@acme.com'],
  ['zed@acme.com', 'amy@acme.com'],
] as const;

interface Case {
  name: string;
  /** P and Q are the two people; `live` may use P's and Q's emails. */
  desired: (p: string, q: string) => DesiredRecord[];
  live: (p: string, q: string) => LiveRecord[];
  expected: ReturnType<typeof outcome>;
}

const cases: Case[] = [
  {
    name: "P's mistyped pinned id reaches Q's user, which Q reaches by email: both are errors, neither user is touched or pruned",
    desired: (p, q) => [want(p, { pinnedId: 'q-user' }), want(q)],
    live: (p, q) => [live('q-user', q), live('p-user', p)],
    expected: {
      operations: [],
      errors: ['P', 'Q'],
      unmanaged: ['p-user involved in a match error above', 'q-user involved in a match error above'],
    },
  },
  {
    name: "P's external id is on Q's user and Q reaches it by email: both are errors",
    desired: (p, q) => [want(p, { externalId: 'hr-1' }), want(q)],
    live: (_p, q) => [live('q-user', q, { externalId: 'hr-1' })],
    expected: { operations: [], errors: ['P', 'Q'], unmanaged: ['q-user involved in a match error above'] },
  },
  {
    name: 'both pinned to one user: both are errors',
    desired: (p, q) => [want(p, { pinnedId: 'u1' }), want(q, { pinnedId: 'u1' })],
    live: () => [live('u1', 'someone@acme.com')],
    expected: { operations: [], errors: ['P', 'Q'], unmanaged: ['u1 involved in a match error above'] },
  },
  {
    name: "P's external id and Q's pinned id: both are errors, and P's own user (by email) is not pruned",
    desired: (p, q) => [want(p, { externalId: 'hr-9' }), want(q, { pinnedId: 'u1' })],
    live: (p) => [live('u1', 'old@acme.com', { externalId: 'hr-9' }), live('p-user', p)],
    expected: {
      operations: [],
      errors: ['P', 'Q'],
      unmanaged: ['p-user involved in a match error above', 'u1 involved in a match error above'],
    },
  },
  {
    name: "P pinned to another user: P's email on an unmatched user is a second account of P, never pruned",
    desired: (p, q) => [want(p, { pinnedId: 'u9' }), want(q)],
    live: (p, q) => [live('u9', 'old@acme.com'), live('u7', p), live('q-user', q)],
    expected: {
      operations: ['update P u9', 'update Q q-user'],
      errors: [],
      unmanaged: ['u7 a second account of P'],
    },
  },
  {
    name: 'an offboarded person pinned elsewhere: their second account is never pruned either',
    desired: (p, q) => [want(p, { pinnedId: 'u9', active: false }), want(q)],
    live: (p, q) => [live('u9', 'old@acme.com'), live('u7', p), live('q-user', q, { fields: { firstName: q.split('@')[0] } })],
    expected: {
      operations: ['deactivate P u9'],
      errors: [],
      unmanaged: ['u7 a second account of P'],
    },
  },
];

describe('matching as set arithmetic (planVendor, prune on)', () => {
  it.each(cases.flatMap((c) => namePairs.flatMap(([p, q]) => [false, true].map((reversed) => ({ ...c, p, q, reversed })))))(
    '$name ($p as P, declarations reversed: $reversed)',
    ({ desired, live: liveOf, expected, p, q, reversed }) => {
      const declared = desired(p, q);
      const result = planned(reversed ? [...declared].reverse() : declared, liveOf(p, q));
      expect(outcome(result, { [p]: 'P', [q]: 'Q' })).toEqual(expected);
    },
  );

  it('names every claimant and how each reaches the user, in each claimant\'s error', () => {
    const m = matchRecords([want('zed@acme.com', { pinnedId: 'u1' }), want('amy@acme.com')], [live('u1', 'amy@acme.com')]);
    expect(m.matched.size).toBe(0);
    expect(m.errors.map((e) => e.key).sort()).toEqual(['amy@acme.com', 'zed@acme.com']);
    for (const e of m.errors) expect(e.message).toBe('live user u1 (amy@acme.com) is claimed by 2 people in git: amy@acme.com (by email), zed@acme.com (by pinned id); nothing is planned for any of them');
    expect([...m.contested]).toEqual(['u1']);
  });

  it('three claimants by three routes: an error for each, nothing matched', () => {
    const m = matchRecords(
      [want('a@acme.com', { pinnedId: 'u1' }), want('b@acme.com', { externalId: 'x' }), want('c@acme.com')],
      [live('u1', 'c@acme.com', { externalId: 'x' })],
    );
    expect(m.matched.size).toBe(0);
    expect(m.errors.map((e) => e.key).sort()).toEqual(['a@acme.com', 'b@acme.com', 'c@acme.com']);
    expect(m.errors[0].message).toContain('is claimed by 3 people');
  });

  it('one person reaching one user by external id and email alike is one claim, matched', () => {
    const m = matchRecords([want('a@acme.com', { externalId: 'x' })], [live('u1', 'a@acme.com', { externalId: 'x' })]);
    expect(m.errors).toEqual([]);
    expect(m.matched.get('a@acme.com')?.vendorId).toBe('u1');
  });
});
