import type { z } from 'zod';
import type { HttpClient } from '../http/client.js';
import type { Organisation, ResolvedPerson } from '../config/model.js';
import type { PersonIssue, VendorInstanceConfig, VendorSchemas } from '../config/schema.js';
import type { Emulator, EmulatorOptions } from '../sandbox/emulator-kit.js';
import type { VendorCommand } from './command.js';

import type { DesiredRecord, EmailChange, FieldSpec, LiveRecord, RemovalKind, VendorAdapter } from '../reconcile/records.js';

// The engine's interfaces, for the vendor folders that implement them (src/reconcile/records.ts).
export { readKeyOf } from '../reconcile/records.js';
export type {
  FieldValue,
  FieldSpec,
  DesiredRecord,
  LiveRecord,
  RemovalKind,
  EmailChange,
  ApplyContext,
  ListOptions,
  ListReader,
  ReadKey,
  KeyReader,
  VendorReader,
  FlagRemoval,
  DeleteRemoval,
  Removal,
  VendorWriter,
  VendorAdapter,
} from '../reconcile/records.js';

export interface AdapterOptions<Config extends VendorInstanceConfig = VendorInstanceConfig> {
  instanceName: string;
  /** The instance as roster.yaml declares it, parsed by the vendor's own schema: defaults applied. */
  config: Config;
  /** Secret values resolved from the environment, by the credential field name in the config. */
  credentials: Record<string, string>;
  /**
   * Base URL, timeout, pacing limiter and request counter already set from the config. Adapters add
   * their auth headers and error parsing with `http.with({ headers, describeError, onResponse, secrets })`.
   */
  http: HttpClient;
}

export type { PersonIssue };

/**
 * One live user as `roster import` would declare them: what the person, their office and their role
 * look like in roster's own file format. Every part is optional: a vendor gives what it has.
 */
export interface ImportedUser {
  firstName?: string;
  lastName?: string;
  /** In a form roster reads (E.164 when the vendor's form allows it). */
  phone?: string;
  /** IANA name. */
  timezone?: string;
  title?: string;
  externalId?: string;
  /** Lower-cased email of the manager, when the vendor names one. */
  manager?: string;
  /** The vendor's office (office, location, team): `id` labels generated keys, `mapping` is `offices[].<kind>`. */
  office?: { id: string; mapping: Record<string, unknown> };
  /** `roles[].<kind>`, shaped exactly like the vendor's roleSchema; unset when the user has no role to declare. */
  role?: Record<string, unknown>;
  /** Words for a generated role key, e.g. `sales-rep-setter` (becomes `enerflo-sales-rep-setter`). */
  roleLabel?: string;
  /** `people[].vendors.<kind>`: where this person differs from their role and office (extra locations). */
  overrides?: Record<string, unknown>;
  /** Set when the user cannot be declared at all (the partner account owner): listed, never dropped silently. */
  unrepresentable?: string;
}

/** How one vendor's live users become declarations, for `roster import`. */
export interface VendorImporter<Config extends VendorInstanceConfig = VendorInstanceConfig> {
  fromLive(live: LiveRecord, config: Config): ImportedUser;
  /**
   * Overrides that keep this vendor's own value of a person field when vendors disagree (the partner's
   * `userCode` for `externalId`); undefined when the vendor cannot hold a value of its own.
   */
  ownValue?(field: 'externalId', value: string): Record<string, unknown> | undefined;
}

/**
 * Everything one vendor means, in one folder. The engine, loader and CLI know vendors only
 * through this interface; adding a vendor is adding a folder and one line in registry.ts.
 * A vendor folder builds it with defineVendor (define.ts), which hands its own parts typed config.
 */
export interface VendorModule extends VendorSchemas {
  kind: string;
  title: string;
  /** `people[].vendors.<kind>`: per-person overrides (pinned `id`, extra locations, ...). */
  personSchema: z.ZodObject;
  /** Names of credential fields in configShape, and the environment variables the sandbox sets for them. */
  credentialFields: string[];
  /** One instance of this kind as roster.yaml would declare it, parsed: defaults applied, or a zod error. */
  parseConfig(raw: unknown): VendorInstanceConfig;
  /** The desired record for a person, or undefined when none of their roles maps onto this vendor. */
  desired(person: ResolvedPerson, org: Organisation, config: VendorInstanceConfig): DesiredRecord | undefined;
  /**
   * The keys a person is found under when none of their roles maps onto this vendor, for their inactive
   * record (src/desired/unmapped.ts): a vendor read by key reads them by these. Unset: by email alone.
   */
  unmappedKeys?(person: ResolvedPerson, org: Organisation, config: VendorInstanceConfig): Pick<DesiredRecord, 'externalId' | 'pinnedId'>;
  /** The fields roster manages in this vendor, as plans diff and show them (`personal` ones are masked). */
  fields: FieldSpec[];
  /** How a user leaves; the adapter's writer offers exactly this removal (checked by the conformance test). */
  removal: RemovalKind;
  /**
   * What the vendor does when a person's email changes in git: change it in place, refuse (the plan says
   * so), or delete and re-create the user (HighLevel with `emailChange: recreate`).
   */
  emailChange(config: VendorInstanceConfig): EmailChange;
  /** The documented request budget, used to pace requests before the vendor refuses them. */
  rateLimit: { limit: number; windowMs: number };
  createAdapter(options: AdapterOptions): VendorAdapter;
  /** `roster import`: reads live users back into declarations. Optional: a vendor without it cannot be imported. */
  importer?: VendorImporter;
  /** CLI commands only this vendor has (HighLevel's `roster webhook`); `roster` registers every module's. */
  commands?: VendorCommand[];
  /** The sandbox emulator, seeded from a fixture; `credentials` are what it accepts. */
  sandbox: {
    start(fixture: unknown, options?: EmulatorOptions): Promise<Emulator>;
    /** The built-in fixture (`<kind>/fixture.ts`), a fresh copy each call: what the sandbox starts from. */
    fixture(): unknown;
    credentials: Record<string, string>;
    /** Instance options the sandbox needs (company ids that exist in the fixture, ...). */
    configFor(fixture: unknown): Record<string, unknown>;
  };
}
