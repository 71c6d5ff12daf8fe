import crypto, { createHash } from 'node:crypto';
import type { InstanceIdentity, OperationView, PlanView, UpcomingChange, VendorPlanView } from './types.js';
import type { FieldValue } from './records.js';

/**
 * A hash of what apply would do, so a merge applies exactly what a reviewer approved (issue 22).
 *
 * It covers, per vendor instance with anything to do:
 * - the instance: kind, base URL, the ids naming the tenant and a hash of its other settings (no secret);
 * - every operation with everything its write sends: action, vendor id (the path), the whole record to
 *   send (every field, write-only and create-only ones included, the external id SimplePin sends as
 *   `user_code`, a pinned id), the live user it expects, the vendor ids of the people it references
 *   (a manager), and what it waits for;
 * - the schedule: every dated change still to come (start, end, role window), its day and timezone;
 * and, once, the hash of the declared state the plan came from (root config and users files) and, for a
 * plan that read only what a change touches (`--base`), the hash of the base's declared state.
 *
 * It is a small Merkle tree (`roster-plan/3`): each operation is a leaf (the hash of its canonical form),
 * each vendor's operations and schedule hash to one value each, and the checksum is the hash of those, the
 * instance, the declared state and the base. The parts (SealParts) are what the plan comment's marker
 * carries, so `apply --expect-checksum` can name which part differs, and a marker whose parts do not hash
 * to its checksum is refused (checksum-seal.ts).
 *
 * The instant the plan was made as of is left out on purpose: a date reached between review and merge
 * moves a change from the schedule into the operations, and apply checks that against the plan as of
 * each moment in between (reviewed.ts). Counts, unmanaged users, errors, reasons, causes and the order
 * the engine produced are left out too, so renderers and ordering noise never change it. Vendors with
 * nothing to do are left out, which makes the checksum of a plan narrowed to one vendor (`--vendor`)
 * equal that vendor's entry in `vendorChecksums` of the full plan.
 */
export function planChecksum(plan: PlanView): string {
  return checksumOfParts(sealParts(plan));
}

/** crypto.hash (Node 20.12+): one-shot SHA-256; older Node 20 builds fall back to createHash. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

const STATEMENT = 'roster-plan/3';
const OPERATION = 'roster-op/1';

/** The parts of an operation hashed into its leaf, in the order of its short tags. */
const OPERATION_PARTS = ['key', 'action', 'vendorId', 'changes', 'desired', 'live', 'refs'] as const;

/** One operation in the seal: its leaf hash, and short tags of each part's hash that let apply name the part that differs. */
export interface OperationLeaf {
  hash: string;
  /**
   * Two hex characters of each part's hash (OPERATION_PARTS order), then `;` and `path=xx` per field of
   * the record sent, then `;` and the same for the live user expected. Only for naming a difference:
   * nothing is trusted from them, the leaf hash is checked.
   */
  tags: string;
}

/** One vendor instance in the seal. */
export interface VendorSeal {
  kind: string;
  /** The instance planned against (no secret); its canonical hash is what the checksum covers. */
  instance: InstanceIdentity | null;
  /** Hash of the dated changes still to come at this vendor. */
  schedule: string;
  /** Hash of the list of operation leaves, in canonical order. */
  operations: string;
  count: number;
  /** The leaves themselves, when the plan is small enough to carry them (MARKER_OPERATIONS). */
  leaves?: OperationLeaf[];
}

/** What a checksum is the hash of: enough to recompute it, and to say which part differs. */
export interface SealParts {
  version: 1;
  declared: string | null;
  /** The base's declared-state hash when the plan read only what the change from it touches (`--base`). */
  base: string | null;
  vendors: Record<string, VendorSeal>;
}

/**
 * The seal's parts of a plan: every vendor instance with anything to do (or those named in `only`), with
 * the operation leaves when the plan has at most `leaves` operations in all (default: always).
 */
export function sealParts(plan: PlanView, options: { only?: readonly string[]; leaves?: number } = {}): SealParts {
  const upcoming = plan.upcoming ?? [];
  const vendors: Record<string, VendorSeal> = {};
  const chosen = plan.vendors
    .filter((v) => options.only === undefined || options.only.includes(v.vendor))
    .map((v) => ({ v, schedule: upcoming.filter((u) => u.vendors.includes(v.vendor)) }))
    .filter(({ v, schedule }) => v.operations.length > 0 || schedule.length > 0)
    .sort((a, b) => compare(a.v.vendor, b.v.vendor));
  const total = chosen.reduce((n, { v }) => n + v.operations.length, 0);
  const withLeaves = total <= (options.leaves ?? Infinity);
  for (const { v, schedule } of chosen) {
    const leaves = canonicalOperations(v).map((op) => operationLeaf(op, withLeaves));
    const changes = schedule.map(canonicalChange).sort((a, b) => compare(JSON.stringify(a), JSON.stringify(b)));
    const instance = plan.seal?.instances[v.vendor];
    vendors[v.vendor] = {
      kind: v.kind,
      instance: instance ?? null,
      schedule: hashOf({ schedule: changes }),
      operations: leavesRoot(leaves),
      count: leaves.length,
      ...(withLeaves ? { leaves } : {}),
    };
  }
  return { version: 1, declared: plan.seal?.declared ?? null, base: plan.seal?.base ?? null, vendors };
}

