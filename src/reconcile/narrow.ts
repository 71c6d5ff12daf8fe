import { summarise } from './plan.js';
import type { Operation, Plan, VendorPlan } from './types.js';

/** An operation a narrowed plan left out, and why: its own reason, or the operation it waited for. */
export interface LeftOut {
  vendor: string;
  operation: Operation;
  reason: string;
  /** Set when it was left out only because it waits for one that was (a report waiting for its manager's create). */
  waitsFor?: string;
}

/** Says why an operation must go, or undefined to keep it. */
export type LeaveOut = (operation: Operation, vendor: VendorPlan) => string | undefined;

/**
 * The one way a plan gets smaller (`apply --due`, `--vendor`, a saved plan checked against live users):
 * the operations `leaveOut` names go with their reason, and so, transitively, does every operation that
 * waits for one of them (a report whose manager's create goes is never created without the manager). A
 * dependency on a person the plan does not create or reactivate (a user who exists) stays met.
 */
export function narrowPlan(plan: Plan, leaveOut: LeaveOut): { plan: Plan; leftOut: LeftOut[] } {
  const leftOut: LeftOut[] = [];
  const vendors = plan.vendors.map((vendor) => {
    const narrowed = narrowVendorPlan(vendor, (op) => leaveOut(op, vendor));
    leftOut.push(...narrowed.leftOut);
    return narrowed.plan;
  });
  return { plan: { ...plan, vendors, summary: summarise(vendors) }, leftOut };
}

/** narrowPlan for one vendor's plan: dependencies never cross vendors. */
export function narrowVendorPlan(vendor: VendorPlan, leaveOut: (operation: Operation) => string | undefined): { plan: VendorPlan; leftOut: LeftOut[] } {
  const leftOut: LeftOut[] = [];
  const gone = new Set<Operation>();
  for (const op of vendor.operations) {
    const reason = leaveOut(op);
    if (reason === undefined) continue;
    gone.add(op);
    leftOut.push({ vendor: vendor.vendor, operation: op, reason });
  }
  // A key is "arriving" when the plan creates or reactivates it; a dependant waits for exactly those.
  const isArrival = (op: Operation) => op.action === 'create' || op.action === 'reactivate';
  const plannedArrivals = new Set(vendor.operations.filter(isArrival).map((op) => op.key));
  const keptArrivals = new Map<string, number>();
  for (const op of vendor.operations) if (isArrival(op) && !gone.has(op)) keptArrivals.set(op.key, (keptArrivals.get(op.key) ?? 0) + 1);
  // To any depth: a -> b -> c, with a gone, b goes, and with b gone, c goes.
  for (let changed = gone.size > 0; changed; ) {
    changed = false;
    for (const op of vendor.operations) {
      if (gone.has(op)) continue;
      const unmet = op.dependsOn.find((key) => plannedArrivals.has(key) && (keptArrivals.get(key) ?? 0) - (isArrival(op) && op.key === key ? 1 : 0) <= 0);
      if (unmet === undefined) continue;
      const cause = leftOut.find((l) => l.operation.key === unmet && isArrival(l.operation));
      gone.add(op);
      if (isArrival(op)) keptArrivals.set(op.key, (keptArrivals.get(op.key) ?? 1) - 1);
      leftOut.push({
        vendor: vendor.vendor,
        operation: op,
        reason: `waits for the ${cause?.operation.action ?? 'arrival'} of ${unmet}, which is left out${cause ? ` (${cause.reason})` : ''}`,
        waitsFor: unmet,
      });
      changed = true;
    }
  }
  return { plan: gone.size === 0 ? vendor : { ...vendor, operations: vendor.operations.filter((op) => !gone.has(op)) }, leftOut };
}

/** Keeps only the named vendor instances (`--vendor`); the others are left out whole, with the reason. */
export function narrowToVendors(plan: Plan, names: readonly string[]): { plan: Plan; leftOut: LeftOut[] } {
  if (names.length === 0) return { plan, leftOut: [] };
  const wanted = new Set(names);
  const leftOut: LeftOut[] = [];
  const vendors = plan.vendors.filter((vendor) => {
    if (wanted.has(vendor.vendor)) return true;
    for (const operation of vendor.operations) leftOut.push({ vendor: vendor.vendor, operation, reason: `vendor ${vendor.vendor} is not among --vendor ${names.join(', ')}` });
    return false;
  });
  return { plan: { ...plan, vendors, summary: summarise(vendors) }, leftOut };
}
