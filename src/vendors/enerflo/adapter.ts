import { type HttpClient, VendorHttpError } from '../../http/client.js';
import { ListingChangedError } from '../../errors/listing.js';
import { pageReader } from '../../http/pages.js';
import { RateLimiter } from '../../http/limiter.js';
import { flagWriter } from '../writer.js';
import { SharedValues } from '../shared-values.js';
import type { AdapterOptions, ApplyContext, DesiredRecord, FieldValue, ListOptions, ListReader, LiveRecord, VendorAdapter, VendorWriter } from '../types.js';
import type { UserLimit } from '../../errors/user-limit.js';
import { sortOfficeIds } from './mapping.js';
import { ENERFLO_RATE } from './documented.js';
import { comparablePhone } from './phone.js';
import { REGIONAL_MANAGER, SALES_REP } from './roles.js';
import type { EnerfloConfig } from './schema.js';

/**
 * A user as `GET /api/v3/users` returns it. The list's shape is not published: the names are those of
 * Add a User (published.md, `reference/add-a-user`), and clients have seen `active` as 0/1 too.
 */
interface WireUser {
  id: number | string;
  email: string;
  first_name?: string | null;
  last_name?: string | null;
  name?: string | null;
  phone?: string | number | null;
  active?: boolean | number | string | null;
  roles?: string[] | null;
  office_ids?: (number | string)[] | null;
  manager_id?: number | string | null;
  manager_email?: string | null;
  timezone?: string | null;
  external_user_id?: string | null;
  can_create_customers?: boolean | number | null;
  allow_optimus?: boolean | number | null;
  can_reassign_leads?: boolean | number | null;
}

interface WirePage {
  results: WireUser[];
  totalPages: number;
  page?: number;
  pageSize?: number;
  total?: number;
}

/**
 * Laravel's 422 body `{message, errors: {field: [text]}}` as one sentence per field:
 * "email: The email has already been taken.; roles.0: ...". Other bodies give their `message`.
 */
export function describeEnerfloError(_status: number, body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { message, errors } = body as { message?: unknown; errors?: unknown };
  if (errors && typeof errors === 'object') {
    const parts = Object.entries(errors as Record<string, unknown>).map(([field, texts]) => {
      const list = Array.isArray(texts) ? texts.map(String) : [String(texts)];
      return `${field}: ${list.join(' ')}`;
    });
    if (parts.length > 0) return parts.join('; ');
  }
  return typeof message === 'string' && message ? message : undefined;
}

function flag(value: unknown, fallback: boolean | null = null): boolean | null {
  if (value === undefined || value === null) return fallback;
  return value === true || value === 1 || value === '1' || value === 'true';
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : null);

/** A count from a list answer, when it is one. */
function wholeNumber(value: unknown): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Why a listed user cannot be read into a record, or undefined when it can. */
function unreadableReason(u: WireUser): string | undefined {
  if (typeof u.email !== 'string' || !u.email.includes('@')) return 'the user has no email address';
  if (u.roles !== undefined && u.roles !== null && !(Array.isArray(u.roles) && u.roles.every((r) => typeof r === 'string'))) return 'roles is not a list of Role Names';
  if (u.office_ids !== undefined && u.office_ids !== null && !Array.isArray(u.office_ids)) return 'office_ids is not a list';
  return undefined;
}

export class EnerfloAdapter implements VendorAdapter {
  readonly reader: ListReader = { mode: 'list', list: (options) => this.list(options) };
  // No delete endpoint: leaving is `active: false` (shared/vendors/README.md).
  readonly writer: VendorWriter = flagWriter(this, (desired) => this.findByEmail(desired.email));
  private readonly http: HttpClient;
  private readonly createPath: string;
  private readonly usersPath: string;
  private readonly inactiveStatus: string;
  private readonly suspendedStatuses: string[];
  private readonly pageSize: number;
  private readonly companyId?: string;

