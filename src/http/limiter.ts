/**
 * Paces requests to stay inside a vendor's documented budget (`limit` per `windowMs`), scaled by the
 * share roster may use. A sliding-window log: a request goes out only when fewer than `allowed`
 * requests left in the last window, so the vendor never has to refuse one.
 */
export class RateLimiter {
  private readonly sent: number[] = [];
  private allowed: number;
  private chain: Promise<void> = Promise.resolve();

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

  /** Resolves when one more request may be sent. Calls are served in order. */
  acquire(): Promise<void> {
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
    for (let i = 0; i < othersBeyondReserve && this.recentCount() < this.allowed; i++) this.sent.push(this.now());
  }

  /** After a 429: treat the window as full until `retryAfterMs` has passed. */
  pauseFor(retryAfterMs: number): void {
    const until = this.now() + retryAfterMs - this.windowMs;
    this.sent.length = 0;
    for (let i = 0; i < this.allowed; i++) this.sent.push(until);
  }

  private recentCount(): number {
    const cutoff = this.now() - this.windowMs;
    while (this.sent.length > 0 && this.sent[0] <= cutoff) this.sent.shift();
    return this.sent.length;
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      if (this.recentCount() < this.allowed) {
        this.sent.push(this.now());
        return;
      }
      const waitMs = this.sent[0] + this.windowMs - this.now() + 1;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, waitMs)));
    }
  }
}
