import { describe, expect, it } from 'vitest';
import { progressText, readProgressLine } from '../../src/commands/read-progress.js';

/* The progress of a read by key, with an injected clock: no test here waits or measures time. */
describe('progress of a read by key', () => {
  it('says how many of how many, the share, and an estimate from the pace so far', () => {
    expect(progressText('partner', 0, 10_000, 0)).toBe('partner: read 0 of 10,000 people (0%)');
    expect(progressText('partner', 1_200, 10_000, 600_000)).toBe('partner: read 1,200 of 10,000 people (12%), about 1 h 13 min left');
    expect(progressText('partner', 50, 100, 30_000)).toBe('partner: read 50 of 100 people (50%), about 30 s left');
    expect(progressText('partner', 100, 100, 125_000)).toBe('partner: read 100 of 100 people (100%), done in 2 min');
  });

  it('writes at most one line per interval, and always the last', () => {
    let clock = 0;
    const lines: string[] = [];
    const progress = readProgressLine((line) => lines.push(line), { everyMs: 10_000, now: () => clock });
    for (let done = 1; done <= 100; done++) {
      clock += 1_000;
      progress('partner', done, 100);
    }
    // Started at the first read (t = 1 s); a line at 11 s, 21 s, ... 91 s, and the last at 100 s.
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('partner: read 11 of 100 people (11%), about 1 min left');
    expect(lines.at(-1)).toBe('partner: read 100 of 100 people (100%), done in 2 min');
  });

  it('keeps each vendor apart, and a read done within the first interval says nothing', () => {
    let clock = 0;
    const lines: string[] = [];
    const progress = readProgressLine((line) => lines.push(line), { everyMs: 10_000, now: () => clock });
    progress('a', 1, 3);
    progress('b', 1, 2);
    clock = 5_000;
    progress('b', 2, 2);
    clock = 12_000;
    progress('a', 2, 3);
    progress('a', 3, 3);
    expect(lines).toEqual(['a: read 2 of 3 people (66%), about 6 s left', 'a: read 3 of 3 people (100%), done in 12 s']);
  });
});
