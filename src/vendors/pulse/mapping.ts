import type { CountryCode } from 'libphonenumber-js';
import { toE164 } from '../../config/phone.js';
import type { Organisation, ResolvedPerson } from '../../config/model.js';
import type { VendorInstanceConfig } from '../../config/schema.js';
import type { DesiredRecord, FieldSpec, FieldValue, LiveRecord } from '../types.js';
import type { PulseOffice, PulsePerson, PulseRole } from './schema.js';

/** The fields roster manages in Pulse. Email is the identity and is not a field (no documented change). */
export const pulseFields: FieldSpec[] = [{ name: 'name' }, { name: 'phone', personal: 'phone' }, { name: 'team' }, { name: 'roles' }];

/** A Pulse User as the API returns it (the seed page's shape); only what roster reads is typed. */
export interface PulseUser {
  id: number | string;
  email: string;
  name?: string | null;
  active?: boolean;
  teamId?: number | string | null;
  phone?: string | null;
  flatRolesList?: string[] | null;
}

/**
 * Phones compare in E.164. Pulse stores whatever it was sent, so a number typed in the UI as
 * "(512) 555-0100" is read in the instance's default country; a value that does not parse is kept
 * as written, so it shows up as a difference rather than vanishing.
 */
export function normalisePhone(value: string | null | undefined, defaultCountry: CountryCode = 'US'): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  return toE164(value, defaultCountry) ?? value.trim();
}

export function liveRecordFrom(user: PulseUser, defaultCountry: CountryCode = 'US'): LiveRecord {
  const roles = [...new Set(user.flatRolesList ?? [])].sort();
  return {
    vendorId: String(user.id),
    email: user.email,
    active: user.active !== false,
    fields: {
      name: user.name?.trim() ? user.name.trim() : null,
      phone: normalisePhone(user.phone, defaultCountry),
      team: user.teamId === null || user.teamId === undefined ? null : String(user.teamId),
      roles,
    },
  };
}

function pulseRoleOf(role: ResolvedPerson['roles'][number]): PulseRole | undefined {
  return (role as unknown as { pulse?: PulseRole }).pulse;
}

/**
 * What git says a person looks like in Pulse, or undefined when none of their roles maps onto Pulse.
 * `phone` is left out when git declares none and `team` when the office names no Pulse team: roster
 * then leaves whatever Pulse has (a number a person added themselves stays).
 */
export function desiredPulseRecord(person: ResolvedPerson, _org: Organisation, _config: VendorInstanceConfig): DesiredRecord | undefined {
  const mapped = person.roles.map(pulseRoleOf).filter((r): r is PulseRole => r !== undefined);
  if (mapped.length === 0) return undefined;
  const roles = [...new Set(mapped.flatMap((r) => r.roles))].sort();
  const fields: Record<string, FieldValue> = { name: `${person.firstName} ${person.lastName}`, roles };
  // ResolvedPerson.phone is already E.164 (the loader normalised and checked it); parsing it again was
  // a quarter of a 10,000-person Pulse plan (npm run bench).
  if (person.phone) fields.phone = person.phone;
  const teamId = (person.office as unknown as { pulse?: PulseOffice } | undefined)?.pulse?.teamId;
  if (teamId !== undefined) fields.team = String(teamId);
  const pinned = (person.vendors as unknown as { pulse?: PulsePerson } | undefined)?.pulse?.id;
  return {
    key: person.key,
    email: person.email,
    ...(pinned !== undefined ? { pinnedId: String(pinned) } : {}),
    active: person.active,
    fields,
    dependsOn: [],
    person,
  };
}
