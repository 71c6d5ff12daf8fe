import { z } from 'zod';
import { vendorParts, type InstanceConfig } from '../define.js';
import { secretRefSchema, vendorIdSchema } from '../../config/fields.js';

export const pulseRoleSchema = z
  .object({ roles: z.array(z.string().min(1)).min(1).describe('Pulse role names, e.g. "salesRep"') })
  .strict();

export const pulseOfficeSchema = z.object({ teamId: vendorIdSchema.describe('Pulse team id') }).strict();

export const pulsePersonSchema = z
  .object({ id: vendorIdSchema.optional().describe('Pin this person to an existing Pulse user id') })
  .strict();

/** A path below `baseUrl`. Any prefix (`/api`) belongs in baseUrl, so the paths stay as the documents write them. */
const pathSetting = z.string().regex(/^\/[^\s?#]*$/, { error: 'a path starting with "/", e.g. /users (a prefix such as /api belongs in baseUrl)' });

export const pulseConfigShape = {
  credentials: z.object({ apiKey: secretRefSchema, apiSecret: secretRefSchema }).strict(),
  accountId: z.string().min(1).describe('Pulse account id, sent as x-account-id'),
  // The docs spell the header X-Account-ID, X-Account-Id and x-account-id (shared/vendors/README.md).
  accountHeader: z.string().min(1).default('x-account-id').describe('Header carrying the account id'),
  // Every path is a setting whose default follows the documents (shared/vendors/README.md, Pulse CRM).
  loginPath: pathSetting.default('/auth/login').describe('Login path (documented: developers.chargeloop.com, published.md)'),
  usersPath: pathSetting
    .default('/users')
    .describe('Users path: POST creates (the seed page); GET lists and PATCH {usersPath}/{id} updates (inferred)'),
  rolesPath: pathSetting
    .regex(/\{id\}/, { error: 'must hold {id}, the user id, e.g. /users/{id}/roles' })
    .default('/users/{id}/roles')
    .describe("Where PUT replaces a user's roles; {id} is the user id (inferred)"),
  teamsPath: pathSetting.default('/teams').describe('Teams list (inferred)'),
  createFields: z
    .array(z.enum(['name', 'phone', 'team']))
    .default([])
    .describe(
      'Fields sent in POST {usersPath} besides email (the seed page documents only {email}); the others are set by the PATCH that follows',
    ),
  pageSize: z.number().int().min(1).max(500).default(100),
  phoneRegion: z
    .string()
    .regex(/^[A-Z]{2}$/, { error: 'a two-letter country code, e.g. US' })
    .default('US')
    .describe('Country for reading Pulse phone numbers written without a country code'),
};

/** Pulse's parts of roles, offices and people, read typed. */
export const pulseParts = vendorParts('pulse', { role: pulseRoleSchema, office: pulseOfficeSchema, person: pulsePersonSchema });

export type PulseConfig = InstanceConfig<typeof pulseConfigShape>;
export type PulseRole = z.infer<typeof pulseRoleSchema>;
export type PulseOffice = z.infer<typeof pulseOfficeSchema>;
export type PulsePerson = z.infer<typeof pulsePersonSchema>;
