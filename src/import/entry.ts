import { vendorPersonSchema, type VendorInstanceConfig, type VendorParts } from '../config/schema.js';
import type { ImportedUser, LiveRecord, VendorModule } from '../vendors/types.js';
import type { ImportedPerson, ImportSource } from './model.js';

/** One live user read through its vendor's import hook. */
export interface Entry {
  source: ImportSource;
  live: LiveRecord;
  user: ImportedUser;
  /** The role, office and overrides parsed by the vendor's schemas. */
  parsedRole: unknown;
  parsedOffice?: unknown;
  parsedOverrides?: VendorParts;
  /** Line comments this vendor's user adds to the person (`office`: why a vendor's office was left out). */
  notes: { field: string; text: string }[];
}

/** The parts of an entry its vendor's schemas parse. */
export type ParsedParts = Pick<Entry, 'parsedRole' | 'parsedOffice' | 'parsedOverrides'>;

/** Entries of one live person (lower-cased email), in roster.yaml order of their vendors. */
export type EntriesByKey = Map<string, Entry[]>;

export const kindOf = (source: ImportSource) => source.module.kind;
/** Code-point order: the same on every machine, whatever its locale. */
export const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** How comments name the vendor an entry came from: its instance name. */
export const describe = (entry: Entry) => entry.source.name;
export const quote = (value: string) => JSON.stringify(value);

export function moduleAndConfig(entry: Entry): [VendorModule, VendorInstanceConfig] {
  return [entry.source.module, entry.source.config];
}

/** The entry that decides a person's kind (the first active one of that kind). */
export function entryFor(entries: Entry[], person: ImportedPerson, kind: string): Entry {
  const pool = person.active ? entries.filter((e) => e.live.active) : entries;
  return pool.find((e) => kindOf(e.source) === kind)!;
}

/** The person's overrides for the entry's kind, through the vendor's person schema where they parse. */
export function parsedOverrides(person: ImportedPerson, entry: Entry): VendorParts | undefined {
  const own = person.vendors[kindOf(entry.source)];
  if (!own) return undefined;
  const parsed = vendorPersonSchema(entry.source.module).safeParse(own);
  return parsed.success ? parsed.data : own;
}
