import { datesTimezone, eventsBetween, organisationAsOf, personOnDay, scheduledEvents, type DatedEvent } from '../config/as-of.js';
import { addDays, dayAsOf, describeAsOf, type AsOf } from '../config/dates.js';
import type { Organisation, ResolvedPerson } from '../config/model.js';
import { personForVendor } from '../config/overrides.js';
import type { DesiredRecord, LiveRecord } from '../vendors/types.js';
import { planVendor, unmappedReason, type VendorPlanInput } from '../reconcile/plan-vendor.js';
import { unmappedRecord } from './unmapped.js';
import { desiredOf, type ModuleTarget } from './target.js';
import type { Operation, Plan, UpcomingChange, VendorPlan } from '../reconcile/types.js';

/**
 * Planning with the calendar, in the desired stage in front of the engine's pure planner (planVendor,
 * which it calls through DesiredStage.plan): the desired records as of a day, the
 * operations a date made (planned again as of `since` against the same live users, an operation that
 * plan lacks exists because of a date reached in between), and the dated changes coming next.
 */
export interface DatedPlanning {
  /** Plan as of this day or instant (`roster plan --at`); now by default. */
  asOf: AsOf;
  /** When git last changed the declared state: operations a date made since then get a `cause`. */
  since?: Date;
  /** How many days ahead the upcoming list looks (`dates.upcomingDays`). */
  upcomingDays: number;
}

type Target = ModuleTarget;

/**
 * The desired records as of `asOf`. A person whose roles, as of that day, no longer map onto this vendor
 * (a role window ended) but did with all their roles is offboarded there, as `active: false` would be,
 * rather than left as an unmanaged user.
 */
export function desiredRecordsAsOf(org: Organisation, target: Pick<Target, 'module' | 'config'>, asOf: AsOf, only?: (key: string) => boolean): DesiredRecord[] {
  const building = desiredRecordsAsOfInTurns(org, target, asOf, Infinity, only);
  for (;;) {
    const step = building.next();
    if (step.done) return step.value;
  }
}

/**
 * desiredRecordsAsOf a slice of `perTurn` people at a time, yielding after each slice: the desired stage of an
 * organisation with dates (stage.ts), built while a listing's pages travel as the undated stage is.
 */
export function* desiredRecordsAsOfInTurns(
  org: Organisation,
  target: Pick<Target, 'module' | 'config'>,
  asOf: AsOf,
  perTurn: number,
  /** Only these people (by key); everyone when unset. */
  only?: (key: string) => boolean,
): Generator<void, DesiredRecord[]> {
  const then = organisationAsOf(org, asOf);
  const records: DesiredRecord[] = [];
  for (let i = 0; i < then.people.length; i++) {
    if (i > 0 && i % perTurn === 0) yield;
    const person = then.people[i];
    if (only && !only(person.key)) continue;
    const record = desiredOf(person, then, target);
    if (record) {
      records.push(record);
      continue;
    }
    const declared = org.people[i];
    const always = declared === person ? undefined : desiredOf(declared, org, target);
    // Mapped with all their roles: the record they would have, inactive. Never mapped: the plain inactive
    // record stage.ts's desired stage gives a role edit, kept only where the reader asked for it (`keep`).
    records.push(always ? { ...always, active: false, unmapped: true } : unmappedRecord(personForVendor(person, target.module.kind), then, target));
  }
  return records;
}

const changesText = (op: Operation) =>
  JSON.stringify([...op.changes].sort((a, b) => (a.field < b.field ? -1 : 1)).map((c) => [c.field, c.after ?? null]));

/**
 * Marks each operation of `now` that planning as of `since` would not make, when a date of that person
 * took effect in between: its `cause`. An update that also carries changes the earlier plan makes too
 * (a hand-made change beside a role that ended) is left unmarked: part of it is nobody's date.
 */
export function markDatedCauses(now: VendorPlan, then: VendorPlan, eventsOf: (key: string) => DatedEvent[]): void {
  const earlier = new Map<string, Operation>();
  for (const op of then.operations) earlier.set(`${op.action} ${op.key}`, op);
  for (const op of now.operations) {
    const before = earlier.get(`${op.action} ${op.key}`);
    if (before) {
      if (changesText(before) === changesText(op)) continue;
      const old = new Set(before.changes.map((c) => JSON.stringify([c.field, c.after ?? null])));
      if (op.changes.some((c) => old.has(JSON.stringify([c.field, c.after ?? null])))) continue;
    }
    const events = eventsOf(op.key);
    if (events.length > 0) op.cause = { kind: 'date', events };
  }
}

