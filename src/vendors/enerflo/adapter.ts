import { type HttpClient, VendorHttpError } from '../../http/client.js';
import { pageReader } from '../../http/pages.js';
import { RateLimiter } from '../../http/limiter.js';
import type { AdapterOptions, ApplyContext, Capabilities, DesiredRecord, FieldSpec, FieldValue, LiveRecord, VendorAdapter } from '../types.js';
import { enerfloFields, enerfloGrant, sortOfficeIds } from './mapping.js';
import { comparablePhone } from './phone.js';
import { REGIONAL_MANAGER, SALES_REP } from './roles.js';

export const ENERFLO_RATE = { limit: 300, windowMs: 60_000 };

/** A user as `GET /api/v3/users` returns it; clients have seen `active` as 0/1 too. */
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
  external_id?: string | null;
  can_create_leads?: boolean | number | null;
  optimus_access?: boolean | number | null;
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

/** An id the way Enerflo types it: integers (the Update page says string; clients send integers). */
/** A count from a list answer, when it is one. */
function wholeNumber(value: unknown): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function wireId(id: string): number | string {
  return /^\d+$/.test(id) ? Number(id) : id;
}

export class EnerfloAdapter implements VendorAdapter {
  readonly capabilities: Capabilities = { deactivate: 'flag', emailChange: true };
  readonly fields: FieldSpec[] = enerfloFields;
  private readonly http: HttpClient;
  private readonly usersPath: string;
  private readonly pageSize: number;
  private readonly companyId?: string;

