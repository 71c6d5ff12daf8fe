import { STATUS_CODES } from 'node:http';
import { json, type EmuResponse } from '../../sandbox/emulator-kit.js';
import type { StoredUser } from './emulator-state.js';
import { isGone } from './emulator-store.js';

// HighLevel's answers: a user as UserSchema has it, and the NestJS error bodies
// `{statusCode, message, error}` whose `error` is the HTTP reason phrase.

const nestError = (status: number, message: string | string[]): EmuResponse =>
  json(status, { statusCode: status, message, error: STATUS_CODES[status] });

export const unauthorized = (message: string): EmuResponse => nestError(401, message);
export const unprocessable = (messages: string[]): EmuResponse => nestError(422, messages);
export const userDoesNotExist = (): EmuResponse => unauthorized('The user does not exist.');
export const notFound = (): EmuResponse => nestError(404, 'Cannot find the requested route');
export const badRequest = (message: string): EmuResponse => json(400, { statusCode: 400, message });

// The 429 body is undocumented; JSON in HighLevel's error shape, no Retry-After. shared/vendors/README.md
export function tooManyRequests(): EmuResponse {
  return json(429, { statusCode: 429, message: STATUS_CODES[429] });
}

export function serverError(status: number): EmuResponse {
  return json(status, { statusCode: status, message: status === 503 ? STATUS_CODES[503] : 'Internal server error' });
}

export function toUser(u: StoredUser, view: 'search' | 'single'): Record<string, unknown> {
  const roles: Record<string, unknown> = { type: u.type, role: u.role, locationIds: [...u.locationIds] };
  // Get User leaves out restrictSubAccount (HighLevel issue #209); search carries it and `deleted`.
  if (view === 'search') roles.restrictSubAccount = u.restrictSubAccount;
  const user: Record<string, unknown> = {
    id: u.id,
    name: `${u.firstName} ${u.lastName}`.trim(),
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    ...(u.phone ? { phone: u.phone } : {}),
    extension: u.extension,
    permissions: { ...u.permissions },
    scopes: [...u.scopes],
    // scopesAssignedToOnly is stored but never answered: UserSchema has no such field (published.md, HighLevel).
    roles,
    ...(u.platformLanguage ? { platformLanguage: u.platformLanguage } : {}),
  };
  if (view === 'search') user.deleted = isGone(u);
  return user;
}
