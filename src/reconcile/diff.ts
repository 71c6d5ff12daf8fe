import { isDeepStrictEqual } from 'node:util';
import type { DesiredRecord, FieldSpec, FieldValue, LiveRecord } from './records.js';
import type { Change } from './types.js';

const NONE: ReadonlySet<string> = new Set();

/**
 * Field-by-field changes from live to desired. Only fields the desired record carries are managed:
 * a field git leaves out (no phone declared, say) is never cleared. Both sides arrive normalised by
 * the vendor's mapping, so equality here is plain deep equality. `undiffed` fields (undiffedFields) are
 * sent but never compared.
 */
export function diffFields(desired: DesiredRecord, live: LiveRecord, undiffed: ReadonlySet<string> = NONE): Change[] {
  const changes: Change[] = [];
  const wanted = desired.fields;
  // An index loop over the keys, not Object.entries: a pair per field of every person was most of a cold plan's diff time (issue 26).
  const fields = Object.keys(wanted);
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    const after = wanted[field];
    if (after === undefined || undiffed.has(field)) continue;
    const before = live.fields[field];
    // The same object on both sides (HighLevel shares one per permission set) has nothing to diff.
    if (before === after) continue;
    if (isRecord(after) && isRecord(before)) changes.push(...diffObject(field, before, after));
    else if (!sameValue(before, after)) changes.push({ field, before, after });
  }
  return changes;
}

/** Object fields (permission sets) diff key by key, as `permissions.websitesEnabled`, in key order. */
function diffObject(field: string, before: Record<string, FieldValue>, after: Record<string, FieldValue>): Change[] {
  const changes: Change[] = [];
  for (const key in after) {
    if (!sameValue(before[key], after[key])) changes.push({ field: `${field}.${key}`, before: before[key], after: after[key] });
  }
  // Sorting the few changes found, not every key of every person's object: most people match.
  return changes.length > 1 ? changes.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0)) : changes;
}

function isRecord(value: FieldValue | undefined): value is Record<string, FieldValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The top-level field a change is about (`permissions` for `permissions.websitesEnabled`). */
export function topField(field: string): string {
  const dot = field.indexOf('.');
  return dot === -1 ? field : field.slice(0, dot);
}

export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (a === b) return true;
  const emptyA = a === undefined || a === null || a === '';
  const emptyB = b === undefined || b === null || b === '';
  if (emptyA || emptyB) return emptyA && emptyB;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    const flat = sameTextList(a, b);
    if (flat !== undefined) return flat;
  }
  return isDeepStrictEqual(a, b);
}

/**
 * Two lists of text (roles, office ids) compared element by element, as isDeepStrictEqual would find them
 * but without its generic walk (a cold plan compares one or two lists per person); undefined when either
 * holds anything but text or is not a plain array, left to isDeepStrictEqual. A FieldValue list is a plain
 * array of its elements (records.ts), so there are no other properties to compare.
 */
function sameTextList(a: readonly unknown[], b: readonly unknown[]): boolean | undefined {
  if (Object.getPrototypeOf(a) !== Array.prototype || Object.getPrototypeOf(b) !== Array.prototype) return undefined;
  let same = true;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x !== 'string' || typeof y !== 'string') return undefined;
    if (x !== y) same = false;
  }
  return same;
}

/** Every field of a record as changes from nothing, for creates. */
export function fieldsAsChanges(desired: DesiredRecord): Change[] {
  const changes: Change[] = [{ field: 'email', after: desired.email }];
  const fields = Object.keys(desired.fields);
  for (let i = 0; i < fields.length; i++) {
    const after = desired.fields[fields[i]];
    if (after !== undefined && after !== null && after !== '') changes.push({ field: fields[i], after });
  }
  return changes;
}

/** The names of a vendor's create-only fields: set at create, never changed afterwards. */
export function createOnlyFields(fields: FieldSpec[]): readonly string[] {
  return fields.filter((f) => f.createOnly).map((f) => f.name);
}

/** The names of a vendor's fields that are never diffed: create-only ones, and write-only ones no read returns. */
export function undiffedFields(fields: FieldSpec[]): ReadonlySet<string> {
  return new Set(fields.filter((f) => f.createOnly || f.writeOnly).map((f) => f.name));
}

/**
 * Create-only fields whose live value differs from git: no operation can change them, so the plan only
 * says so. A live value the vendor does not return (null) says nothing, and is no difference.
 */
export function createOnlyDifferences(desired: DesiredRecord, live: LiveRecord, createOnly: readonly string[]): Change[] {
  const changes: Change[] = [];
  for (let i = 0; i < createOnly.length; i++) {
    const field = createOnly[i];
    const after = desired.fields[field];
    const before = live.fields[field];
    if (after === undefined || before === undefined || before === null) continue;
    if (!sameValue(before, after)) changes.push({ field, before, after });
  }
  return changes;
}
