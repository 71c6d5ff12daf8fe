import { toE164 } from '../../config/phone.js';
import type { FieldSpec, FieldValue, LiveRecord } from '../types.js';
import { ACCOUNT_OWNER } from './documented.js';
import { registerPersonalFields } from '../../secrets/personal-values.js';
import type { SharedValues } from '../shared-values.js';

/**
 * The fields roster compares in SimplePin, by their names in plans. Only what `GET /v2/user/get` returns can be
 * compared (shared/vendors/README.md rule 4): `time_zone_id` is not in UserResponseV2Model, so the timezone is
 * sent with every create and update but never diffed. Nothing else of a user is read into roster: `ssn`,
 * `date_of_birth`, `owner_ship` (which the answer carries) and `password` are dropped here, at the boundary.
 */
export const partnerFields: FieldSpec[] = [
  { name: 'firstName' },
  { name: 'lastName' },
  { name: 'phone', personal: 'phone' },
  { name: 'role' },
  { name: 'title' },
  // Write-only (not in UserResponseV2Model): sent with every create and update, never compared.
  { name: 'timezone', writeOnly: true },
  { name: 'addressSameAsCompany', writeOnly: true },
];

export const OWNER_REASON =
  'ACCOUNT_OWNER: the account owner is created with the company (addCompany) and is never managed by roster';

/**
 * One user of a get (or list) answer, reduced to what roster may know. SimplePin addresses users by
 * `user_code` (there is no `id`), so the code is the vendor id. An answer roster cannot read (no user_code,
 * no email) comes back marked `unreadable`, with whatever could be read, instead of failing everyone.
 */
export function liveFromWire(user: unknown, fallbackCode?: string, shared?: SharedValues): LiveRecord {
  if (user === null || typeof user !== 'object' || Array.isArray(user)) {
    return { vendorId: fallbackCode ?? '', email: '', active: false, fields: {}, unreadable: 'the answer is not a user object (UserResponseV2Model)' };
  }
  const u = user as Record<string, unknown>;
  // Dropped below, but remembered first: a later message that echoes the birth date or SSN is masked by value.
  registerPersonalFields(u);
  const code = text(u.user_code);
  const email = text(u.email);
  // Roles and titles repeat across users: with `shared`, 100,000 reads keep one copy of each (issue 26).
  const role = sharedText(text(u.role), shared);
  const record: LiveRecord = {
    vendorId: code ?? fallbackCode ?? '',
    email: email ?? '',
    active: u.state === 'ACTIVE',
    fields: {
      firstName: text(u.first_name),
      lastName: text(u.last_name),
      phone: normalisePhone(text(u.phone)),
      role,
      title: sharedText(text(u.account_title), shared),
    },
  };
  if (code) record.externalId = code;
  if (role === ACCOUNT_OWNER) record.protectedReason = OWNER_REASON;
  if (!code) record.unreadable = 'the user has no user_code';
  else if (!email) record.unreadable = `user ${code} has no email`;
  else if (u.state !== 'ACTIVE' && u.state !== 'INACTIVE') record.unreadable = `user ${code} has an unknown state ${JSON.stringify(u.state ?? null)}`;
  return record;
}

const sharedText = (value: string | null, shared: SharedValues | undefined): string | null => (value === null || !shared ? value : shared.text(value));

/** A managed value as the wire carries it. */
export function wireValue(value: FieldValue | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  return String(value);
}

/** A text field: trimmed, with an empty value as null (the vendor stores "" after a clear). */
function text(value: unknown): string | null {
  if (value === null || value === undefined || typeof value === 'object') return null;
  const s = String(value).trim();
  return s === '' ? null : s;
}

/** Live phones in E.164 like git's, so a vendor's own formatting is not a change (US when no country code). */
export function normalisePhone(value: string | null): string | null {
  if (value === null) return null;
  return toE164(value) ?? value;
}
