import { createHash } from 'node:crypto';
import type { InstanceIdentity, OperationView, PlanView, UpcomingChange, VendorPlanView } from './types.js';
import type { FieldValue } from '../vendors/types.js';

/**
 * A hash of what apply would do, so a merge applies exactly what a reviewer approved (issue 22).
 *
 * It covers, per vendor instance with anything to do:
 * - the instance: kind, base URL, the ids naming the tenant and a hash of its other settings (no secret);
 * - every operation with everything its write sends: action, vendor id (the path), the whole record to
 *   send (every field, write-only and create-only ones included, the external id SimplePin sends as
 *   `user_code`, a pinned id), the live user it expects, the vendor ids of the people it references
 *   (a manager), and what it waits for;
 * - the schedule: every dated change still to come (start, end, role window), its day and timezone,
 *   and the vendors where it changes something;
 * and, once, the hash of the declared state the plan came from (root config and users files).
 *
 * The instant the plan was made as of is left out on purpose: a date reached between review and merge
 * moves a change from the schedule into the operations, and apply checks that against the plan as of
 * each moment in between (reviewed.ts). Counts, unmanaged users, errors, reasons, causes and the order
 * the engine produced are left out too, so renderers and ordering noise never change it. Vendors with
 * nothing to do are left out, which makes the checksum of a plan narrowed to one vendor (`--vendor`)
 * equal that vendor's entry in `vendorChecksums` of the full plan.
 */
export function planChecksum(plan: PlanView): string {
  return hashOf(planStatement(plan));
}

/** The object whose canonical JSON is hashed: what `roster plan --format json` shows as `sealed`. */
export function planStatement(plan: PlanView, only?: string): object {
  const declared = plan.seal?.declared ?? null;
  const scheduleOf = (vendor: string) => (plan.upcoming ?? []).filter((u) => u.vendors.includes(vendor));
  const vendors = plan.vendors
    .filter((v) => (only === undefined || v.vendor === only) && (v.operations.length > 0 || scheduleOf(v.vendor).length > 0))
    .map((v) => canonicalVendor(v, plan.seal?.instances[v.vendor]))
    .sort((a, b) => compare(a.vendor, b.vendor));
  if (vendors.length === 0) return { checksum: STATEMENT, vendors: [] };
  const names = new Set(vendors.map((v) => v.vendor));
  const schedule = (plan.upcoming ?? [])
    .map((u) => canonicalChange(u, names))
    .filter((u) => u.vendors.length > 0)
    .sort((a, b) => compare(JSON.stringify(a), JSON.stringify(b)));
  return { checksum: STATEMENT, declared, vendors, schedule };
}

const STATEMENT = 'roster-plan/2';

function hashOf(statement: object): string {
  return createHash('sha256').update(JSON.stringify(statement)).digest('hex');
}

/**
 * The checksum a narrowed apply (`--vendor NAME`) expects, from the checksums a plan comment
 * carries: the vendor's own, or that of an empty plan when the reviewed plan had nothing for it.
 */
export function checksumForVendor(perVendor: Record<string, string>, vendor: string): string {
  return perVendor[vendor] ?? hashOf({ checksum: STATEMENT, vendors: [] });
}

/** One checksum per vendor instance with anything to do: what a matrix job applying one vendor expects. */
export function vendorChecksums(plan: PlanView): Record<string, string> {
  const sums: Record<string, string> = {};
  for (const vendor of plan.vendors) {
    const statement = planStatement(plan, vendor.vendor) as { vendors: unknown[] };
    if (statement.vendors.length > 0) sums[vendor.vendor] = hashOf(statement);
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

/** Whether `expected` is written as a plan checksum (64 hex characters). */
export function isChecksum(expected: string): boolean {
  return /^[0-9a-f]{64}$/.test(expected.trim().toLowerCase());
}

/**
 * Compares the plan computed now with the checksum of the plan a reviewer approved. `cause` says what
 * the caller found out about a difference (reviewed.ts tries every moment since the declared state changed).
 */
export function verifyChecksum(plan: PlanView, expected: string, cause?: string): ChecksumVerdict {
  const actual = planChecksum(plan);
  const wanted = expected.trim().toLowerCase();
  if (actual === wanted) return { ok: true, actual, message: `the plan matches the reviewed plan (checksum ${actual})` };
  const message = !isChecksum(wanted)
    ? `--expect-checksum "${expected}" is not a plan checksum (64 hex characters, as in the plan comment); nothing was applied`
    : `the plan computed now (checksum ${actual}) differs from the reviewed plan (checksum ${wanted}); nothing was applied. ` +
      (cause ??
        'Live users, the declared state or a vendor instance changed since the review: run `roster plan` to see the plan as it is now, ' +
          'and have it reviewed again.');
  return { ok: false, actual, message };
}

function canonicalVendor(vendor: VendorPlanView, instance: InstanceIdentity | undefined) {
  const operations = vendor.operations
    .map((op) => canonicalOperation(op, vendor.ids))
    .sort((a, b) => compare(a.key, b.key) || compare(a.action, b.action) || compare(a.vendorId ?? '', b.vendorId ?? ''));
  return { vendor: vendor.vendor, kind: vendor.kind, instance: instance ? canonicalValue(instance as unknown as FieldValue) : null, operations };
}

/**
 * One operation as the checksum sees it: everything its write sends, and nothing a renderer adds.
 * `ids` are the vendor ids of matched people: those the record names (a manager) are part of what is sent.
 */
export function canonicalOperation(op: OperationView, ids: Record<string, string>) {
  const named = new Set<string>(op.dependsOn);
  if (op.desired) collectStrings(op.desired.fields, named);
  const refs = Object.fromEntries(
    [...named]
      .filter((key) => Object.hasOwn(ids, key))
      .sort(compare)
      .map((key) => [key, ids[key]]),
  );
  return {
    action: op.action,
    key: op.key,
    vendorId: op.vendorId ?? null,
    changes: op.changes
      .map((c) => ({ field: c.field, before: canonicalValue(c.before), after: canonicalValue(c.after) }))
      .sort((a, b) => compare(a.field, b.field)),
    dependsOn: [...op.dependsOn].sort(compare),
    desired: op.desired ? canonicalValue(op.desired as unknown as FieldValue) : null,
    live: op.live ? canonicalValue(op.live as unknown as FieldValue) : null,
    refs,
  };
}

/** Where two operations differ, as paths a person can read: `desired.fields.role`, `vendorId`, `desired.externalId`. */
export function differingParts(a: unknown, b: unknown, at = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(a) || !isObject(b) || at.split('.').length > 3) return [at || '(the whole operation)'];
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort(compare);
  return keys.flatMap((k) => differingParts(ao[k], bo[k], at ? `${at}.${k}` : k));
}

function canonicalChange(change: UpcomingChange, names: Set<string>) {
  return {
    key: change.key,
    kind: change.kind,
    role: change.role ?? null,
    date: change.date,
    effective: change.effective,
    timezone: change.timezone,
    vendors: change.vendors.filter((v) => names.has(v)).sort(compare),
  };
}

function collectStrings(value: FieldValue | undefined, into: Set<string>): void {
  if (typeof value === 'string') into.add(value.toLowerCase());
  else if (Array.isArray(value)) value.forEach((v) => into.add(v.toLowerCase()));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => collectStrings(v, into));
}

/** Object keys sorted, undefined left out; arrays keep their order (the first Enerflo office id means something). */
function canonicalValue(value: FieldValue | undefined): FieldValue {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => canonicalValue(v)) as FieldValue;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => value[k] !== undefined)
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
