import type { EmuRequest, EmuResponse } from '../../sandbox/emulator-kit.js';
import { fail } from './emulator-http.js';
import type { PulseMembership, PulseState, PulseUserRow } from './emulator-state.js';

/** Lists: paging (the documented list envelope), the users list's filters and sort, and its cached views. */

/** Inferred page sizes: leads default to 10 per page; we cap at 100. */
const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;

export interface Paging {
  page: number;
  pageSize: number;
}

export function readPaging(req: EmuRequest): Paging | EmuResponse {
  const page = req.query.get('page') ?? '1';
  const size = req.query.get('pageSize') ?? String(DEFAULT_PAGE_SIZE);
  if (!/^\d+$/.test(page) || Number(page) < 1) return fail(400, 'page must be a positive integer');
  if (!/^\d+$/.test(size) || Number(size) < 1) return fail(400, 'pageSize must be a positive integer');
  return { page: Number(page), pageSize: Math.min(MAX_PAGE_SIZE, Number(size)) };
}

/** One page of `rows` in the list envelope. */
export function pageOf<T>(rows: T[], paging: Paging) {
  const start = (paging.page - 1) * paging.pageSize;
  return {
    data: rows.slice(start, start + paging.pageSize),
    page: paging.page,
    pageSize: paging.pageSize,
    total: rows.length,
    totalPages: Math.ceil(rows.length / paging.pageSize),
  };
}

type MemberFilter = (u: PulseUserRow, m: PulseMembership) => boolean;

/** `email`, `active`, `teamId`, `name` and `search` from the query, as filters on an account's members. */
function readFilters(req: EmuRequest): MemberFilter[] | EmuResponse {
  const filters: MemberFilter[] = [];
  const email = req.query.get('email');
  if (email !== null) filters.push((u) => u.email.toLowerCase() === email.toLowerCase());
  const active = req.query.get('active');
  if (active !== null) {
    if (active !== 'true' && active !== 'false') return fail(400, 'active must be true or false');
    filters.push((_u, m) => m.active === (active === 'true'));
  }
  const teamId = req.query.get('teamId');
  if (teamId !== null) filters.push((_u, m) => m.teamId !== null && String(m.teamId) === teamId);
  const name = req.query.get('name');
  if (name !== null) filters.push((u) => u.name === name);
  const search = req.query.get('search')?.toLowerCase();
  if (search) filters.push((u) => u.email.toLowerCase().includes(search) || (u.name ?? '').toLowerCase().includes(search));
  return filters;
}

type Presented = Record<string, unknown>;
type Sorter = (a: Presented, b: Presented) => number;

/** The sortable fields of a member, as `present` shows them. */
function sortKey(u: PulseUserRow, m: PulseMembership): Presented {
  return { id: u.id, email: u.email, name: u.name, createdAt: u.createdAt, updatedAt: u.updatedAt, teamId: m.teamId, active: m.active };
}

/** `sort=-createdAt,email`: comma-separated fields, `-` for descending; ties broken by id. */
function readSort(spec: string): Sorter | string {
  const sortable = new Set(['id', 'email', 'name', 'createdAt', 'updatedAt', 'teamId', 'active']);
  const keys = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (s.startsWith('-') ? { field: s.slice(1), dir: -1 } : { field: s, dir: 1 }));
  const bad = keys.find((k) => !sortable.has(k.field));
  if (bad) return `Cannot sort by ${bad.field}; sortable fields: ${[...sortable].join(', ')}`;
  return (a, b) => {
    for (const { field, dir } of keys) {
      const x = a[field] ?? '';
      const y = b[field] ?? '';
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      if (order !== 0) return order * dir;
    }
    return (a.id as number) - (b.id as number);
  };
}

/** Filtered, sorted user lists by query, each valid for one `state.version`. */
export class UserListViews {
  private readonly views = new Map<string, { version: number; rows: PulseUserRow[] }>();

  constructor(private readonly state: PulseState) {}

  /** The account's members the query asks for, in its order; a 400 for a bad filter or sort. */
  rows(req: EmuRequest, accountId: string): PulseUserRow[] | EmuResponse {
    const filters = readFilters(req);
    if (!Array.isArray(filters)) return filters;
    const sortSpec = req.query.get('sort') ?? '-createdAt';
    const sorter = readSort(sortSpec);
    if (typeof sorter === 'string') return fail(400, sorter);
    // One filtered, sorted view per query, reused while users are unchanged: paging through a large
    // account costs one pass over it, not one per page.
    const viewKey = `${accountId}?${[...req.query].filter(([k]) => k !== 'page' && k !== 'pageSize').map(([k, v]) => `${k}=${v}`).join('&')}`;
    const cached = this.views.get(viewKey);
    if (cached?.version === this.state.version) return cached.rows;
    const rows = this.build(accountId, filters, sortSpec, sorter);
    if (this.views.size > 16) this.views.clear();
    this.views.set(viewKey, { version: this.state.version, rows });
    return rows;
  }

  private build(accountId: string, filters: MemberFilter[], sortSpec: string, sorter: Sorter): PulseUserRow[] {
    const members = this.state.users.flatMap((u) => {
      const m = this.state.membership(u, accountId);
      return m && filters.every((f) => f(u, m)) ? [{ u, m }] : [];
    });
    if (sortSpec === 'id') return members.map(({ u }) => u); // state.users is kept in id order
    // Sorted on the sortable fields, read once per member: presenting both users inside the comparator
    // made one page of a 100,000-user account take seconds (npm run bench).
    const keyed = members.map(({ u, m }) => ({ u, key: sortKey(u, m) }));
    keyed.sort((a, b) => sorter(a.key, b.key));
    return keyed.map(({ u }) => u);
  }
}
