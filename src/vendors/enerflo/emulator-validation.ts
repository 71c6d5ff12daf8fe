import { json, type EmuResponse } from '../../sandbox/emulator-kit.js';
import { ROLE_SLUGS } from './documented.js';
import { derivedOf, inCompany, tenDigits, visibleById, type EnerfloApiKey, type EnerfloState, type EnerfloUser } from './emulator-state.js';

// Request checks as a Laravel API makes them: each field's rule adds its messages to `errors` by field,
// and the request is refused with one 422 listing them all.

export const SALES_REP = 'Sales Rep';
export const REGIONAL_MANAGER = 'Regional Manager';
const ROLE_NAMES = Object.keys(ROLE_SLUGS);
const slugOwner = (slug: string) => ROLE_NAMES.find((name) => ROLE_SLUGS[name] === slug);

export type Body = Record<string, unknown>;
export type Errors = Record<string, string[]>;

/** Laravel's 422: the first message, "(and N more errors)", and every message by field. */
export function unprocessable(errors: Errors): EmuResponse {
  const messages = Object.values(errors).flat();
  const more = messages.length - 1;
  const message = more > 0 ? `${messages[0]} (and ${more} more error${more > 1 ? 's' : ''})` : messages[0];
  return json(422, { message, errors });
}

export function add(errors: Errors, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

export const has = (body: Body, field: string) => Object.prototype.hasOwnProperty.call(body, field);
export const blank = (v: unknown) => v === undefined || v === null || v === '';

export function asBoolean(body: Body, field: string, errors: Errors, required = false): boolean | undefined {
  if (!has(body, field) || body[field] === null) {
    if (required) add(errors, field, `The ${field.replace(/_/g, ' ')} field is required.`);
    return undefined;
  }
  const v = body[field];
  // Laravel's `boolean` rule: true, false, 1, 0, "1", "0".
  if (v === true || v === 1 || v === '1') return true;
  if (v === false || v === 0 || v === '0') return false;
  add(errors, field, `The ${field.replace(/_/g, ' ')} field must be true or false.`);
  return undefined;
}

export function asText(body: Body, field: string, errors: Errors): string | null | undefined {
  if (!has(body, field)) return undefined;
  const v = body[field];
  if (blank(v)) return null;
  if (typeof v !== 'string' && typeof v !== 'number') {
    add(errors, field, `The ${field.replace(/_/g, ' ')} field must be a string.`);
    return undefined;
  }
  if (String(v).length > 255) add(errors, field, `The ${field.replace(/_/g, ' ')} field must not be greater than 255 characters.`);
  return String(v);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(state: EnerfloState, body: Body, errors: Errors, self?: EnerfloUser): string | undefined {
  const v = body.email;
  if (blank(v)) {
    add(errors, 'email', 'The email field is required.');
    return undefined;
  }
  if (typeof v !== 'string' || !EMAIL.test(v)) {
    add(errors, 'email', 'The email field must be a valid email address.');
    return undefined;
  }
  // Unique across every company, deleted users included (enerflo-highlevel.md §1.7).
  if (derivedOf(state).byEmail.get(v.toLowerCase()).some((u) => u !== self)) add(errors, 'email', 'The email has already been taken.');
  return v;
}

export function checkRoles(body: Body, errors: Errors): string[] | undefined {
  const v = body.roles;
  if (blank(v) || (Array.isArray(v) && v.length === 0)) {
    add(errors, 'roles', 'The roles field is required.');
    return undefined;
  }
  if (!Array.isArray(v)) {
    add(errors, 'roles', 'The roles field must be an array.');
    return undefined;
  }
  const names: string[] = [];
  v.forEach((role, i) => {
    const field = `roles.${i}`;
    if (typeof role !== 'string') return add(errors, field, `The ${field} field must be a string.`);
    if (ROLE_NAMES.includes(role)) return names.includes(role) || names.push(role);
    const name = slugOwner(role);
    add(
      errors,
      field,
      name
        ? `"${role}" is a Role Slug; use the Role Name "${name}" when assigning roles.`
        : `The selected ${field} is invalid.`,
    );
  });
  return names;
}

export function checkPhone(body: Body, errors: Errors): string | null | undefined {
  if (!has(body, 'phone')) return undefined;
  const v = body.phone;
  if (blank(v)) return null;
  const phone = typeof v === 'string' || typeof v === 'number' ? tenDigits(v) : undefined;
  if (!phone) add(errors, 'phone', 'The phone field must be a valid 10-digit phone number.');
  return phone;
}

/** `timezone` is an enum (published.md, `reference/add-a-user`). */
export function checkTimezone(state: EnerfloState, body: Body, errors: Errors): string | null | undefined {
  if (!has(body, 'timezone')) return undefined;
  const v = body.timezone;
  if (blank(v)) return null;
  if (typeof v === 'string' && state.timezones.includes(v)) return v;
  add(errors, 'timezone', 'The selected timezone is invalid.');
  return undefined;
}

function officeOf(state: EnerfloState, companyId: number, v: unknown): number | undefined {
  const id = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  const company = state.companies.find((c) => c.id === companyId);
  return company?.offices.some((o) => o.id === id) ? id : undefined;
}

/** Create's `office_id`: one office of the company, or undefined when none was sent. */
export function checkOfficeId(state: EnerfloState, companyId: number, body: Body, errors: Errors): number | undefined {
  if (blank(body.office_id)) return undefined;
  const officeId = officeOf(state, companyId, body.office_id);
  if (officeId === undefined) add(errors, 'office_id', 'The selected office id is invalid.');
  return officeId;
}

/** Update's `office_ids`: offices of the company, each once; `null` clears them, undefined when not sent. */
export function checkOfficeIds(state: EnerfloState, companyId: number, body: Body, errors: Errors): number[] | undefined {
  if (!has(body, 'office_ids')) return undefined;
  const given = body.office_ids;
  if (given === null) return [];
  if (!Array.isArray(given)) {
    add(errors, 'office_ids', 'The office ids field must be an array.');
    return undefined;
  }
  const officeIds: number[] = [];
  given.forEach((v, i) => {
    const id = officeOf(state, companyId, v);
    if (id === undefined) add(errors, `office_ids.${i}`, `The selected office_ids.${i} is invalid.`);
    else if (!officeIds.includes(id)) officeIds.push(id);
  });
  return officeIds;
}

/**
 * Resolves manager_id / manager_email (manager_id wins when both are given). `null` clears the manager;
 * undefined means neither was sent. An unknown manager is a 422 (the md: "Emulator: 422").
 */
export function checkManager(state: EnerfloState, companyId: number, body: Body, errors: Errors, self?: EnerfloUser): number | null | undefined {
  const byId = has(body, 'manager_id') && !blank(body.manager_id);
  const byEmail = has(body, 'manager_email') && !blank(body.manager_email);
  if (!byId && !byEmail) return has(body, 'manager_id') || has(body, 'manager_email') ? null : undefined;
  const manager = byId
    ? visibleById(state, companyId, String(body.manager_id))
    : derivedOf(state).byEmail.get(String(body.manager_email).toLowerCase()).find(inCompany(companyId));
  const field = byId ? 'manager_id' : 'manager_email';
  if (!manager) {
    add(errors, field, `The selected ${field.replace('_', ' ')} is invalid.`);
    return undefined;
  }
  if (self && manager.id === self.id) {
    add(errors, field, 'A user cannot be their own manager.');
    return undefined;
  }
  return manager.id;
}

/**
 * "Company Admin can add or remove any role except Super Admin; Office Admin can only add or remove Sales
 * Rep and Setter" (help centre); that the API holds a key to its owner's limits is inferred
 * (shared/vendors/README.md). Laravel's authorization failure is a 403.
 */
export function forbiddenRoleChange(key: EnerfloApiKey, before: string[], after: string[]): EmuResponse | undefined {
  const owner = key.owner_role ?? 'Company Admin';
  if (owner === 'Super Admin') return undefined;
  const allowed = (role: string) => (owner === 'Office Admin' ? role === SALES_REP || role === 'Setter' : owner === 'Company Admin' && role !== 'Super Admin');
  const changed = [...after.filter((r) => !before.includes(r)), ...before.filter((r) => !after.includes(r))];
  const refused = changed.filter((r) => !allowed(r));
  if (refused.length === 0) return undefined;
  return json(403, { message: `This action is unauthorized. ${/^[AEIOU]/.test(owner) ? 'An' : 'A'} ${owner} cannot add or remove the ${refused.join(', ')} role${refused.length > 1 ? 's' : ''}.` });
}

/** Roles whose removal needs the user's attributed work reassigned first (Update a User seed page). */
export function blockedRemoval(user: EnerfloUser, removed: string[]): string | undefined {
  const leadRole = removed.find((r) => r === SALES_REP || r === 'Setter');
  if (leadRole && user.has_attributed_leads) {
    return `The ${leadRole} role cannot be removed while leads, surveys or appointments are attributed to this user; reassign them first.`;
  }
  if (removed.includes('Project Manager') && user.has_project_installs) {
    return 'The Project Manager role cannot be removed while the user is a project contact on installs; remove them as contact first.';
  }
  return undefined;
}
