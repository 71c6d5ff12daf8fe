import type { Organisation } from '../config/model.js';
import type { DatedPlanning } from '../desired/dated.js';
import { desiredStage, desiredStageOf } from '../desired/stage.js';
import { planTargets, readTarget as readTargetRecords, type PlanReading } from '../reconcile/plan.js';
import type { LiveRead, ReadProgress } from '../reconcile/read.js';
import type { PlanTarget } from '../reconcile/target.js';
import type { Plan } from '../reconcile/types.js';
import type { VendorReader } from '../vendors/types.js';

/*
 * Composition of planning: the desired stage (src/desired) builds each vendor's desired records from the
 * organisation, then the engine (src/reconcile) reads the live users and plans. Commands call these.
 */

/** Plans every target as of `calendar.asOf` (now by default); see planTargets. */
export function buildPlan(org: Organisation, targets: PlanTarget[], calendar: Partial<DatedPlanning> = {}, reading: PlanReading = {}): Promise<Plan> {
  return planTargets(targets, desiredStageOf(org, calendar), reading);
}

/** A vendor's live state as plan reads it (the engine's readTarget), for the organisation's desired records. */
export function readTarget(
  org: Organisation,
  target: Pick<PlanTarget, 'module' | 'config'> & { reader: VendorReader; name?: string },
  options: { only?: ReadonlySet<string>; progress?: ReadProgress } = {},
): Promise<LiveRead> {
  return readTargetRecords(target, desiredStage(org, target), options);
}
