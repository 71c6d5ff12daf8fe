import type { VendorTarget } from '../reconcile/target.js';
import type { Plan } from '../reconcile/types.js';

/**
 * Time left in an apply, rate-limit waits included. Vendors run in parallel, so the run ends when the
 * slowest vendor does; a vendor cannot finish sooner than its rate limiter lets the requests it still
 * needs go out. Early in a run the window's room makes operations look fast (`about 2s left` for a run
 * that then waits minutes for the window), so the estimate is the larger of the observed rate and that floor.
 */
export class ApplyEstimate {
  private readonly vendors = new Map<string, { total: number; done: number; requestsAtStart: number; target?: VendorTarget }>();

  constructor(plan: Plan, targets: VendorTarget[]) {
    for (const vendor of plan.vendors) {
      const target = targets.find((t) => t.name === vendor.vendor);
      this.vendors.set(vendor.vendor, { total: vendor.operations.length, done: 0, requestsAtStart: target?.counter.requests ?? 0, target });
    }
  }

  record(vendor: string): void {
    const entry = this.vendors.get(vendor);
    if (entry) entry.done++;
  }

  /** Seconds left: the observed-rate estimate (`byRate`, if any) or the slowest vendor's rate-limit floor, whichever is longer. */
  secondsLeft(byRate: number | undefined): number | undefined {
    let floorMs = 0;
    for (const { total, done, requestsAtStart, target } of this.vendors.values()) {
      const left = total - done;
      if (left <= 0 || !target?.pacing) continue;
      // Requests an operation has taken so far at this vendor (a create may read before it writes); one before any is done.
      const perOperation = done > 0 ? Math.max(1, (target.counter.requests - requestsAtStart) / done) : 1;
      floorMs = Math.max(floorMs, target.pacing.estimateMs(left * perOperation));
    }
    const floor = floorMs / 1000;
    if (byRate === undefined) return floor > 0 ? floor : undefined;
    return Math.max(byRate, floor);
  }
}
