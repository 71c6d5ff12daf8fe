import { z } from 'zod';
import { vendorParts, type InstanceConfig } from '../define.js';
import { secretRefSchema } from '../../config/fields.js';

export const partnerAssignableRoles = ['MANAGER', 'CUSTOMER_CARE', 'ACCOUNTING'] as const;

export const partnerRoleSchema = z
  .object({
    role: z.string().superRefine((value, ctx) => {
      if ((partnerAssignableRoles as readonly string[]).includes(value)) return;
      ctx.addIssue({
        code: 'custom',
        message:
          value === 'ACCOUNT_OWNER'
            ? 'ACCOUNT_OWNER cannot be declared: SimplePin creates the account owner with the company (addCompany), and roster never manages it'
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
    userCode: z
      .string()
      .min(1)
      .optional()
      .describe('Pins this person to the SimplePin user with this user_code (one made by hand, or before roster)'),
  })
  .strict();

export const partnerConfigShape = {
  // Two company keys, sent as the `Authorization` and `Token` headers (shared/vendors/README.md, SimplePin).
  credentials: z.object({ authorizationKey: secretRefSchema, token: secretRefSchema }).strict(),
  usersPath: z.string().default('/v2/user').describe('Prefix of the documented user routes (add, get, update)'),
  userCodeFrom: z
    .enum(['externalId', 'email'])
    .default('externalId')
    .describe("The user_code roster creates people with: their externalId (a code derived from the email when they have none), or always the email's code"),
  // published.md (SimplePin): no page says what an unknown user_code answers; a 404 is trusted to mean
  // "absent" only once a known user reads back. This is that known user.
  probeUserCode: z
    .string()
    .min(1)
    .optional()
    .describe('A user_code that exists (the account owner\'s, say): plan and doctor read it first, and trust a 404 to mean "absent" only when it reads back'),
  sendEmail: z.boolean().default(false).describe('send_email on add: whether SimplePin emails new users'),
  // Inferred (shared/vendors/README.md): SimplePin publishes no list endpoint. A tenant that has one sets it, and
  // plan lists every user (unmanaged ones included) instead of reading the declared people by user_code.
  listPath: z.string().optional().describe('A user list endpoint, if your SimplePin tenant has one (not published; off by default)'),
  pageSize: z.number().int().min(1).max(500).default(100).describe('Users per list page (with listPath)'),
  firstPage: z.number().int().min(0).max(1).default(0).describe('Index of the first list page (with listPath; Spring: 0)'),
};

/** SimplePin's parts of roles, offices and people, read typed. */
export const partnerParts = vendorParts('partner', { role: partnerRoleSchema, office: partnerOfficeSchema, person: partnerPersonSchema });

export type PartnerConfig = InstanceConfig<typeof partnerConfigShape>;
export type PartnerRole = z.infer<typeof partnerRoleSchema>;
export type PartnerOffice = z.infer<typeof partnerOfficeSchema>;
export type PartnerPerson = z.infer<typeof partnerPersonSchema>;
