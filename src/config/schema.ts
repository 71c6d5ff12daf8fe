import { z } from 'zod';
import { keySchema, secretRefSchema, type SecretRef } from './fields.js';
import { isoDateSchema, roleEntrySchema } from './dates.js';
import { personOverrideShape, type PersonOverrides } from './overrides.js';
import type { Organisation, ResolvedPerson } from './model.js';

/** A problem with one person that a vendor finds before any network call. */
export interface PersonIssue {
  /** Field path relative to the person, e.g. `roles` or `vendors.highlevel.locationIds`. */
  path: (string | number)[];
  message: string;
  hint?: string;
}

/**
 * What the config layer needs from one kind of vendor: the parts of every file format it owns, and the
 * checks it runs before any network call. Config knows no vendor registry: the caller (src/compose)
 * hands it the vendor modules, which satisfy this shape.
 */
export interface VendorSchemas {
  kind: string;
  /** Extra keys of a vendor instance in roster.yaml (ids, credentials as env references, options). */
  configShape: z.ZodRawShape;
  /** `roles[].<kind>`: how a role maps onto this vendor. */
  roleSchema: z.ZodType;
  /** `offices[].<kind>`: this vendor's identifiers for an office. */
  officeSchema: z.ZodType;
  /** `people[].vendors.<kind>`: per-person settings (pinned `id`, extra locations, ...). */
  personSchema: z.ZodObject;
  checkPerson?(person: ResolvedPerson, org: Organisation): PersonIssue[];
  /** How a user leaves the vendor (`flag`: deactivation; `delete`: deletion only), to refuse an offboarding mode it cannot carry out. */
  removal?: 'flag' | 'delete';
  /** The vendor's name as people write it (`HighLevel`), for messages. */
  title?: string;
}

/** `people[].vendors.<kind>`: the vendor's own settings plus the person fields any vendor may override. */
export function vendorPersonSchema(vendor: Pick<VendorSchemas, 'personSchema'>): z.ZodObject {
  return vendor.personSchema.extend(personOverrideShape);
}

const officeShape = {
  key: keySchema,
  name: z.string().min(1),
  timezone: z.string().min(1).describe('IANA timezone, e.g. America/Chicago'),
};

const roleShape = {
  key: keySchema,
  description: z.string().optional(),
};

const personShape = {
  email: z.email({ error: 'not a valid email address' }),
  firstName: z.string().min(1),
  lastName: z.string().min(1),
  phone: z.string().min(1).optional().describe('Any common format; stored as E.164 (+15125550100)'),
  timezone: z.string().min(1).optional().describe("IANA timezone; defaults to the office's"),
  title: z.string().min(1).optional().describe('Job title'),
  roles: z
    .array(roleEntrySchema)
    .min(1, { error: 'a person needs at least one role' })
    .describe('Role keys; a role held for some days only is { role: KEY, from: YYYY-MM-DD, until: YYYY-MM-DD }'),
  office: keySchema.optional(),
  manager: z.email({ error: "the manager's email address" }).optional(),
  externalId: z.string().min(1).optional().describe('Id in your HR system or CRM; sent to vendors that store one'),
  active: z.boolean().default(true).describe('false offboards the person: deactivated wherever they exist'),
  startDate: isoDateSchema.optional().describe('First day of access (YYYY-MM-DD, in the office timezone); not provisioned before'),
  endDate: isoDateSchema.optional().describe('Last day of access (YYYY-MM-DD, in the office timezone); offboarded after'),
};

export const policySchema = z
  .object({
    prune: z.boolean().default(false).describe('Deactivate live users that git does not describe'),
    allowDelete: z
      .boolean()
      .default(false)
      .describe('Allow deletion where the vendor has no deactivation (HighLevel); never the default'),
    ignore: z
      .array(z.string().min(1))
      .default([])
      .describe('Emails or vendor ids of live users roster must never touch'),
    thresholds: z
      .object({
        update: z.number().min(0).max(1).default(0.3),
        deactivate: z.number().min(0).max(1).default(0.3),
        // Creates per live user; unset means 3 (see reconcile/safety.ts). Optional so older policies still type.
        create: z.number().min(0).optional(),
        minUsers: z.number().int().min(0).default(10),
      })
      .strict()
      .prefault({})
      .describe('Largest share of live users one run may update or deactivate, and creates per live user (counted from minUsers users)'),
    // Issue 24: a vendor claiming a billion users is refused on its first page (src/errors/user-limit.ts).
    maxUsers: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Most users one listing of this vendor may hold (default 200000); a vendor that counts more is refused, not read'),
  })
  .strict();

