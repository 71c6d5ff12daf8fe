import type { CountryCode } from 'libphonenumber-js';
import { VendorHttpError, type HttpClient, type HttpRequest, type HttpResponse } from '../../http/client.js';
import { pageReader } from '../../http/pages.js';
import type { AdapterOptions, ApplyContext, Capabilities, DesiredRecord, LiveRecord, VendorAdapter } from '../types.js';
import { liveRecordFrom, pulseFields, type PulseUser } from './mapping.js';

/** Paths are inferred from the documented conventions (shared/vendors/README.md); only POST /users is documented. */
const LOGIN_PATH = '/api/auth/login';
const USERS_PATH = '/api/users';
/** A list longer than this many pages is a server that never says "last page". */
const MAX_PAGES = 10_000;

interface ListEnvelope {
  data: PulseUser[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
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
  readonly capabilities: Capabilities = { deactivate: 'flag', emailChange: false };
  readonly fields = pulseFields;
  private readonly http: HttpClient;
  private readonly session: PulseSession;
  private readonly accountId: string;
  private readonly pageSize: number;
  private readonly phoneRegion: CountryCode;
  /** Logins performed, for tests and diagnostics. */
  logins = 0;

  constructor(options: AdapterOptions) {
    const { config, credentials } = options;
    const apiKey = credentials.apiKey;
    const apiSecret = credentials.apiSecret;
    const vendor = options.instanceName;
    if (!apiKey || !apiSecret) {
      throw new Error(`${vendor}: Pulse needs both credentials.apiKey and credentials.apiSecret (environment references)`);
    }
    this.accountId = String(config.accountId ?? '');
    if (!this.accountId) throw new Error(`${vendor}: Pulse needs accountId (sent as ${String(config.accountHeader ?? 'x-account-id')})`);
    // The header name varies between Pulse pages (X-Account-ID, X-Account-Id, x-account-id): config, not code.
    const accountHeader = typeof config.accountHeader === 'string' && config.accountHeader ? config.accountHeader : 'x-account-id';
    this.pageSize = typeof config.pageSize === 'number' ? config.pageSize : 100;
    this.phoneRegion = (typeof config.phoneRegion === 'string' ? config.phoneRegion : 'US') as CountryCode;

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
      response = await this.http.request<{ token?: unknown }>({
        method: 'POST',
        path: LOGIN_PATH,
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
    const token = response.body?.token;
    if (typeof token !== 'string' || token.length === 0) {
      throw new VendorHttpError(`${this.http.options.vendor}: ${LOGIN_PATH} answered without a token`, 'malformed', response.status);
    }
    return token;
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

  async list(): Promise<LiveRecord[]> {
    const seen = new Set<string>();
    const records: LiveRecord[] = [];
    // sort=id keeps paging stable while users are created (the documented default is -createdAt, newest
    // first); sort and the users list itself follow the documented conventions (shared/vendors/README.md).
    const nextPage = pageReader({
      fetch: (index) => this.call<ListEnvelope>({ method: 'GET', path: USERS_PATH, query: { page: index + 1, pageSize: this.pageSize, sort: 'id' } }),
      pageCount: (res) => (typeof res.body?.totalPages === 'number' ? Math.min(res.body.totalPages, MAX_PAGES) : undefined),
    });
    for (let page = 1; ; page++) {
      if (page > MAX_PAGES) throw new Error(`${this.vendor()}: the user list did not end after ${MAX_PAGES} pages`);
      const res = await nextPage();
      const body = res.body;
      if (!body || !Array.isArray(body.data) || typeof body.totalPages !== 'number') {
        throw new Error(`${this.vendor()}: GET ${USERS_PATH} page ${page} is not a {data, page, totalPages} list`);
      }
      if (typeof body.page === 'number' && body.page !== page) {
        throw new Error(`${this.vendor()}: asked for page ${page} of the user list and got page ${body.page}; the server ignores paging`);
      }
      for (const user of body.data) {
        if (user?.id === undefined || user.id === null || typeof user.email !== 'string') {
          throw new Error(`${this.vendor()}: page ${page} of the user list holds an entry without an id or email`);
        }
        const id = String(user.id);
        if (seen.has(id)) {
          throw new Error(
            `${this.vendor()}: user ${id} appeared twice while paging (page ${page}); the list changed while being read or paging is broken; run again`,
          );
        }
        seen.add(id);
        records.push(liveRecordFrom(user, this.phoneRegion));
      }
      if (page >= body.totalPages) break;
      if (body.data.length === 0) {
        throw new Error(`${this.vendor()}: page ${page} of ${body.totalPages} of the user list is empty; the list changed while being read; run again`);
      }
    }
    return records;
  }

  /** Through the `email` equality filter: documented for every list, inferred for users (shared/vendors/README.md). */
  async findByEmail(email: string): Promise<LiveRecord | undefined> {
    const res = await this.call<ListEnvelope>({ method: 'GET', path: USERS_PATH, query: { email, page: 1, pageSize: 10 } });
    const wanted = email.toLowerCase();
    // Filter again: a server treating `email` as a search must not hand us someone else.
    const user = (res.body?.data ?? []).find((u) => u.email?.toLowerCase() === wanted);
    return user ? liveRecordFrom(user, this.phoneRegion) : undefined;
  }

  async create(desired: DesiredRecord, _ctx: ApplyContext): Promise<{ vendorId: string }> {
    const body: Record<string, unknown> = { email: desired.email, ...this.fieldsBody(desired, ['name', 'phone', 'team']) };
    const res = await this.call<PulseUser>({ method: 'POST', path: USERS_PATH, body });
    const id = res.body?.id;
    if (id === undefined || id === null) throw new VendorHttpError(`${this.vendor()}: POST ${USERS_PATH} answered without a user id`, 'malformed', res.status);
    const vendorId = String(id);
    try {
      await this.putRoles(vendorId, desired);
    } catch (error) {
      // The user exists now; the next plan sees it and shows the roles as an update.
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`created Pulse user ${vendorId} (${desired.email}) but setting the roles failed: ${reason}; the next plan finishes the job`);
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

  async delete(vendorId: string, _live: LiveRecord): Promise<void> {
    throw new Error(`${this.vendor()}: roster deactivates Pulse users (active: false) and never deletes them (user ${vendorId})`);
  }

  private async patch(vendorId: string, body: Record<string, unknown>): Promise<void> {
    await this.call({ method: 'PATCH', path: `${USERS_PATH}/${encodeURIComponent(vendorId)}`, body });
  }

  private async putRoles(vendorId: string, desired: DesiredRecord): Promise<void> {
    const roles = Array.isArray(desired.fields.roles) ? desired.fields.roles : [];
    await this.call({ method: 'PUT', path: `${USERS_PATH}/${encodeURIComponent(vendorId)}/roles`, body: { roles } });
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

export function createPulseAdapter(options: AdapterOptions): PulseAdapter {
  return new PulseAdapter(options);
}
