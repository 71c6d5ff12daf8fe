import { z } from 'zod';
import { secretRefSchema, vendorIdSchema } from '../../config/fields.js';
import { vendorParts, type InstanceConfig } from '../define.js';
import { enerfloRoleNames, roleNameForSlug } from './roles.js';

/*
 * A Role Slug is refused here. A name outside the fixed list is checked against the instances'
 * `roleNames` (a company's own roles) by checks.ts, which sees roster.yaml's vendors; this schema does not.
 */
const roleName = z.string().min(1).superRefine((value, ctx) => {
  if (enerfloRoleNames.includes(value)) return;
  const name = roleNameForSlug(value);
  if (name) ctx.addIssue({ code: 'custom', message: `"${value}" is a Role Slug; Enerflo takes the Role Name "${name}"` });
});

export const enerfloRoleSchema = z
  .object({
    roles: z.array(roleName).min(1).describe('Enerflo Role Names, e.g. "Sales Rep"'),
    sendWelcomeEmail: z.boolean().default(false).describe('Send the welcome email on create'),
    canCreateLeads: z.boolean().default(true),
    optimusAccess: z.boolean().default(false).describe('Access to Optimus, the proposal tool'),
    canReassignLeads: z.boolean().default(true),
  })
  .strict();

export const enerfloOfficeSchema = z
  .object({ officeId: vendorIdSchema.describe('Enerflo office id (integer)') })
  .strict();

export const enerfloPersonSchema = z
  .object({
    id: vendorIdSchema.optional().describe('Pin this person to an existing Enerflo user id'),
    officeIds: z
      .array(vendorIdSchema)
      .optional()
      .describe('Extra office ids; Enerflo applies them only to the Regional Manager role'),
  })
  .strict();

export const enerfloConfigShape = {
  credentials: z.object({ apiKey: secretRefSchema }).strict(),
  companyId: vendorIdSchema.optional().describe('Filter lists to one company (company_id)'),
  pageSize: z.number().int().min(1).max(500).default(200),
  apiKeyHeader: z.string().default('api-key').describe('Header carrying the key (inferred; see shared/vendors/README.md)'),
  // Create is v1, list/get/update v3 (shared/vendors/published.md, Add a User and Update a User).
  createPath: z.string().default('/api/v1/users').describe('Path of Add a User (POST)'),
  usersPath: z.string().default('/api/v3/users').describe('Path of the user list and of Update a User (GET, PUT)'),
  inactiveStatus: z
    .string()
    .min(1)
    .default('inactive')
    .describe('`status` filter that lists inactive users, read after the default list (inferred from clients)'),
  suspendedStatuses: z
    .array(z.string().min(1))
    .default(['suspended'])
    .describe(
      '`status` filters read after the inactive list, for users the default list also leaves out (the help centre names suspended; inferred); [] reads none',
    ),
  roleNames: z
    .array(z.string().min(1))
    .default([])
    .describe("Enerflo Role Names beyond the fixed list (documented.ts), such as a company's own roles; writes take Role Names"),
  timezones: z
    .array(z.string().min(1))
    .default([])
    .describe("Values of Enerflo's timezone enum beyond the eight its Add a User page shows (it lists 16)"),
};

/** Enerflo's parts of roles, offices and people, read typed. */
export const enerfloParts = vendorParts('enerflo', { role: enerfloRoleSchema, office: enerfloOfficeSchema, person: enerfloPersonSchema });

export type EnerfloConfig = InstanceConfig<typeof enerfloConfigShape>;
export type EnerfloRole = z.infer<typeof enerfloRoleSchema>;
export type EnerfloOffice = z.infer<typeof enerfloOfficeSchema>;
export type EnerfloPerson = z.infer<typeof enerfloPersonSchema>;
