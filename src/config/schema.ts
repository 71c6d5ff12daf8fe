import { z } from 'zod';
import { vendorModules } from '../vendors/registry.js';
import { keySchema, secretRefSchema } from './fields.js';
import { isoDateSchema, roleEntrySchema } from './dates.js';
import { personOverrideShape } from './overrides.js';
import type { VendorModule } from '../vendors/types.js';

/** `people[].vendors.<kind>`: the vendor's own settings plus the person fields any vendor may override. */
export function vendorPersonSchema(module: Pick<VendorModule, 'personSchema'>): z.ZodType {
  return (module.personSchema as z.ZodObject).extend(personOverrideShape);
}

/** Per-vendor sub-schemas, keyed by vendor kind, so a new vendor folder extends every file format. */
function perVendor(pick: (kind: (typeof vendorModules)[number]) => z.ZodType) {
  return Object.fromEntries(vendorModules.map((v) => [v.kind, pick(v).optional()]));
}

export const officeSchema = z
  .object({
    key: keySchema,
    name: z.string().min(1),
    timezone: z.string().min(1).describe('IANA timezone, e.g. America/Chicago'),
    ...perVendor((v) => v.officeSchema),
  })
  .strict();

export const roleSchema = z
  .object({
    key: keySchema,
    description: z.string().optional(),
    ...perVendor((v) => v.roleSchema),
  })
  .strict();

export const personSchema = z
  .object({
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
    vendors: z
      .object(perVendor(vendorPersonSchema))
      .strict()
      .optional()
      .describe('Per-vendor overrides where a person differs from their roles'),
  })
  .strict();

/** One file under users/: any mix of offices, roles and people. */
export const usersFileSchema = z
  .object({
    offices: z.array(officeSchema).optional(),
    roles: z.array(roleSchema).optional(),
    people: z.array(personSchema).optional(),
  })
  .strict();

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
  })
  .strict();

const vendorBase = {
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
  offboarding: z
    .enum(['deactivate', 'delete', 'revoke', 'manual'])
    .optional()
    .describe(
      'How people offboarded in git leave this vendor: deactivate, delete (needs policy.allowDelete) or manual ' +
        '(a pending step for a person). Default: deactivate where the vendor can, delete where policy.allowDelete is on, else manual',
    ),
};

/** Offboarding modes that cannot work whatever the vendor, refused before any network call. */
function checkOffboarding(instance: { offboarding?: string; policy: { allowDelete: boolean } }, ctx: z.RefinementCtx): void {
  if (instance.offboarding === 'revoke') {
    ctx.addIssue({
      code: 'custom',
      path: ['offboarding'],
      message:
        'offboarding: revoke is not available: no vendor adapter can strip every permission, scope and location reversibly yet ' +
        "(HighLevel's API cannot leave an account user without a location)",
    });
  }
  if (instance.offboarding === 'delete' && !instance.policy.allowDelete) {
    ctx.addIssue({ code: 'custom', path: ['offboarding'], message: 'offboarding: delete needs policy.allowDelete: true on the same vendor' });
  }
}

export const vendorInstanceSchema = z.discriminatedUnion(
  'kind',
  vendorModules.map((v) =>
    z
      .object({ kind: z.literal(v.kind), ...vendorBase, ...v.configShape })
      .strict()
      .superRefine(checkOffboarding),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export const rootConfigSchema = z
  .object({
    $schema: z.string().optional(),
    users: z.string().min(1).default('users').describe('Folder of declared state, relative to this file'),
    vendors: z.record(keySchema, vendorInstanceSchema),
    dates: z
      .object({
        upcomingDays: z.number().int().min(0).max(366).default(14).describe('Every plan lists the dated changes coming in this many days'),
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
  })
  .strict();

export type DeclaredOffice = z.infer<typeof officeSchema>;
export type DeclaredRole = z.infer<typeof roleSchema>;
export type DeclaredPerson = z.infer<typeof personSchema>;
export type UsersFile = z.infer<typeof usersFileSchema>;
export type Policy = z.infer<typeof policySchema>;
export type VendorInstanceConfig = z.infer<typeof vendorInstanceSchema> & {
  kind: string;
  baseUrl: string;
  policy: Policy;
  rateShare: number;
  timeoutMs: number;
  concurrency: number;
  [key: string]: unknown;
};
export type RootConfig = Omit<z.infer<typeof rootConfigSchema>, 'vendors'> & {
  vendors: Record<string, VendorInstanceConfig>;
};
export { secretRefSchema };
