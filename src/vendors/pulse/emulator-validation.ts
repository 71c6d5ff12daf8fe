import type { EmuResponse } from '../../sandbox/emulator-kit.js';
import { fail, isObject } from './emulator-http.js';
import type { PulseState } from './emulator-state.js';

/** Request body checks: which fields each write takes, their types and lengths, the documented enums. */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The enum of NotificationPreference `deliveryPref` (seed page, components/schemas/NotificationPreference). */
const DELIVERY_PREFS = new Set(['website', 'weekly_email_digest', 'monthly_email_digest', 'email', 'sms']);
/** The fields `POST /users` takes: the seed page's body shows `email`; the others are inferred. Anything else is refused. */
const CREATE_FIELDS = new Set(['email', 'name', 'phone', 'teamId']);
/** The fields a PATCH may change; the email is the identity and is not among them (inferred). */
const UPDATE_FIELDS = new Set(['name', 'phone', 'imgSrc', 'teamId', 'active', 'notificationPreferences']);

function unknownFields(body: Record<string, unknown>, allowed: Set<string>): EmuResponse | undefined {
  const unknown = Object.keys(body).filter((k) => !allowed.has(k));
  if (unknown.length > 0) return fail(400, `Unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  return undefined;
}

/** A `POST /users` body: a valid email, known fields, each of the right type. */
export function checkNewUser(state: PulseState, body: Record<string, unknown>, accountId: string): EmuResponse | undefined {
  if (typeof body.email !== 'string' || !EMAIL.test(body.email.trim())) return fail(400, 'email is required and must be a valid email address');
  return unknownFields(body, CREATE_FIELDS) ?? checkUserFields(state, body, accountId);
}

/** A `PATCH /users/{id}` body: no email, known fields, each of the right type. */
export function checkUserUpdate(state: PulseState, body: Record<string, unknown>, accountId: string): EmuResponse | undefined {
  if ('email' in body) return fail(400, 'email cannot be changed');
  return unknownFields(body, UPDATE_FIELDS) ?? checkUserFields(state, body, accountId);
}

function checkUserFields(state: PulseState, body: Record<string, unknown>, accountId: string): EmuResponse | undefined {
  const nullableString = (key: string, max: number) =>
    key in body && body[key] !== null && (typeof body[key] !== 'string' || (body[key]).length > max);
  if (nullableString('name', 200)) return fail(400, 'name must be a string of at most 200 characters');
  if (nullableString('phone', 32)) return fail(400, 'phone must be a string of at most 32 characters');
  if (nullableString('imgSrc', 2048)) return fail(400, 'imgSrc must be a URL string');
  if ('active' in body && typeof body.active !== 'boolean') return fail(400, 'active must be a boolean');
  if ('teamId' in body && body.teamId !== null) {
    if (typeof body.teamId !== 'number' && typeof body.teamId !== 'string') return fail(400, 'teamId must be a team id');
    const team = state.teams.find((t) => t.accountId === accountId && String(t.id) === String(body.teamId));
    if (!team) return fail(422, `Team ${String(body.teamId)} does not exist in account ${accountId}`);
  }
  if ('notificationPreferences' in body) return checkNotificationPreferences(body.notificationPreferences);
  return undefined;
}

function checkNotificationPreferences(prefs: unknown): EmuResponse | undefined {
  // The seed's User schema types it `object` (example `{}`); what goes inside is not documented,
  // except that a NotificationPreference's deliveryPref takes only the enum's values.
  if (!isObject(prefs)) return fail(400, 'notificationPreferences must be an object');
  const badDelivery = Object.values(prefs).some(
    (p) => isObject(p) && p.deliveryPref !== undefined && !(Array.isArray(p.deliveryPref) && p.deliveryPref.every((d) => DELIVERY_PREFS.has(d as string))),
  );
  if (badDelivery) return fail(400, `notificationPreferences: deliveryPref takes only ${[...DELIVERY_PREFS].join(', ')}`);
  return undefined;
}

/** A `PUT /users/{id}/roles` body: `{"roles": [...]}`, every name one of the tenant's roles; duplicates dropped. */
export function readRoles(state: PulseState, body: unknown): string[] | EmuResponse {
  if (!isObject(body) || !Array.isArray(body.roles) || !body.roles.every((r) => typeof r === 'string')) {
    return fail(400, 'The body must be {"roles": ["roleName", ...]}');
  }
  const roles = [...new Set(body.roles)];
  const unknown = roles.filter((r) => !state.roles.some((known) => known.name === r));
  if (unknown.length > 0) {
    return fail(422, `Unknown role${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r}"`).join(', ')}; known roles: ${state.roles.map((r) => r.name).join(', ')}`);
  }
  return roles;
}

/** A `POST /teams` body's name, trimmed. */
export function readTeamName(body: unknown): string | EmuResponse {
  if (!isObject(body) || typeof body.name !== 'string' || body.name.trim() === '') return fail(400, 'name is required');
  return body.name.trim();
}
