import { createHash } from 'node:crypto';
import type { PlanView, VendorPlanView } from './types.js';
import type { FieldValue } from '../vendors/types.js';

/**
 * A hash of what apply would do, so a merge applies exactly what a reviewer approved.
 *
 * Only the writes count: per vendor, each operation's action, key, vendor id and field changes.
 * Counts, unmanaged users, errors, reasons and the order the engine happened to produce are left
 * out, so renderers and ordering noise never change it. Vendors with nothing to do are left out
 * too, which makes the checksum of a plan narrowed to one vendor (`--vendor`) equal that vendor's
 * entry in `vendorChecksums` of the full plan.
 */
export function planChecksum(plan: PlanView): string {
  return checksumOf(plan.vendors);
}

function checksumOf(vendorPlans: VendorPlanView[]): string {
  const vendors = vendorPlans
    .filter((v) => v.operations.length > 0)
    .map(canonicalVendor)
    .sort((a, b) => compare(a.vendor, b.vendor));
  return createHash('sha256').update(JSON.stringify({ checksum: 'roster-plan/1', vendors })).digest('hex');
}

/**
 * The checksum a narrowed apply (`--vendor NAME`) expects, from the checksums a plan comment
 * carries: the vendor's own, or that of an empty plan when the reviewed plan had nothing for it.
 */
export function checksumForVendor(perVendor: Record<string, string>, vendor: string): string {
  return perVendor[vendor] ?? checksumOf([]);
}

/** One checksum per vendor instance with operations: what a matrix job applying one vendor expects. */
export function vendorChecksums(plan: PlanView): Record<string, string> {
  const sums: Record<string, string> = {};
  for (const vendor of plan.vendors) {
    if (vendor.operations.length === 0) continue;
    sums[vendor.vendor] = checksumOf([vendor]);
  }
  return sums;
}

export interface ChecksumVerdict {
  ok: boolean;
  /** The checksum of the plan computed now. */
  actual: string;
  /** One sentence for the terminal: why apply may or may not go on. */
  message: string;
}

/** Compares the plan computed now with the checksum of the plan a reviewer approved. */
export function verifyChecksum(plan: PlanView, expected: string): ChecksumVerdict {
  const actual = planChecksum(plan);
  const wanted = expected.trim().toLowerCase();
  if (actual === wanted) return { ok: true, actual, message: `the plan matches the reviewed plan (checksum ${actual})` };
  const message = !/^[0-9a-f]{64}$/.test(wanted)
    ? `--expect-checksum "${expected}" is not a plan checksum (64 hex characters, as in the plan comment); nothing was applied`
    : `the plan computed now (checksum ${actual}) differs from the reviewed plan (checksum ${wanted}); nothing was applied. ` +
      'Live users or the declared state changed since the review: run `roster plan` to see the plan as it is now, ' +
      'and have it reviewed again.';
  return { ok: false, actual, message };
}

function canonicalVendor(vendor: VendorPlanView) {
  const operations = vendor.operations
    .map((op) => ({
      action: op.action,
      key: op.key,
      vendorId: op.vendorId ?? null,
      changes: op.changes
        .map((c) => ({ field: c.field, before: canonicalValue(c.before), after: canonicalValue(c.after) }))
        .sort((a, b) => compare(a.field, b.field)),
    }))
    .sort((a, b) => compare(a.key, b.key) || compare(a.action, b.action) || compare(a.vendorId ?? '', b.vendorId ?? ''));
  return { vendor: vendor.vendor, kind: vendor.kind, operations };
}

/** Object keys sorted; arrays keep their order (the first Enerflo office id means something). */
function canonicalValue(value: FieldValue | undefined): FieldValue {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.slice();
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort(compare)
        .map((k) => [k, canonicalValue(value[k])]),
    );
  }
  return value;
}

/** Code-point order, not locale order: the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
