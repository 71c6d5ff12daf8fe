import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { diffFields, sameValue } from '../../src/reconcile/diff.js';
import type { FieldValue } from '../../src/reconcile/records.js';

/*
 * Lists of text are compared element by element, without isDeepStrictEqual's generic walk (issue 26, a
 * cold plan's CPU): the answers must be isDeepStrictEqual's, and anything else still goes to it.
 */
describe('comparing lists', () => {
  it('answers as isDeepStrictEqual for lists of text, frozen, shared or not', () => {
    const lists: string[][] = [[], ['a'], ['a', 'b'], ['b', 'a'], ['a', 'b', 'c'], Object.freeze(['a', 'b']) as string[], ['', 'a']];
    for (const a of lists) for (const b of lists) expect(sameValue(a, b), `${JSON.stringify(a)} ${JSON.stringify(b)}`).toBe(isDeepStrictEqual(a, b));
  });

  it('leaves lists of anything else to isDeepStrictEqual', () => {
    const odd = [1, 2] as unknown as FieldValue;
    expect(sameValue(odd, [1, 2] as unknown as FieldValue)).toBe(true);
    expect(sameValue(odd, ['1', '2'])).toBe(false);
    expect(sameValue([{ a: 'x' }] as unknown as FieldValue, [{ a: 'x' }] as unknown as FieldValue)).toBe(true);
  });

  it('diffs a changed list and leaves an equal one, field by field in the record order', () => {
    const desired = { key: 'a@x', email: 'a@x', active: true, dependsOn: [], fields: { roles: ['a', 'b'], office: '1', officeIds: ['2'] } };
    const live = { vendorId: '1', email: 'a@x', active: true, fields: { roles: ['a', 'b'], office: '2', officeIds: ['3'] } };
    expect(diffFields(desired, live)).toEqual([
      { field: 'office', before: '2', after: '1' },
      { field: 'officeIds', before: ['3'], after: ['2'] },
    ]);
  });
});
