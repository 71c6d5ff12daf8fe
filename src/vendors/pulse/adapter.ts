import type { CountryCode } from 'libphonenumber-js';
import { ListingChangedError } from '../../errors/listing.js';
import { VendorHttpError, type HttpClient, type HttpRequest, type HttpResponse } from '../../http/client.js';
import { pageReader } from '../../http/pages.js';
import { flagWriter } from '../writer.js';
import { registerAnswerSecrets } from '../../secrets/answer.js';
import type { AdapterOptions, ApplyContext, DesiredRecord, ListOptions, ListReader, LiveRecord, VendorAdapter, VendorWriter } from '../types.js';
import { readPulseUser } from './mapping.js';
import type { PulseConfig } from './schema.js';

/** A list longer than this many pages is a server that never says "last page". */
const MAX_PAGES = 10_000;

/** The list envelope `{data, page, pageSize, total, totalPages}` (inferred from the tickets reference). */
interface ListEnvelope {
  data: unknown[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

/** The settings the adapter reads, with the schema's own defaults (paths follow the documents). */
type PulseSettings = PulseConfig;

/** A Pulse team as the teams list answers it; ids are opaque. */
export interface PulseTeam {
  id: string;
  name: string;
}

/** Pulse's Error shape `{error, status, message}` as a sentence. */
export function describePulseError(_status: number, body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, message } = body as { error?: unknown; message?: unknown };
  const parts = [error, message].filter((p): p is string => typeof p === 'string' && p.length > 0);
  if (parts.length === 0) return undefined;
  return parts.length === 2 && parts[0] !== parts[1] ? `${parts[0]}: ${parts[1]}` : parts[0];
}

/**
 * Holds the session token. Concurrent calls share one login; a 401 on token generation N starts one
 * fresh login only if nobody has replaced generation N yet, so a burst of expired calls logs in once.
 */
class PulseSession {
  private token: string | undefined;
  private generation = 0;
  private pending: Promise<void> | undefined;
  /** Every token this session has held, so none of them can reach a message. */
  readonly seen: string[] = [];

  constructor(private readonly login: () => Promise<string>) {}

  async current(): Promise<{ token: string; generation: number }> {
    if (this.token === undefined) await this.refresh(this.generation);
    return { token: this.token as string, generation: this.generation };
  }

  /** Replaces the token unless someone already replaced `staleGeneration`. */
  async refresh(staleGeneration: number): Promise<void> {
    if (this.generation !== staleGeneration && this.token !== undefined) return;
    this.pending ??= this.login()
      .then((token) => {
        this.token = token;
        this.seen.push(token);
        this.generation++;
      })
      .finally(() => {
        this.pending = undefined;
      });
    await this.pending;
  }
}

export class PulseAdapter implements VendorAdapter {
  readonly reader: ListReader = { mode: 'list', list: (options) => this.list(options) };
  // roster deactivates Pulse users (active: false) and never deletes them.
  readonly writer: VendorWriter = flagWriter(this, (desired) => this.findByEmail(desired.email));
  private readonly http: HttpClient;
  private readonly session: PulseSession;
  private readonly settings: PulseSettings;
  private readonly accountId: string;
  private readonly phoneRegion: CountryCode;
  /** Logins performed, for tests and diagnostics. */
  logins = 0;

  constructor(options: AdapterOptions<PulseConfig>) {
    const { config, credentials } = options;
    const apiKey = credentials.apiKey;
    const apiSecret = credentials.apiSecret;
    const vendor = options.instanceName;
    if (!apiKey || !apiSecret) {
      throw new Error(`${vendor}: Pulse needs both credentials.apiKey and credentials.apiSecret (environment references)`);
    }
    // Settings and their defaults are schema.ts's: the loader parsed them.
    this.settings = config;
    this.accountId = this.settings.accountId;
    // The header name varies between Pulse pages (X-Account-ID, X-Account-Id, x-account-id): config, not code.
    const accountHeader = this.settings.accountHeader;
    this.phoneRegion = this.settings.phoneRegion as CountryCode;

    const base = options.http;
    const baseSecrets = base.options.secrets;
    this.session = new PulseSession(() => this.login(apiKey, apiSecret));
    this.http = base.with({
      headers: async () => ({ ...(await base.options.headers?.()), [accountHeader]: this.accountId }),
      secrets: () => [...(baseSecrets?.() ?? []), apiKey, apiSecret, ...this.session.seen],
      describeError: describePulseError,
    });
  }