/** Plans one vendor as of `dated.asOf`, marks what dates caused since `dated.since`, and each person's window. */
export function planVendorDated(
  org: Organisation,
  target: Target,
  input: Omit<VendorPlanInput, 'desired'>,
  dated: DatedPlanning,
  /** Leaves out people whose live user could not be read (a vendor read by key). */
  keep: (key: string) => boolean = () => true,
  /**
   * The records as of `dated.asOf` the engine already read with (the stage's own, desiredStageOf), `keep`
   * applied: not built a second time (at 100,000 people a second set was 30 MB, over the plan's memory target).
   */
  desiredNow: DesiredRecord[],
): VendorPlan {
  const plan = planVendor({ ...input, desired: desiredNow });
  if (dated.since) {
    const since: AsOf = { instant: dated.since };
    // Only the operation of a person with a dated event in between can be a date's (markDatedCauses marks
    // nobody else): they alone are planned as of `since`, against the live users they could match. Planning
    // everyone a second time held a second set of records and a second plan at once (356 MB at 100,000).
    const eventful = new Set<string>();
    for (const person of org.people) if (eventsBetween(person, since, dated.asOf).length > 0) eventful.add(person.key);
    if (eventful.size > 0) {
      const desired = desiredRecordsAsOf(org, target, since, (key) => eventful.has(key)).filter((record) => keep(record.key));
      const then = planVendor({ ...input, desired, live: liveTheyCouldMatch(input.live, desired) });
      markDatedCauses(plan, then, (key) => {
        const person = org.peopleByKey.get(key);
        return person ? eventsBetween(person, since, dated.asOf) : [];
      });
    }
  }
  for (const op of plan.operations) {
    const person = org.peopleByKey.get(op.key);
    if (person && person.active && (op.reason === 'offboarded in git' || op.reason === unmappedReason(target.name))) op.reason = offboardedBecause(person, dated.asOf, target.name);
    if (person && (person.startDate || person.endDate)) {
      op.window = { ...(person.startDate ? { startDate: person.startDate } : {}), ...(person.endDate ? { endDate: person.endDate } : {}), timezone: datesTimezone(person) };
    }
  }
  return plan;
}

/** The live users these people could match, by email, external id or pinned id (readable or not, as planVendor takes them). */
function liveTheyCouldMatch(live: LiveRecord[], desired: DesiredRecord[]): LiveRecord[] {
  const emails = new Set<string>();
  const externalIds = new Set<string>();
  const pinnedIds = new Set<string>();
  for (const record of desired) {
    emails.add(record.key);
    if (record.externalId) externalIds.add(record.externalId);
    if (record.pinnedId !== undefined) pinnedIds.add(record.pinnedId);
  }
  return live.filter(
    (user) =>
      (typeof user.email === 'string' && emails.has(user.email.trim().toLowerCase())) ||
      (typeof user.externalId === 'string' && externalIds.has(user.externalId)) ||
      (typeof user.vendorId === 'string' && pinnedIds.has(user.vendorId)),
  );
}

/** Why a person who is active in git is offboarded as of a day: their dates, or their roles' windows. */
function offboardedBecause(person: ResolvedPerson, asOf: AsOf, vendor: string): string {
  const day = dayAsOf(asOf, datesTimezone(person));
  if (person.startDate && day < person.startDate) return `before their startDate ${person.startDate}`;
  if (person.endDate && day > person.endDate) return `after their endDate ${person.endDate}`;
  return `none of their roles maps onto ${vendor} on ${day}`;
}

const recordText = (record: DesiredRecord | undefined) => (record ? JSON.stringify([record.active, record.fields]) : '');

/**
 * Every dated change still to come after `asOf`, however far out (issue 22: a future starter is in
 * review, and a pull request that only moves a date shows it), each with the vendors where it changes
 * something. `upcomingDays` no longer limits the list: a change beyond it is as real as one inside it.
 */
export function upcomingChanges(org: Organisation, targets: Target[], dated: DatedPlanning): UpcomingChange[] {
  const changes: UpcomingChange[] = [];
  for (const person of org.people) {
    for (const event of scheduledEvents(person, dated.asOf)) {
      const before = personOnDay(person, addDays(event.effective, -1));
      const after = personOnDay(person, event.effective);
      const vendors = targets.filter((t) => recordText(desiredOf(before, org, t)) !== recordText(desiredOf(after, org, t))).map((t) => t.name);
      changes.push({ ...event, vendors });
    }
  }
  return changes.sort((a, b) => (a.effective < b.effective ? -1 : a.effective > b.effective ? 1 : a.key < b.key ? -1 : 1));
}

/** The plan's own record of when it was evaluated, and what is coming. */
export function withCalendar(plan: Plan, org: Organisation, targets: Target[], dated: DatedPlanning): Plan {
  return {
    ...plan,
    asOf: describeAsOf(dated.asOf),
    ...(dated.since ? { since: dated.since.toISOString() } : {}),
    upcoming: upcomingChanges(org, targets, dated),
  };
}