  constructor(options: AdapterOptions<EnerfloConfig>) {
    const config = options.config;
    const apiKey = options.credentials.apiKey ?? '';
    // Header name, paths and the inactive filter are configuration (shared/vendors/README.md, rule 3),
    // with their defaults in schema.ts.
    const header = config.apiKeyHeader;
    this.createPath = config.createPath;
    this.usersPath = config.usersPath;
    this.inactiveStatus = config.inactiveStatus;
    this.suspendedStatuses = config.suspendedStatuses;
    this.pageSize = config.pageSize;
    this.companyId = config.companyId;

    // The engine's client carries the instance name, base URL, timeout, limiter and counter; Enerflo's
    // auth, error bodies and rate headers go on top (the engine's own hooks still run).
    const base = options.http.options;
    this.http = options.http.with({
      limiter: base.limiter ?? new RateLimiter(ENERFLO_RATE.limit, ENERFLO_RATE.windowMs, config.rateShare),
      headers: async () => ({ ...(await base.headers?.()), [header]: apiKey }),
      secrets: () => [...(base.secrets?.() ?? []), apiKey],
      describeError: (status, body) => describeEnerfloError(status, body) ?? base.describeError?.(status, body),
      onResponse: (response, lim) => {
        base.onResponse?.(response, lim);
        const remaining = Number(response.headers.get('x-ratelimit-remaining') ?? NaN);
        const limit = Number(response.headers.get('x-ratelimit-limit') ?? NaN);
        if (lim && Number.isFinite(remaining)) lim.observeRemaining(remaining, Number.isFinite(limit) ? limit : ENERFLO_RATE.limit);
      },
    });
  }

  /**
   * Every user of the key's company: the default listing, then the inactive one, then the suspended ones (the default leaves
   * inactive users out: published.md, help centre "reactivate a user account"), merged by id, so a person
   * who left and comes back is reactivated, never created again.
   */
  async list(options: ListOptions = {}): Promise<LiveRecord[]> {
    // Each user is reduced to its record as its page arrives, so the wire objects of a long listing
    // are not all held at once; a manager may be on a later page, so managers are named at the end.
    // Roles, offices and time zones repeat from user to user: one shared copy each (issue 26, memory).
    const shared = new SharedValues();
    // A user without `active` takes it from the listing it came from (the list's shape is not published):
    // the default listing holds active users, a status listing inactive ones (published.md, help centre
    // "reactivate a user account"), so an offboarded person is not deactivated again on every run.
    // A record keeps its email as listed ("" when it is not text), so a manager's email is read from their
    // record (no second map of id to email at 100,000 users); the rare user whose email is not text is noted.
    const withoutEmail = new Set<string>();
    const keeper = (listedActive: boolean) => (u: WireUser) => ({
      record: this.toLive(u, listedActive, shared),
      managerId: u?.manager_id,
      managerEmail: u?.manager_email,
      // Whether this reading lacks a text email; settled in listing order below, as the records are.
      emailless: !!u && typeof u === 'object' && typeof u.email !== 'string',
    });
    type Entry = ReturnType<ReturnType<typeof keeper>>;
    const byId = new Map<string, Entry>();
    const add = (entry: Entry) => {
      const id = entry.record.vendorId || `#${byId.size}`;
      byId.set(id, entry);
      // As with the records, a later reading of the same id wins.
      if (entry.emailless) withoutEmail.add(id);
      else if (withoutEmail.size > 0) withoutEmail.delete(id);
    };
    const emailOf = (id: string): string | undefined => (withoutEmail.has(id) ? undefined : byId.get(id)?.record.email);
    // Suspended users are left out of both the default and the inactive list (published.md, help centre
    // "reactivate a user account"): unread, bringing one back would plan a create that fails "email has
    // already been taken" forever. Which statuses is a setting; a user listed by one of them is not active.
    // The listings are read at once, not one after another (each is a round trip and a first page the vendor
    // computes afresh: issue 26), and merged in this order whatever order their pages arrive in: a user
    // deactivated between two readings is in both, and the later listing (inactive) wins.
    const statuses = [this.inactiveStatus, ...this.suspendedStatuses.filter((status) => status !== this.inactiveStatus)];
    // One listing failing fails the list: the others stop at their next page, and their failures are not left unhandled.
    // The first failure is the one reported (a listing stopped because another failed says nothing).
    let failure: { error: unknown } | undefined;
    const read = { halted: () => failure !== undefined, limit: options.limit };
    const listings = [this.listWire(keeper(true), undefined, read), ...statuses.map((status) => this.listWire(keeper(false), status, read))];
    for (const listing of listings) listing.catch((error: unknown) => (failure ??= { error }));
    for (const listing of listings) {
      try {
        (await listing).forEach(add);
      } catch (error) {
        throw failure ? failure.error : error;
      }
    }
    const records: LiveRecord[] = [];
    for (const { record, managerId, managerEmail } of byId.values()) {
      records.push(record);
      if (record.unreadable) continue;
      const id = managerId === null || managerId === undefined ? undefined : String(managerId);
      // Either documented name may carry the manager: `manager_id` (Add a User) or `manager_email` (Update a
      // User, published.md); a listing that gives only the email must not show the manager changed on every plan.
      const byEmail = typeof managerEmail === 'string' && managerEmail.trim() !== '' ? managerEmail.trim() : undefined;
      const email = id ? (emailOf(id) ?? byEmail ?? `#${id}`) : (byEmail ?? null);
      // A manager belongs to the Sales Rep role only.
      // A readable user's roles are a shared list of text (toLive): no copy of it per user to look.
      const roles = record.fields.roles;
      record.fields.manager = Array.isArray(roles) && roles.includes(SALES_REP) && email ? email.toLowerCase() : null;
    }
    return records;
  }

