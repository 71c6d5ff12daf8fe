import { toE164 } from '../../config/phone.js';
import type { FieldSpec, FieldValue, LiveRecord } from '../types.js';
import { ACCOUNT_OWNER, type UserAddUpdateModel } from './model.js';

/**
 * The fields roster manages in the partner API, by their names in plans, and the wire field each one is.
 * Nothing else of a partner user is read into roster: the write-only personal data
 * (`password`, `ssn`, `date_of_birth`, `owner_ship`) is dropped here, at the boundary.
 */
export const partnerFields: FieldSpec[] = [
  { name: 'firstName' },
  { name: 'lastName' },
  { name: 'phone', personal: 'phone' },
  { name: 'role' },
  { name: 'timezone' },
  { name: 'title' },
];

export const wireNameOf: Record<string, keyof UserAddUpdateModel> = {
  firstName: 'first_name',
  lastName: 'last_name',
  phone: 'phone',
  role: 'role',
  timezone: 'time_zone_id',
  title: 'account_title',
  email: 'email',
  externalId: 'user_code',
};

export const OWNER_REASON =
  'ACCOUNT_OWNER: the account owner is created with the company (addCompany) and is never managed by roster';

/** One user from a list or get answer, reduced to what roster may know. */
export function liveFromWire(user: Record<string, unknown>): LiveRecord {
  const id = user.id;
  if ((typeof id !== 'number' && typeof id !== 'string') || String(id) === '') {
    throw new Error('a user in the answer has no id');
  }
  const role = text(user.role);
  const record: LiveRecord = {
    vendorId: String(id),
    email: text(user.email) ?? '',
    active: user.state === 'ACTIVE',
    fields: {
      firstName: text(user.first_name),
      lastName: text(user.last_name),
      phone: normalisePhone(text(user.phone)),
      role,
      timezone: text(user.time_zone_id),
      title: text(user.account_title),
    },
  };
  const userCode = text(user.user_code);
  if (userCode) record.externalId = userCode;
  if (role === ACCOUNT_OWNER) record.protectedReason = OWNER_REASON;
  return record;
}

/** A managed value as the wire carries it: the merge update keeps null, so clearing a field sends "". */
export function wireValue(value: FieldValue | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/** A text field: trimmed, with an empty value as null (the vendor stores "" after a clear). */
function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value).trim();
  return s === '' ? null : s;
}

/** Live phones in E.164 like git's, so a vendor's own formatting is not a change (US when no country code). */
export function normalisePhone(value: string | null): string | null {
  if (value === null) return null;
  return toE164(value) ?? value;
}
