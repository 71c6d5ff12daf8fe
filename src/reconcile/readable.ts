import type { LiveRecord } from './records.js';
import type { PlanError } from './types.js';

export interface ReadableListing {
  /** Records the engine can reason about: an id, an email, an active flag and a fields object. */
  readable: LiveRecord[];
  /** One error per record that cannot be read, naming its vendor id. */
  errors: PlanError[];
  /** Lower-cased emails and vendor ids of the unreadable records, so nothing is planned over them. */
  blockedEmails: Set<string>;
  blockedIds: Set<string>;
  blockedExternalIds: Set<string>;
}

/**
 * Separates the live records the engine can read from those it cannot: one an adapter marked
 * `unreadable`, or one whose shape is broken (no email, an id or flag of the wrong type) from an
 * adapter that did not check. Each unreadable record is an error for itself alone; it is never
 * matched, updated or pruned, and a declared person whose email, pinned id or external id points at it is not
 * created over it.
 */
export function readableRecords(live: readonly unknown[]): ReadableListing {
  const readable: LiveRecord[] = [];
  const errors: PlanError[] = [];
  const blockedEmails = new Set<string>();
  const blockedIds = new Set<string>();
  const blockedExternalIds = new Set<string>();
  // An index loop: entries() made a pair per live user (issue 26, a cold plan's garbage).
  for (let index = 0; index < live.length; index++) {
    const record = (live[index] ?? {}) as Partial<LiveRecord>;
    const problem = record.unreadable ?? shapeProblem(record);
    if (problem === undefined) {
      readable.push(record as LiveRecord);
      continue;
    }
    const id = typeof record.vendorId === 'string' && record.vendorId !== '' ? record.vendorId : undefined;
    const email = typeof record.email === 'string' && record.email.trim() !== '' ? record.email.trim().toLowerCase() : undefined;
    if (id) blockedIds.add(id);
    if (email) blockedEmails.add(email);
    if (typeof record.externalId === 'string' && record.externalId !== '') blockedExternalIds.add(record.externalId);
    errors.push({
      ...(email ? { key: email } : {}),
      message: `live user ${id ?? `#${index + 1} of the listing (no id)`}${email ? ` (${email})` : ''} cannot be read: ${problem}`,
      hint: 'fix the user in the vendor; roster leaves it alone (no update, no prune) until it can be read',
    });
  }
  return { readable, errors, blockedEmails, blockedIds, blockedExternalIds };
}

function shapeProblem(record: Partial<LiveRecord>): string | undefined {
  if (typeof record.vendorId !== 'string' || record.vendorId === '') return 'it has no id';
  if (typeof record.email !== 'string' || record.email.trim() === '') return 'it has no email';
  if (typeof record.active !== 'boolean') return 'its active state is missing';
  if (record.fields === null || typeof record.fields !== 'object' || Array.isArray(record.fields)) return 'its fields are missing';
  if (record.externalId !== undefined && typeof record.externalId !== 'string') return 'its external id is not text';
  return undefined;
}