  private async login(apiKey: string, apiSecret: string): Promise<string> {
    this.logins++;
    let response: HttpResponse<{ token?: unknown }>;
    try {
      // Logging in twice is harmless, so a lost answer may be retried.
      response = await this.loginClient().request<{ token?: unknown }>({
        method: 'POST',
        path: this.settings.loginPath,
        body: { apiKey, apiSecret },
        idempotent: true,
      });
    } catch (error) {
      if (error instanceof VendorHttpError) {
        const hint = error.status === 401 ? ' (check the API key and secret)' : '';
        throw new VendorHttpError(`logging in to Pulse failed: ${error.message}${hint}`, error.kind, error.status, undefined, false);
      }
      throw error;
    }
    registerAnswerSecrets(response.body);
    const token = response.body?.token;
    if (typeof token !== 'string' || token.length === 0) {
      throw new VendorHttpError(`${this.http.options.vendor}: ${this.settings.loginPath} answered without a token`, 'malformed', response.status);
    }
    return token;
  }

  /**
   * The client for the login: every string of its answer that could be a credential (the token, and any
   * copy of it under another name) is registered as a secret before a trace, `roster doctor` or an
   * error message sees the exchange.
   */
  private loginClient(): HttpClient {
    const observe = this.http.options.onExchange;
    return this.http.with({
      onExchange: (exchange) => {
        const found = exchange.responseBody ? registerAnswerSecrets(exchange.responseBody) : [];
        observe?.({ ...exchange, secrets: [...exchange.secrets, ...found] });
      },
    });
  }

  /** Every call but login: bearer token, and one fresh login when the token is refused. */
  private async call<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const first = await this.session.current();
    try {
      return await this.http.request<T>({ ...req, headers: { ...req.headers, authorization: `Bearer ${first.token}` } });
    } catch (error) {
      if (!(error instanceof VendorHttpError) || error.status !== 401) throw error;
    }
    // A 401 means Pulse did not act on the request, so repeating it (even a POST) is safe.
    await this.session.refresh(first.generation);
    const second = await this.session.current();
    try {
      return await this.http.request<T>({ ...req, headers: { ...req.headers, authorization: `Bearer ${second.token}` } });
    } catch (error) {
      if (error instanceof VendorHttpError && error.status === 401) {
        throw new VendorHttpError(
          `${error.message}; refused again right after a fresh login (does the API key still have access to account ${this.accountId}?)`,
          error.kind,
          error.status,
          error.body,
          false,
        );
      }
      throw error;
    }
  }

  private vendor(): string {
    return this.http.options.vendor;
  }

