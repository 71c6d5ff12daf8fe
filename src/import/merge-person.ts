import { isDeepStrictEqual } from 'node:util';
import { describe, kindOf, quote, type Entry } from './entry.js';
import { addOverrides, decides, mergeContact, mergeExternalId, type Comment, type Merging } from './merge-fields.js';
import type { ImportedPerson, NotImported } from './model.js';

/**
 * The conflict rule, in one place: where vendors disagree about a person, the value of the first vendor
 * instance in roster.yaml order that has one wins, and the others are named in a comment on that line.
 */
export const CONFLICT_RULE =
  'the first vendor in roster.yaml order that has a value wins; another vendor\'s own name, phone,\n timezone or title is kept as its override under vendors.<kind>, and named in a comment on that line';

/**
 * One person from every vendor that has them. Values follow CONFLICT_RULE. A person active anywhere
 * is active; a vendor where they are inactive gets no role (so roster leaves that user off, as it is).
 */
export function mergePerson(key: string, all: Entry[], notImported: NotImported[]): ImportedPerson | undefined {
  const comments = new Map<string, string[]>();
  const comment: Comment = (field, text) => comments.set(field, [...(comments.get(field) ?? []), text]);

  const { active, entries } = activeEntries(all, comment);
  const byKind = firstOfEachKind(entries, comment);
  const { named, firstName, lastName } = chooseName(entries);
  if (!named || !firstName || !lastName) {
    for (const e of all) {
      notImported.push({
        vendor: e.source.name,
        vendorId: e.live.vendorId,
        email: e.live.email,
        reason: `no ${!firstName ? 'first' : 'last'} name in any vendor; roster needs both (declare this person by hand)`,
      });
    }
    return undefined;
  }

  const person: ImportedPerson = {
    key,
    email: (entries.find((e) => e.live.email.trim()) ?? entries[0]).live.email.trim(),
    firstName,
    lastName,
    active,
    roles: [],
    vendors: {},
    kinds: new Set(byKind.keys()),
    comments,
    from: entries.map(describe),
  };
  const merging: Merging = { person, entries, byKind, comment };
  keepOtherNames(merging, named);
  mergeContact(merging);
  mergeExternalId(merging);
  for (const [kind, entry] of byKind) {
    if (entry.user.overrides) addOverrides(person, kind, entry.user.overrides);
    for (const note of entry.notes) comment(note.field, note.text);
  }
  return person;
}

/** Active anywhere means active: then only the active entries count, and the inactive ones are named. */
function activeEntries(all: Entry[], comment: Comment): { active: boolean; entries: Entry[] } {
  const active = all.some((e) => e.live.active);
  if (!active) return { active, entries: all };
  const inactive = all.filter((e) => !e.live.active);
  if (inactive.length > 0) comment('roles', `inactive in ${inactive.map(describe).join(', ')}: no role there, so roster leaves that user off`);
  return { active, entries: all.filter((e) => e.live.active) };
}

/** One entry per kind: two instances of one kind share role mappings, so the first decides. */
function firstOfEachKind(entries: Entry[], comment: Comment): Map<string, Entry> {
  const byKind = new Map<string, Entry>();
  for (const entry of entries) {
    const kind = kindOf(entry.source);
    const first = byKind.get(kind);
    if (!first) byKind.set(kind, entry);
    else if (!isDeepStrictEqual(first.parsedRole, entry.parsedRole)) {
      comment('roles', `${describe(entry)} has a different ${entry.source.module.title} role than ${describe(first)}; kept ${describe(first)}'s`);
    }
  }
  return byKind;
}

/**
 * Names travel together: the first vendor with a first name gives both, so a name is never half one
 * vendor's and half another's.
 */
function chooseName(entries: Entry[]): { named?: Entry; firstName?: string; lastName?: string } {
  const named = entries.find((e) => e.user.firstName && e.user.lastName) ?? entries.find((e) => e.user.firstName);
  const firstName = named?.user.firstName;
  const lastName = named?.user.lastName ?? entries.find((e) => e.user.lastName)?.user.lastName;
  return { named, firstName, lastName };
}

/**
 * A vendor that decides its kind keeps its own name as an override (vendors.<kind>.lastName), so the
 * file describes every vendor as it is and the first plan changes nothing.
 */
function keepOtherNames(merging: Merging, named: Entry): void {
  const { person, entries, comment } = merging;
  const fullName = `${person.firstName} ${person.lastName}`;
  for (const e of entries) {
    if (e === named || !e.user.firstName) continue;
    const theirs = [e.user.firstName, e.user.lastName].filter(Boolean).join(' ');
    if (theirs === fullName) continue;
    if (decides(merging, e)) {
      const own: Record<string, unknown> = {};
      if (e.user.firstName !== person.firstName) own.firstName = e.user.firstName;
      if (e.user.lastName && e.user.lastName !== person.lastName) own.lastName = e.user.lastName;
      addOverrides(person, kindOf(e.source), own);
      comment('firstName', `${describe(e)} has ${quote(theirs)}; kept as its override under vendors.${kindOf(e.source)}`);
    } else {
      comment('firstName', `${describe(e)} has ${quote(theirs)}; kept ${describe(named)}'s`);
    }
  }
}
