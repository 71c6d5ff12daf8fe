import { json, Router, type EmuRequest, type EmuResponse } from '../../sandbox/emulator-kit.js';
import { ROLE_SLUGS } from './documented.js';
import { derivedOf, inCompany, listedShape, present, visibleById, type EnerfloApiKey, type EnerfloState, type EnerfloUser } from './emulator-state.js';
import { unprocessable } from './emulator-validation.js';
import { createUser, updateUser } from './emulator-writes.js';

/** Create is v1, everything else v3 (published.md, `reference/add-a-user` and `update-a-user`). */
const CREATE = '/api/v1/users';
const USERS = '/api/v3/users';
const DEFAULT_PAGE_SIZE = 25;
/** Maximum pageSize: not found in the docs; 500 (inferred, shared/vendors/README.md). */
const MAX_PAGE_SIZE = 500;

/** Enerflo's four user routes; `caller` is the key `before` authenticated the request with. */
export function enerfloRouter(state: EnerfloState, caller: (req: EmuRequest) => EnerfloApiKey): Router {
  return new Router()
    .add('GET', USERS, (req) => listUsers(state, caller(req), req.query))
    .add('GET', `${USERS}/:id`, (req) => getUser(state, caller(req), req.params.id))
    .add('POST', CREATE, (req) => createUser(state, caller(req), req.body))
    .add('PUT', USERS, (req) => updateUser(state, caller(req), req.body));
}

function listUsers(state: EnerfloState, key: EnerfloApiKey, query: URLSearchParams): EmuResponse {
  const page = Math.max(1, Math.trunc(Number(query.get('page') ?? 1)) || 1);
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(Number(query.get('pageSize') ?? DEFAULT_PAGE_SIZE)) || DEFAULT_PAGE_SIZE));
  // A listing's filtered, sorted users (and an id index for managers) are reused for its next pages
  // while nothing was written: filtering, sorting and looking up every manager by a scan of all users
  // again for every page made a 100,000-user listing take many minutes (npm run bench). Page 1 always
  // computes afresh, so a listing never starts on stale data.
  const listKey = `${key.company_id}?${[...query].filter(([k]) => k !== 'page' && k !== 'pageSize').map(([k, v]) => `${k}=${v}`).join('&')}`;
  const derived = derivedOf(state);
  let list = derived.lastList;
  if (page === 1 || list?.key !== listKey || list.writes !== derived.writes) {
    const users = listed(state, key, query);
    if (!Array.isArray(users)) return users;
    list = { key: listKey, writes: derived.writes, users, byId: new Map(state.users.map((u) => [u.id, u])) };
    derived.lastList = list;
  }
  const { users, byId } = list;
  const total = users.length;
  return json(200, {
    results: users.slice((page - 1) * pageSize, page * pageSize).map((u) => listedShape(state, present(state, u, byId))),
    page,
    pageSize,
    total,
    totalPages: Math.max(1, Math.ceil(total / pageSize)),
  });
}

/** The users a listing shows, by id, or the 422 of an unknown `status`. */
function listed(state: EnerfloState, key: EnerfloApiKey, query: URLSearchParams): EnerfloUser[] | EmuResponse {
  // Inactive users are listed only when asked for (help centre, "reactivate a user account").
  const status = query.get('status');
  // Suspended users are in neither list: `status=suspended` shows them (the help centre names both statuses).
  if (status !== null && status !== 'active' && status !== 'inactive' && status !== 'suspended') return unprocessable({ status: ['The selected status is invalid.'] });
  const wanted = (u: EnerfloUser) => (status === 'suspended' ? u.suspended === true : !u.suspended && u.active === (status !== 'inactive'));
  let users = state.users
    .filter(inCompany(key.company_id))
    .filter(wanted)
    .sort((a, b) => a.id - b.id);
  const companyId = query.get('company_id');
  if (companyId) users = users.filter((u) => String(u.company_id) === companyId);
  const slug = query.get('user_role');
  // The list filter takes a Role Slug (a client used `agent`); writes take Role Names.
  if (slug) users = users.filter((u) => u.roles.some((name) => ROLE_SLUGS[name] === slug));
  return users;
}

function getUser(state: EnerfloState, key: EnerfloApiKey, id: string): EmuResponse {
  const user = visibleById(state, key.company_id, id);
  return user ? json(200, present(state, user)) : json(404, { message: 'User not found.' });
}
