import type { DesiredRecord, LiveRecord } from './records.js';
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
  /**
   * Unmatched live users whose email (or external id) a declared person carries, by vendor id → that
   * person's key: a second account of someone git describes, never pruned as "not described in git".
   */
  secondAccounts: Map<string, string>;
}

/**
 * Pairs desired records with live ones as set arithmetic, so the order of names never decides anything.
 * Each declared person claims at most one live user: a pinned vendor id, else the external id, else the
 * lower-cased email (an ambiguous claim is an error for that person). Then every live user claimed by
 * two or more people, by any mix of those three, is an intersection with no "first": it is an error for
 * every claimant, and the user is contested (never updated, never pruned).
 */
export function matchRecords(desired: DesiredRecord[], live: LiveRecord[]): Matching {
  // Index loops and no throwaway arrays or pairs per person: matching runs once per plan, mostly before
  // the engine's code is optimised, where each iterator and allocation per person counts (issue 26).
  // A user alone under its email or external id is kept as itself, not in a list of one: the lists are
  // made only for a value two users share (a list per live user was 100,000 arrays held through the plan).
  // Users by vendor id only where somebody pins one: most organisations pin nobody.
  let pins = false;
  for (let i = 0; i < desired.length && !pins; i++) pins = desired[i].pinnedId !== undefined;
  const byId = new Map<string, LiveRecord>();
  const byExternalId = new Map<string, Shared>();
  const byEmail = new Map<string, Shared>();
  for (let i = 0; i < live.length; i++) {
    const record = live[i];
    if (pins) byId.set(record.vendorId, record);
    if (record.externalId) addTo(byExternalId, record.externalId, record);
    addTo(byEmail, record.email.toLowerCase(), record);
  }

  const errors: PlanError[] = [];
  const contested = new Set<string>();
  const involvedIn = (want: DesiredRecord): LiveRecord[] => [
    ...(want.pinnedId !== undefined && byId.has(want.pinnedId) ? [byId.get(want.pinnedId)!] : []),
    ...listOf(byEmail.get(want.key)),
    ...(want.externalId ? listOf(byExternalId.get(want.externalId)) : []),
  ];

  // Who reaches each live user, by vendor id, and how: a pinned id alone (it says which user is the
  // person's), otherwise the external id and the email, whether or not the person's own match is clear.
  // Nearly every user is reached by one person, so the first is kept in one flat map (the person itself:
  // how they reach the user is worked out only for a message, reachedBy) and only a user a second person
  // reaches gets a map of its own: a map per live user was tens of MB at 100,000 (issue 26).
  const firstReach = new Map<string, DesiredRecord>();
  const moreReach = new Map<string, { record: LiveRecord; claimants: Map<string, DesiredRecord> }>();
  const reach = (record: LiveRecord, want: DesiredRecord) => {
    const first = firstReach.get(record.vendorId);
    if (!first) {
      firstReach.set(record.vendorId, want);
      return;
    }
    if (first.key === want.key) return;
    let more = moreReach.get(record.vendorId);
    if (!more) moreReach.set(record.vendorId, (more = { record, claimants: new Map([[first.key, first]]) }));
    if (!more.claimants.has(want.key)) more.claimants.set(want.key, want);
  };
  const found = new Map<string, LiveRecord>();
  const failed = new Set<string>();
  for (let i = 0; i < desired.length; i++) {
    const want = desired[i];
    const sameEmail = listOf(byEmail.get(want.key));
    const sameExternal = want.externalId ? listOf(byExternalId.get(want.externalId)) : NONE;
    if (want.pinnedId !== undefined) {
      const pinned = byId.get(want.pinnedId);
      if (pinned) reach(pinned, want);
    } else {
      for (let j = 0; j < sameExternal.length; j++) reach(sameExternal[j], want);
      for (let j = 0; j < sameEmail.length; j++) reach(sameEmail[j], want);
    }
    const match = findMatch(want, byId, sameExternal, sameEmail);
    if (match === undefined) continue;
    if (match instanceof Unmatchable) {
      errors.push({ key: want.key, ...match.error });
      failed.add(want.key);
      for (const record of involvedIn(want)) contested.add(record.vendorId);
    } else {
      found.set(want.key, match);
    }
  }

  // A live user two or more people reach is an intersection: an error for every one of them, in any order.
  // (In the order the users were first reached, as before the flat map.)
  if (moreReach.size > 0) {
    for (const vendorId of firstReach.keys()) {
      const more = moreReach.get(vendorId);
      if (!more) continue;
      const { record } = more;
      const claimants = [...more.claimants.values()];
      const who = claimants.map((want) => `${want.key} (by ${reachedBy(want, record)})`).sort(byText).join(', ');
      contested.add(vendorId);
      for (const want of claimants) {
        for (const other of involvedIn(want)) contested.add(other.vendorId);
        if (failed.has(want.key)) continue;
        failed.add(want.key);
        errors.push({
          key: want.key,
          message: `live user ${vendorId} (${record.email}) is claimed by ${claimants.length} people in git: ${who}; nothing is planned for any of them`,
          hint: 'two people in git point at the same vendor user; correct the pinned id or external id that is wrong',
        });
      }
    }
  }
  // Those that failed are dropped from what was found, in place: found's order is kept, and no copy is made.
  for (const key of failed) found.delete(key);
  const matched = found;

  // A user is claimed when the one person who reaches it matched it: every match reaches its user, and a
  // user two people reach is matched by neither (no set of claimed ids beside the maps).
  const unmatched: LiveRecord[] = [];
  for (let i = 0; i < live.length; i++) {
    const record = live[i];
    const reacher = firstReach.get(record.vendorId);
    if (reacher === undefined || matched.get(reacher.key) !== record) unmatched.push(record);
  }
  firstReach.clear();

  // A declared person's email or external id on a user nobody matched: a second account of that person.
  // Only built when some live user is unmatched, and only as large as needed: a set of keys, not a map of each key to itself.
  const secondAccounts = new Map<string, string>();
  if (unmatched.length > 0) {
    const declaredEmails = new Set<string>();
    const declaredExternal = new Map<string, string>();
    for (let i = 0; i < desired.length; i++) {
      const want = desired[i];
      declaredEmails.add(want.key);
      // The last person with an external id owns it, as `new Map(entries)` had it.
      if (want.externalId) declaredExternal.set(want.externalId, want.key);
    }
    for (const record of unmatched) {
      const email = record.email.toLowerCase();
      const owner = declaredEmails.has(email) ? email : record.externalId ? declaredExternal.get(record.externalId) : undefined;
      if (owner !== undefined) secondAccounts.set(record.vendorId, owner);
    }
  }
  return { matched, unmatched, errors, contested, secondAccounts };
}

