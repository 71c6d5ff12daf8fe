import { describe, expect, it } from 'vitest';
import { ListIndex } from '../../src/sandbox/emulator-kit.js';

interface Row {
  id: number;
  email: string;
}

describe('ListIndex (the emulators\' user indexes)', () => {
  it('answers what a scan of the list would, in list order, and picks up records pushed later', () => {
    const rows: Row[] = [
      { id: 1, email: 'a@x' },
      { id: 2, email: 'B@x' },
      { id: 3, email: 'b@x' },
    ];
    const byEmail = new ListIndex(() => rows, (r: Row) => r.email.toLowerCase());
    expect(byEmail.get('b@x').map((r) => r.id)).toEqual([2, 3]);
    expect(byEmail.get('nobody@x')).toEqual([]);
    rows.push({ id: 4, email: 'a@X' });
    expect(byEmail.get('a@x').map((r) => r.id)).toEqual([1, 4]);
    expect(byEmail.getAll(['b@x', 'a@x', 'a@x']).map((r) => r.id)).toEqual([1, 2, 3, 4]);
  });

  it('moves a record whose key changed into its new group at its place in the list', () => {
    const rows: Row[] = [
      { id: 1, email: 'a@x' },
      { id: 2, email: 'b@x' },
      { id: 3, email: 'c@x' },
    ];
    const byEmail = new ListIndex(() => rows, (r: Row) => r.email);
    byEmail.get('a@x');
    rows[2].email = 'a@x';
    byEmail.rekey(rows[2], 'c@x');
    rows[0].email = 'b@x';
    byEmail.rekey(rows[0], 'a@x');
    expect(byEmail.get('b@x').map((r) => r.id)).toEqual([1, 2]);
    expect(byEmail.get('a@x').map((r) => r.id)).toEqual([3]);
    expect(byEmail.get('c@x')).toEqual([]);
  });

  it('indexes a replaced or shortened list afresh', () => {
    let rows: Row[] = [{ id: 1, email: 'a@x' }];
    const byId = new ListIndex(() => rows, (r: Row) => r.id);
    expect(byId.get(1)).toHaveLength(1);
    rows = [{ id: 2, email: 'b@x' }];
    expect(byId.get(1)).toEqual([]);
    expect(byId.get(2)).toHaveLength(1);
    rows.length = 0;
    expect(byId.get(2)).toEqual([]);
  });
});
