import { organisationHasDates } from '../config/as-of.js';
import type { Organisation } from '../config/model.js';
import { personForVendor } from '../config/overrides.js';
import type { DesiredStage } from '../reconcile/plan.js';
import type { DesiredRecord, VendorModule } from '../vendors/types.js';
import { desiredRecordsAsOf, desiredRecordsAsOfInTurns, planVendorDated, withCalendar, type DatedPlanning } from './dated.js';
import { desiredOf, type ModuleTarget } from './target.js';
import { unmappedRecord } from './unmapped.js';

export type { ModuleTarget };

/*
 * The desired stage, in front of the engine: from the resolved organisation to the desired records of
 * each vendor instance, as of a day. It is the one part of planning that reads config; the engine
 * (src/reconcile) receives its records through DesiredStage and imports neither it nor config.
 */

/** The desired records of every person whose roles map onto this vendor instance. */
export function desiredRecords(org: Organisation, target: Pick<ModuleTarget, 'module' | 'config'>): DesiredRecord[] {
  const records: DesiredRecord[] = [];
  for (const person of org.people) {
    const record = desiredOf(person, org, target);
    if (record) records.push(record);
  }
  return records;
}

/**
 * The engine's desired stage: every declared person, with an inactive `unmapped` record for each one whose
 * roles do not map onto the vendor. A role edit that takes a vendor away then offboards the account there,
 * as a role window ending does (dated.ts), instead of leaving it as a user "not described in git"; where
 * there is no account, nothing happens. A vendor read by key reads each of them by key too (SimplePin: the
 * user_code the module's unmappedKeys gives), a request each: without it, a role edit would leave their
 * user active there while a role window deactivates it. A plan --base reads only those a change touches,
 * and a role edit touches the person it edits (touched.ts).
 */
export function desiredStage(org: Organisation, target: Pick<ModuleTarget, 'module' | 'config'>): DesiredRecord[] {
  const building = desiredStageInTurns(org, target, Infinity);
  for (;;) {
    const step = building.next();
    if (step.done) return step.value;
  }
}

/** People per slice of desiredStageInTurns: a few milliseconds of records at most between two turns of the event loop. */
const PEOPLE_PER_TURN = 500;

/** desiredStage a slice of `perTurn` people at a time, yielding after each slice (the engine's DesiredStage.recordsInTurns). */
export function* desiredStageInTurns(org: Organisation, target: Pick<ModuleTarget, 'module' | 'config'>, perTurn = PEOPLE_PER_TURN): Generator<void, DesiredRecord[]> {
  const records: DesiredRecord[] = [];
  // An index loop: once per person, mostly before it is optimised (issue 26).
  for (let i = 0; i < org.people.length; i++) {
    if (i > 0 && i % perTurn === 0) yield;
    const person = org.people[i];
    records.push(desiredOf(person, org, target) ?? unmappedRecord(personForVendor(person, target.module.kind), org, target));
  }
  return records;
}

/**
 * The desired stage as the engine takes it (reconcile/plan.ts, DesiredStage): records as of now, or, for
 * an organisation with dates, as of `calendar.asOf` (now by default) with what dates caused since
 * `calendar.since` and the changes coming next; an organisation without any dates plans as it always did.
 */
export function desiredStageOf(org: Organisation, calendar: Partial<DatedPlanning> = {}): DesiredStage<VendorModule> {
  const records: DesiredStage<VendorModule>['records'] = (target) => desiredStage(org, target);
  const recordsInTurns: DesiredStage<VendorModule>['recordsInTurns'] = (target) => desiredStageInTurns(org, target);
  if (!organisationHasDates(org)) return { records, recordsInTurns };
  const dated: DatedPlanning = { asOf: calendar.asOf ?? { instant: new Date() }, since: calendar.since, upcomingDays: calendar.upcomingDays ?? org.config.dates?.upcomingDays ?? 14 };
  // The records the engine reads with are those of the day planned, and its planning takes them as read:
  // one set of records per target, not the undated ones for reading and the day's again for planning.
  return {
    records: (target) => desiredRecordsAsOf(org, target, dated.asOf),
    recordsInTurns: (target) => desiredRecordsAsOfInTurns(org, target, dated.asOf, PEOPLE_PER_TURN),
    plan: (target, input, keep, desired) => planVendorDated(org, target, input, dated, keep, desired),
    finish: (plan, targets) => withCalendar(plan, org, targets, dated),
  };
}
