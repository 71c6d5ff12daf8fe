import { narrowPlan, type LeftOut } from './narrow.js';
import { summarise } from './plan.js';
import type { Operation, Plan } from './types.js';

/** An operation `apply --due` will not run, and why (not due itself, or waiting for one that is not). */
export type RefusedOperation = LeftOut;

/**
 * Only what a date made due: every operation with a `cause`, less those that wait for one that is not due
 * (a report whose manager's create is not due is not created without the manager). The rest (hand-made
 * changes, merges not yet applied) waits for a pull request or the drift issue.
 */
export function dueOnly(plan: Plan): { due: Plan; refused: RefusedOperation[] } {
  const { plan: due, leftOut } = narrowPlan(plan, (op) =>
    op.cause ? undefined : `no start or end reached since ${plan.since ?? 'git last changed'} explains it`,
  );
  return { due, refused: leftOut };
}

/** A dated operation not applied yet: what drift reports as pending rather than as drift. */
export interface PendingDated {
  vendor: string;
  operation: Operation;
}

/**
 * The plan without what dates made due (drift does not report those as drift: `apply --due` will do
 * them), and those operations apart.
 */
export function withoutDated(plan: Plan): { undated: Plan; pending: PendingDated[] } {
  const pending: PendingDated[] = [];
  const vendors = plan.vendors.map((vendor) => ({
    ...vendor,
    operations: vendor.operations.filter((op) => {
      if (!op.cause) return true;
      pending.push({ vendor: vendor.vendor, operation: op });
      return false;
    }),
  }));
  return { undated: { ...plan, vendors, summary: summarise(vendors) }, pending };
}
