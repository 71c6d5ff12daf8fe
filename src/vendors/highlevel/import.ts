import type { FieldValue, ImportedUser, LiveRecord, VendorImporter } from '../types.js';
import { highlevelPermissionDefaults, isPermissionName } from './permissions.js';

const str = (value: FieldValue | undefined): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
const list = (value: FieldValue | undefined): string[] => (Array.isArray(value) ? [...new Set(value.map(String))].sort() : []);

/**
 * A HighLevel live user in roster's terms. The role is `type`, `role`, the scopes, and only the
 * permissions that differ from HighLevel's defaults (mapping.ts fills the rest back in). The first
 * location (in sorted order) is the office; further locations are the person's own `locationIds`.
 */
export function highlevelImported(live: LiveRecord): ImportedUser {
  const f = live.fields;
  const user: ImportedUser = {};
  const firstName = str(f.firstName);
  const lastName = str(f.lastName);
  const phone = str(f.phone);
  if (firstName) user.firstName = firstName;
  if (lastName) user.lastName = lastName;
  if (phone) user.phone = phone;

  const type = str(f.type);
  const role = str(f.role);
  if ((type === 'account' || type === 'agency') && (role === 'admin' || role === 'user')) {
    const mapping: Record<string, unknown> = { type, role };
    const permissions: Record<string, boolean> = {};
    const live = f.permissions && typeof f.permissions === 'object' && !Array.isArray(f.permissions) ? f.permissions : {};
    for (const [name, value] of Object.entries(live)) {
      if (isPermissionName(name) && typeof value === 'boolean' && value !== highlevelPermissionDefaults[name]) permissions[name] = value;
    }
    if (Object.keys(permissions).length > 0) mapping.permissions = permissions;
    // scopesAssignedToOnly is write-only (not in UserSchema), so there is nothing of it to import.
    const scopes = list(f.scopes);
    if (scopes.length > 0) mapping.scopes = scopes;
    user.role = mapping;
    user.roleLabel = `${type}-${role}`;
  } else {
    user.unrepresentable = `HighLevel type "${type ?? ''}" and role "${role ?? ''}" are not ones roster can declare (account or agency; admin or user)`;
  }

  const locations = list(f.locationIds);
  if (locations.length > 0) {
    user.office = { id: `location-${locations[0]}`, mapping: { locationIds: [locations[0]] } };
    if (locations.length > 1) user.overrides = { locationIds: locations.slice(1) };
  }
  return user;
}

export const highlevelImporter: VendorImporter = { fromLive: highlevelImported };
