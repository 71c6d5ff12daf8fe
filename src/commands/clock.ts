import { hasDates } from '../config/as-of.js';
import type { Organisation } from '../config/model.js';
import { onVendorDate } from '../http/client.js';
import { narrowPlan } from '../reconcile/narrow.js';
import type { Operation, Plan } from '../reconcile/types.js';

/*
 * A clock roster can trust (issue 22). Dates decide who is offboarded today, so the runner's clock is
 * compared with the clocks of the vendors it talks to: every answer carries a `Date` header, the
 * origin's time when it answered (RFC 9110 §6.6.1). Beyond `dates.maxClockSkewMinutes` the dated
 * operations are refused, saying by how much; the rest of the plan is not about the day and goes on.
 */

/**
 * The runner's clock. `ROSTER_NOW` (an ISO instant) sets it, for tests and rehearsals: it is checked
 * against the vendors like the real clock, so it cannot be used to run a date early.
 */
export function runnerNow(): Date {
  const given = process.env.ROSTER_NOW;
  if (given) {
    const instant = new Date(given);
    if (Number.isNaN(instant.getTime())) throw new Error(`ROSTER_NOW "${given}" is not an ISO instant, e.g. 2026-12-07T06:00:00Z`);
    return instant;
  }
  return new Date();
}

/** The largest skew over all answers seen, with the vendor that showed it. */
export interface ClockReading {
  /** Vendor clock minus runner clock, in ms: negative when the runner is ahead. */
  skewMs: number;
  vendor: string;
  header: string;
}

/** Records the vendors' Date headers from now until `stop()`; `reading()` is the worst skew seen. */
export function watchVendorClocks(now: () => Date = runnerNow): { reading(): ClockReading | undefined; seen(): number; stop(): void } {
  let worst: ClockReading | undefined;
  let count = 0;
  // The runner's time when the answer arrived: an injected clock is frozen, the real one is read then.
  const stop = onVendorDate((vendor, header, receivedAt) => {
    const vendorTime = header ? Date.parse(header) : Number.NaN;
    if (Number.isNaN(vendorTime)) return;
    count++;
    const runnerTime = process.env.ROSTER_NOW ? now().getTime() : receivedAt;
    // A Date header has whole seconds and is written before the answer travels: a second of slack.
    const raw = vendorTime - runnerTime;
    const skewMs = Math.abs(raw) <= 1000 ? 0 : raw;
    if (!worst || Math.abs(skewMs) > Math.abs(worst.skewMs)) worst = { skewMs, vendor, header: header ?? '' };
  });
  return { reading: () => worst, seen: () => count, stop };
}

export interface ClockVerdict {
  ok: boolean;
  message?: string;
}

/** Whether the runner's clock may decide dates: within `maxSkewMinutes` of every vendor that answered. */
export function judgeClock(reading: ClockReading | undefined, seen: number, maxSkewMinutes: number): ClockVerdict {
  if (seen === 0 || !reading) {
    return { ok: false, message: "no vendor answered with a Date header, so the runner's clock could not be checked" };
  }
  if (Math.abs(reading.skewMs) <= maxSkewMinutes * 60_000) return { ok: true };
  const direction = reading.skewMs < 0 ? 'ahead of' : 'behind';
  return {
    ok: false,
    message:
      `the runner's clock is ${duration(Math.abs(reading.skewMs))} ${direction} ${reading.vendor}'s (its Date header said ${reading.header}), ` +
      `more than dates.maxClockSkewMinutes (${maxSkewMinutes}); fix the runner's clock (NTP)`,
  };
}

/** `dates.maxClockSkewMinutes`, 5 minutes unless set. */
export function maxClockSkewMinutes(org: Organisation): number {
  return org.config.dates?.maxClockSkewMinutes ?? 5;
}

/** An operation that depends on the day: a date caused it, or its person has a start, an end or a role window. */
export function isDated(op: Operation, org: Organisation): boolean {
  if (op.cause || op.window) return true;
  const person = org.peopleByKey.get(op.key);
  return person !== undefined && hasDates(person);
}

/** The plan without its dated operations (and what waited on them), and those apart. */
export function withoutDatedOperations(plan: Plan, org: Organisation): { plan: Plan; refused: { vendor: string; operation: Operation }[] } {
  // What waits on a refused operation (a rep whose new manager is a future starter) waits with it: the one narrowing helper.
  const narrowed = narrowPlan(plan, (op) => (isDated(op, org) ? "dated, and the runner's clock is not to be trusted" : undefined));
  return { plan: narrowed.plan, refused: narrowed.leftOut.map(({ vendor, operation }) => ({ vendor, operation })) };
}

/** "2 days 3 hours", "7 minutes", "45 seconds". */
export function duration(ms: number): string {
  const units: [string, number][] = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1000],
  ];
  const parts: string[] = [];
  // Beyond an hour, seconds are noise (answers take time to travel): to the nearest minute.
  let left = ms >= 3_600_000 ? Math.round(ms / 60_000) * 60_000 : ms;
  for (const [name, size] of units) {
    const n = Math.floor(left / size);
    if (n > 0 && parts.length < 2) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
    left -= n * size;
    if (parts.length > 0 && n === 0) break;
  }
  return parts.length ? parts.join(' ') : 'less than a second';
}
