import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { toE164 } from '../../config/phone.js';
import type { ResolvedPerson } from '../../config/model.js';
import type { DesiredRecord, FieldSpec, FieldValue, LiveRecord } from '../types.js';
import { pulseParts, type PulseRole } from './schema.js';

/** The fields roster manages in Pulse. Email is the identity and is not a field (no documented change). */
export const pulseFields: FieldSpec[] = [{ name: 'name' }, { name: 'phone', personal: 'phone' }, { name: 'team' }, { name: 'roles' }];

/**
 * A Pulse User as the seed page shows it (`id` integer, `email`, `name`, `active`, `teamId`, `phone`,
 * `flatRolesList`); only what roster reads is checked, other keys pass. Ids are kept opaque.
 */
const pulseUserSchema = z.looseObject({
  id: z.union([z.number(), z.string().min(1)]),
  email: z.string().min(3),
  name: z.string().nullish(),
  active: z.boolean().optional(),
  teamId: z.union([z.number(), z.string()]).nullish(),
  phone: z.string().nullish(),
  flatRolesList: z.array(z.string()).nullish(),
});

export type PulseUser = z.infer<typeof pulseUserSchema>;

/**
 * One listed user, or a record marked `unreadable` with whatever id and email could be read, so one
 * malformed user is reported alone and never matched, updated or pruned (src/vendors/types.ts).
 */
export function readPulseUser(raw: unknown, defaultCountry: CountryCode = 'US'): LiveRecord {
  const parsed = pulseUserSchema.safeParse(raw);
  if (parsed.success) return liveRecordFrom(parsed.data, defaultCountry);
  const entry = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const id = typeof entry.id === 'number' || (typeof entry.id === 'string' && entry.id !== '') ? String(entry.id) : '';
  const why = parsed.error.issues
    .map((issue) => {
      if (issue.path.length === 0) return 'the entry is not an object';
      return `${issue.path.join('.')}: ${entry[String(issue.path[0])] === undefined ? 'missing' : issue.message}`;
    })
    .join('; ');
  return {
    vendorId: id,
    email: typeof entry.email === 'string' ? entry.email : '',
    active: entry.active !== false,
    fields: {},
    unreadable: `Pulse user ${id || '(no id)'} cannot be read: ${why}`,
  };
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

/**
 * What git says a person looks like in Pulse, or undefined when none of their roles maps onto Pulse.
 * `phone` is left out when git declares none and `team` when the office names no Pulse team: roster
 * then leaves whatever Pulse has (a number a person added themselves stays).
 */
export function desiredPulseRecord(person: ResolvedPerson): DesiredRecord | undefined {
  const mapped = person.roles.map(pulseParts.role).filter((r): r is PulseRole => r !== undefined);
  if (mapped.length === 0) return undefined;
  const roles = [...new Set(mapped.flatMap((r) => r.roles))].sort();
  const fields: Record<string, FieldValue> = { name: `${person.firstName} ${person.lastName}`, roles };
  // ResolvedPerson.phone is already E.164 (the loader normalised and checked it); parsing it again was
  // a quarter of a 10,000-person Pulse plan (npm run bench).
  if (person.phone) fields.phone = person.phone;
  const teamId = pulseParts.office(person.office)?.teamId;
  if (teamId !== undefined) fields.team = String(teamId);
  const pinned = pulseParts.person(person)?.id;
  return {
    key: person.key,
    email: person.email,
    ...(pinned !== undefined ? { pinnedId: String(pinned) } : {}),
    active: person.active,
    fields,
    dependsOn: [],
    name: `${person.firstName} ${person.lastName}`,
  };
}