  constructor(options: AdapterOptions) {
    const config = options.config;
    const apiKey = options.credentials.apiKey ?? '';
    // Header name and paths are configuration: inferred from clients (shared/vendors/README.md).
    const header = typeof config.apiKeyHeader === 'string' ? config.apiKeyHeader : 'api-key';
    this.usersPath = typeof config.usersPath === 'string' ? config.usersPath : '/api/v3/users';
    this.pageSize = Math.min(500, Math.max(1, Number(config.pageSize ?? 200) || 200));
    this.companyId = config.companyId === undefined ? undefined : String(config.companyId);

    // The engine's client carries the instance name, base URL, timeout, limiter and counter; Enerflo's
    // auth, error bodies and rate headers go on top (the engine's own hooks still run).
    const base = options.http.options;
    this.http = options.http.with({
      limiter: base.limiter ?? new RateLimiter(ENERFLO_RATE.limit, ENERFLO_RATE.windowMs, config.rateShare ?? 1),
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

  /** Every user of the key's company, page by page until `page >= totalPages`. */
  async list(): Promise<LiveRecord[]> {
    // Each user is reduced to its record as its page arrives, so the wire objects of a long listing
    // are not all held at once; a manager may be on a later page, so managers are named at the end.
    const emailById = new Map<string, string>();
    const listed = await this.listWire((u) => {
      emailById.set(String(u.id), u.email);
      return { record: this.toLive(u), managerId: u.manager_id, managerEmail: u.manager_email };
    });
    return listed.map(({ record, managerId, managerEmail }) => {
      const id = managerId === null || managerId === undefined ? undefined : String(managerId);
      const email = id ? (emailById.get(id) ?? managerEmail ?? `#${id}`) : null;
      // A manager belongs to the Sales Rep role only.
      record.fields.manager = asStrings(record.fields.roles).includes(SALES_REP) && email ? email.toLowerCase() : null;
      return record;
    });
  }

  async findByEmail(email: string): Promise<LiveRecord | undefined> {
    // There is no email filter (enerflo-highlevel.md §1.3): list and look.
    const wanted = email.toLowerCase();
    return (await this.list()).find((u) => u.email.toLowerCase() === wanted);
  }

  async create(desired: DesiredRecord, ctx: ApplyContext): Promise<{ vendorId: string }> {
    const f = desired.fields;
    const roles = asStrings(f.roles);
    const grant = enerfloGrant(desired.person);
    const salesRep = roles.includes(SALES_REP);
    const body: Record<string, unknown> = {
      email: desired.email,
      roles,
      // Never a password: the person chooses their own through the welcome flow.
      send_welcome_email: grant?.sendWelcomeEmail ?? false,
      can_create_leads: f.canCreateLeads ?? true,
      optimus_access: f.optimusAccess ?? false,
      can_reassign_leads: f.canReassignLeads ?? true,
      first_name: f.firstName ?? undefined,
      last_name: f.lastName ?? undefined,
      phone: f.phone ?? undefined,
      timezone: f.timezone ?? undefined,
      external_id: f.externalId ?? undefined,
    };
    // Manager and office "can only be set on the Sales Rep role" at create.
    if (salesRep) {
      Object.assign(body, this.managerFields(f.manager, ctx));
      if (typeof f.office === 'string') body.office_id = f.office;
    }
    const response = await this.http.request<WireUser>({ method: 'POST', path: this.usersPath, body });
    const id = response.body && typeof response.body === 'object' ? response.body.id : undefined;
    if (id === undefined || id === null || id === '') {
      throw new VendorHttpError(`${this.http.options.vendor}: POST ${this.usersPath} answered ${response.status} without the new user's id`, 'malformed', response.status);
    }
    const vendorId = String(id);

    // What create cannot carry: the office for roles other than Sales Rep, extra Regional Manager
    // offices (office_ids exists only on update), and a person created already inactive.
    const extras = asStrings(f.officeIds);
    if ((f.office && !salesRep) || extras.length > 0 || !desired.active) {
      try {
        await this.put({ id: wireId(vendorId), ...('office' in f ? { office_ids: this.officeIds(f) } : {}), ...(desired.active ? {} : { active: false }) });
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

  async update(vendorId: string, desired: DesiredRecord, _changedFields: string[], ctx: ApplyContext): Promise<void> {
    // Full desired state of every managed field: `roles` and `office_ids` replace what is there.
    await this.put(this.fullState(vendorId, desired, ctx));
  }

  async deactivate(vendorId: string, _live: LiveRecord): Promise<void> {
    await this.put({ id: wireId(vendorId), active: false });
  }

  async reactivate(vendorId: string, desired: DesiredRecord, _changedFields: string[], ctx: ApplyContext): Promise<void> {
    await this.put({ ...this.fullState(vendorId, desired, ctx), active: true });
  }

  async delete(vendorId: string, _live: LiveRecord): Promise<void> {
    throw new Error(`Enerflo has no delete: user ${vendorId} can only be deactivated (active: false)`);
  }

  // ------------------------------------------------------------------------------------------ internals

  private async put(body: Record<string, unknown>): Promise<void> {
    await this.http.request({ method: 'PUT', path: this.usersPath, body });
  }

  /**
   * Every managed field the desired record carries (a field git leaves out is not sent, so it is never
   * cleared); `roles` and `office_ids` in full, as Enerflo replaces them.
   */
  private fullState(vendorId: string, desired: DesiredRecord, ctx: ApplyContext): Record<string, unknown> {
    const f = desired.fields;
    const roles = asStrings(f.roles);
    const body: Record<string, unknown> = { id: wireId(vendorId), email: desired.email, roles };
    const wire: [string, string][] = [
      ['firstName', 'first_name'],
      ['lastName', 'last_name'],
      ['phone', 'phone'],
      ['timezone', 'timezone'],
      ['externalId', 'external_id'],
      ['canCreateLeads', 'can_create_leads'],
      ['optimusAccess', 'optimus_access'],
      ['canReassignLeads', 'can_reassign_leads'],
    ];
    for (const [field, name] of wire) if (field in f) body[name] = f[field];
    if ('office' in f) body.office_ids = this.officeIds(f);
    // The Update page documents manager_email; manager_id (which wins) is sent too when the id is known.
    if (roles.includes(SALES_REP) && 'manager' in f) Object.assign(body, this.managerFields(f.manager, ctx));
    return body;
  }

  private managerFields(manager: FieldValue | undefined, ctx: ApplyContext): Record<string, unknown> {
    if (typeof manager !== 'string' || manager === '') return {};
    const id = ctx.vendorIdFor(manager);
    return id ? { manager_id: wireId(id), manager_email: manager } : { manager_email: manager };
  }

  private officeIds(f: Record<string, FieldValue>): number[] {
    if (typeof f.office !== 'string' || f.office === '') return [];
    const extras = asStrings(f.roles).includes(REGIONAL_MANAGER) ? asStrings(f.officeIds) : [];
    return [f.office, ...extras].map((id) => Number(id));
  }

  /** Every user of the listing, each as `keep` makes it while its page is read. */
  private async listWire<T>(keep: (user: WireUser) => T): Promise<T[]> {
    const vendor = this.http.options.vendor;
    const all: T[] = [];
    const seen = new Set<string>();
    let maxPages = Infinity;
    const nextPage = pageReader({
      fetch: (index) =>
        this.http.request<WirePage>({
          method: 'GET',
          path: this.usersPath,
          query: { page: index + 1, pageSize: this.pageSize, company_id: this.companyId },
        }),
      pageCount: (response) => wholeNumber(response.body?.totalPages),
    });
    for (let page = 1; ; page++) {
      const response = await nextPage();
      const body = response.body;
      const where = `${vendor}: GET ${this.usersPath} page ${page}`;
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
      }
      const fresh = body.results.filter((u) => !seen.has(String(u.id)));
      if (body.results.length > 0 && fresh.length === 0) {
        throw new VendorHttpError(`${where} repeats users already listed; stopping so the list is not trusted twice`, 'malformed', response.status);
      }
      if (body.results.length === 0 && page < totalPages) {
        throw new VendorHttpError(`${where} is empty though totalPages says ${totalPages}; the listing cannot be trusted`, 'malformed', response.status);
      }
      for (const u of fresh) {
        seen.add(String(u.id));
        all.push(keep(u));
      }
      if (page >= totalPages) return all;
      if (page >= maxPages) {
        throw new VendorHttpError(`${where}: totalPages keeps growing (${totalPages}); stopping after ${page} pages`, 'malformed', response.status);
      }
    }
  }

  /** The user as a record; `manager` is named by `list`, once every user is known. */
  private toLive(u: WireUser): LiveRecord {
    const roles = [...new Set(u.roles ?? [])].sort();
    const officeIds = (u.office_ids ?? []).map(String);
    const office = officeIds[0] ?? null;
    const externalId = text(u.external_id) ?? undefined;
    return {
      vendorId: String(u.id),
      email: u.email,
      externalId,
      active: flag(u.active, true) ?? true,
      fields: {
        firstName: text(u.first_name),
        lastName: text(u.last_name),
        phone: comparablePhone(u.phone),
        timezone: text(u.timezone),
        roles,
        office,
        officeIds: roles.includes(REGIONAL_MANAGER) ? sortOfficeIds(officeIds.slice(1), office) : [],
        manager: null,
        externalId: externalId ?? null,
        canCreateLeads: flag(u.can_create_leads),
        optimusAccess: flag(u.optimus_access),
        canReassignLeads: flag(u.can_reassign_leads),
      },
    };
  }
}

function asStrings(value: FieldValue | undefined): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