/** The checksum the parts hash to, for every vendor in them or those named in `only`. */
export function checksumOfParts(parts: SealParts, only?: readonly string[]): string {
  const names = Object.keys(parts.vendors)
    .filter((name) => only === undefined || only.includes(name))
    .sort(compare);
  if (names.length === 0) return EMPTY;
  const vendors = names.map((name) => {
    const v = parts.vendors[name];
    return { vendor: name, kind: v.kind, instance: v.instance ? hashOf(canonicalValue(v.instance as unknown as FieldValue)) : null, schedule: v.schedule, operations: v.operations, count: v.count };
  });
  return hashOf({ checksum: STATEMENT, declared: parts.declared, base: parts.base, vendors });
}

/** The hash of a vendor's operation leaves: what a seal's `operations` must equal when it lists its leaves. */
export function leavesRoot(leaves: readonly OperationLeaf[]): string {
  return hashOf({ operations: OPERATION, leaves: leaves.map((l) => l.hash) });
}

const EMPTY = hashOf({ checksum: STATEMENT, vendors: [] });

function hashOf(statement: unknown): string {
  const text = JSON.stringify(statement);
  return oneShot ? oneShot('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
}

/** An operation's leaf: the hash of its parts' hashes, with the short tags naming them. */
function operationLeaf(op: ReturnType<typeof canonicalOperation>, tagged = true): OperationLeaf {
  // One hash over the whole canonical operation: as cheap as the checksum was before it had leaves.
  const hash = hashOf({ operation: OPERATION, op });
  // Tags only name a difference (never trusted: the leaf is what is checked): skipped when leaves are not kept.
  if (!tagged) return { hash, tags: '' };
  const parts: Record<(typeof OPERATION_PARTS)[number], unknown> = {
    key: op.key,
    action: op.action,
    vendorId: op.vendorId ?? '',
    changes: op.changes,
    desired: op.desired ?? '',
    live: op.live ?? '',
    refs: { refs: op.refs, dependsOn: op.dependsOn },
  };
  const top = OPERATION_PARTS.map((p) => partTag(parts[p])).join('');
  return { hash, tags: `${top};${recordTags(op.desired).join(',')};${recordTags(op.live).join(',')}` };
}

/** The short tag of one part of an operation: two hex characters of its hash (only ever used to name a difference). */
export function partTag(value: unknown): string {
  return hashOf(value).slice(0, 2);
}

/** `email=3f`, `fields.role=a0`: two hex characters of each field of the record sent (names only; a value never shows). */
function recordTags(desired: FieldValue): string[] {
  if (desired === null || typeof desired !== 'object' || Array.isArray(desired)) return [];
  const tags: string[] = [];
  for (const [name, value] of Object.entries(desired)) {
    if (name === 'key' || name === 'dependsOn' || name === 'vendorId') continue;
    if (name === 'fields' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [field, inner] of Object.entries(value)) if (SAFE_NAME.test(field)) tags.push(`fields.${field}=${partTag({ field, value: inner })}`);
    } else if (SAFE_NAME.test(name)) {
      tags.push(`${name}=${partTag({ field: name, value })}`);
    }
  }
  return tags.sort(compare);
}

const SAFE_NAME = /^[A-Za-z0-9_-]{1,40}$/;

/** A vendor's operations as the checksum sees them, in canonical order. */
export function canonicalOperations(vendor: VendorPlanView) {
  return vendor.operations
    .map((op) => canonicalOperation(op, vendor.ids))
    .sort((a, b) => compare(a.key, b.key) || compare(a.action, b.action) || compare(a.vendorId ?? '', b.vendorId ?? ''));
}

/** Each operation's leaf, in canonical order, with the operation it comes from: for naming a difference. */
export function operationLeaves(vendor: VendorPlanView): { leaf: OperationLeaf; key: string; action: string }[] {
  return canonicalOperations(vendor).map((op) => ({ leaf: operationLeaf(op, true), key: op.key, action: op.action }));
}

/** Short tags of the parts of an operation, as OperationLeaf.tags writes them, for naming a difference. */
export const operationPartNames = OPERATION_PARTS;

/**
 * The checksum a narrowed apply (`--vendor NAME`) expects, from the checksums a plan comment
 * carries: the vendor's own, or that of an empty plan when the reviewed plan had nothing for it.
 */
export function checksumForVendor(perVendor: Record<string, string>, vendor: string): string {
  return perVendor[vendor] ?? EMPTY;
}

/** One checksum per vendor instance with anything to do: what a matrix job applying one vendor expects. */
export function vendorChecksums(plan: PlanView): Record<string, string> {
  const parts = sealParts(plan);
  return Object.fromEntries(Object.keys(parts.vendors).map((name) => [name, checksumOfParts(parts, [name])]));
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

function canonicalChange(change: UpcomingChange) {
  return {
    key: change.key,
    kind: change.kind,
    role: change.role ?? null,
    date: change.date,
    effective: change.effective,
    timezone: change.timezone,
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