  async findByEmail(email: string): Promise<LiveRecord | undefined> {
    // There is no email filter (enerflo-highlevel.md §1.3): list and look.
    const wanted = email.toLowerCase();
    return (await this.list()).find((u) => !u.unreadable && u.email.toLowerCase() === wanted);
  }

  /**
   * `POST /api/v1/users` with Add a User's names (published.md, `reference/add-a-user`). Every value comes
   * from the desired record's fields, so what is sent is what the plan showed (and its checksum covers),
   * the welcome email included.
   */
  async create(desired: DesiredRecord, ctx: ApplyContext): Promise<{ vendorId: string }> {
    const f = desired.fields;
    const roles = asStrings(f.roles);
    const salesRep = roles.includes(SALES_REP);
    const body: Record<string, unknown> = {
      email: desired.email,
      roles,
      // Required booleans (Add a User). Never a password: the person chooses their own.
      notify_email: f.sendWelcomeEmail === true,
      allow_optimus: f.optimusAccess === true,
      can_create_customers: f.canCreateLeads ?? true,
      can_reassign_leads: f.canReassignLeads ?? true,
      first_name: f.firstName ?? undefined,
      last_name: f.lastName ?? undefined,
      phone: f.phone ?? undefined,
      timezone: f.timezone ?? undefined,
      external_user_id: f.externalId ?? undefined,
    };
    // Manager and office "can only be set on the Sales Rep role" at create; manager_id is an int32,
    // office_id a string (Add a User).
    if (salesRep) {
      const manager = typeof f.manager === 'string' && f.manager !== '' ? f.manager : undefined;
      const managerId = manager ? ctx.vendorIdFor(manager) : undefined;
      if (manager) body.manager_email = manager;
      if (managerId && /^\d+$/.test(managerId)) body.manager_id = Number(managerId);
      if (typeof f.office === 'string') body.office_id = f.office;
    }
    const response = await this.http.request<WireUser | { data?: WireUser }>({ method: 'POST', path: this.createPath, body });
    const id = createdId(response.body);
    if (id === undefined) {
      throw new VendorHttpError(`${this.http.options.vendor}: POST ${this.createPath} answered ${response.status} without the new user's id`, 'malformed', response.status);
    }
    const vendorId = String(id);

    // What create cannot carry: the office for roles other than Sales Rep, extra Regional Manager
    // offices (office_ids exists only on update), and a person created already inactive.
    const extras = asStrings(f.officeIds);
    if ((f.office && !salesRep) || extras.length > 0 || !desired.active) {
      try {
        await this.put({ id: vendorId, ...('office' in f ? { office_ids: this.officeIds(f) } : {}), ...(desired.active ? {} : { active: false }) });
      } catch (error) {
        // Not ambiguous: the user certainly exists, so the engine must not look for a create to repeat;
        // the next plan shows what is left as an update.
        const cause = error instanceof VendorHttpError ? error : undefined;
        const message = error instanceof Error ? error.message : String(error);
        throw new VendorHttpError(`created as Enerflo user ${vendorId}, but setting offices or status failed: ${message}`, cause?.kind ?? 'http', cause?.status, cause?.body);
      }
    }
    return { vendorId };
  }

  async update(vendorId: string, desired: DesiredRecord, _changedFields: string[], _ctx: ApplyContext): Promise<void> {
    // Full desired state of every field Update a User documents: `roles` and `office_ids` replace what is there.
    await this.put(this.updateState(vendorId, desired));
  }

  async deactivate(vendorId: string, _live: LiveRecord): Promise<void> {
    // No delete endpoint: leaving is `active: false` (shared/vendors/README.md).
    await this.put({ id: vendorId, active: false });
  }

