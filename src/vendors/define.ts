import type { z } from 'zod';
import type { Organisation, ResolvedPerson } from '../config/model.js';
import { vendorInstanceSchema, type PersonIssue, type VendorInstanceConfig, type VendorParts } from '../config/schema.js';
import type { AdapterOptions, DesiredRecord, EmailChange, VendorAdapter, VendorImporter, VendorModule } from './types.js';

/** One instance of a vendor in roster.yaml, typed: the settings every kind has, and the vendor's own. */
export type InstanceConfig<Shape extends z.ZodRawShape> = VendorInstanceConfig & z.output<z.ZodObject<Shape>>;

/** A vendor's schemas for its parts of roles, offices and people. */
export interface PartSchemas<Role extends z.ZodType, Office extends z.ZodType, Person extends z.ZodObject> {
  role: Role;
  office: Office;
  person: Person;
}

/** Typed readers of one vendor's parts of the declarations (`roles[].<kind>`, `offices[].<kind>`, `people[].vendors.<kind>`). */
export interface VendorPartReaders<Role extends z.ZodType, Office extends z.ZodType, Person extends z.ZodObject> {
  kind: string;
  schemas: PartSchemas<Role, Office, Person>;
  role(role: VendorParts): z.output<Role> | undefined;
  office(office: VendorParts | undefined): z.output<Office> | undefined;
  person(person: { vendors?: Record<string, unknown> }): z.output<Person> | undefined;
}

/**
 * The typed readers of a vendor's parts. Every part was parsed by exactly these schemas when the users files
 * were loaded (src/config/schema.ts builds the file formats from the vendor modules), so this is the one place
 * where a part, stored by kind, is read as the type its schema gives.
 */
export function vendorParts<Role extends z.ZodType, Office extends z.ZodType, Person extends z.ZodObject>(
  kind: string,
  schemas: PartSchemas<Role, Office, Person>,
): VendorPartReaders<Role, Office, Person> {
  return {
    kind,
    schemas,
    role: (role) => role[kind] as z.output<Role> | undefined,
    office: (office) => office?.[kind] as z.output<Office> | undefined,
    person: (person) => person.vendors?.[kind] as z.output<Person> | undefined,
  };
}

/** What a vendor folder declares: the module, with config typed by its own schema. */
export interface VendorDefinition<Shape extends z.ZodRawShape, Role extends z.ZodType, Office extends z.ZodType, Person extends z.ZodObject>
  extends Omit<VendorModule, 'configShape' | 'roleSchema' | 'officeSchema' | 'personSchema' | 'parseConfig' | 'checkPerson' | 'desired' | 'unmappedKeys' | 'emailChange' | 'createAdapter' | 'importer'> {
  configShape: Shape;
  parts: VendorPartReaders<Role, Office, Person>;
  /** Vendor rules checked before any network call; `instances` are this kind's instances in roster.yaml. */
  checkPerson?(person: ResolvedPerson, org: Organisation, instances: InstanceConfig<Shape>[]): PersonIssue[];
  desired(person: ResolvedPerson, org: Organisation, config: InstanceConfig<Shape>): DesiredRecord | undefined;
  unmappedKeys?(person: ResolvedPerson, org: Organisation, config: InstanceConfig<Shape>): Pick<DesiredRecord, 'externalId' | 'pinnedId'>;
  emailChange(config: InstanceConfig<Shape>): EmailChange;
  createAdapter(options: AdapterOptions<InstanceConfig<Shape>>): VendorAdapter;
  importer?: VendorImporter<InstanceConfig<Shape>>;
}

/** A vendor module that also keeps its typed side, for the vendor's own tests. */
export interface TypedVendorModule<Shape extends z.ZodRawShape> extends VendorModule {
  parseConfig(raw: unknown): InstanceConfig<Shape>;
  /** The instance config as this vendor reads it; refuses an instance of another kind. */
  configOf(config: VendorInstanceConfig): InstanceConfig<Shape>;
}

/**
 * Builds a vendor module from its definition. The registry sees every vendor alike (VendorModule); the
 * vendor's own code receives its config typed by its schema, with the schema's defaults already applied,
 * so no adapter re-checks or re-defaults a setting.
 */
export function defineVendor<Shape extends z.ZodRawShape, Role extends z.ZodType, Office extends z.ZodType, Person extends z.ZodObject>(
  definition: VendorDefinition<Shape, Role, Office, Person>,
): TypedVendorModule<Shape> {
  const { parts, importer, checkPerson, desired, unmappedKeys, emailChange, createAdapter, ...rest } = definition;
  if (parts.kind !== definition.kind) throw new Error(`vendor "${definition.kind}" was given the parts of "${parts.kind}"`);
  const instanceSchema = vendorInstanceSchema(definition);
  const configOf = (config: VendorInstanceConfig): InstanceConfig<Shape> => {
    if (config.kind !== definition.kind) throw new Error(`a ${config.kind} instance was given to the ${definition.kind} vendor`);
    // Parsed by instanceSchema: the loader's schema for this kind is built from the same shape.
    return config as InstanceConfig<Shape>;
  };
  const instances = new WeakMap<object, InstanceConfig<Shape>[]>();
  const instancesIn = (org: Organisation): InstanceConfig<Shape>[] => {
    let found = instances.get(org.config);
    if (!found) {
      found = Object.values(org.config.vendors).filter((v) => v.kind === definition.kind).map(configOf);
      instances.set(org.config, found);
    }
    return found;
  };
  return {
    ...rest,
    ...(checkPerson ? { checkPerson: (person: ResolvedPerson, org: Organisation) => checkPerson(person, org, instancesIn(org)) } : {}),
    roleSchema: parts.schemas.role,
    officeSchema: parts.schemas.office,
    personSchema: parts.schemas.person,
    parseConfig: (raw) => configOf(instanceSchema.parse(raw)),
    configOf,
    desired: (person, org, config) => desired(person, org, configOf(config)),
    ...(unmappedKeys ? { unmappedKeys: (person: ResolvedPerson, org: Organisation, config: VendorInstanceConfig) => unmappedKeys(person, org, configOf(config)) } : {}),
    emailChange: (config) => emailChange(configOf(config)),
    createAdapter: (options) => createAdapter({ ...options, config: configOf(options.config) }),
    ...(importer
      ? {
          importer: {
            fromLive: (live, config) => importer.fromLive(live, configOf(config)),
            ...(importer.ownValue ? { ownValue: importer.ownValue.bind(importer) } : {}),
          },
        }
      : {}),
  };
}
