/*
 * The engine's own interfaces: what a desired and a live record are, and the narrow reader and writer it
 * sees vendors through. The engine owns them (issue 24: the engine's interfaces live in the engine);
 * src/vendors/types.ts re-exports them for the vendor folders, which implement them.
 */

import type { UserLimit } from '../errors/user-limit.js';

/** A normalised value of one managed field, comparable with deep equality. */
export type FieldValue = string | number | boolean | null | string[] | { [key: string]: FieldValue };

/** How a field is shown: `personal` values are masked in anything posted to GitHub. */
export interface FieldSpec {
  name: string;
  personal?: 'phone' | 'email' | 'dateOfBirth' | 'ssn';
  /**
   * Set at create and never diffed afterwards: the vendor's API cannot change it (Enerflo's timezone).
   * Where a live user differs, the plan carries a notice instead of an operation.
   */
  createOnly?: boolean;
  /**
   * Sent with every write but never read back (SimplePin's `time_zone_id`, HighLevel's `scopesAssignedToOnly`):
   * part of the desired record, so a create shows it and the plan's checksum covers it, but never diffed.
   */
  writeOnly?: boolean;
  /**
   * An object field whose keys a declaration leaves out take the vendor's documented defaults (HighLevel's
   * `permissions`): a plan shows a new user's value as the keys that differ from these, then `name`.
   */
  defaults?: { values: Readonly<Record<string, FieldValue>>; name: string };
}

/** What git says one person should look like in one vendor. Fields are already normalised. */
export interface DesiredRecord {
  /** Lower-cased email: the identity across git and every vendor. */
  key: string;
  email: string;
  externalId?: string;
  /** A vendor id pinned in git (people[].vendors.<kind>.id): matched before anything else. */
  pinnedId?: string;
  active: boolean;
  fields: Record<string, FieldValue>;
  /** Keys of people in the same vendor that must exist before this one (a manager). */
  dependsOn: string[];
  /**
   * How plans name the person ("Maria Gonzalez"). Everything a write sends is in `fields`, so the plan and
   * its checksum show it all: nothing reaches back into the declarations.
   */
  name?: string;
  /**
   * None of the person's roles maps onto this vendor (a role edit took it away, or it never had one): an
   * inactive record with no fields, so an account of theirs is offboarded the way a role window offboards
   * it, and no account means nothing to do (and is not counted as unchanged).
   */
  unmapped?: boolean;
}

/** One user as the vendor has it, mapped back into the same field space as DesiredRecord. */
export interface LiveRecord {
  vendorId: string;
  email: string;
  externalId?: string;
  active: boolean;
  fields: Record<string, FieldValue>;
  /** Set when roster must never manage this user, whatever git says (the partner account owner). */
  protectedReason?: string;
  /**
   * Set when the vendor's answer for this user could not be read (no email, a malformed field): the plan
   * reports an error for this record alone and never matches, updates or prunes it.
   */
  unreadable?: string;
}

/** How a user leaves a vendor: `flag`, an active flag cleared and set again; `delete`, removal is the only way out. */
export type RemovalKind = 'flag' | 'delete';

/** What an email change becomes: changed in place, refused (a person does it), or delete and re-create. */
export type EmailChange = 'inPlace' | 'refuse' | 'recreate';

/** Ids of people as they become known during an apply (live ones, and those just created). */
export interface ApplyContext {
  vendorIdFor(key: string): string | undefined;
}

/** A vendor that can list every user: plan sees all of them, unmanaged ones included. */
export interface ListReader {
  readonly mode: 'list';
  /** Every user; `limit` (the vendor's policy.maxUsers) refuses a listing that claims more, on its first page. */
  list(options?: ListOptions): Promise<LiveRecord[]>;
}

export interface ListOptions {
  limit?: UserLimit;
}

/** One declared person as a by-key reader looks them up (from their DesiredRecord). */
export interface ReadKey {
  /** The person's key (lower-cased email). */
  key: string;
  email: string;
  /** The vendor key roster gives this person at create (SimplePin's user_code): DesiredRecord.externalId. */
  code?: string;
  /** A vendor key pinned in git: the person exists under it (DesiredRecord.pinnedId). */
  pinned?: string;
}

/**
 * A vendor that publishes no list endpoint (SimplePin): plan reads the declared people one by one, so
 * users git does not describe cannot be seen. `read` answers one key: the live user, or undefined when the
 * vendor says there is none (404).
 */
export interface KeyReader {
  readonly mode: 'byKey';
  read(key: ReadKey): Promise<LiveRecord | undefined>;
  /**
   * A key known to exist (a configured probe, SimplePin's `probeUserCode`): plan and doctor read it first,
   * and trust "not found" to mean absent only once it reads back. A base URL answering 404 to every path
   * would otherwise plan to create everyone.
   */
  readonly probe?: ReadKey & { setting: string };
}

/** The read-only side: all `plan` ever gets, and what it switches on. */
export type VendorReader = ListReader | KeyReader;

/** The key a by-key reader looks a desired person up by. */
export function readKeyOf(desired: DesiredRecord): ReadKey {
  return { key: desired.key, email: desired.email, code: desired.externalId, pinned: desired.pinnedId };
}

/** A removal where the vendor keeps the user and clears an active flag, which can be set again. */
export interface FlagRemoval {
  readonly kind: 'flag';
  deactivate(vendorId: string, live: LiveRecord): Promise<void>;
  /** `expected` is the live user the plan saw: a whole-model write whose answer is lost re-reads against it. */
  reactivate(vendorId: string, desired: DesiredRecord, changedFields: string[], ctx: ApplyContext, expected?: LiveRecord): Promise<void>;
}

/** A removal where the vendor has no deactivation: the user is deleted. */
export interface DeleteRemoval {
  readonly kind: 'delete';
  delete(vendorId: string, live: LiveRecord): Promise<void>;
}

/** How a writer takes a user out: a vendor offers one of the two, and only its methods. */
export type Removal = FlagRemoval | DeleteRemoval;

/** The writing side: only `apply` gets it. */
export interface VendorWriter {
  create(desired: DesiredRecord, ctx: ApplyContext): Promise<{ vendorId: string }>;
  /** `expected` is the live user the plan saw: a whole-model write whose answer is lost re-reads against it. */
  update(vendorId: string, desired: DesiredRecord, changedFields: string[], ctx: ApplyContext, expected?: LiveRecord): Promise<void>;
  readonly removal: Removal;
  /**
   * Looks a person up after an ambiguous create failure, so nobody is created twice: by the key the
   * create sent where the vendor is read by key, else by email.
   */
  lookup(desired: DesiredRecord): Promise<LiveRecord | undefined>;
}

/** One vendor instance as `createAdapter` builds it: the reader plan gets, and the writer apply gets. */
export interface VendorAdapter {
  readonly reader: VendorReader;
  readonly writer: VendorWriter;
}
