import type { Organisation, ResolvedPerson } from '../../config/model.js';
import type { DesiredRecord, FieldSpec, FieldValue } from '../types.js';
import { oncePer } from '../shared-values.js';
import { comparablePhone } from './phone.js';
import { REGIONAL_MANAGER, SALES_REP } from './roles.js';
import { enerfloParts, type EnerfloRole } from './schema.js';

/**
 * The fields roster manages in Enerflo, in the order a plan shows them. Both sides of a diff are in
 * this form: `roles` sorted Role Names, `office` the primary office id, `officeIds` the extra office
 * ids (Regional Manager only, sorted), `manager` the manager's lower-cased email, `phone` ten digits.
 *
 * Create-only: Add a User takes them, Update a User does not (shared/vendors/README.md, Enerflo), so
 * they are sent at create and never diffed afterwards; a live value that differs from git becomes a
 * notice in the plan. `sendWelcomeEmail` (`notify_email`) only means something at create, and is a field
 * so that a create's welcome email shows in the plan and its checksum.
 */
export const enerfloFields: FieldSpec[] = [
  { name: 'firstName' },
  { name: 'lastName' },
  { name: 'phone', personal: 'phone' },
  { name: 'timezone', createOnly: true },
  { name: 'roles' },
  { name: 'office' },
  { name: 'officeIds' },
  { name: 'manager' },
  { name: 'externalId', createOnly: true },
  { name: 'canCreateLeads', createOnly: true },
  { name: 'optimusAccess', createOnly: true },
  { name: 'canReassignLeads', createOnly: true },
  { name: 'sendWelcomeEmail', createOnly: true },
];

/** What a person's roles mean in Enerflo, merged over all of them; undefined when none maps. */
export interface EnerfloGrant {
  roles: string[];
  sendWelcomeEmail: boolean;
  canCreateLeads: boolean;
  optimusAccess: boolean;
  canReassignLeads: boolean;
}

const enerfloRoleOf = enerfloParts.role;

/** Grants of people with a single role, by role: most people have one, and thousands share it. */
const singleRoleGrant = oncePer((role: ResolvedPerson['roles'][number]) => {
  const mapped = enerfloRoleOf(role);
  return grantOf(mapped ? [mapped] : []);
});

export function enerfloGrant(person: ResolvedPerson): EnerfloGrant | undefined {
  if (person.roles.length !== 1) return grantOf(person.roles.map(enerfloRoleOf).filter((r): r is EnerfloRole => r !== undefined));
  return singleRoleGrant(person.roles[0]);
}

function grantOf(mapped: EnerfloRole[]): EnerfloGrant | undefined {
  if (mapped.length === 0) return undefined;
  // Flags are OR-ed: a person gets a capability when any of their roles grants it.
  // Frozen: people who share a role share its grant, so nothing may change it in place.
  return Object.freeze({
    roles: Object.freeze([...new Set(mapped.flatMap((r) => r.roles))].sort()) as string[],
    sendWelcomeEmail: mapped.some((r) => r.sendWelcomeEmail ?? false),
    canCreateLeads: mapped.some((r) => r.canCreateLeads ?? true),
    optimusAccess: mapped.some((r) => r.optimusAccess ?? false),
    canReassignLeads: mapped.some((r) => r.canReassignLeads ?? true),
  });
}

/** Office ids as strings of integers, extras without the primary, deduplicated and in numeric order. */
export function sortOfficeIds(ids: Iterable<string | number>, primary?: string | null): string[] {
  const unique = new Set([...ids].map((id) => String(id)).filter((id) => id !== primary));
  return [...unique].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b, 'en'));
}

export function enerfloDesired(person: ResolvedPerson, org: Organisation): DesiredRecord | undefined {
  const grant = enerfloGrant(person);
  if (!grant) return undefined;
  const overrides = enerfloParts.person(person);
  const office = enerfloParts.office(person.office)?.officeId;

  // A manager exists only on the Sales Rep role, and only one who is in Enerflo too can be named.
  const managerPerson = person.manager ? org.peopleByKey.get(person.manager) : undefined;
  const manager =
    grant.roles.includes(SALES_REP) && managerPerson && managerPerson.key !== person.key && managerPerson.roles.some(enerfloRoleOf)
      ? managerPerson.key
      : undefined;

  // A field git leaves out is not managed (the engine never clears it), so optional ones are only set
  // when declared.
  const fields: Record<string, FieldValue> = {
    firstName: person.firstName,
    lastName: person.lastName,
    roles: grant.roles,
    canCreateLeads: grant.canCreateLeads,
    optimusAccess: grant.optimusAccess,
    canReassignLeads: grant.canReassignLeads,
    sendWelcomeEmail: grant.sendWelcomeEmail,
  };
  const phone = comparablePhone(person.phone);
  if (phone !== null) fields.phone = phone;
  if (person.timezone) fields.timezone = person.timezone;
  if (person.externalId) fields.externalId = person.externalId;
  if (manager) fields.manager = manager;
  if (office !== undefined) {
    fields.office = office;
    // Offices after the first apply only to Regional Manager; Enerflo ignores them otherwise (Update a
    // User), and `office_ids` replaces them all, so for a Regional Manager they are managed in full.
    if (grant.roles.includes(REGIONAL_MANAGER)) fields.officeIds = sortOfficeIds(overrides?.officeIds ?? [], office);
  }
  return {
    key: person.key,
    email: person.email,
    externalId: person.externalId,
    pinnedId: overrides?.id,
    active: person.active,
    fields,
    dependsOn: manager ? [manager] : [],
    name: `${person.firstName} ${person.lastName}`,
  };
}
