import { describe, expect, it } from 'vitest';
import { ApplyEstimate } from '../../src/commands/apply-estimate.js';
import { RateLimiter } from '../../src/http/limiter.js';
import type { VendorTarget } from '../../src/reconcile/target.js';
import type { Plan } from '../../src/reconcile/types.js';

/** A clock the test moves by hand: nothing here depends on how fast the machine is. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('the rate limiter estimates the waits ahead', () => {
  it('sends the room left at once, then one window per budget', async () => {
    const time = clock();
    const limiter = new RateLimiter(100, 10_000, 1, time.now);
    expect(limiter.estimateMs(0)).toBe(0);
    expect(limiter.estimateMs(100)).toBe(0);
    expect(limiter.estimateMs(101)).toBe(10_000);
    expect(limiter.estimateMs(250)).toBe(20_000);
    // 60 sent now, 5 s later: 40 more go at once, the next wait for the first 60 to leave the window.
    for (let i = 0; i < 60; i++) (await limiter.acquire())();
    time.advance(5_000);
    expect(limiter.estimateMs(40)).toBe(0);
    expect(limiter.estimateMs(41)).toBe(5_000);
    // The 40 sent now leave the window 10 s from now; the 60 sent at 10 s, 15 s from now.
    expect(limiter.estimateMs(140)).toBe(10_000);
    expect(limiter.estimateMs(141)).toBe(15_000);
  });

  it('counts a Retry-After pause and a rate share', () => {
    const time = clock();
    const shared = new RateLimiter(300, 60_000, 0.5, time.now);
    expect(shared.estimateMs(450)).toBe(120_000);
    const paused = new RateLimiter(300, 60_000, 1, time.now);
    paused.pauseFor(30_000);
    expect(paused.estimateMs(1)).toBe(30_000);
  });
});

describe("apply's estimate of time left", () => {
  const plan = (counts: Record<string, number>) =>
    ({ vendors: Object.entries(counts).map(([vendor, n]) => ({ vendor, operations: Array.from({ length: n }, () => ({})) })) }) as unknown as Plan;
  const target = (name: string, limiter: RateLimiter) => ({ name, counter: { requests: 0 }, pacing: limiter }) as unknown as VendorTarget;

  it('is never shorter than the slowest vendor\'s rate limit allows, however fast the first burst went', async () => {
    const time = clock();
    const highlevel = target('highlevel', new RateLimiter(100, 10_000, 1, time.now));
    const pulse = target('pulse', new RateLimiter(120, 60_000, 1, time.now));
    const estimate = new ApplyEstimate(plan({ highlevel: 150, pulse: 300 }), [highlevel, pulse]);
    // The first burst: 60 Pulse operations of 2 requests each (read, write) went in a second.
    for (let i = 0; i < 60; i++) estimate.record('pulse');
    pulse.counter.requests = 120;
    for (let i = 0; i < 120; i++) (await (pulse.pacing as RateLimiter).acquire())();
    time.advance(1_000);
    // By the observed rate (60 operations in 1 s), 240 left would take 4 s; at 2 requests each against
    // 120 a minute, they need 480 requests: 4 more windows once this one frees, about 4 minutes.
    const left = estimate.secondsLeft(4)!;
    expect(left).toBeGreaterThanOrEqual(4 * 60 - 1);
    expect(left).toBeLessThanOrEqual(4 * 60);
    // When the observed rate is slower than the limit, it is the estimate.
    expect(estimate.secondsLeft(10_000)).toBe(10_000);
  });

  it('without a rate (nothing done yet) still says what the rate limit alone takes', () => {
    const time = clock();
    const estimate = new ApplyEstimate(plan({ enerflo: 900 }), [target('enerflo', new RateLimiter(300, 60_000, 1, time.now))]);
    expect(estimate.secondsLeft(undefined)).toBe(120);
  });
});