  async list(options: ListOptions = {}): Promise<LiveRecord[]> {
    const usersPath = this.settings.usersPath;
    const seen = new Set<string>();
    const records: LiveRecord[] = [];
    let total: number | undefined;
    // sort=id keeps paging stable while users are created (the documented default is -createdAt, newest
    // first); sort and the users list itself follow the documented conventions (shared/vendors/README.md).
    const nextPage = pageReader({
      limit: options.limit,
      fetch: (index) =>
        this.call<ListEnvelope>({ method: 'GET', path: usersPath, query: { page: index + 1, pageSize: this.settings.pageSize, sort: 'id' } }),
      pageCount: (res) => (typeof res.body?.totalPages === 'number' ? Math.min(res.body.totalPages, MAX_PAGES) : undefined),
      // The envelope's `total` (shared/vendors/README.md, Pulse: `{data, page, pageSize, total, totalPages}`,
      // inferred): a claim over policy.maxUsers is refused on page 1, and the pages it allows at the page size
      // served are the ceiling; a total that moves between pages is refused below (read once more first).
      total: (res) => (typeof res.body?.total === 'number' ? res.body.total : undefined),
      maxPages: (res) => {
        const served = typeof res.body?.pageSize === 'number' && res.body.pageSize > 0 ? res.body.pageSize : this.settings.pageSize;
        return typeof res.body?.total === 'number' ? Math.ceil(res.body.total / served) : undefined;
      },
      describe: (index) => `${this.vendor()}: GET ${usersPath} page ${index + 1}`,
    });
    for (let page = 1; ; page++) {
      if (page > MAX_PAGES) throw new Error(`${this.vendor()}: the user list did not end after ${MAX_PAGES} pages`);
      const res = await nextPage();
      const body = res.body;
      if (!body || !Array.isArray(body.data) || typeof body.totalPages !== 'number' || typeof body.total !== 'number') {
        throw new Error(`${this.vendor()}: GET ${usersPath} page ${page} is not a {data, page, total, totalPages} list`);
      }
      if (typeof body.page === 'number' && body.page !== page) {
        throw new Error(`${this.vendor()}: asked for page ${page} of the user list and got page ${body.page}; the server ignores paging`);
      }
      total ??= body.total;
      if (body.total !== total) {
        throw new ListingChangedError(`${this.vendor()}: the user list had ${total} users on page 1 and ${body.total} on page ${page}; it changed while being read; run again`);
      }
      // An index loop: once per user, mostly before it is optimised (issue 26).
      for (let i = 0; i < body.data.length; i++) {
        const record = readPulseUser(body.data[i], this.phoneRegion);
        if (record.unreadable) record.unreadable = `page ${page} of the user list: ${record.unreadable}`;
        if (record.vendorId !== '') {
          if (seen.has(record.vendorId)) {
            throw new Error(
              `${this.vendor()}: user ${record.vendorId} appeared twice while paging (page ${page}); the list changed while being read or paging is broken; run again`,
            );
          }
          seen.add(record.vendorId);
        }
        records.push(record);
      }
      if (page >= body.totalPages) break;
      if (body.data.length === 0) {
        throw new ListingChangedError(`${this.vendor()}: page ${page} of ${body.totalPages} of the user list is empty; the list changed while being read; run again`);
      }
    }
    // The envelope's total is the count to reach: fewer or more users read is a list that moved or a
    // server whose paging is broken, and a plan from it would be wrong (reliability: listing consistency).
    if (records.length !== total) {
      throw new ListingChangedError(`${this.vendor()}: the user list said ${total} users but ${records.length} were read; it changed while being read or paging is broken; run again`);
    }
    return records;
  }

  /** Through the `email` equality filter: documented for every list, inferred for users (shared/vendors/README.md). */
  async findByEmail(email: string): Promise<LiveRecord | undefined> {
    const res = await this.call<ListEnvelope>({ method: 'GET', path: this.settings.usersPath, query: { email, page: 1, pageSize: 10 } });
    const wanted = email.toLowerCase();
    // Filter again: a server treating `email` as a search must not hand us someone else.
    const user = (Array.isArray(res.body?.data) ? res.body.data : [])
      .map((entry) => readPulseUser(entry, this.phoneRegion))
      .find((record) => record.email.toLowerCase() === wanted);
    return user;
  }

  /** Every team of the account, from `teamsPath` (inferred, same list envelope); for checks and diagnostics. */
  async listTeams(): Promise<PulseTeam[]> {
    const teams: PulseTeam[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await this.call<ListEnvelope>({ method: 'GET', path: this.settings.teamsPath, query: { page, pageSize: this.settings.pageSize } });
      const body = res.body;
      if (!body || !Array.isArray(body.data) || typeof body.totalPages !== 'number') {
        throw new Error(`${this.vendor()}: GET ${this.settings.teamsPath} page ${page} is not a {data, page, totalPages} list`);
      }
      for (const entry of body.data as { id?: unknown; name?: unknown }[]) {
        if ((typeof entry?.id !== 'number' && typeof entry?.id !== 'string') || typeof entry.name !== 'string') {
          throw new Error(`${this.vendor()}: page ${page} of the team list holds an entry without an id or name`);
        }
        teams.push({ id: String(entry.id), name: entry.name });
      }
      if (page >= body.totalPages || body.data.length === 0) return teams;
    }
    throw new Error(`${this.vendor()}: the team list did not end after ${MAX_PAGES} pages`);
  }

