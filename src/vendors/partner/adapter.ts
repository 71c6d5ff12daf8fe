import { HttpClient, VendorHttpError, type HttpRequest, type HttpResponse } from '../../http/client.js';
import { pageReader } from '../../http/pages.js';
import type { AdapterOptions, Capabilities, DesiredRecord, FieldSpec, LiveRecord, VendorAdapter } from '../types.js';
import { OWNER_REASON, liveFromWire, partnerFields, wireNameOf, wireValue } from './fields.js';
import { ACCOUNT_OWNER, withoutWriteOnly, type UserAddUpdateModel } from './model.js';
import type { PartnerOffice } from './schema.js';

/** A list answer that claims more pages than this is not believed. */
const MAX_PAGES = 10_000;

interface PartnerSettings {
  companyId: string;
  pageSize: number;
  usersPath: string;
  firstPage: number;
  sendEmail: boolean;
}

/**
 * The company-partner API adapter. It sends JSON only, manages names, phone, role, state, timezone and title,
 * never writes the ACCOUNT_OWNER, and keeps nothing of a vendor answer beyond the managed fields: the
 * write-only personal data (`password`, `ssn`, `date_of_birth`, `owner_ship`) stops here.
 */
export class PartnerAdapter implements VendorAdapter {
  /**
   * `emailChange: true`: update is a merge of the same model as add, and the model includes `email`
   * (inferred, shared/vendors/README.md); a clash with another user in the company answers 409.
   */
  readonly capabilities: Capabilities = { deactivate: 'flag', emailChange: true };
  readonly fields: FieldSpec[] = partnerFields;

  private readonly http: HttpClient;
  private readonly settings: PartnerSettings;
  /** Account owners seen by list/findByEmail: writes to them are refused even if asked for. */
  private readonly protectedIds = new Set<string>();

  constructor(private readonly options: AdapterOptions) {
    const token = options.credentials.token;
    if (!token) throw new Error(`${options.instanceName}: the partner token is missing (credentials.token)`);
    const config = options.config as Partial<PartnerSettings> & { companyId?: unknown };
    if (config.companyId === undefined || config.companyId === '') throw new Error(`${options.instanceName}: companyId is not set`);
    this.settings = {
      companyId: String(config.companyId),
      pageSize: config.pageSize ?? 100,
      usersPath: (config.usersPath ?? '/v2/user').replace(/\/+$/, ''),
      firstPage: config.firstPage ?? 0,
      sendEmail: config.sendEmail ?? false,
    };
    // The engine's client keeps its limiter, counter and retry policy; this one adds the bearer token, keeps it
    // out of every message, and reads Spring's error body.
    const base = options.http.options;
    this.http = new HttpClient({
      ...base,
      headers: async () => ({ ...(await base.headers?.()), authorization: `Bearer ${token}` }),
      secrets: () => [...(base.secrets?.() ?? []), token],
      describeError: (status, body) => describeSpringError(body) ?? base.describeError?.(status, body),
    });
  }

  async list(): Promise<LiveRecord[]> {
    // Each user becomes its record as its page arrives: a long listing's wire objects are not all held at once.
    return this.listWire((user) => this.toLive(user));
  }

  async findByEmail(email: string): Promise<LiveRecord | undefined> {
    const wanted = email.toLowerCase();
    return (await this.list()).find((r) => r.email.toLowerCase() === wanted);
  }

  async create(desired: DesiredRecord): Promise<{ vendorId: string }> {
    const role = desired.fields.role;
    if (typeof role !== 'string' || role === '') throw new Error(`${this.name}: ${desired.email} has no partner role to create with`);
    if (role === ACCOUNT_OWNER) throw new Error(`${this.name}: ${OWNER_REASON}`);
    const body: UserAddUpdateModel = {
      email: desired.email,
      first_name: wireValue(desired.fields.firstName),
      last_name: wireValue(desired.fields.lastName),
      role,
      state: desired.active ? 'ACTIVE' : 'INACTIVE',
      send_email: this.settings.sendEmail,
    };
    for (const field of ['phone', 'timezone', 'title'] as const) {
      const value = desired.fields[field];
      if (value !== undefined && value !== null && value !== '') body[wireNameOf[field]] = String(value) as never;
    }
    if (desired.externalId) body.user_code = desired.externalId;
    const office = (desired.person.office as unknown as { partner?: PartnerOffice } | undefined)?.partner;
    if (office?.addressSameAsCompany !== undefined) body.address_same_as_company = office.addressSameAsCompany;

    const res = await this.call<Record<string, unknown>>({
      method: 'POST',
      path: `${this.settings.usersPath}/add`,
      query: { company_id: this.settings.companyId },
      body,
    });
    const id = res.body?.id;
    if (typeof id !== 'number' && (typeof id !== 'string' || id === '')) {
      throw new VendorHttpError(`${this.name}: POST ${this.settings.usersPath}/add answered ${res.status} without the new user's id`, 'malformed', res.status);
    }
    return { vendorId: String(id) };
  }

