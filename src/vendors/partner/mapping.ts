import type { Organisation, ResolvedPerson } from '../../config/model.js';
import type { VendorInstanceConfig } from '../../config/schema.js';
import type { DesiredRecord, FieldValue } from '../types.js';
import { partnerAssignableRoles, type PartnerPerson, type PartnerRole } from './schema.js';

/**
 * When a person's roles map onto different partner roles (the loader reports it as an error), the least
 * privileged one wins, so a conflict never grants more than either role asks for. Ordered least first.
 */
const LEAST_PRIVILEGED_FIRST: readonly string[] = ['CUSTOMER_CARE', 'ACCOUNTING', 'MANAGER'];

/** The partner role a person gets from their roles, or undefined when none maps onto the partner API. */
export function partnerRoleOf(person: ResolvedPerson): string | undefined {
  const roles = person.roles
    .map((role) => (role as unknown as { partner?: PartnerRole }).partner?.role)
    .filter((role): role is string => typeof role === 'string' && (partnerAssignableRoles as readonly string[]).includes(role));
  if (roles.length === 0) return undefined;
  return [...new Set(roles)].sort((a, b) => LEAST_PRIVILEGED_FIRST.indexOf(a) - LEAST_PRIVILEGED_FIRST.indexOf(b))[0];
}

/**
 * One person as a partner user. Fields git leaves out (no phone, no title) are left out here too, so the
 * engine never clears them; `user_code` carries the person's external id (or the per-person override).
 */
export function partnerDesired(person: ResolvedPerson, _org: Organisation, _config: VendorInstanceConfig): DesiredRecord | undefined {
  const role = partnerRoleOf(person);
  if (!role) return undefined;
  const override = (person.vendors as unknown as { partner?: PartnerPerson } | undefined)?.partner;
  const fields: Record<string, FieldValue> = { firstName: person.firstName, lastName: person.lastName, role };
  if (person.phone) fields.phone = person.phone;
  if (person.timezone) fields.timezone = person.timezone;
  if (person.title) fields.title = person.title;
  const record: DesiredRecord = {
    key: person.key,
    email: person.email,
    active: person.active,
    fields,
    dependsOn: [],
    person,
  };
  const externalId = override?.userCode ?? person.externalId;
  if (externalId) record.externalId = externalId;
  if (override?.id !== undefined) record.pinnedId = String(override.id);
  return record;
}
