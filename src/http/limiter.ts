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
  private allowed: number;
  private chain: Promise<unknown> = Promise.resolve();

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
    const turn = this.chain.then(() => this.waitForSlot());
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
    const ours = this.recentCount();
    const othersBeyondReserve = usedByVendorCount - ours - reserve;
    for (let i = 0; i < othersBeyondReserve && this.recentCount() < this.allowed; i++) this.sent.push({ at: this.now() });
  }

  /** After a 429: treat the window as full until `retryAfterMs` has passed. */
  pauseFor(retryAfterMs: number): void {
    const until = this.now() + retryAfterMs - this.windowMs;
    this.sent.length = 0;
    for (let i = 0; i < this.allowed; i++) this.sent.push({ at: until });
  }

  /**
   * Stamps still inside the window. Stamps are dropped from the front only: one moved later by a slow
   * answer keeps the (slightly older) ones behind it counted until it leaves too, which errs on the
   * side of sending later, never sooner.
   */
  private recentCount(): number {
    const cutoff = this.now() - this.windowMs;
    let expired = 0;
    while (expired < this.sent.length && this.sent[expired].at <= cutoff) expired++;
    if (expired > 0) this.sent.splice(0, expired);
    return this.sent.length;
  }

  private async waitForSlot(): Promise<() => void> {
    for (;;) {
      if (this.recentCount() < this.allowed) {
        const slot = { at: this.now() };
        this.sent.push(slot);
        return () => {
          slot.at = Math.max(slot.at, this.now());
        };
      }
      const waitMs = this.sent[0].at + this.windowMs - this.now() + 1;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, waitMs)));
    }
  }
}
