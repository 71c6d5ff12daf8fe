import { randomBytes } from 'node:crypto';
import { ListingChangedError } from '../../errors/listing.js';
import { checkUserCount } from '../../errors/user-limit.js';
import { type HttpClient, VendorHttpError } from '../../http/client.js';
import { pageReader } from '../../http/pages.js';
import { RateLimiter } from '../../http/limiter.js';
import type { HighlevelConfig } from './schema.js';
import type { AdapterOptions, ApplyContext, DesiredRecord, FieldValue, ListOptions, ListReader, LiveRecord, VendorAdapter, VendorWriter } from '../types.js';
import { comparablePhone } from './mapping.js';
import { HIGHLEVEL_RATE } from './documented.js';
import { fullPermissions, sharedPermissionsOf } from './permissions.js';
import { SharedValues } from '../shared-values.js';


/** A user as search, get, create and update answer it (UserSchema in highlevel-users.openapi.json). */
interface WireUser {
  id?: unknown;
  email?: unknown;
  firstName?: unknown;
  lastName?: unknown;
  phone?: unknown;
  permissions?: Record<string, unknown> | null;
  /** The spec types it as one string; every request DTO and real answer use a list. Both are read. */
  scopes?: unknown;
  roles?: { type?: unknown; role?: unknown; locationIds?: unknown; restrictSubAccount?: unknown } | null;
  deleted?: unknown;
}

interface WireSearch {
  users?: unknown;
  count?: unknown;
}

/** HighLevel's error bodies: `{statusCode, message, error}`, where a 422's message is a list of sentences. */
export function describeHighlevelError(status: number, body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { message, error } = body as { message?: unknown; error?: unknown };
  const text = Array.isArray(message)
    ? message.map(String).join('; ')
    : typeof message === 'string' && message
      ? message
      : typeof error === 'string' && error
        ? error
        : undefined;
  if (!text) return undefined;
  if (status === 401 && !isNotFoundMessage(text)) {
    return `${text} (check the token, its users.readonly and users.write scopes, and companyId)`;
  }
  return text;
}

function isNotFoundMessage(text: string): boolean {
  return /user does not exist/i.test(text);
}

/**
 * HighLevel answers GET/PUT/DELETE of an unknown or deleted user with 401 "The user does not exist."
 * (issue #205): that is "not found", not an expired token.
 */
export function isUserNotFound(error: unknown): boolean {
  if (!(error instanceof VendorHttpError) || error.status !== 401) return false;
  const message = (error.body as { message?: unknown } | undefined)?.message;
  const text = Array.isArray(message) ? message.join(' ') : String(message ?? '');
  return isNotFoundMessage(text);
}

const PASSWORD_CLASSES = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%*+-=?@^_'];

/** A uniformly random index below `n` from crypto.randomBytes (rejection sampling, no modulo bias). */
function randomIndex(n: number): number {
  const limit = 256 - (256 % n);
  for (;;) {
    const byte = randomBytes(1)[0];
    if (byte < limit) return byte % n;
  }
}

/**
 * A throwaway password for a create: HighLevel requires one, the person sets their own through
 * password reset. 32 characters from four classes (about 200 bits), every class present. It lives
 * only in the create request: never returned, printed, logged or stored.
 */
