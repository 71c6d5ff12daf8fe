import { summarise } from './plan.js';
import type { Operation, Plan } from './types.js';

/** An operation `apply --due` will not run, and why. */
export interface RefusedOperation {
  vendor: string;
  operation: Operation;
  reason: string;
}

/**
 * Only what a date made due: every operation with a `cause`. The rest (hand-made changes, merges not yet
 * applied) waits for a pull request or the drift issue.
 */
export function dueOnly(plan: Plan): { due: Plan; refused: RefusedOperation[] } {
  const refused: RefusedOperation[] = [];
  const vendors = plan.vendors.map((vendor) => {
    const operations = vendor.operations.filter((op) => {
      if (op.cause) return true;
      refused.push({ vendor: vendor.vendor, operation: op, reason: `no start or end reached since ${plan.since ?? 'git last changed'} explains it` });
      return false;
    });
    const kept = new Set(operations.map((op) => op.key));
    // A kept operation waits only for kept ones: a refused manager's create is nothing to wait for.
    return { ...vendor, operations: operations.map((op) => ({ ...op, dependsOn: op.dependsOn.filter((key) => kept.has(key)) })) };
  });
  return { due: { ...plan, vendors, summary: summarise(vendors) }, refused };
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
