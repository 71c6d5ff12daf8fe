import { toE164 } from '../../config/phone.js';
import type { ResolvedPerson } from '../../config/model.js';
import type { DesiredRecord, FieldSpec, FieldValue } from '../types.js';
import { highlevelPermissionDefaults, isPermissionName, sharedPermissions, type HighlevelPermissions } from './permissions.js';
import { oncePer } from '../shared-values.js';
import { highlevelParts, type HighlevelPerson, type HighlevelRole } from './schema.js';

/**
 * The fields roster manages in HighLevel, in the order a plan shows them. Both sides of a diff use
 * this form: `type`/`role` flat (HighLevel nests them under `roles` in answers), `locationIds` and
 * `scopes` sorted and unique, `permissions` the full 38-key object after defaults, `phone` in E.164.
 * Email is the identity and never changes in place (the module's emailChange is refuse or recreate).
 * `scopesAssignedToOnly` is not here: UserSchema does not return it, so it is write-only and never
 * compared (shared/vendors/README.md, HighLevel); `assignedOnlyScopesOf` gives it to the writes.
 */
export const highlevelFields: FieldSpec[] = [
  { name: 'firstName' },
  { name: 'lastName' },
  { name: 'phone', personal: 'phone' },
  { name: 'type' },
  { name: 'role' },
  { name: 'locationIds' },
  // A create shows only what the roles change from the PermissionsDto defaults (users.openapi.json), not all 38 flags.
  { name: 'permissions', defaults: { values: highlevelPermissionDefaults, name: "HighLevel's defaults" } },
  { name: 'scopes' },
  // Write-only: sent with a create or an update, never read back or compared (not in UserSchema; shared/vendors/README.md).
  { name: 'scopesAssignedToOnly', writeOnly: true },
];

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/**
 * A phone as HighLevel shows it ("+1 808-868-8888") or as git holds it, in E.164 when it parses;
 * otherwise the digits and plus as they are, so a bad number still shows in a plan.
 */
export function comparablePhone(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  return toE164(value) ?? value.replace(/[^\d+]/g, '');
}

export function highlevelRolesOf(person: ResolvedPerson): HighlevelRole[] {
  return person.roles
    .map(highlevelParts.role)
    .filter((mapping): mapping is HighlevelRole => mapping !== undefined);
}

/**
 * Permissions for a set of roles: HighLevel's defaults, then every permission a role names is the OR
 * of what the roles naming it say (a role can turn a default off, and any role can grant), then the
 * person's own overrides.
 */
export function mergedPermissions(roles: HighlevelRole[], own?: Record<string, boolean | undefined>): HighlevelPermissions {
  const result: HighlevelPermissions = { ...highlevelPermissionDefaults };
  const named = new Map<string, boolean>();
  for (const role of roles) {
    for (const [name, value] of Object.entries(role.permissions ?? {})) {
      if (typeof value === 'boolean') named.set(name, (named.get(name) ?? false) || value);
    }
  }
  for (const [name, value] of named) if (isPermissionName(name)) result[name] = value;
  for (const [name, value] of Object.entries(own ?? {})) {
    if (isPermissionName(name) && typeof value === 'boolean') result[name] = value;
  }
  return result;
}

/**
 * The scopes the person's roles and own overrides declare, or undefined when none declares any. HighLevel
 * enables only the scopes passed and disables all of them on `[]` (published.md, HighLevel "Scopes"), so an
 * undeclared list is never sent, while a declared `[]` is sent on purpose.
 */
export function declaredScopesOf(roles: HighlevelRole[], own?: HighlevelPerson): string[] | undefined {
  const lists = [...roles.map((r) => r.scopes), own?.scopes].filter((list): list is string[] => list !== undefined);
  return lists.length > 0 ? sortedUnique(lists.flat()) : undefined;
}

/**
 * `scopesAssignedToOnly` as a person's HighLevel roles declare it, or undefined when none does. Write-only: sent
 * with a create or an update, never read back or compared (not in UserSchema; shared/vendors/README.md).
 */
export function assignedOnlyScopesOf(roles: HighlevelRole[]): string[] | undefined {
  const lists = roles
    .map((r) => r.scopesAssignedToOnly)
    .filter((list): list is string[] => list !== undefined);
  return lists.length > 0 ? sortedUnique(lists.flat()) : undefined;
}

/**
 * What one role alone declares, by role, and the location ids of an office, by office: thousands of people
 * share them, and building the same sorted lists again per person was most of HighLevel's desired records
 * (issue 26). Frozen, as they are shared; the adapter only reads them.
 */
const frozen = (list: string[] | undefined) => (list ? (Object.freeze(list) as string[]) : undefined);
const roleLists = oncePer((role: HighlevelRole): { scopes?: string[]; assignedOnly?: string[] } => ({
  scopes: frozen(declaredScopesOf([role])),
  assignedOnly: frozen(assignedOnlyScopesOf([role])),
}));
const NO_LOCATIONS = Object.freeze([]) as unknown as string[];
const locationsOf = oncePer((office: { locationIds?: string[] }) => Object.freeze(sortedUnique(office.locationIds ?? [])) as string[]);

function officeLocations(office: { locationIds?: string[] } | undefined): string[] {
  return office ? locationsOf(office) : NO_LOCATIONS;
}

/** The shared permissions of one role with no person's own on top, by role: thousands of people hold one role alone. */
const permissionsOfRole = oncePer((role: HighlevelRole): HighlevelPermissions => sharedPermissions(mergedPermissions([role])));

/** The person as HighLevel should hold them; undefined when none of their roles maps onto HighLevel. */
export function highlevelDesired(person: ResolvedPerson): DesiredRecord | undefined {
  const roles = highlevelRolesOf(person);
  if (roles.length === 0) return undefined;
  const own = highlevelParts.person(person);
  const office = highlevelParts.office(person.office);

  const fields: Record<string, FieldValue> = {
    firstName: person.firstName,
    lastName: person.lastName,
    type: roles.some((r) => r.type === 'agency') ? 'agency' : 'account',
    role: roles.some((r) => r.role === 'admin') ? 'admin' : 'user',
    locationIds: own?.locationIds === undefined ? officeLocations(office) : sortedUnique([...(office?.locationIds ?? []), ...(own?.locationIds ?? [])]),
    permissions: own?.permissions === undefined && roles.length === 1 ? permissionsOfRole(roles[0]) : sharedPermissions(mergedPermissions(roles, own?.permissions)),
  };
  // Scopes nobody declares are not managed: left as HighLevel has them, never sent as [].
  const single = roles.length === 1 ? roleLists(roles[0]) : undefined;
  const scopes = single && own?.scopes === undefined ? single.scopes : declaredScopesOf(roles, own);
  if (scopes) fields.scopes = scopes;
  const assignedOnly = single ? single.assignedOnly : assignedOnlyScopesOf(roles);
  if (assignedOnly) fields.scopesAssignedToOnly = assignedOnly;
  // A phone git leaves out is not managed (never cleared); one it declares is compared in E.164.
  const phone = comparablePhone(person.phone);
  if (phone) fields.phone = phone;

  return {
    key: person.key,
    email: person.email,
    pinnedId: own?.id,
    active: person.active,
    fields,
    dependsOn: [],
    name: `${person.firstName} ${person.lastName}`,
  };
}