  async create(desired: DesiredRecord, _ctx: ApplyContext): Promise<{ vendorId: string }> {
    // The seed page's create body is `{email}` (shared/vendors/README.md, Pulse CRM; published.md): only the
    // fields `createFields` names go with it, and the rest are set through the update that follows.
    const atCreate = new Set<string>(this.settings.createFields);
    const body: Record<string, unknown> = { email: desired.email, ...this.fieldsBody(desired, [...atCreate]) };
    const res = await this.call<{ id?: unknown }>({ method: 'POST', path: this.settings.usersPath, body });
    const id = res.body?.id;
    if ((typeof id !== 'number' && typeof id !== 'string') || id === '') {
      throw new VendorHttpError(`${this.vendor()}: POST ${this.settings.usersPath} answered without a user id`, 'malformed', res.status);
    }
    const vendorId = String(id);
    const rest = this.fieldsBody(desired, ['name', 'phone', 'team'].filter((field) => !atCreate.has(field)));
    // The user exists now: a failure from here on is left for the next plan, which shows what is left as an update.
    const created = (what: string, error: unknown) =>
      new Error(`created Pulse user ${vendorId} (${desired.email}) but setting ${what} failed: ${error instanceof Error ? error.message : String(error)}; the next plan finishes the job`);
    if (Object.keys(rest).length > 0) {
      try {
        await this.patch(vendorId, rest);
      } catch (error) {
        throw created(Object.keys(rest).join(', '), error);
      }
    }
    try {
      await this.putRoles(vendorId, desired);
    } catch (error) {
      throw created('the roles', error);
    }
    return { vendorId };
  }

  async update(vendorId: string, desired: DesiredRecord, changedFields: string[], _ctx: ApplyContext): Promise<void> {
    const patch = this.fieldsBody(desired, changedFields);
    if (Object.keys(patch).length > 0) await this.patch(vendorId, patch);
    if (changedFields.includes('roles')) await this.putRoles(vendorId, desired);
  }

  async deactivate(vendorId: string, _live: LiveRecord): Promise<void> {
    await this.patch(vendorId, { active: false });
  }

  async reactivate(vendorId: string, desired: DesiredRecord, changedFields: string[], _ctx: ApplyContext): Promise<void> {
    await this.patch(vendorId, { active: true, ...this.fieldsBody(desired, changedFields) });
    if (changedFields.includes('roles')) await this.putRoles(vendorId, desired);
  }

  private async patch(vendorId: string, body: Record<string, unknown>): Promise<void> {
    await this.call({ method: 'PATCH', path: `${this.settings.usersPath}/${encodeURIComponent(vendorId)}`, body });
  }

  private async putRoles(vendorId: string, desired: DesiredRecord): Promise<void> {
    const roles = Array.isArray(desired.fields.roles) ? desired.fields.roles : [];
    // Roles have their own endpoint (inferred from the `user_roles_updated` event; shared/vendors/README.md).
    await this.call({ method: 'PUT', path: this.settings.rolesPath.replaceAll('{id}', encodeURIComponent(vendorId)), body: { roles } });
  }

  /** The Pulse body for some managed fields; roles go through their own endpoint. */
  private fieldsBody(desired: DesiredRecord, fields: string[]): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    for (const field of fields) {
      if (!(field in desired.fields)) continue;
      const value = desired.fields[field];
      if (field === 'name') body.name = value;
      else if (field === 'phone') body.phone = value;
      else if (field === 'team') body.teamId = teamIdForPulse(value);
    }
    return body;
  }
}

/** Team ids are opaque; the documented User shape has an integer teamId, so digits go as a number. */
function teamIdForPulse(value: unknown): number | string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  return /^\d{1,15}$/.test(text) ? Number(text) : text;
}

export function createPulseAdapter(options: AdapterOptions<PulseConfig>): PulseAdapter {
  return new PulseAdapter(options);
}
