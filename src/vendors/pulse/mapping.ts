import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { toE164 } from '../../config/phone.js';
import type { ResolvedPerson } from '../../config/model.js';
import type { DesiredRecord, FieldSpec, FieldValue, LiveRecord } from '../types.js';
import { oncePer } from '../shared-values.js';
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
  if (plainlyReadable(raw)) return liveRecordFrom(raw, defaultCountry);
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
 * A listed user the schema certainly accepts, checked by hand: what JSON gives for a well-formed user, with
 * the schema's own rules (finite numbers, an id string of at least one character, an email of at least
 * three). The schema's parse per user was most of decoding a 10,000-user listing (issue 26); whatever this
 * does not vouch for is parsed by the schema, which words the problem. liveRecordFrom reads only these
 * keys and copies the roles, so the user as JSON gave it reads as the schema's copy of it.
 */
function plainlyReadable(raw: unknown): raw is PulseUser {
  if (typeof raw !== 'object' || raw === null || Object.getPrototypeOf(raw) !== Object.prototype) return false;
  const user = raw as Record<string, unknown>;
  const { id, email, name, active, teamId, phone, flatRolesList: roles } = user;
  if (!((typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.length >= 1))) return false;
  if (typeof email !== 'string' || email.length < 3) return false;
  if (name !== undefined && name !== null && typeof name !== 'string') return false;
  if (active !== undefined && typeof active !== 'boolean') return false;
  if (teamId !== undefined && teamId !== null && typeof teamId !== 'string' && !(typeof teamId === 'number' && Number.isFinite(teamId))) return false;
  if (phone !== undefined && phone !== null && typeof phone !== 'string') return false;
  if (roles === undefined || roles === null) return true;
  if (!Array.isArray(roles)) return false;
  for (let i = 0; i < roles.length; i++) if (typeof roles[i] !== 'string') return false;
  return true;
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
  const listed = user.flatRolesList ?? [];
  // One role (most users) is already without repeats and sorted.
  const roles = listed.length < 2 ? listed.slice() : [...new Set(listed)].sort();
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
  const roles = pulseRoleNames(person);
  if (!roles) return undefined;
  const name = `${person.firstName} ${person.lastName}`;
  const fields: Record<string, FieldValue> = { name, roles };
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
    name,
  };
}

/** Pulse role names of people with a single role, by role: most people have one, and thousands share it. Frozen, as they are shared. */
const singleRoleNames = oncePer((role: ResolvedPerson['roles'][number]) => roleNamesOf([role]));

/** The Pulse role names a person's roles map onto, without repeats and sorted; undefined when none maps. */
function pulseRoleNames(person: ResolvedPerson): string[] | undefined {
  return person.roles.length === 1 ? singleRoleNames(person.roles[0]) : roleNamesOf(person.roles);
}

function roleNamesOf(roles: ResolvedPerson['roles']): string[] | undefined {
  const mapped = roles.map(pulseParts.role).filter((r): r is PulseRole => r !== undefined);
  if (mapped.length === 0) return undefined;
  return Object.freeze([...new Set(mapped.flatMap((r) => r.roles))].sort()) as string[];
}
