import type { DesiredRecord, LiveRecord } from '../vendors/types.js';
import type { PlanError } from './types.js';

export interface Matching {
  /** Desired key → the live record it describes. */
  matched: Map<string, LiveRecord>;
  /** Live records no desired record claims. */
  unmatched: LiveRecord[];
  /** Keys that could not be matched safely; nothing is planned for them. */
  errors: PlanError[];
  /**
   * Vendor ids of the live users a match error involves (by pinned id, email or external id): one of
   * them may well be the person in question, so prune never touches them.
   */
  contested: Set<string>;
}

/**
 * Pairs desired records with live ones: a pinned vendor id first, then the external id, then the
 * lower-cased email. Anything ambiguous is reported, never guessed: two live users with one email,
 * an external id and an email pointing at different users, or one live user claimed twice.
 */
export function matchRecords(desired: DesiredRecord[], live: LiveRecord[]): Matching {
  const byId = new Map(live.map((r) => [r.vendorId, r]));
  const byExternalId = groupBy(live.filter((r) => r.externalId), (r) => r.externalId as string);
  const byEmail = groupBy(live, (r) => r.email.toLowerCase());

  const matched = new Map<string, LiveRecord>();
  const claimedBy = new Map<string, string>();
  const errors: PlanError[] = [];
  const contested = new Set<string>();
  const contest = (want: DesiredRecord, also?: LiveRecord) => {
    const involved = [
      ...(want.pinnedId !== undefined && byId.has(want.pinnedId) ? [byId.get(want.pinnedId)!] : []),
      ...(byEmail.get(want.key) ?? []),
      ...(want.externalId ? (byExternalId.get(want.externalId) ?? []) : []),
      ...(also ? [also] : []),
    ];
    for (const record of involved) contested.add(record.vendorId);
  };

  for (const want of desired) {
    const found = findMatch(want, byId, byExternalId, byEmail);
    if ('error' in found) {
      errors.push({ key: want.key, ...found.error });
      contest(want);
      continue;
    }
    if (!found.record) continue;
    const owner = claimedBy.get(found.record.vendorId);
    if (owner) {
      errors.push({
        key: want.key,
        message: `live user ${found.record.vendorId} (${found.record.email}) is already matched to ${owner}`,
        hint: 'two people in git point at the same vendor user; check pinned ids and external ids',
      });
      contest(want, found.record);
      continue;
    }
    claimedBy.set(found.record.vendorId, want.key);
    matched.set(want.key, found.record);
  }

  const unmatched = live.filter((r) => !claimedBy.has(r.vendorId));
  return { matched, unmatched, errors, contested };
}

type Found = { record?: LiveRecord } | { error: Omit<PlanError, 'key'> };

function findMatch(
  want: DesiredRecord,
  byId: Map<string, LiveRecord>,
  byExternalId: Map<string, LiveRecord[]>,
  byEmail: Map<string, LiveRecord[]>,
): Found {
  if (want.pinnedId !== undefined) {
    const pinned = byId.get(want.pinnedId);
    if (!pinned) {
      return {
        error: {
          message: `pinned vendor id ${want.pinnedId} does not exist in the vendor`,
          hint: 'remove the pinned id to match by email, or correct it',
        },
      };
    }
    return { record: pinned };
  }

  const sameEmail = byEmail.get(want.key) ?? [];
  if (sameEmail.length > 1) {
    return {
      error: {
        message: `${sameEmail.length} live users share this email (ids ${sameEmail.map((r) => r.vendorId).join(', ')})`,
        hint: 'resolve the duplicate in the vendor, or pin the right one with vendors.<kind>.id',
      },
    };
  }

  const sameExternal = want.externalId ? (byExternalId.get(want.externalId) ?? []) : [];
  if (sameExternal.length > 1) {
    return {
      error: {
        message: `${sameExternal.length} live users share external id ${want.externalId} (ids ${sameExternal.map((r) => r.vendorId).join(', ')})`,
        hint: 'resolve the duplicate in the vendor, or pin the right one with vendors.<kind>.id',
      },
    };
  }

  const byExternal = sameExternal[0];
  const byMail = sameEmail[0];
  if (byExternal && byMail && byExternal.vendorId !== byMail.vendorId) {
    return {
      error: {
        message: `external id ${want.externalId} matches live user ${byExternal.vendorId} (${byExternal.email}) but the email matches live user ${byMail.vendorId}`,
        hint: 'pin the right one with vendors.<kind>.id',
      },
    };
  }
  return { record: byExternal ?? byMail };
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