  async reactivate(vendorId: string, desired: DesiredRecord, _changedFields: string[], _ctx: ApplyContext): Promise<void> {
    await this.put({ ...this.updateState(vendorId, desired), active: true });
  }

  // ------------------------------------------------------------------------------------------ internals

  /** `PUT /api/v3/users` with `id` (a string) in the body (published.md, `reference/update-a-user`). */
  private async put(body: Record<string, unknown>): Promise<void> {
    await this.http.request({ method: 'PUT', path: this.usersPath, body });
  }

  /**
   * The fields Update a User documents, and only those (published.md): `email, first_name, last_name,
   * phone, roles, office_ids, manager_email`. Create-only fields (timezone, external id, the flags) are
   * never sent, as Enerflo would not change them. A field git leaves out is not sent, so it is never cleared.
   */
  private updateState(vendorId: string, desired: DesiredRecord): Record<string, unknown> {
    const f = desired.fields;
    const roles = asStrings(f.roles);
    const body: Record<string, unknown> = { id: vendorId, email: desired.email, roles };
    if ('firstName' in f) body.first_name = f.firstName;
    if ('lastName' in f) body.last_name = f.lastName;
    if ('phone' in f) body.phone = f.phone;
    if ('office' in f) body.office_ids = this.officeIds(f);
    if (roles.includes(SALES_REP) && typeof f.manager === 'string' && f.manager !== '') body.manager_email = f.manager;
    return body;
  }

  private officeIds(f: Record<string, FieldValue>): number[] {
    if (typeof f.office !== 'string' || f.office === '') return [];
    const extras = asStrings(f.roles).includes(REGIONAL_MANAGER) ? asStrings(f.officeIds) : [];
    return [f.office, ...extras].map((id) => Number(id));
  }

  /** Every user of one listing (default, or `status`), each as `keep` makes it while its page is read. */
  private async listWire<T>(keep: (user: WireUser) => T, status: string | undefined, read: { halted: () => boolean; limit?: UserLimit }): Promise<T[]> {
    const vendor = this.http.options.vendor;
    const all: T[] = [];
    const seen = new Set<string>();
    const listing = status ? `GET ${this.usersPath}?status=${status}` : `GET ${this.usersPath}`;
    let maxPages = Infinity;
    let total: number | undefined;
    const nextPage = pageReader({
      limit: read.limit,
      fetch: (index) =>
        this.http.request<WirePage>({
          method: 'GET',
          path: this.usersPath,
          query: { page: index + 1, pageSize: this.pageSize, company_id: this.companyId, status },
        }),
      pageCount: (response) => wholeNumber(response.body?.totalPages),
      // The listing documents no count of users: `{results, totalPages}` only (shared/vendors/README.md, Enerflo
      // "List"; published.md names only page and pageSize). The page ceiling stays this adapter's own
      // (maxPages below, from totalPages); a `total` the answer does carry is still checked against
      // policy.maxUsers on page 1, and a change of it between pages is a listing that moved (below).
      total: (response) => wholeNumber(response.body?.total),
      describe: (index) => `${vendor}: ${listing} page ${index + 1}`,
    });
    for (let page = 1; ; page++) {
      // Another listing of the same read failed: this one is not read further.
      if (read.halted()) throw new Error(`${vendor}: ${listing} stopped at page ${page}: another listing of the same read failed`);
      const response = await nextPage();
      const body = response.body;
      const where = `${vendor}: ${listing} page ${page}`;
      if (!body || typeof body !== 'object' || !Array.isArray(body.results)) {
        throw new VendorHttpError(`${where} answered without a results list`, 'malformed', response.status);
      }
      const totalPages = Number(body.totalPages);
      if (!Number.isInteger(totalPages) || totalPages < 0) {
        throw new VendorHttpError(`${where} answered without a usable totalPages (${String(body.totalPages)})`, 'malformed', response.status);
      }
      if (body.page !== undefined && Number(body.page) !== page) {
        throw new VendorHttpError(`${where} answered page ${String(body.page)} instead; stopping so no user is missed or counted twice`, 'malformed', response.status);
      }
      // Guards against a vendor that repeats a page or whose totalPages keeps growing.
      if (page === 1) {
        const byTotal = body.total !== undefined && Number(body.pageSize) > 0 ? Math.ceil(Number(body.total) / Number(body.pageSize)) : 0;
        maxPages = Math.max(totalPages, byTotal, 1) + 5;
        total = wholeNumber(body.total);
      } else if (total !== undefined && wholeNumber(body.total) !== undefined && wholeNumber(body.total) !== total) {
        // Page-numbered paging moves under a user deleted or added at the front: one slides past a page
        // already read. The count moving says so; the engine reads the listing once more, then refuses it.
        throw new ListingChangedError(`${where} counts ${String(body.total)} users where the first page counted ${total}; users changed while the list was read`);
      }
      // A user listed twice means the list moved between pages, so another was missed: the engine reads
      // such a listing once more before it trusts it (shared/vendors/README.md, listings are trusted whole).
      const repeated = body.results.find((u) => seen.has(String(u?.id)));
      if (repeated) throw new ListingChangedError(`${where} lists user ${String(repeated.id)} again; users changed while the list was read`);
      const fresh = body.results;
      if (body.results.length === 0 && page < totalPages) {
        throw new VendorHttpError(`${where} is empty though totalPages says ${totalPages}; the listing cannot be trusted`, 'malformed', response.status);
      }
      // An index loop: once per user, mostly before it is optimised (issue 26).
      for (let i = 0; i < fresh.length; i++) {
        const u = fresh[i];
        seen.add(String(u?.id));
        all.push(keep(u));
      }
      if (page >= totalPages) {
        // `total` is not documented; when the answer gives one, the listing must reach it.
        if (total !== undefined && all.length < total) {
          throw new ListingChangedError(`${vendor}: ${listing} ended after ${totalPages} pages with ${all.length} users, but the first page said ${total}; users changed while the list was read`);
        }
        return all;
      }
      if (page >= maxPages) {
        throw new VendorHttpError(`${where}: totalPages keeps growing (${totalPages}); stopping after ${page} pages`, 'malformed', response.status);
      }
    }
  }

