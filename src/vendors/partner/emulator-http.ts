import { STATUS_CODES } from 'node:http';
import type { EmuRequest, EmuResponse } from '../../sandbox/emulator-kit.js';
import { toXml, wantsXml } from './emulator-codec.js';
import { RESPONSE_XML_ROOT, type UserResponseModel } from './documented.js';
import type { StoredUser } from './emulator-state.js';

/** The SimplePin emulator's wire: request headers, answers as JSON or XML per `Accept`, Spring Boot's error body. */

/**
 * The user as UserResponseV2Model (published.md, SimplePin get-user): these fields and no others, so no `id`
 * and no `time_zone_id`. `ssn`, `date_of_birth` and `owner_ship` are answered as stored: the adapter must drop them.
 */
export function present(user: StoredUser): UserResponseModel {
  return {
    account_title: user.account_title ?? null,
    address: user.address ?? null,
    creation_date: user.creation_date,
    date_of_birth: user.date_of_birth ?? null,
    email: user.email ?? null,
    first_name: user.first_name ?? null,
    last_name: user.last_name ?? null,
    logo_url: user.logo ?? null,
    owner_ship: user.owner_ship ?? null,
    phone: user.phone ?? null,
    role: user.role ?? null,
    ssn: user.ssn ?? null,
    state: user.state ?? null,
    user_code: user.user_code,
  };
}

export function respond(req: EmuRequest, status: number, body: UserResponseModel): EmuResponse {
  return wantsXml(req.headers.accept) ? xmlResponse(status, RESPONSE_XML_ROOT, body) : { status, json: body };
}

export function xmlResponse(status: number, root: string, body: unknown): EmuResponse {
  return { status, text: toXml(root, body), contentType: 'application/xml;charset=UTF-8' };
}

/** Spring Boot's error body: `{timestamp, status, error, message, path}`, as JSON or XML per `Accept`. */
export function springError(req: EmuRequest, status: number, message: string): EmuResponse {
  const res = errorBody(status, message, req.path);
  return wantsXml(req.headers.accept) ? xmlResponse(status, 'error', res.json) : res;
}

export function errorBody(status: number, message: string, path: string): EmuResponse {
  return { status, json: { timestamp: new Date().toISOString(), status, error: STATUS_CODES[status] ?? 'Error', message, path } };
}

export function header(req: EmuRequest, name: string): string | undefined {
  const value = req.headers[name];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text : undefined;
}
