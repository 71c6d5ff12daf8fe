import { z } from 'zod';
import { secretRefSchema, vendorIdSchema } from '../../config/fields.js';

export const partnerAssignableRoles = ['MANAGER', 'CUSTOMER_CARE', 'ACCOUNTING'] as const;

export const partnerRoleSchema = z
  .object({
    role: z.string().superRefine((value, ctx) => {
      if ((partnerAssignableRoles as readonly string[]).includes(value)) return;
      ctx.addIssue({
        code: 'custom',
        message:
          value === 'ACCOUNT_OWNER'
            ? 'ACCOUNT_OWNER cannot be declared: the partner API creates the account owner with the company, and roster never manages it'
            : `unknown partner role "${value}"; expected one of: ${partnerAssignableRoles.join(', ')}`,
      });
    }),
  })
  .strict();

export const partnerOfficeSchema = z
  .object({
    addressSameAsCompany: z.boolean().optional().describe("Use the company's address for people in this office"),
  })
  .strict();

export const partnerPersonSchema = z
  .object({
    id: vendorIdSchema.optional().describe('Pin this person to an existing partner user id'),
    userCode: z.string().min(1).optional().describe('user_code; defaults to the person\'s externalId'),
  })
  .strict();

export const partnerConfigShape = {
  credentials: z.object({ token: secretRefSchema }).strict(),
  companyId: z.string().min(1).describe('Partner company id (company_id)'),
  pageSize: z.number().int().min(1).max(500).default(100),
  // Inferred routes and paging (shared/vendors/README.md): kept as configuration so a real tenant is a config change.
  usersPath: z.string().default('/v2/user').describe('Prefix of the user routes (add, list, get, update)'),
  firstPage: z.number().int().min(0).max(1).default(0).describe('Index of the first list page (Spring: 0)'),
  sendEmail: z.boolean().default(false).describe('send_email on add: whether the vendor emails new users'),
};

export type PartnerRole = z.infer<typeof partnerRoleSchema>;
export type PartnerOffice = z.infer<typeof partnerOfficeSchema>;
export type PartnerPerson = z.infer<typeof partnerPersonSchema>;
