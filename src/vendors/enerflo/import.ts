import type { FieldValue, ImportedUser, LiveRecord, VendorImporter } from '../types.js';
import { enerfloRoleNames, REGIONAL_MANAGER } from './roles.js';

const str = (value: FieldValue | undefined): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** Ids as Enerflo types them: integers when they look like one, so YAML reads `officeId: 101`. */
const idValue = (id: string): number | string => (/^\d{1,15}$/.test(id) ? Number(id) : id);

/** `Sales Rep` → `sales-rep`. */
const words = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/**
 * An Enerflo live user (fields as mapping.ts normalises them) in roster's terms. The role carries the
 * Role Names and only the lead flags that differ from the role schema's defaults, so a generated role
 * reads like one a person wrote; the flags also name the role (`sales-rep-optimus`).
 */
export function enerfloImported(live: LiveRecord): ImportedUser {
  const f = live.fields;
  const user: ImportedUser = {};
  const firstName = str(f.firstName);
  const lastName = str(f.lastName);
  if (firstName) user.firstName = firstName;
  if (lastName) user.lastName = lastName;
  // mapping.ts compares phones as ten digits; git holds E.164, which the mapping reads back to the same ten.
  const phone = str(f.phone);
  if (phone) user.phone = /^\d{10}$/.test(phone) ? `+1${phone}` : phone;
  const timezone = str(f.timezone);
  if (timezone) user.timezone = timezone;
  const externalId = str(f.externalId) ?? live.externalId;
  if (externalId) user.externalId = externalId;
  // A manager Enerflo knows only by id (`#1234`, not in this listing) cannot be named in git.
  const manager = str(f.manager);
  if (manager && !manager.startsWith('#')) user.manager = manager.toLowerCase();

  const office = str(f.office);
  if (office) user.office = { id: `office-${office}`, mapping: { officeId: idValue(office) } };

  const roles = Array.isArray(f.roles) ? [...new Set(f.roles.map(String))].sort() : [];
  const unknown = roles.filter((r) => !enerfloRoleNames.includes(r));
  if (roles.length > 0 && unknown.length === 0) {
    const role: Record<string, unknown> = { roles };
    const label = roles.map(words);
    // Defaults of enerfloRoleSchema: canCreateLeads true, optimusAccess false, canReassignLeads true.
    if (f.canCreateLeads === false) {
      role.canCreateLeads = false;
      label.push('no-new-leads');
    }
    if (f.optimusAccess === true) {
      role.optimusAccess = true;
      label.push('optimus');
    }
    if (f.canReassignLeads === false) {
      role.canReassignLeads = false;
      label.push('no-reassign');
    }
    user.role = role;
    user.roleLabel = label.join('-');
  } else if (unknown.length > 0) {
    user.unrepresentable = `Enerflo role${unknown.length === 1 ? '' : 's'} ${unknown.map((r) => `"${r}"`).join(', ')} unknown to roster (known: ${enerfloRoleNames.join(', ')})`;
  }

  // Extra offices mean something only on the Regional Manager role (mapping.ts keeps them only there).
  const extras = Array.isArray(f.officeIds) ? f.officeIds.map(String) : [];
  if (roles.includes(REGIONAL_MANAGER) && extras.length > 0) user.overrides = { officeIds: extras.map(idValue) };
  return user;
}

export const enerfloImporter: VendorImporter = { fromLive: enerfloImported };