  async update(vendorId: string, desired: DesiredRecord, changedFields: string[]): Promise<void> {
    const body = this.changesBody(desired, changedFields);
    if (Object.keys(body).length === 0) return;
    await this.write(vendorId, body);
  }

  async deactivate(vendorId: string, live: LiveRecord): Promise<void> {
    if (live.protectedReason) throw new Error(`${this.name}: user ${vendorId} is not managed by roster (${live.protectedReason})`);
    await this.write(vendorId, { state: 'INACTIVE' });
  }

  async reactivate(vendorId: string, desired: DesiredRecord, changedFields: string[]): Promise<void> {
    await this.write(vendorId, { ...this.changesBody(desired, changedFields), state: 'ACTIVE' });
  }

  async delete(vendorId: string): Promise<void> {
    throw new Error(`${this.name}: the company-partner API has no delete; roster deactivates user ${vendorId} (state INACTIVE) instead`);
  }

  private get name(): string {
    return this.options.instanceName;
  }

  /** The merge-update body for the changed managed fields; "" clears a field (null would keep it). */
  private changesBody(desired: DesiredRecord, changedFields: string[]): UserAddUpdateModel {
    const body: Record<string, string> = {};
    for (const field of changedFields) {
      if (field === 'active') continue;
      const wire = wireNameOf[field];
      if (!wire) throw new Error(`${this.name}: cannot update field "${field}"; the partner adapter manages ${Object.keys(wireNameOf).join(', ')}`);
      if (field === 'email') body.email = desired.email;
      else if (field === 'externalId') body.user_code = desired.externalId ?? '';
      else body[wire] = wireValue(desired.fields[field]);
    }
    if (body.role === ACCOUNT_OWNER) throw new Error(`${this.name}: ${OWNER_REASON}`);
    return body as UserAddUpdateModel;
  }

  private async write(vendorId: string, body: UserAddUpdateModel): Promise<void> {
    if (this.protectedIds.has(vendorId)) throw new Error(`${this.name}: user ${vendorId} is not managed by roster (${OWNER_REASON})`);
    // Same body twice leaves the same user: the merge update is safe to retry.
    await this.call({ method: 'POST', path: `${this.settings.usersPath}/update`, query: { user_id: vendorId }, body, idempotent: true });
  }

  private toLive(user: Record<string, unknown>): LiveRecord {
    let record: LiveRecord;
    try {
      record = liveFromWire(user);
    } catch (error) {
      throw new VendorHttpError(`${this.name}: ${this.settings.usersPath}/list answered with a malformed user: ${(error as Error).message}`, 'malformed');
    }
    if (record.protectedReason) this.protectedIds.add(record.vendorId);
    return record;
  }