/** The settings every vendor instance has, whatever its kind. */
const vendorBaseShape = {
  baseUrl: z
    .url({ error: 'a full URL, e.g. https://enerflo.io' })
    // A password in the URL would be printed wherever the URL is; credentials are env references.
    .refine((url) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url), {
      error: 'a base URL must not hold credentials (user:password@host); put them under credentials as { env: NAME }',
    }),
  policy: policySchema.prefault({}),
  rateShare: z
    .number()
    .gt(0)
    .max(1)
    .default(1)
    .describe('Share of the documented rate limit roster may use (other integrations share the key)'),
  timeoutMs: z.number().int().positive().default(30_000),
  concurrency: z.number().int().positive().max(64).default(4),
  allowInsecureHttp: z
    .boolean()
    .default(false)
    .describe('Allow a plain http:// baseUrl to a host other than loopback: credentials then travel in clear'),
  // `revoke` is no option (the JSON schema does not offer it, a typo's error does not list it): it gets its own refusal.
  offboarding: z
    .enum(['deactivate', 'delete', 'manual'], { error: (issue) => (issue.input === 'revoke' ? REVOKE_REFUSED : undefined) })
    .optional()
    .describe(
      'How people offboarded in git leave this vendor: deactivate, delete (needs policy.allowDelete) or manual ' +
        '(a pending step for a person). Default: deactivate where the vendor can, delete where policy.allowDelete is on, else manual',
    ),
};

/** Offboarding modes that cannot work whatever the vendor, or on this vendor, refused before any network call. */
function checkOffboarding(vendor: Pick<VendorSchemas, 'kind' | 'removal' | 'title'>) {
  const title = vendor.title ?? vendor.kind;
  return (instance: { offboarding?: string; policy: { allowDelete: boolean } }, ctx: z.RefinementCtx): void => {
    const refuse = (message: string) => ctx.addIssue({ code: 'custom', path: ['offboarding'], message });
    if (instance.offboarding === 'deactivate' && vendor.removal === 'delete') {
      refuse(
        `offboarding: deactivate is not possible on ${title}: its API has no deactivation, a user leaves only by deletion; ` +
          `${title} supports offboarding: delete (with policy.allowDelete: true) or manual (a step for a person)`,
      );
    } else if (instance.offboarding === 'delete' && vendor.removal === 'flag') {
      refuse(`offboarding: delete is not possible on ${title}: its API removes users by deactivation only; ${title} supports offboarding: deactivate or manual`);
    } else if (instance.offboarding === 'delete' && !instance.policy.allowDelete) {
      refuse('offboarding: delete needs policy.allowDelete: true on the same vendor');
    }
  };
}

const REVOKE_REFUSED =
  'offboarding: revoke is not available: no vendor adapter can strip every permission, scope and location reversibly yet ' +
  "(HighLevel's API cannot leave an account user without a location); use deactivate, delete or manual";

/** One vendor instance of roster.yaml of one kind: the settings every kind has, and the vendor's own. */
export function vendorInstanceSchema(vendor: Pick<VendorSchemas, 'kind' | 'configShape' | 'removal' | 'title'>) {
  return z
    .object({ kind: z.literal(vendor.kind), ...vendorBaseShape, ...vendor.configShape })
    .strict()
    .superRefine(checkOffboarding(vendor));
}

/** roster.yaml less its vendors, which depend on the vendor kinds roster is built with. */
const rootShape = {
  $schema: z.string().optional(),
  users: z.string().min(1).default('users').describe('Folder of declared state, relative to this file'),
  dates: z
    .object({
      upcomingDays: z.number().int().min(0).max(366).default(14).describe('Kept for compatibility: every plan lists every dated change still to come'),
      maxClockSkewMinutes: z
        .number()
        .min(0)
        .max(1440)
        .optional()
        .describe("How far the runner's clock may differ from the vendors' Date headers before dated operations are refused (default 5)"),
    })
    .strict()
    .prefault({})
    .describe('startDate, endDate and role windows'),
  github: z
    .object({
      maskEmails: z.boolean().default(false).describe('Mask email addresses in anything posted to GitHub'),
      overrideLabel: z
        .string()
        .min(1)
        .default('roster-override')
        .describe('Pull request label that lets the apply after the merge run with --force (over a safety threshold), for that change alone'),
    })
    .strict()
    .prefault({}),
};

