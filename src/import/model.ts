import type { DeclaredDates } from './dates.js';
import type { ResolvedOffice, ResolvedRole } from '../config/model.js';
import type { VendorInstanceConfig } from '../config/schema.js';
import type { LiveRecord, VendorModule } from '../vendors/types.js';

/** One vendor instance's live users, as listed for import. */
export interface ImportSource {
  /** Instance name in roster.yaml. */
  name: string;
  module: VendorModule;
  config: VendorInstanceConfig;
  live: LiveRecord[];
}

/** What git already declares, so import reuses it and adds only what is missing. */
export interface DeclaredState {
  offices: ResolvedOffice[];
  roles: ResolvedRole[];
  /** Lower-cased emails of declared people. */
  people: Set<string>;
  /** Emails of declared people by key, with whether they are active (for managers). */
  activeByKey: Map<string, boolean>;
}

export const emptyDeclaredState = (): DeclaredState => ({ offices: [], roles: [], people: new Set(), activeByKey: new Map() });

/** A live user import did not declare, and why: printed, and written into the file's header. */
export interface NotImported {
  vendor: string;
  vendorId: string;
  email: string;
  reason: string;
}

/** A role import generated for one vendor kind: one per distinct live combination. */
export interface GeneratedRole {
  key: string;
  kind: string;
  /** `roles[].<kind>` as written. */
  mapping: Record<string, unknown>;
  /** The same, parsed by the vendor's role schema (defaults filled in). */
  parsed: unknown;
  label: string;
  /** Instance names whose users have it, and how many people. */
  vendors: Set<string>;
  people: number;
}

export interface GeneratedOffice {
  key: string;
  name: string;
  timezone: string;
  /** Whether the timezone is a placeholder (no member's timezone was known). */
  placeholderTimezone: boolean;
  /** `offices[].<kind>` by kind, as written and parsed. */
  mappings: Map<string, { mapping: Record<string, unknown>; parsed: unknown; id: string; title: string }>;
  members: ImportedPerson[];
}

/** One person as import declares them. Line comments say where vendors disagreed. */
export interface ImportedPerson {
  key: string;
  email: string;
  firstName: string;
  lastName: string;
  phone?: string;
  timezone?: string;
  title?: string;
  externalId?: string;
  manager?: string;
  active: boolean;
  /** Keys of declared roles, or generated roles. */
  roles: (ResolvedRole | GeneratedRole)[];
  office?: ResolvedOffice | GeneratedOffice;
  /** `people[].vendors.<kind>`. */
  vendors: Record<string, Record<string, unknown>>;
  /** Kinds this person has a role in (and so a desired record in). */
  kinds: Set<string>;
  /** Line comments by field name (`firstName`, `phone`, ...); `email` comments the entry. */
  comments: Map<string, string[]>;
  /** Instance names the person was read from. */
  from: string[];
  /** Dates declared in the file import replaces (vendors have none): kept, never dropped. */
  dates?: DeclaredDates;
}

export interface ImportResult {
  offices: GeneratedOffice[];
  roles: GeneratedRole[];
  people: ImportedPerson[];
  notImported: NotImported[];
  /** Keys of live people git already declares: left as they are. */
  alreadyDeclared: string[];
  /** Instance names read, in roster.yaml order. */
  vendors: string[];
}
