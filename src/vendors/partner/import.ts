import type { FieldValue, ImportedUser, LiveRecord, VendorImporter } from '../types.js';
import { partnerAssignableRoles } from './schema.js';

const str = (value: FieldValue | undefined): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/**
 * A partner live user in roster's terms. The account owner (`protectedReason`) and roles roster may
 * not assign are listed by import, never declared. The partner has no office of its own.
 */
export function partnerImported(live: LiveRecord): ImportedUser {
  const f = live.fields;
  const user: ImportedUser = {};
  for (const field of ['firstName', 'lastName', 'phone', 'timezone', 'title'] as const) {
    const value = str(f[field]);
    if (value) user[field] = value;
  }
  if (live.externalId) user.externalId = live.externalId;
  const role = str(f.role);
  if (live.protectedReason) {
    user.unrepresentable = live.protectedReason;
  } else if (role && (partnerAssignableRoles as readonly string[]).includes(role)) {
    user.role = { role };
    user.roleLabel = role.toLowerCase().replace(/_/g, '-');
  } else if (role) {
    user.unrepresentable = `partner role "${role}" cannot be assigned by roster (assignable: ${partnerAssignableRoles.join(', ')})`;
  }
  return user;
}

export const partnerImporter: VendorImporter = {
  fromLive: partnerImported,
  // user_code defaults to the person's externalId; vendors.partner.userCode keeps the partner's own.
  ownValue: (field, value) => (field === 'externalId' ? { userCode: value } : undefined),
};
