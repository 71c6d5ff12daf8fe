import { datedEvents, describeEvent, type DatedEvent } from '../config/as-of.js';
import { localDay } from '../config/dates.js';
import type { Organisation } from '../config/model.js';
import type { VendorTarget } from '../compose/targets.js';
import type { Plan } from '../reconcile/types.js';
import type { LiveRecord, ReadKey, VendorReader } from '../vendors/types.js';

/*
 * The reviewed checksum and the calendar (issue 22). A plan reviewed on Monday lists Tuesday's starter
 * in its schedule; merged on Tuesday, the same declared state against the same live users plans that
 * starter's create. The checksum leaves the instant out and covers the schedule, so the merge apply
 * checks the reviewed checksum against the plan as of every moment since the declared state last
 * changed (just before each dated change took effect, and now): one match means the reviewer saw
 * exactly this, and the changes that fell due since were reviewed as scheduled. Live users are read
 * once; the plans as of earlier moments replay that read.
 */

/** Targets whose readers answer every read after the first from the first: re-planning costs no request. */
export function replayingTargets(targets: VendorTarget[]): VendorTarget[] {
  return targets.map((target) => (target.reader ? { ...target, reader: replaying(target.reader) } : target));
}

function replaying(reader: VendorReader): VendorReader {
  if (reader.mode === 'list') {
    let listing: Promise<LiveRecord[]> | undefined;
    return { mode: 'list', list: () => (listing ??= reader.list()) };
  }
  const reads = new Map<string, Promise<LiveRecord | undefined>>();
  return {
    mode: 'byKey',
    read: (key: ReadKey) => {
      const id = JSON.stringify([key.key, key.email, key.code ?? null, key.pinned ?? null]);
      let read = reads.get(id);
      if (!read) reads.set(id, (read = reader.read(key)));
      return read;
    },
  };
}

/** A dated change and the last moment before it took effect. */
export interface Moment {
  before: Date;
  event: DatedEvent;
}

/**
 * Every dated change that took effect after `from` and no later than `to`, with the instant just before
 * it did (the first moment of its local day, less a millisecond), latest first.
 */
export function momentsBetween(org: Organisation, from: Date, to: Date): Moment[] {
  const moments: Moment[] = [];
  for (const person of org.people) {
    for (const event of datedEvents(person)) {
      const starts = startOfDay(event.effective, event.timezone);
      if (starts.getTime() > from.getTime() && starts.getTime() <= to.getTime()) moments.push({ before: new Date(starts.getTime() - 1), event });
    }
  }
  return moments.sort((a, b) => b.before.getTime() - a.before.getTime());
}

/** The first instant of a local calendar day in a timezone (DST-proof: searched, not computed from an offset). */
export function startOfDay(day: string, timezone: string): Date {
  // Every timezone's midnight lies within 15 hours of UTC's.
  let lo = Date.parse(`${day}T00:00:00Z`) - 15 * 3_600_000;
  let hi = lo + 30 * 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDay(new Date(mid), timezone) < day) lo = mid;
    else hi = mid;
  }
  return new Date(hi);
}

export interface ReviewedMatch {
  /** The plan to apply: as of now. */
  plan: Plan;
  /** Set when the checksum matched the plan as of an earlier moment: the changes that fell due since. */
  fellDue?: DatedEvent[];
  matchedAsOf?: Date;
}

/**
 * Finds the moment whose plan has the reviewed checksum. `planAsOf` re-plans (replaying live reads);
 * `now` is the plan as of now, `since` when the declared state last changed (no review is older).
 */
export async function matchReviewed(
  org: Organisation,
  now: { plan: Plan; at: Date },
  expected: (plan: Plan) => boolean,
  planAsOf: (instant: Date) => Promise<Plan>,
  since: Date,
): Promise<ReviewedMatch | undefined> {
  if (expected(now.plan)) return { plan: now.plan };
  const moments = momentsBetween(org, since, now.at);
  const tried = new Set<number>();
  for (const moment of moments) {
    if (tried.has(moment.before.getTime())) continue;
    tried.add(moment.before.getTime());
    const then = await planAsOf(moment.before);
    if (expected(then)) {
      const fellDue = moments.filter((m) => m.before.getTime() >= moment.before.getTime()).map((m) => m.event);
      return { plan: now.plan, fellDue, matchedAsOf: moment.before };
    }
  }
  return undefined;
}

/** "jane@x starts 2026-12-08 (America/Chicago)": what fell due, for the log. */
export function describeFellDue(events: DatedEvent[]): string {
  return events.map((e) => `${e.key} ${describeEvent(e)} (${e.timezone})`).join('; ');
}
