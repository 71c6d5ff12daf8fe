import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '../../src/http/limiter.js';

describe('RateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a window of requests through at once, then waits for the oldest to leave', async () => {
    const limiter = new RateLimiter(2, 1_000);
    await limiter.acquire();
    await limiter.acquire();
    let third = false;
    void limiter.acquire().then(() => (third = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(third).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    expect(third).toBe(true);
  });

  it('frees a slot a window after the answer arrived, not after the send (the vendor counts arrivals)', async () => {
    const limiter = new RateLimiter(2, 1_000);
    const releaseFirst = await limiter.acquire();
    await limiter.acquire();
    await vi.advanceTimersByTimeAsync(200);
    releaseFirst(); // the first answer took 200 ms: the vendor may have counted it as late as that
    let third = false;
    void limiter.acquire().then(() => (third = true));
    await vi.advanceTimersByTimeAsync(900); // 1,100 ms: a send-time stamp would have freed the slot
    expect(third).toBe(false);
    await vi.advanceTimersByTimeAsync(102); // 1,202 ms: a window after the answer
    expect(third).toBe(true);
  });

  it("does not take its own requests, counted by the vendor as they arrived, for another integration's", async () => {
    const limiter = new RateLimiter(10, 1_000);
    // Sent at 0 ms, answered at 30 ms: the vendor counted it on arrival, between the two.
    const answerEarly = await limiter.acquire();
    await vi.advanceTimersByTimeAsync(30);
    answerEarly();
    // Sent at 941 ms, when the vendor's window (counted back from its arrival) still holds the first.
    await vi.advanceTimersByTimeAsync(911);
    const answerLate = await limiter.acquire();
    // Its answer reaches us at 1,040 ms, saying 8 of 10 remain: the first and this one, both ours; our own
    // window (back from 1,040 ms) no longer holds the first.
    await vi.advanceTimersByTimeAsync(99);
    limiter.observeRemaining(8, 10);
    answerLate();
    // Nothing was taken for another integration's: nine more go at once (the window holds only the second).
    let sent = 0;
    for (let i = 0; i < 9; i++) void limiter.acquire().then(() => sent++);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toBe(9);
  });

  it('still fills the window when the vendor counts more than ours', async () => {
    const limiter = new RateLimiter(10, 1_000);
    const answer = await limiter.acquire();
    await vi.advanceTimersByTimeAsync(50);
    // Only one of ours, but the vendor says 4 of 10 remain: five more belong to someone else.
    limiter.observeRemaining(4, 10);
    answer();
    let sent = 0;
    for (let i = 0; i < 9; i++) void limiter.acquire().then(() => sent++);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toBe(4);
  });

  it('never lets a caller who arrives while others wait take a slot before them', async () => {
    const limiter = new RateLimiter(1, 100);
    const order: string[] = [];
    await limiter.acquire(); // the window's only slot, taken at once
    const queued = limiter.acquire().then(() => order.push('queued'));
    // At 100 ms the window has room again, but the queued caller sleeps until 101: the late one queues behind it.
    await vi.advanceTimersByTimeAsync(100);
    expect(order).toEqual([]);
    const late = limiter.acquire().then(() => order.push('late'));
    await Promise.all([queued, late, vi.advanceTimersByTimeAsync(500)]);
    expect(order).toEqual(['queued', 'late']);
  });

  it('serves waiting callers in order', async () => {
    const limiter = new RateLimiter(1, 100);
    const order: number[] = [];
    await Promise.all([...[1, 2, 3].map((n) => limiter.acquire().then(() => order.push(n))), vi.advanceTimersByTimeAsync(500)]);
    expect(order).toEqual([1, 2, 3]);
  });
});