/**
 * What the config layer needs from one kind of HR source (issue 27): its own keys of `sources.<name>` in
 * roster.yaml. Config knows no source registry either: src/compose hands the source modules in.
 */
export interface SourceSchemas {
  kind: string;
  /** Extra keys of a source in roster.yaml (a file path, a company domain, credentials as env references). */
  configShape: z.ZodRawShape;
}

/** Person fields a source may own: a sync overwrites these from HR and never touches any other. */
export const SOURCE_OWNABLE_FIELDS = ['email', 'firstName', 'lastName', 'phone', 'externalId', 'startDate', 'endDate', 'office', 'manager', 'title', 'roles'] as const;
/** What a source reads from HR, by the name roster gives it; each is mapped onto a column or field name. */
export const SOURCE_HR_FIELDS = [
  'email', 'firstName', 'lastName', 'phone', 'employeeId', 'hireDate', 'terminationDate', 'status', 'location', 'department', 'jobTitle', 'manager',
] as const;
/** Columns git refuses to hold: a source mapped onto one is refused, so the sync never reads it. */
export const FORBIDDEN_HR_COLUMN = /ssn|social[\s_-]*security|birth|\bdob\b|date[\s_-]*of[\s_-]*birth/i;

const hrColumnSchema = z
  .string()
  .min(1)
  .refine((name) => !FORBIDDEN_HR_COLUMN.test(name), { error: 'roster never reads SSNs or birth dates from HR: map no field onto this column' });

const sourceBaseShape = {
  fields: z
    .object(Object.fromEntries(SOURCE_HR_FIELDS.map((f) => [f, hrColumnSchema.optional()])) as Record<(typeof SOURCE_HR_FIELDS)[number], z.ZodOptional<typeof hrColumnSchema>>)
    .strict()
    .prefault({})
    .describe("The HR column (CSV header) or field name each person field is read from; unset ones take the kind's defaults (docs/sources.md)"),
  owns: z
    .array(z.enum(SOURCE_OWNABLE_FIELDS))
    .default(['firstName', 'lastName', 'phone', 'externalId', 'startDate', 'endDate', 'title'])
    .describe('Person fields HR owns: a sync overwrites them; every other field (roles, vendor overrides, ...) stays git\'s'),
  offices: z
    .object({ from: z.enum(['location', 'department']).default('location'), map: z.record(z.string().min(1), keySchema) })
    .strict()
    .optional()
    .describe('Office key by HR location (or department); a row whose value is not in the table is left out'),
  roles: z
    .object({
      from: z.enum(['jobTitle', 'department']).default('jobTitle'),
      map: z.record(z.string().min(1), z.array(keySchema).min(1)),
      default: z.array(keySchema).min(1).optional(),
    })
    .strict()
    .optional()
    .describe('Role keys by HR job title (or department), for new hires (and for everyone when `roles` is owned)'),
  manager: z.enum(['employeeId', 'email']).default('employeeId').describe("What the HR manager column holds: the manager's employee id or email"),
  terminatedStatuses: z
    .array(z.string().min(1))
    .default(['Terminated'])
    .describe('HR status values that mean the person left (without a termination date, their end date is the day of the sync)'),
  dateFormat: z.enum(['MM/DD/YYYY', 'DD/MM/YYYY']).default('MM/DD/YYYY').describe('How slashed dates are read; YYYY-MM-DD is always read'),
  newPeopleFile: z
    .string()
    .min(1)
    .default('people/{office}.yaml')
    .describe('Users file new hires are added to, relative to the users folder; {office} is the office key ("hr" when none)'),
  safety: z
    .object({
      maxChangeShare: z.number().min(0).max(1).default(0.2),
      minPeople: z.number().int().min(0).default(10),
      absentSyncs: z.number().int().min(1).default(3),
    })
    .strict()
    .prefault({})
    .describe('A sync changing more than maxChangeShare of the declared people (counted from minPeople) refuses; absentSyncs syncs in a row without a person lists them for a human'),
};

/** One source of roster.yaml of one kind: the settings every source has, and the kind's own. */
export function sourceInstanceSchema(source: Pick<SourceSchemas, 'kind' | 'configShape'>) {
  return z.object({ kind: z.literal(source.kind), ...sourceBaseShape, ...source.configShape }).strict();
}