  /**
   * The user as a record; `manager` is named by `list`, once every user is known. `listedActive` is what
   * the listing it came from says when the user carries no `active`.
   */
  private toLive(u: WireUser, listedActive: boolean, shared = new SharedValues()): LiveRecord {
    const vendorId = String(u?.id ?? '');
    const why = !u || typeof u !== 'object' ? 'the user is not an object' : vendorId === '' ? 'the user has no id' : unreadableReason(u);
    if (why) {
      // One unreadable user stays one: the plan reports it alone and never matches or prunes it.
      const email = u && typeof u === 'object' && typeof u.email === 'string' ? u.email : '';
      // Kept so the engine plans nothing over this user for a person whose external id points at it.
      const externalId = u && typeof u === 'object' ? (text(u.external_user_id) ?? undefined) : undefined;
      return { vendorId, email, externalId, active: flag(u?.active, listedActive) ?? listedActive, fields: {}, unreadable: why };
    }
    const roles = shared.sortedSet(u.roles ?? []);
    // The first office is every role's; the others matter for a Regional Manager only, so only theirs are read.
    const wireOffices = u.office_ids ?? [];
    const office = wireOffices.length > 0 ? shared.text(String(wireOffices[0])) : null;
    const externalId = text(u.external_user_id) ?? undefined;
    const timezone = text(u.timezone);
    return {
      vendorId,
      email: u.email,
      externalId,
      active: flag(u.active, listedActive) ?? listedActive,
      fields: {
        firstName: text(u.first_name),
        lastName: text(u.last_name),
        phone: comparablePhone(u.phone),
        timezone: timezone === null ? null : shared.text(timezone),
        roles,
        office,
        officeIds: shared.list(roles.includes(REGIONAL_MANAGER) ? sortOfficeIds(wireOffices.slice(1).map((id) => String(id)), office) : []),
        manager: null,
        externalId: externalId ?? null,
        canCreateLeads: flag(u.can_create_customers),
        optimusAccess: flag(u.allow_optimus),
        canReassignLeads: flag(u.can_reassign_leads),
      },
    };
  }
}

/**
 * The new user's id from Add a User's answer. The page shows no answer body (published.md, `reference/add-a-user`):
 * the user itself, or the user wrapped as `{"data": {...}}` (Laravel's resource shape), are both read; an answer
 * with neither id is still malformed, and its user is found by email on the next plan.
 */
function createdId(answer: unknown): string | number | undefined {
  if (!answer || typeof answer !== 'object') return undefined;
  const usable = (id: unknown) => ((typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.trim() !== '') ? id : undefined);
  const top = answer as { id?: unknown; data?: unknown };
  const data = top.data;
  return usable(top.id) ?? (data && typeof data === 'object' && !Array.isArray(data) ? usable((data as { id?: unknown }).id) : undefined);
}

function asStrings(value: FieldValue | undefined): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
