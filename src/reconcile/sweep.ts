import type { VendorPlan } from './types.js';

/*
 * A sweep of a vendor read by key, spread over several runs. Drift and the morning run must see every
 * person, but SimplePin answers about 120 reads a minute (shared/vendors/published.md): 10,000 people
 * are 84 minutes, 100,000 about 14 hours, more than one scheduled job should take. A run with a sweep
 * budget reads the people seen longest ago (never seen first), and the state remembers, for each
 * person, when they were last read and whether they differed from git then. A run's verdict is what it
 * read now plus what the last sweep saw of everyone else, so drift found by an earlier run is not
 * forgotten because this run did not get to that person again.
 */

export interface SweepState {
  version: 1;
  /** Vendor instance → person key → when last read (ISO time) and whether they differed from git then. */
  vendors: Record<string, Record<string, SeenPerson>>;
}

export interface SeenPerson {
  at: string;
  drift: boolean;
}

export function emptySweepState(): SweepState {
  return { version: 1, vendors: {} };
}

/** At most `limit` of `keys`: those never read first, then those read longest ago; ties by key, so runs are stable. */
export function pickShard(state: SweepState, vendor: string, keys: readonly string[], limit: number): Set<string> {
  const seen = state.vendors[vendor] ?? {};
  const order = [...keys].sort((a, b) => {
    const at = (seen[a]?.at ?? '') < (seen[b]?.at ?? '') ? -1 : (seen[a]?.at ?? '') > (seen[b]?.at ?? '') ? 1 : 0;
    return at || (a < b ? -1 : a > b ? 1 : 0);
  });
  return new Set(order.slice(0, Math.max(0, limit)));
}

/** Records what a run read: each key in `read` is seen now, drifted when the plan changes or cannot read it. */
export function recordSweep(state: SweepState, plan: Pick<VendorPlan, 'vendor' | 'operations' | 'errors'>, read: Iterable<string>, at: Date, declared: readonly string[]): void {
  const drifted = new Set<string>([...plan.operations.map((op) => op.key), ...plan.errors.flatMap((e) => (e.key ? [e.key] : []))]);
  const seen = (state.vendors[plan.vendor] ??= {});
  for (const key of read) seen[key] = { at: at.toISOString(), drift: drifted.has(key) };
  // People no longer declared are no longer swept.
  const still = new Set(declared);
  for (const key of Object.keys(seen)) if (!still.has(key)) delete seen[key];
}

export interface SweepStatus {
  /** Declared people read at least once. */
  seen: number;
  total: number;
  /** People not read by this run who differed from git when last read. */
  driftedEarlier: string[];
  /** When the person read longest ago was read; undefined when someone was never read. */
  oldest?: string;
}

/** Where the sweep of `vendor` stands after a run that read `read`. */
export function sweepStatus(state: SweepState, vendor: string, declared: readonly string[], read: ReadonlySet<string>): SweepStatus {
  const seen = state.vendors[vendor] ?? {};
  let count = 0;
  let oldest: string | undefined;
  let never = false;
  const driftedEarlier: string[] = [];
  for (const key of declared) {
    const person = seen[key];
    if (!person) {
      never = true;
      continue;
    }
    count++;
    if (oldest === undefined || person.at < oldest) oldest = person.at;
    if (person.drift && !read.has(key)) driftedEarlier.push(key);
  }
  return { seen: count, total: declared.length, driftedEarlier, ...(never || oldest === undefined ? {} : { oldest }) };
}

/** `2000` people, or a duration (`90s`, `30m`, `2h`) turned into people at the vendor's documented rate. */
export function sweepLimit(budget: string, rate: { limit: number; windowMs: number }): number {
  const match = /^(\d+)(s|m|h)?$/.exec(budget.trim());
  if (!match) throw new Error(`--sweep: a number of people (2000) or a time (90s, 30m, 2h), not "${budget}"`);
  const amount = Number(match[1]);
  if (!match[2]) return amount;
  const ms = amount * { s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
  return Math.floor((ms / rate.windowMs) * rate.limit);
}
