/**
 * Paces requests to stay inside a vendor's documented budget (`limit` per `windowMs`), scaled by the
 * share roster may use. A sliding-window log: a request goes out only when fewer than `allowed`
 * requests left in the last window, so the vendor never has to refuse one.
 *
 * The vendor counts a request when it arrives, which is some time after we sent it; a slot stamped
 * with the send time frees too early, by however long the request took to arrive, and the next
 * request can land inside the vendor's window (a 429). So each slot is stamped again when the
 * answer comes back (`release`): the vendor saw the request before it answered, so a slot freed
 * `windowMs` after the answer never overlaps the vendor's window.
 */
export class RateLimiter {
  /** One stamp per request in the window, in the order they were sent. */
  private readonly sent: { at: number }[] = [];
  /**
   * Stamps that left the window lately (up to two windows back): the vendor may still count them in a
   * remaining-requests figure it worked out when a request arrived, before we read it (observeRemaining).
   */
  private readonly left: number[] = [];
  /** Send times of the requests whose answers have not arrived yet. */
  private readonly inFlight = new Set<{ sentAt: number }>();
  private allowed: number;
  private chain: Promise<unknown> = Promise.resolve();
  /** Why the window is full beyond our own pacing (the vendor's count, a Retry-After), until `until`. */
  private cause?: { why: string; until: number };
  private longWait?: { report: (ms: number, why: string) => void; overMs: number };
  /** Callers queued behind the chain: while there are any, a new caller queues too (calls are served in order). */
  private waiting = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly share = 1,
    private readonly now: () => number = Date.now,
  ) {
    this.allowed = Math.max(1, Math.floor(limit * share));
  }

  /** Requests this limiter lets through per window. */
  get budget(): number {
    return this.allowed;
  }

  /**
   * Resolves when one more request may be sent, with a `release` to call when its answer (or its
   * failure) arrives. Calls are served in order. Not calling `release` leaves the send time as the
   * stamp, which is how the limiter counted before.
   */
  acquire(): Promise<() => void> {
    // Nobody waiting and room in the window: the slot is taken now, without a turn in the chain (a read by
    // key asks 100,000 times, and the chain's promises and closures were garbage each time; issue 26).
    if (this.waiting === 0 && this.recentCount() < this.allowed) return Promise.resolve(this.take());
    this.waiting++;
    const turn = this.chain.then(() => this.waitForSlot()).finally(() => this.waiting--);
    this.chain = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Corrects the estimate from the vendor's own count: when the vendor reports fewer remaining
   * requests than we think (another integration shares the key), fill the window accordingly.
   */
  observeRemaining(remaining: number, vendorLimit = this.limit): void {
    if (!Number.isFinite(remaining)) return;
    const usedByVendorCount = vendorLimit - remaining;
    const reserve = vendorLimit - this.allowed;
    const ours = this.oursTheVendorMayCount();
    const othersBeyondReserve = usedByVendorCount - ours - reserve;
    if (othersBeyondReserve > 0) this.cause = { why: `the vendor reported ${remaining} of ${vendorLimit} requests remaining in its window`, until: this.now() + this.windowMs };
    for (let i = 0; i < othersBeyondReserve && this.recentCount() < this.allowed; i++) this.sent.push({ at: this.now() });
  }

  /** After a 429: treat the window as full until `retryAfterMs` has passed. */
  pauseFor(retryAfterMs: number, why = 'the vendor asked to wait (Retry-After)'): void {
    const until = this.now() + retryAfterMs - this.windowMs;
    this.cause = { why, until: this.now() + retryAfterMs };
    this.sent.length = 0;
    for (let i = 0; i < this.allowed; i++) this.sent.push({ at: until });
  }

  /**
   * How long, from now, until `requests` more requests have all been sent at this pace: the room left in
   * the window goes at once, then each request waits for the oldest one in the window to leave it. A
   * Retry-After pause and the vendor's own count (both stamped into the window) are waits like any other.
   * Time spent waiting for answers is not in it: this is the floor the rate limit sets.
   */
  estimateMs(requests: number): number {
    const count = Math.min(Math.max(0, Math.ceil(requests)), 1_000_000);
    if (count === 0) return 0;
    const now = this.now();
    const recent = this.recentCount();
    // The slots of the window, oldest first: free ones, then the stamps still in it.
    const queue: number[] = [...Array<number>(Math.max(0, this.allowed - recent)).fill(-Infinity), ...this.sent.map((s) => s.at)];
    let last = now;
    for (let i = 0; i < count; i++) {
      const oldest = queue.shift()!;
      last = Math.max(last, oldest + this.windowMs);
      queue.push(last);
    }
    return last - now;
  }

  /**
   * Our requests the vendor may have counted in a remaining figure that comes with an answer. The vendor
   * worked it out when the request arrived, some time before the answer reached us, counting a window back
   * from then: so our requests count from a window before the earliest send still unanswered, including
   * ones whose stamps have since left our own window. Counting them as another integration's (as when only
   * the window up to now counted) filled the window with phantom requests on every answer a slot freed
   * near: an apply at 84-92% of its budget (npm run bench), more the slower the vendor answers. A few of ours
   * counted too many only make the correction a little late.
   */
  private oursTheVendorMayCount(): number {
    const now = this.now();
    let earliest = now;
    for (const request of this.inFlight) earliest = Math.min(earliest, request.sentAt);
    // An answer a window late (or a caller that never released) does not stretch this past what `left` holds.
    const since = Math.max(earliest, now - this.windowMs) - this.windowMs;
    let ours = 0;
    for (let i = 0; i < this.sent.length; i++) if (this.sent[i].at > since) ours++;
    for (let i = 0; i < this.left.length; i++) if (this.left[i] > since) ours++;
    return ours;
  }

  /** Says why whenever a request must wait longer than `overMs` for its slot (once per wait). */
  onLongWait(report: (ms: number, why: string) => void, overMs: number): void {
    this.longWait ??= { report, overMs };
  }

  /**
   * Stamps still inside the window. Stamps are dropped from the front only: one moved later by a slow
   * answer keeps the (slightly older) ones behind it counted until it leaves too, which errs on the
   * side of sending later, never sooner.
   */
  private recentCount(): number {
    const cutoff = this.now() - this.windowMs;
    // shift, not splice: splice returns an array of what it removed, garbage on every request.
    while (this.sent.length > 0 && this.sent[0].at <= cutoff) this.left.push(this.sent.shift()!.at);
    while (this.left.length > 0 && this.left[0] <= cutoff - this.windowMs) this.left.shift();
    return this.sent.length;
  }

  /** Stamps a slot now; its release moves the stamp to when the answer came. */
  private take(): () => void {
    const slot = { at: this.now() };
    const request = { sentAt: slot.at };
    this.sent.push(slot);
    this.inFlight.add(request);
    return () => {
      slot.at = Math.max(slot.at, this.now());
      this.inFlight.delete(request);
    };
  }

  private async waitForSlot(): Promise<() => void> {
    for (;;) {
      if (this.recentCount() < this.allowed) return this.take();
      const waitMs = this.sent[0].at + this.windowMs - this.now() + 1;
      if (this.longWait && waitMs > this.longWait.overMs) {
        const cause = this.cause && this.cause.until > this.now() ? this.cause.why : `pacing to ${this.allowed} requests per ${this.windowMs / 1000} s`;
        this.longWait.report(waitMs, cause);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, waitMs)));
    }
  }
}