/** The live users under one email or external id: the user itself when alone, all of them when shared. */
type Shared = LiveRecord | LiveRecord[];

function listOf(shared: Shared | undefined): readonly LiveRecord[] {
  return shared === undefined ? NONE : Array.isArray(shared) ? shared : [shared];
}

/** How a person reaches a live user, for a message: `pinned id`, or `external id`, `email`, or both. */
function reachedBy(want: DesiredRecord, record: LiveRecord): string {
  if (want.pinnedId !== undefined) return 'pinned id';
  const ways: string[] = [];
  if (want.externalId && record.externalId === want.externalId) ways.push('external id');
  if (record.email.toLowerCase() === want.key) ways.push('email');
  return ways.join(' and ');
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Why a person matches no live user safely. A class, so no live record (whatever it carries) is taken for one. */
class Unmatchable {
  constructor(readonly error: Omit<PlanError, 'key'>) {}
}

/** What a person matches: a live user, none, or why it cannot be said. */
type Found = LiveRecord | undefined | Unmatchable;

const NONE: readonly LiveRecord[] = [];

function findMatch(want: DesiredRecord, byId: Map<string, LiveRecord>, sameExternal: readonly LiveRecord[], sameEmail: readonly LiveRecord[]): Found {
  if (want.pinnedId !== undefined) {
    const pinned = byId.get(want.pinnedId);
    if (!pinned) {
      return new Unmatchable({
        message: `pinned vendor id ${want.pinnedId} does not exist in the vendor`,
        hint: 'remove the pinned id to match by email, or correct it',
      });
    }
    return pinned;
  }

  if (sameEmail.length > 1) {
    return new Unmatchable({
      message: `${sameEmail.length} live users share this email (ids ${sameEmail.map((r) => r.vendorId).join(', ')})`,
      hint: 'resolve the duplicate in the vendor, or pin the right one with vendors.<kind>.id',
    });
  }

  if (sameExternal.length > 1) {
    return new Unmatchable({
      message: `${sameExternal.length} live users share external id ${want.externalId} (ids ${sameExternal.map((r) => r.vendorId).join(', ')})`,
      hint: 'resolve the duplicate in the vendor, or pin the right one with vendors.<kind>.id',
    });
  }

  const byExternal = sameExternal[0];
  const byMail = sameEmail[0];
  if (byExternal && byMail && byExternal.vendorId !== byMail.vendorId) {
    return new Unmatchable({
      message: `external id ${want.externalId} matches live user ${byExternal.vendorId} (${byExternal.email}) but the email matches live user ${byMail.vendorId}`,
      hint: 'pin the right one with vendors.<kind>.id',
    });
  }
  return byExternal ?? byMail;
}

function addTo(groups: Map<string, Shared>, key: string, record: LiveRecord): void {
  const there = groups.get(key);
  if (there === undefined) groups.set(key, record);
  else if (Array.isArray(there)) there.push(record);
  else groups.set(key, [there, record]);
}
