import { json, type EmuResponse } from '../../sandbox/emulator-kit.js';
import { UPDATE_FIELDS } from './documented.js';
import { derivedOf, present, visibleById, type EnerfloApiKey, type EnerfloState, type EnerfloUser } from './emulator-state.js';
import {
  add,
  asBoolean,
  asText,
  blank,
  blockedRemoval,
  checkEmail,
  checkManager,
  checkOfficeId,
  checkOfficeIds,
  checkPhone,
  checkRoles,
  checkTimezone,
  forbiddenRoleChange,
  has,
  REGIONAL_MANAGER,
  SALES_REP,
  unprocessable,
  type Body,
  type Errors,
} from './emulator-validation.js';

// Create (`POST /api/v1/users`) and update (`PUT /api/v3/users`): check every field, refuse with one 422,
// or store the user and answer it. Fields accepted but not applied are noted in `state.ignored`.

function ignore(state: EnerfloState, user: EnerfloUser, body: Body, fields: string[], reason: string): void {
  for (const field of fields) {
    if (has(body, field) && !blank(body[field])) state.ignored.push({ userId: user.id, field, reason });
  }
}

const asBody = (raw: unknown): Body => (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Body;

export function createUser(state: EnerfloState, key: EnerfloApiKey, raw: unknown): EmuResponse {
  const body = asBody(raw);
  const errors: Errors = {};
  const email = checkEmail(state, body, errors);
  const roles = checkRoles(body, errors);
  const salesRep = roles?.includes(SALES_REP) ?? false;
  const firstName = asText(body, 'first_name', errors);
  const lastName = asText(body, 'last_name', errors);
  const externalId = asText(body, 'external_user_id', errors);
  const password = asText(body, 'password', errors);
  const phone = checkPhone(body, errors);
  const timezone = checkTimezone(state, body, errors);
  // `notify_email` and `allow_optimus` are required booleans (published.md, `reference/add-a-user`).
  const welcome = asBoolean(body, 'notify_email', errors, true);
  const canCreateCustomers = asBoolean(body, 'can_create_customers', errors);
  const optimus = asBoolean(body, 'allow_optimus', errors, true);
  const canReassign = asBoolean(body, 'can_reassign_leads', errors);
  // Manager and office "can only be set on the Sales Rep role": checked only then, ignored otherwise.
  const managerId = salesRep ? checkManager(state, key.company_id, body, errors) : undefined;
  const officeId = salesRep ? checkOfficeId(state, key.company_id, body, errors) : undefined;
  if (Object.keys(errors).length > 0 || !email || !roles) return unprocessable(errors);
  const forbidden = forbiddenRoleChange(key, [], roles);
  if (forbidden) return forbidden;

  const now = new Date().toISOString();
  const user: EnerfloUser = {
    id: state.nextId++,
    company_id: key.company_id,
    email,
    first_name: firstName ?? null,
    last_name: lastName ?? null,
    phone: phone ?? null,
    active: true,
    roles,
    office_ids: officeId === undefined ? [] : [officeId],
    manager_id: managerId ?? null,
    timezone: timezone ?? null,
    external_user_id: externalId ?? null,
    can_create_customers: canCreateCustomers ?? true,
    allow_optimus: optimus ?? false,
    can_reassign_leads: canReassign ?? true,
    deleted_at: null,
    has_attributed_leads: false,
    has_project_installs: false,
    has_password: Boolean(password),
    created_at: now,
    updated_at: now,
  };
  if (!salesRep) ignore(state, user, body, ['manager_id', 'manager_email', 'office_id'], 'only on the Sales Rep role');
  state.users.push(user);
  if (welcome) state.outbox.push({ to: user.email, kind: 'welcome' });
  return json(201, state.answers.wrapCreate ? { data: present(state, user) } : present(state, user));
}

/** An update's checked values: undefined where the field was not sent. */
interface Update {
  email?: string;
  roles?: string[];
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  active?: boolean;
  managerId?: number | null;
  officeIds?: number[];
}

export function updateUser(state: EnerfloState, key: EnerfloApiKey, raw: unknown): EmuResponse {
  const sent = asBody(raw);
  if (blank(sent.id)) return unprocessable({ id: ['The id field is required.'] });
  const user = visibleById(state, key.company_id, String(sent.id));
  if (!user) return unprocessable({ id: ['The selected id is invalid.'] });
  // Only the fields the Update page documents are read; the rest (timezone, external_user_id, the
  // flags, manager_id) are create-only or unknown, and are dropped as a Laravel request would drop them.
  const body: Body = {};
  for (const [field, value] of Object.entries(sent)) {
    if (UPDATE_FIELDS.includes(field)) body[field] = value;
    else state.ignored.push({ userId: user.id, field, reason: 'not a field of Update a User' });
  }

  const errors: Errors = {};
  const update = checkUpdate(state, user, body, errors);
  if (Object.keys(errors).length > 0) return unprocessable(errors);
  const forbidden = update.roles ? forbiddenRoleChange(key, user.roles, update.roles) : undefined;
  if (forbidden) return forbidden;
  applyUpdate(state, user, body, update);
  return json(200, present(state, user));
}

function checkUpdate(state: EnerfloState, user: EnerfloUser, body: Body, errors: Errors): Update {
  const email = has(body, 'email') ? checkEmail(state, body, errors, user) : undefined;
  const roles = has(body, 'roles') ? checkRoles(body, errors) : undefined;
  const salesRep = (roles ?? user.roles).includes(SALES_REP);
  if (roles) {
    const blocked = blockedRemoval(user, user.roles.filter((r) => !roles.includes(r)));
    if (blocked) add(errors, 'roles', blocked);
  }
  return {
    email,
    roles,
    firstName: asText(body, 'first_name', errors),
    lastName: asText(body, 'last_name', errors),
    phone: checkPhone(body, errors),
    active: asBoolean(body, 'active', errors),
    managerId: salesRep ? checkManager(state, user.company_id, body, errors, user) : undefined,
    officeIds: checkOfficeIds(state, user.company_id, body, errors),
  };
}

function applyUpdate(state: EnerfloState, user: EnerfloUser, body: Body, update: Update): void {
  if (update.email !== undefined) {
    const before = user.email.toLowerCase();
    user.email = update.email;
    derivedOf(state).byEmail.rekey(user, before);
  }
  if (update.roles !== undefined) user.roles = update.roles;
  if (update.firstName !== undefined) user.first_name = update.firstName;
  if (update.lastName !== undefined) user.last_name = update.lastName;
  if (update.phone !== undefined) user.phone = update.phone;
  if (update.active !== undefined) user.active = update.active;
  // Reactivating a suspended user brings it back (help centre "reactivate a user account").
  if (update.active === true) user.suspended = false;
  if (update.managerId !== undefined) user.manager_id = update.managerId;
  if (!user.roles.includes(SALES_REP)) {
    ignore(state, user, body, ['manager_email'], 'only on the Sales Rep role');
    // A manager belongs to the Sales Rep role: without it there is none (inferred, shared/vendors/README.md).
    user.manager_id = null;
  }
  const regional = user.roles.includes(REGIONAL_MANAGER);
  const { officeIds } = update;
  if (officeIds !== undefined) {
    // The first id applies to every role; the rest only to Regional Manager, silently ignored otherwise.
    if (!regional && officeIds.length > 1) {
      state.ignored.push({ userId: user.id, field: 'office_ids', reason: `ids after the first (${officeIds.slice(1).join(', ')}) apply only to Regional Manager` });
    }
    user.office_ids = regional ? officeIds : officeIds.slice(0, 1);
  } else if (!regional) {
    user.office_ids = user.office_ids.slice(0, 1);
  }
  user.updated_at = new Date().toISOString();
}
