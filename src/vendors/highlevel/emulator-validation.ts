import { createFields, isPermissionName, languageEnum, requiredOnCreate, scopeEnum, updateFields } from './emulator-spec.js';

// Request checks with class-validator style messages, as HighLevel's NestJS API answers them in a 422
// array. The field names and enums are CreateUserDto's and UpdateUserDto's (emulator-spec.ts).

type Body = Record<string, unknown>;

/** The checks of a create or update body; `knownLocation` says which location ids the company has. */
export function validateWrite(body: Body, mode: 'create' | 'update', knownLocation: (id: string) => boolean): string[] {
  return [...fieldErrors(body, mode), ...locationErrors(body, mode, knownLocation), ...listErrors(body)];
}

const has = (body: Body, key: string) => body[key] !== undefined && body[key] !== null;

/** Unknown and missing fields, strings, the email and password forms, and the type and role enums. */
function fieldErrors(body: Body, mode: 'create' | 'update'): string[] {
  const errors: string[] = [];
  const allowed = mode === 'create' ? createFields : updateFields;
  for (const key of Object.keys(body)) {
    if (!allowed.has(key)) errors.push(`property ${key} should not exist`);
  }
  if (mode === 'create') {
    for (const field of requiredOnCreate) {
      const value = body[field];
      if (value === undefined || value === null || value === '') errors.push(`${field} should not be empty`);
    }
  }
  for (const key of ['companyId', 'firstName', 'lastName', 'email', 'password', 'phone', 'profilePhoto']) {
    if (has(body, key) && typeof body[key] !== 'string') errors.push(`${key} must be a string`);
  }
  for (const key of ['firstName', 'lastName']) {
    if (mode === 'update' && body[key] === '') errors.push(`${key} should not be empty`);
  }
  if (typeof body.email === 'string' && body.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.email)) {
    errors.push('email must be an email');
  }
  // Password rules are undocumented; the emulator asks for 8 characters. shared/vendors/README.md
  if (typeof body.password === 'string' && body.password && body.password.length < 8) {
    errors.push('password must be longer than or equal to 8 characters');
  }
  if (has(body, 'type') && body.type !== 'account' && body.type !== 'agency') {
    errors.push('type must be one of the following values: account, agency');
  }
  if (has(body, 'role') && body.role !== 'admin' && body.role !== 'user') {
    errors.push('role must be one of the following values: admin, user');
  }
  return errors;
}

function locationErrors(body: Body, mode: 'create' | 'update', knownLocation: (id: string) => boolean): string[] {
  if (!has(body, 'locationIds')) return [];
  if (!Array.isArray(body.locationIds) || body.locationIds.some((id) => typeof id !== 'string')) {
    return ['locationIds must be an array of strings'];
  }
  const errors: string[] = [];
  for (const id of body.locationIds as string[]) {
    if (!knownLocation(id)) errors.push(`locationIds contains an unknown location: ${id}`);
  }
  if (mode === 'create' && body.type === 'account' && body.locationIds.length === 0) {
    errors.push('locationIds should not be empty for an account user');
  }
  return errors;
}

/** Permissions, the scope lists, the language and twilioPhone: the documented names and enums only. */
function listErrors(body: Body): string[] {
  const errors: string[] = [];
  if (has(body, 'permissions')) {
    if (typeof body.permissions !== 'object' || Array.isArray(body.permissions)) errors.push('permissions must be an object');
    else {
      for (const [name, value] of Object.entries(body.permissions as Record<string, unknown>)) {
        if (!isPermissionName(name)) errors.push(`permissions.property ${name} should not exist`);
        else if (typeof value !== 'boolean') errors.push(`permissions.${name} must be a boolean value`);
      }
    }
  }
  for (const key of ['scopes', 'scopesAssignedToOnly']) {
    if (!has(body, key)) continue;
    const list = body[key];
    if (!Array.isArray(list)) errors.push(`${key} must be an array`);
    else {
      const unknown = list.filter((s) => typeof s !== 'string' || !scopeEnum.has(s));
      if (unknown.length > 0) errors.push(`each value in ${key} must be one of the allowed scopes (not ${unknown.map((s) => JSON.stringify(s)).join(', ')})`);
    }
  }
  if (has(body, 'platformLanguage') && !languageEnum.has(String(body.platformLanguage))) {
    errors.push(`platformLanguage must be one of the following values: ${[...languageEnum].join(', ')}`);
  }
  if (has(body, 'twilioPhone')) {
    const map = body.twilioPhone;
    if (typeof map !== 'object' || Array.isArray(map) || Object.values(map as object).some((v) => typeof v !== 'string')) {
      errors.push('twilioPhone must be an object of strings');
    }
  }
  return errors;
}
