import { z } from 'zod';
import { vendorParts, type InstanceConfig } from '../define.js';
import { secretRefSchema, vendorIdSchema } from '../../config/fields.js';

/** HighLevel PermissionsDto: 38 booleans (highlevel-users.openapi.json). Unset ones take HighLevel's defaults. */
export const highlevelPermissionNames = [
  'campaignsEnabled', 'campaignsReadOnly', 'contactsEnabled', 'workflowsEnabled', 'workflowsReadOnly',
  'triggersEnabled', 'funnelsEnabled', 'websitesEnabled', 'opportunitiesEnabled', 'dashboardStatsEnabled',
  'bulkRequestsEnabled', 'appointmentsEnabled', 'reviewsEnabled', 'onlineListingsEnabled', 'phoneCallEnabled',
  'conversationsEnabled', 'assignedDataOnly', 'adwordsReportingEnabled', 'membershipEnabled',
  'facebookAdsReportingEnabled', 'attributionsReportingEnabled', 'settingsEnabled', 'tagsEnabled',
  'leadValueEnabled', 'marketingEnabled', 'agentReportingEnabled', 'botService', 'socialPlanner',
  'bloggingEnabled', 'invoiceEnabled', 'affiliateManagerEnabled', 'contentAiEnabled', 'refundsEnabled',
  'recordPaymentEnabled', 'cancelSubscriptionEnabled', 'paymentsEnabled', 'communitiesEnabled',
  'exportPaymentsEnabled',
] as const;

const permissionsSchema = z
  .object(Object.fromEntries(highlevelPermissionNames.map((name) => [name, z.boolean().optional()])))
  .strict()
  .describe('HighLevel permissions; unset ones take HighLevel defaults');

export const highlevelRoleSchema = z
  .object({
    type: z.enum(['account', 'agency']).describe('account: a sub-account (location) user; agency: an agency user'),
    role: z.enum(['admin', 'user']),
    permissions: permissionsSchema.optional(),
    scopes: z
      .array(z.string().min(1))
      .optional()
      .describe('Enabled scopes, managed only when declared: HighLevel enables exactly these ([] disables all)'),
    scopesAssignedToOnly: z
      .array(z.string().min(1))
      .optional()
      .describe('Sent on create and update when declared; HighLevel never returns it, so it is not compared'),
  })
  .strict();

export const highlevelOfficeSchema = z
  .object({ locationIds: z.array(z.string().min(1)).min(1).describe('HighLevel location (sub-account) ids') })
  .strict();

export const highlevelPersonSchema = z
  .object({
    id: vendorIdSchema.optional().describe('Pin this person to an existing HighLevel user id'),
    locationIds: z.array(z.string().min(1)).optional().describe("Locations on top of the office's"),
    permissions: permissionsSchema.optional(),
    scopes: z.array(z.string().min(1)).optional(),
  })
  .strict();

export const highlevelConfigShape = {
  credentials: z.object({ token: secretRefSchema }).strict(),
  companyId: z.string().min(1).describe('HighLevel company (agency) id'),
  apiVersion: z.string().default('2021-07-28').describe('Value of the Version header'),
  pageSize: z.number().int().min(1).max(100).default(100),
  emailChange: z
    .enum(['error', 'recreate'])
    .default('error')
    .describe('HighLevel cannot change an email: report it (error) or delete and re-create the user (recreate)'),
};

/** HighLevel's parts of roles, offices and people, read typed. */
export const highlevelParts = vendorParts('highlevel', { role: highlevelRoleSchema, office: highlevelOfficeSchema, person: highlevelPersonSchema });

export type HighlevelConfig = InstanceConfig<typeof highlevelConfigShape>;
export type HighlevelRole = z.infer<typeof highlevelRoleSchema>;
export type HighlevelOffice = z.infer<typeof highlevelOfficeSchema>;
export type HighlevelPerson = z.infer<typeof highlevelPersonSchema>;
