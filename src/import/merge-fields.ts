import { isValidTimezone, normalisePhone } from '../config/resolve.js';
import type { ImportedUser } from '../vendors/types.js';
import { describe, kindOf, quote, type Entry } from './entry.js';
import type { ImportedPerson } from './model.js';

/** Adds a line comment to a field of the person being merged (`email` comments the entry). */
export type Comment = (field: string, text: string) => void;

/** One person being merged across vendors (see CONFLICT_RULE in merge-person.ts). */
export interface Merging {
  person: ImportedPerson;
  /** The person's entries in vendor order: only the active ones when they are active anywhere. */
  entries: Entry[];
  /** The entry that decides each kind. */
  byKind: Map<string, Entry>;
  comment: Comment;
}

/** Whether the entry decides its kind, and so may keep a value of its own as that kind's override. */
export const decides = (merging: Merging, entry: Entry) => merging.byKind.get(kindOf(entry.source)) === entry;

export function addOverrides(person: ImportedPerson, kind: string, overrides: Record<string, unknown>): void {
  person.vendors[kind] = { ...(person.vendors[kind] ?? {}), ...overrides };
}

/** Phone, timezone, title and manager: the first usable value wins, the others are kept or named. */
export function mergeContact(merging: Merging): void {
  const { person, byKind, comment } = merging;
  const keepOwn = (field: string) => (e: Entry, value: string) => {
    if (!decides(merging, e)) return false;
    addOverrides(person, kindOf(e.source), { [field]: value });
    return true;
  };
  pick(merging, 'phone', (u) => u.phone, (value, e) => {
    const e164 = normalisePhone(value);
    if (!e164) comment('phone', `${describe(e)} has ${quote(value)}, which is not a phone number roster can read; left out`);
    return e164;
  }, (v) => (person.phone = v), keepOwn('phone'));
  if (person.phone) {
    // A vendor without a phone keeps none: roster would otherwise fill it in on the first apply.
    for (const [kind, e] of byKind) {
      if (e.user.phone) continue;
      addOverrides(person, kind, { unmanaged: ['phone'] });
      comment('phone', `${describe(e)} has no phone; vendors.${kind}.unmanaged: [phone] leaves it so`);
    }
  }
  pick(merging, 'timezone', (u) => u.timezone, (value, e) => {
    if (isValidTimezone(value)) return value;
    comment('timezone', `${describe(e)} has ${quote(value)}, which is not an IANA timezone; left out`);
    return undefined;
  }, (v) => (person.timezone = v), keepOwn('timezone'));
  pick(merging, 'title', (u) => u.title, (v) => v, (v) => (person.title = v), keepOwn('title'));
  pick(merging, 'manager', (u) => u.manager, (v) => v.toLowerCase(), (v) => (person.manager = v));
}

/** An external id a vendor can keep as its own (partner user_code) is an override, not a conflict. */
export function mergeExternalId(merging: Merging): void {
  const { person, entries, comment } = merging;
  const withId = entries.filter((e) => e.user.externalId);
  if (withId.length === 0) return;
  person.externalId = withId[0].user.externalId;
  for (const e of withId.slice(1)) {
    if (e.user.externalId === person.externalId) continue;
    const own = e.source.module.importer?.ownValue?.('externalId', e.user.externalId!);
    if (own && decides(merging, e)) addOverrides(person, kindOf(e.source), own);
    else comment('externalId', `${describe(e)} has ${quote(e.user.externalId!)}; kept ${describe(withId[0])}'s`);
  }
}

/**
 * First usable value by vendor order. Every other differing value is kept as that vendor's override
 * where `keepOwn` can (the vendor decides its kind), and becomes a comment on the line either way.
 */
function pick(
  { entries, comment }: Merging,
  field: string,
  read: (user: ImportedUser) => string | undefined,
  usable: (value: string, entry: Entry) => string | undefined,
  set: (value: string) => void,
  keepOwn?: (entry: Entry, value: string) => boolean,
): void {
  let chosen: { value: string; entry: Entry } | undefined;
  for (const entry of entries) {
    const raw = read(entry.user);
    if (!raw) continue;
    const value = usable(raw, entry);
    if (!value) continue;
    if (!chosen) {
      chosen = { value, entry };
      set(value);
    } else if (value !== chosen.value) {
      if (keepOwn?.(entry, value)) comment(field, `${describe(entry)} has ${quote(raw)}; kept as its override under vendors.${kindOf(entry.source)}`);
      else comment(field, `${describe(entry)} has ${quote(raw)}; kept ${describe(chosen.entry)}'s`);
    }
  }
}
