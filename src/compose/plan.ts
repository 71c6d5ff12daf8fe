import type { Organisation } from '../config/model.js';
import type { DatedPlanning } from '../desired/dated.js';
import { desiredStage, desiredStageOf } from '../desired/stage.js';
import { planTargets, readTarget as readTargetRecords, type PlanReading as EnginePlanReading } from '../reconcile/plan.js';
import type { LiveRead, ReadProgress } from '../reconcile/read.js';
import type { PlanTarget } from './targets.js';
import type { Plan } from '../reconcile/types.js';
import type { VendorModule, VendorReader } from '../vendors/types.js';
import { collectAfterLargeReads } from './memory.js';

/** How a plan reads vendors read by key, with each target's whole vendor module. */
export type PlanReading = EnginePlanReading<VendorModule>;

/*
 * Composition of planning: the desired stage (src/desired) builds each vendor's desired records from the
 * organisation, then the engine (src/reconcile) reads the live users and plans. Commands call these.
 */

/** Plans every target as of `calendar.asOf` (now by default); see planTargets. */
export function buildPlan(org: Organisation, targets: PlanTarget[], calendar: Partial<DatedPlanning> = {}, reading: PlanReading = {}): Promise<Plan> {
  return planTargets(targets, desiredStageOf(org, calendar), { settle: collectAfterLargeReads, ...reading });
}

/** A vendor's live state as plan reads it (the engine's readTarget), for the organisation's desired records. */
export function readTarget(
  org: Organisation,
  target: Pick<PlanTarget, 'module' | 'config'> & { reader: VendorReader; name?: string },
  options: { only?: ReadonlySet<string>; progress?: ReadProgress } = {},
): Promise<LiveRead> {
  return readTargetRecords(target, desiredStage(org, target), options);
}
