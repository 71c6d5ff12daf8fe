import { createHash } from 'node:crypto';
import type { Organisation, ResolvedPerson } from '../../config/model.js';
import type { DesiredRecord, FieldValue } from '../types.js';
import { partnerAssignableRoles, partnerParts, type PartnerConfig } from './schema.js';

/**
 * When a person's roles map onto different SimplePin roles (the loader reports it as an error), the least
 * privileged one wins, so a conflict never grants more than either role asks for. Ordered least first.
 */
const LEAST_PRIVILEGED_FIRST: readonly string[] = ['CUSTOMER_CARE', 'ACCOUNTING', 'MANAGER'];

/** The SimplePin role a person gets from their roles, or undefined when none maps onto SimplePin. */
export function partnerRoleOf(person: ResolvedPerson): string | undefined {
  const roles = person.roles
    .map((role) => partnerParts.role(role)?.role)
    .filter((role): role is string => typeof role === 'string' && (partnerAssignableRoles as readonly string[]).includes(role));
  if (roles.length === 0) return undefined;
  return [...new Set(roles)].sort((a, b) => LEAST_PRIVILEGED_FIRST.indexOf(a) - LEAST_PRIVILEGED_FIRST.indexOf(b))[0];
}

/**
 * A stable user_code from an email: `rst-` and 16 hex digits of its SHA-256 (lower-cased). The same person
 * gets the same code on every run, so plan finds them again with one GET. The length SimplePin allows is not
 * documented (inferred, shared/vendors/README.md): 20 characters stays short.
 */
export function userCodeFromEmail(email: string): string {
  return `rst-${createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 16)}`;
}

/**
 * The user_code roster creates a person with (shared/vendors/README.md, SimplePin: roster sets it itself):
 * `userCodeFrom: externalId` (default) takes the person's externalId and, for a person without one, the
 * email's code; `userCodeFrom: email` always takes the email's code.
 */
export function userCodeOf(person: ResolvedPerson, config: Pick<PartnerConfig, 'userCodeFrom'>): string {
  if (config.userCodeFrom !== 'email' && person.externalId) return person.externalId;
  return userCodeFromEmail(person.key);
}

/**
 * The user_code a person whose roles map onto SimplePin no longer is read by (read by key, SimplePin
 * publishes no user list: shared/vendors/README.md): the one they were created with, as partnerDesired
 * gives it, so a role edit that takes SimplePin away deactivates their user as a role window ending does.
 */
export function partnerUnmappedKeys(person: ResolvedPerson, _org: Organisation, config: PartnerConfig): Pick<DesiredRecord, 'externalId' | 'pinnedId'> {
  const override = partnerParts.person(person);
  return { externalId: override?.userCode ?? userCodeOf(person, config), ...(override?.userCode !== undefined ? { pinnedId: override.userCode } : {}) };
}

/**
 * One person as a SimplePin user. Fields git leaves out (no phone, no title) are left out here too, so the
 * engine never clears them. `externalId` is the user_code roster would create them with; a code pinned in git
 * (`vendors.partner.userCode`) is `pinnedId`: plan reads that user, and it must exist.
 */
export function partnerDesired(person: ResolvedPerson, _org: Organisation, config: PartnerConfig): DesiredRecord | undefined {
  const role = partnerRoleOf(person);
  if (!role) return undefined;
  const override = partnerParts.person(person);
  const fields: Record<string, FieldValue> = { firstName: person.firstName, lastName: person.lastName, role };
  if (person.phone) fields.phone = person.phone;
  if (person.title) fields.title = person.title;
  if (person.timezone) fields.timezone = person.timezone;
  const sameAddress = partnerParts.office(person.office)?.addressSameAsCompany;
  if (sameAddress !== undefined) fields.addressSameAsCompany = sameAddress;
  const record: DesiredRecord = {
    key: person.key,
    email: person.email,
    active: person.active,
    fields,
    dependsOn: [],
    name: `${person.firstName} ${person.lastName}`,
    externalId: override?.userCode ?? userCodeOf(person, config),
  };
  if (override?.userCode !== undefined) record.pinnedId = override.userCode;
  return record;
}