  /**
   * Every user of the company, page by page (Spring-style `{content, page, size, total_elements, total_pages}`,
   * inferred: shared/vendors/README.md). A plain array answer is taken as the whole list. A vendor that repeats
   * a page, runs out of users before its own total, or changes its totals mid-way is an error, never a guess.
   */
  private async listWire<T>(keep: (user: Record<string, unknown>) => T): Promise<T[]> {
    const path = `${this.settings.usersPath}/list`;
    const fail = (what: string) => new VendorHttpError(`${this.name}: GET ${path} ${what}`, 'malformed');
    const users: T[] = [];
    const seen = new Set<string>();
    let totals: { pages: number; elements?: number } | undefined;
    const nextPage = pageReader({
      fetch: (index) =>
        this.call<unknown>({
          method: 'GET',
          path,
          query: { company_id: this.settings.companyId, page: this.settings.firstPage + index, size: this.settings.pageSize },
        }),
      pageCount: (res) => {
        const pages = Array.isArray(res.body) ? undefined : readPage(res.body)?.totalPages;
        return pages === undefined ? undefined : Math.min(pages, MAX_PAGES);
      },
    });

    for (let index = 0; ; index++) {
      const page = this.settings.firstPage + index;
      const res = await nextPage();
      const body = res.body;
      if (Array.isArray(body)) {
        if (index > 0) throw fail(`answered page ${page} with a bare list after paged answers`);
        return uniqueUsers(body, fail).map(keep);
      }
      const parsed = readPage(body);
      if (!parsed) throw fail('answered without a page of users ({content: [...], total_pages}); check usersPath and the API version');
      if (!totals) {
        totals = { pages: parsed.totalPages, elements: parsed.totalElements };
        if (totals.pages > MAX_PAGES) throw fail(`claims ${totals.pages} pages; refusing to believe more than ${MAX_PAGES}`);
      } else if (parsed.totalPages !== totals.pages || parsed.totalElements !== totals.elements) {
        throw fail(`changed its totals while listing (from ${describeTotals(totals)} to ${describeTotals({ pages: parsed.totalPages, elements: parsed.totalElements })}); users changed meanwhile, run again`);
      }
      if (parsed.content.length === 0 && index < totals.pages) {
        throw fail(`page ${page} is empty although the vendor reported ${describeTotals(totals)}`);
      }
      let fresh = 0;
      for (const user of parsed.content) {
        const id = user && typeof user === 'object' ? String((user as { id?: unknown }).id) : '';
        if (seen.has(id)) continue;
        seen.add(id);
        users.push(keep(user as Record<string, unknown>));
        fresh++;
      }
      if (parsed.content.length > 0 && fresh === 0) {
        throw fail(`answered page ${page} with users already listed on an earlier page; the page parameter seems ignored (check firstPage)`);
      }
      if (index + 1 >= totals.pages) break;
    }
    if (totals?.elements !== undefined && users.length !== totals.elements) {
      throw fail(`listed ${users.length} users although the vendor reported ${totals.elements}; users changed meanwhile, run again`);
    }
    return users;
  }

  /** Every request goes through here, so an error carries no write-only personal data in its body. */
  private async call<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    try {
      return await this.http.request<T>(req);
    } catch (error) {
      if (error instanceof VendorHttpError) {
        throw new VendorHttpError(error.message, error.kind, error.status, withoutWriteOnly(error.body), error.ambiguous);
      }
      throw error;
    }
  }
}

function readPage(body: unknown): { content: unknown[]; totalPages: number; totalElements?: number } | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const content = b.content;
  const totalPages = b.total_pages ?? b.totalPages;
  const totalElements = b.total_elements ?? b.totalElements;
  if (!Array.isArray(content) || typeof totalPages !== 'number' || !Number.isInteger(totalPages) || totalPages < 0) return undefined;
  return { content, totalPages, totalElements: typeof totalElements === 'number' ? totalElements : undefined };
}

function uniqueUsers(list: unknown[], fail: (what: string) => Error): Record<string, unknown>[] {
  const seen = new Set<string>();
  for (const user of list) {
    const id = user && typeof user === 'object' ? String((user as { id?: unknown }).id) : '';
    if (seen.has(id)) throw fail(`listed user ${id} twice`);
    seen.add(id);
  }
  return list as Record<string, unknown>[];
}

function describeTotals(t: { pages: number; elements?: number }): string {
  return t.elements === undefined ? `${t.pages} pages` : `${t.elements} users in ${t.pages} pages`;
}

/** Spring's error body `{timestamp, status, error, message, path}`: the message, or the reason phrase. */
export function describeSpringError(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { message?: unknown; error?: unknown };
  const message = typeof b.message === 'string' && b.message.trim() !== '' && b.message !== 'No message available' ? b.message : undefined;
  const error = typeof b.error === 'string' && b.error.trim() !== '' ? b.error : undefined;
  return message ?? error;
}