/** Every file format roster reads, for one set of vendor kinds. */
export interface ConfigSchemas {
  office: z.ZodObject;
  role: z.ZodObject;
  person: z.ZodObject;
  /** One file under users/: any mix of offices, roles and people. */
  usersFile: z.ZodObject;
  rootConfig: z.ZodObject;
}

const built = new WeakMap<readonly VendorSchemas[], WeakMap<readonly SourceSchemas[], ConfigSchemas>>();
const NO_SOURCES: readonly SourceSchemas[] = [];

/**
 * The schemas of roster.yaml and the users files with each vendor's parts in place, so a new vendor
 * folder extends every file format. Built once per list of vendors.
 */
export function configSchemas(vendors: readonly VendorSchemas[], sources: readonly SourceSchemas[] = NO_SOURCES): ConfigSchemas {
  const known = built.get(vendors)?.get(sources);
  if (known) return known;
  const perVendor = (pick: (vendor: VendorSchemas) => z.ZodType) => Object.fromEntries(vendors.map((v) => [v.kind, pick(v).optional()]));
  const office = z.object({ ...officeShape, ...perVendor((v) => v.officeSchema) }).strict();
  const role = z.object({ ...roleShape, ...perVendor((v) => v.roleSchema) }).strict();
  const person = z
    .object({
      ...personShape,
      vendors: z
        .object(perVendor(vendorPersonSchema))
        .strict()
        .optional()
        .describe('Per-vendor overrides where a person differs from their roles'),
    })
    .strict();
  const usersFile = z.object({ offices: z.array(office).optional(), roles: z.array(role).optional(), people: z.array(person).optional() }).strict();
  const [first, ...rest] = vendors.map(vendorInstanceSchema);
  if (!first) throw new Error('roster needs at least one kind of vendor');
  const vendorInstance = z.discriminatedUnion('kind', [first, ...rest]);
  const { $schema, users, ...options } = rootShape;
  // In the order a person reads roster.yaml: where users live, the vendors, then the options.
  // HR sources (issue 27): present only when roster is built with source kinds.
  const [firstSource, ...restSources] = sources.map(sourceInstanceSchema);
  const sourcesShape = firstSource
    ? { sources: z.record(keySchema, z.discriminatedUnion('kind', [firstSource, ...restSources])).optional().describe('HR sources `roster source sync` reads (docs/sources.md)') }
    : {};
  const rootConfig = z.object({ $schema, users, vendors: z.record(keySchema, vendorInstance), ...sourcesShape, ...options }).strict();
  const schemas = { office, role, person, usersFile, rootConfig };
  const forVendors = built.get(vendors) ?? new WeakMap<readonly SourceSchemas[], ConfigSchemas>();
  forVendors.set(sources, schemas);
  built.set(vendors, forVendors);
  return schemas;
}

/**
 * A vendor's parts of a declaration, by kind (`roles[].enerflo`, `offices[].pulse`): each parsed by that
 * vendor's own schema, and read typed through its module (src/vendors/define.ts).
 */
export interface VendorParts {
  readonly [kind: string]: unknown;
}

export type { PersonOverrides };
export type DeclaredOffice = z.output<z.ZodObject<typeof officeShape>> & VendorParts;
export type DeclaredRole = z.output<z.ZodObject<typeof roleShape>> & VendorParts;
export type DeclaredPerson = z.output<z.ZodObject<typeof personShape>> & {
  /** `people[].vendors.<kind>`: the overridable person fields (PersonOverrides), and the vendor's own part. */
  vendors?: Record<string, VendorParts>;
};
export interface UsersFile {
  offices?: DeclaredOffice[];
  roles?: DeclaredRole[];
  people?: DeclaredPerson[];
}
export type Policy = z.output<typeof policySchema>;
/** One vendor instance of roster.yaml as every kind has it; a vendor module reads its own keys typed (src/vendors/define.ts). */
export type VendorInstanceConfig = z.output<z.ZodObject<typeof vendorBaseShape>> & {
  kind: string;
  credentials?: Record<string, SecretRef>;
};
export type RootConfig = z.output<z.ZodObject<typeof rootShape>> & {
  vendors: Record<string, VendorInstanceConfig>;
  /** HR sources (issue 27); a source module reads its own keys typed (src/sources). */
  sources?: Record<string, SourceInstanceConfig>;
};
/** One HR source of roster.yaml as every kind has it. */
export type SourceInstanceConfig = z.output<z.ZodObject<typeof sourceBaseShape>> & { kind: string; credentials?: Record<string, SecretRef> };
export { secretRefSchema };