export function generatePassword(length = 32): string {
  const all = PASSWORD_CLASSES.join('');
  const chars = PASSWORD_CLASSES.map((set) => set[randomIndex(set.length)]);
  while (chars.length < length) chars.push(all[randomIndex(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomIndex(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

const sharedText = (shared: SharedValues, value: string | null): string | null => (value === null ? null : shared.text(value));

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  // UserSchema.scopes is declared as a single string; read a comma list if one ever comes.
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

function asStrings(value: FieldValue | undefined): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

export class HighlevelAdapter implements VendorAdapter {
  readonly reader: ListReader = { mode: 'list', list: (options) => this.list(options) };
  readonly writer: VendorWriter = {
    create: (desired, ctx) => this.create(desired, ctx),
    update: (vendorId, desired, changed, ctx) => this.update(vendorId, desired, changed, ctx),
    // No deactivation exists: removal is DELETE, and only when policy.allowDelete says so.
    removal: { kind: 'delete', delete: (vendorId, live) => this.delete(vendorId, live) },
    lookup: (desired) => this.findByEmail(desired.email),
  };
  private readonly http: HttpClient;
  private readonly companyId: string;
  private readonly pageSize: number;
  private readonly vendor: string;

  constructor(options: AdapterOptions<HighlevelConfig>) {
    const config = options.config;
    const token = options.credentials.token ?? '';
    if (!token) throw new Error(`${options.instanceName}: no HighLevel token (credentials.token)`);
    this.companyId = config.companyId;
    this.vendor = options.instanceName;
    const version = config.apiVersion;
    // The emulator pages at 100; HighLevel's own maximum is undocumented (shared/vendors/README.md): schema.ts caps it.
    this.pageSize = config.pageSize;

    const base = options.http.options;
    this.http = options.http.with({
      limiter: base.limiter ?? new RateLimiter(HIGHLEVEL_RATE.limit, HIGHLEVEL_RATE.windowMs, config.rateShare),
      headers: async () => ({ ...(await base.headers?.()), authorization: `Bearer ${token}`, version }),
      secrets: () => [...(base.secrets?.() ?? []), token],
      describeError: (status, body) => describeHighlevelError(status, body) ?? base.describeError?.(status, body),
      onResponse: (response, limiter) => {
        base.onResponse?.(response, limiter);
        const remaining = Number(response.headers.get('x-ratelimit-remaining') ?? NaN);
        const max = Number(response.headers.get('x-ratelimit-max') ?? NaN);
        if (limiter && Number.isFinite(remaining)) limiter.observeRemaining(remaining, Number.isFinite(max) ? max : HIGHLEVEL_RATE.limit);
      },
    });
  }

  /** Every user of the company, deleted ones (still in search for a few minutes) left out. */
  async list(options: ListOptions = {}): Promise<LiveRecord[]> {
    // Each user becomes its record as its page arrives: a long listing's wire objects are not all held at once.
    // Locations, scopes, types and roles repeat from user to user: one shared copy each (issue 26, memory).
    const shared = new SharedValues();
    const users = await this.search({}, (u) => (u.deleted === true ? undefined : this.toLive(u, shared)), options);
    return users.filter((r): r is LiveRecord => r !== undefined);
  }

  async findByEmail(email: string): Promise<LiveRecord | undefined> {
    const wanted = email.toLowerCase();
    const users = await this.search({ query: email }, (u) => u);
    const found = users.find((u) => u.deleted !== true && typeof u.email === 'string' && u.email.toLowerCase() === wanted);
    return found ? this.toLive(found) : undefined;
  }

  async create(desired: DesiredRecord, _ctx: ApplyContext): Promise<{ vendorId: string }> {
    const password = generatePassword();
    // The password joins the secrets of this one request, so even an echo of it would be masked.
    const http = this.http.with({ secrets: () => [...(this.http.options.secrets?.() ?? []), password] });
    const body = { ...this.writeBody(desired), email: desired.email, password };
    const response = await http.request<WireUser | { user?: WireUser }>({ method: 'POST', path: '/users/', body });
    const answer = response.body as (WireUser & { user?: WireUser }) | undefined;
    const id = answer?.id ?? answer?.user?.id;
    if (typeof id !== 'string' || id === '') {
      throw new VendorHttpError(`${this.vendor}: POST /users/ answered ${response.status} without the new user's id`, 'malformed', response.status);
    }
    return { vendorId: id };
  }

  async update(vendorId: string, desired: DesiredRecord, _changedFields: string[], _ctx: ApplyContext): Promise<void> {
    // Full desired state every time: scopes replace wholesale, and whether permissions merge is
    // undocumented, so all 38 go. Email is never sent: HighLevel refuses to change it.
    const path = `/users/${encodeURIComponent(vendorId)}`;
    try {
      await this.http.request({ method: 'PUT', path, body: this.writeBody(desired) });
    } catch (error) {
      if (isUserNotFound(error)) throw new Error(`${this.vendor}: user ${vendorId} no longer exists in HighLevel (deleted, or never created)`);
      throw error;
    }
  }

  /** Queues the deletion (it takes effect minutes later); a user already gone counts as deleted. */
  async delete(vendorId: string, _live: LiveRecord): Promise<void> {
    const path = `/users/${encodeURIComponent(vendorId)}`;
    let response;
    try {
      response = await this.http.request<{ succeded?: unknown; succeeded?: unknown; message?: unknown }>({ method: 'DELETE', path });
    } catch (error) {
      if (isUserNotFound(error)) return;
      throw error;
    }
    // v2 spells it `succeded`, v3 `succeeded`.
    const body = response.body ?? {};
    if (body.succeded === false || body.succeeded === false) {
      const why = typeof body.message === 'string' ? body.message : 'no reason given';
      throw new VendorHttpError(`${this.vendor}: DELETE ${path} was not accepted: ${why}`, 'http', response.status, body);
    }
  }

  // ------------------------------------------------------------------------------------------ internals

  /** The UpdateUserDto/CreateUserDto fields roster manages, flat as requests take them. */
  private writeBody(desired: DesiredRecord): Record<string, unknown> {
    const f = desired.fields;
    const permissions = f.permissions && typeof f.permissions === 'object' && !Array.isArray(f.permissions) ? f.permissions : {};
    const body: Record<string, unknown> = {
      companyId: this.companyId,
      firstName: f.firstName,
      lastName: f.lastName,
      type: f.type,
      role: f.role,
      locationIds: asStrings(f.locationIds),
      permissions: fullPermissions(permissions),
    };
    // "Only scopes that have been passed will be enabled; if passed empty all scopes are disabled": both
    // lists go only when a role (or the person) declares them, never as [] by default.
    // shared/vendors/README.md, HighLevel "Scopes"
    if (Array.isArray(f.scopes)) body.scopes = asStrings(f.scopes);
    if (Array.isArray(f.scopesAssignedToOnly)) body.scopesAssignedToOnly = asStrings(f.scopesAssignedToOnly);
    if (typeof f.phone === 'string' && f.phone) body.phone = f.phone;
    return body;
  }

  /**
   * Pages `/users/search` with skip/limit until `count` users are read. HighLevel documents no largest
   * `limit` (the SDK asks for 25), so a page shorter than asked is not the end while `count` says more:
   * the next page starts after what was read, and once the vendor shows its page size the pages after it
   * are asked for ahead at that size. A listing that stops short of `count`, repeats a user or returns
   * more than it counts fails for this vendor: a plan on half the truth would create or prune wrongly.
   * shared/vendors/README.md, HighLevel "List"
   */
  private async search<T>(extra: { query?: string }, keep: (user: WireUser) => T, options: ListOptions = {}): Promise<T[]> {
    const all: T[] = [];
    const seen = new Set<string>();
    const fetchAt = (skip: number) =>
      this.http.request<WireSearch>({
        method: 'GET',
        path: '/users/search',
        // skip and limit are strings in the spec; a query string carries nothing else anyway.
        query: { companyId: this.companyId, skip: String(skip), limit: String(this.pageSize), ...extra },
      });
    /** Pages from `start`, `step` users apart, asked for ahead while the caller reads the current one. */
    const pagesFrom = (start: number, step: number) =>
      pageReader({
        limit: options.limit,
        fetch: (index) => fetchAt(start + index * step),
        pageCount: (response) => {
          const count = Number(response.body?.count);
          return Number.isInteger(count) && count >= 0 ? Math.ceil(Math.max(0, count - start) / step) : undefined;
        },
      });
    // The first page alone: its length tells the page size the vendor really serves.
    let nextPage: () => Promise<Awaited<ReturnType<typeof fetchAt>>> = () => fetchAt(0);
    let step = 0;
    let firstCount: number | undefined;
    for (let read = 0; ; ) {
      const where = `${this.vendor}: GET /users/search (skip ${read})`;
      const response = await nextPage();
      const body = response.body;
      if (!body || typeof body !== 'object' || !Array.isArray(body.users)) {
        throw new VendorHttpError(`${where} answered without a users list`, 'malformed', response.status);
      }
      const count = Number(body.count);
      if (!Number.isInteger(count) || count < 0) {
        throw new VendorHttpError(`${where} answered without a usable count (${String(body.count)})`, 'malformed', response.status);
      }
      // A vendor claiming more users than policy.maxUsers is refused on its first page, not followed.
      checkUserCount(count, where, options.limit);
      // skip/limit paging is by position: a user deleted at the front moves the next one onto the page
      // already read, and it would be missed (then planned as a create). The count moving says so; the
      // engine reads the listing once more, then refuses this vendor (ListingChangedError).
      if (firstCount === undefined) firstCount = count;
      else if (count !== firstCount) {
        throw new ListingChangedError(`${where} counts ${count} users where the first page counted ${firstCount}; users changed while the list was read`);
      }
      const page = body.users as WireUser[];
      if (page.length > this.pageSize) {
        throw new VendorHttpError(`${where} returned ${page.length} users for a limit of ${this.pageSize}; the listing cannot be trusted`, 'malformed', response.status);
      }
      // An index loop: once per user, mostly before it is optimised (issue 26).
      for (let i = 0; i < page.length; i++) {
        const user = page[i];
        const id = typeof user?.id === 'string' && user.id !== '' ? user.id : undefined;
        if (id !== undefined && seen.has(id)) {
          throw new ListingChangedError(`${where} repeats user ${id}, already listed; users changed while the list was read`);
        }
        if (id !== undefined) seen.add(id);
        all.push(keep(user ?? {}));
      }
      read += page.length;
      if (read > count) {
        throw new ListingChangedError(`${where} returned ${read} users but counts ${count}; users changed while the list was read`);
      }
      if (read === count) return all;
      if (page.length === 0) {
        throw new VendorHttpError(
          `${this.vendor}: HighLevel's user search ended after ${read} of the ${count} users it counts (an empty page at skip ${read}); not planning on a partial listing`,
          'malformed',
          response.status,
        );
      }
      // The first page shows the page size the vendor serves (its own cap when below the limit asked).
      // A page of another size later (a short page mid-listing) restarts the reading from what was read;
      // pages asked for ahead at the old positions are dropped.
      const first = read === page.length;
      if (first || page.length !== step) {
        step = Math.max(first ? 0 : step, page.length);
        nextPage = pagesFrom(read, step);
      }
    }
  }

  /** Why a listed user cannot be read, or undefined when it can. */
  private unreadableReason(u: WireUser): string | undefined {
    if (typeof u.id !== 'string' || u.id === '') return 'HighLevel listed a user without an id';
    if (typeof u.email !== 'string' || u.email.trim() === '') return `HighLevel user ${u.id} has no email`;
    if (u.roles !== undefined && u.roles !== null && (typeof u.roles !== 'object' || Array.isArray(u.roles))) return `HighLevel user ${u.id} has a malformed roles field`;
    if (u.permissions !== undefined && u.permissions !== null && (typeof u.permissions !== 'object' || Array.isArray(u.permissions))) {
      return `HighLevel user ${u.id} has a malformed permissions field`;
    }
    return undefined;
  }

  private toLive(u: WireUser, shared = new SharedValues()): LiveRecord {
    const unreadable = this.unreadableReason(u);
    if (unreadable) {
      // One user the adapter cannot map stays one: marked, with what could be read, never thrown for the listing.
      return { vendorId: typeof u.id === 'string' ? u.id : '', email: typeof u.email === 'string' ? u.email : '', active: true, fields: {}, unreadable };
    }
    const roles = u.roles ?? {};
    const flat = u as { type?: unknown; role?: unknown; locationIds?: unknown };
    const fields: Record<string, FieldValue> = {
      firstName: text(u.firstName),
      lastName: text(u.lastName),
      phone: comparablePhone(u.phone),
      type: sharedText(shared, text(roles.type) ?? text(flat.type)),
      role: sharedText(shared, text(roles.role) ?? text(flat.role)),
      locationIds: shared.sortedSet(stringList(roles.locationIds ?? flat.locationIds)),
      permissions: sharedPermissionsOf(u.permissions ?? {}),
      scopes: shared.sortedSet(stringList(u.scopes)),
      // scopesAssignedToOnly is not in UserSchema: write-only, never read or compared. shared/vendors/README.md
    };
    return { vendorId: String(u.id), email: String(u.email), active: true, fields };
  }
}
