import { describe, expect, it } from 'vitest';
import { matchRecords } from '../../src/reconcile/match.js';
import type { DesiredRecord, LiveRecord } from '../../src/vendors/types.js';

/*
 * Matching keeps who reaches each live user in one flat map, and a map of its own only for a user a second
 * person reaches (issue 26, memory). What it reports must be what the map-per-user version reported: every
 * route a claimant takes, joined with "and", the errors in the order the users were first reached, and the
 * people matched in declaration order.
 */

const want = (key: string, extra: Partial<DesiredRecord> = {}): DesiredRecord => ({ key, email: key, active: true, fields: {}, dependsOn: [], ...extra });
const live = (vendorId: string, email: string, extra: Partial<LiveRecord> = {}): LiveRecord => ({ vendorId, email, active: true, fields: {}, ...extra });

describe('who reaches a live user', () => {
  it('names both routes of a claimant who reaches the user by external id and email, before or after the other claimant', () => {
    for (const order of [0, 1]) {
      const both = want('amy@acme.com', { externalId: 'x1' });
      const other = want('zed@acme.com', { pinnedId: 'u1' });
      const m = matchRecords(order === 0 ? [both, other] : [other, both], [live('u1', 'amy@acme.com', { externalId: 'x1' })]);
      expect(m.matched.size).toBe(0);
      for (const e of m.errors) {
        expect(e.message).toBe(
          'live user u1 (amy@acme.com) is claimed by 2 people in git: amy@acme.com (by external id and email), zed@acme.com (by pinned id); nothing is planned for any of them',
        );
      }
    }
  });

  it('reports contested users in the order they were first reached, and keeps the others matched in declaration order', () => {
    const m = matchRecords(
      [want('b@acme.com'), want('p@acme.com', { pinnedId: 'u2' }), want('a@acme.com'), want('q@acme.com', { pinnedId: 'u1' }), want('c@acme.com')],
      [live('u1', 'a@acme.com'), live('u2', 'b@acme.com'), live('u3', 'c@acme.com'), live('u4', 'd@acme.com')],
    );
    // u2 is reached first (by b), then u1 (by a): b and p's errors come before a and q's.
    expect(m.errors.map((e) => e.key)).toEqual(['b@acme.com', 'p@acme.com', 'a@acme.com', 'q@acme.com']);
    expect([...m.matched.keys()]).toEqual(['c@acme.com']);
    expect(m.unmatched.map((r) => r.vendorId)).toEqual(['u1', 'u2', 'u4']);
    expect([...m.contested].sort()).toEqual(['u1', 'u2']);
  });

  it('finds a second account by email or by external id among the users nobody matched', () => {
    const m = matchRecords(
      [want('amy@acme.com', { pinnedId: 'u1' }), want('bob@acme.com', { externalId: 'x2' })],
      [live('u1', 'amy.old@acme.com'), live('u2', 'AMY@acme.com'), live('u3', 'bob@acme.com', { externalId: 'x2' }), live('u4', 'bob.other@acme.com', { externalId: 'x2' })],
    );
    expect(m.secondAccounts.get('u2')).toBe('amy@acme.com');
    expect(m.errors.map((e) => e.key)).toEqual(['bob@acme.com']);
    expect(m.secondAccounts.get('u4')).toBe('bob@acme.com');
  });
});
