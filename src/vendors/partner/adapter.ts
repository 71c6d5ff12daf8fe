import { HttpClient, VendorHttpError, type HttpRequest, type HttpResponse } from '../../http/client.js';
import { pageReader } from '../../http/pages.js';
import { flagWriter } from '../writer.js';
import { SharedValues } from '../shared-values.js';
import { readKeyOf, type AdapterOptions, type ApplyContext, type DesiredRecord, type ListOptions, type LiveRecord, type ReadKey, type VendorAdapter, type VendorReader, type VendorWriter } from '../types.js';
import { OWNER_REASON, liveFromWire, wireValue } from './fields.js';
import { ACCOUNT_OWNER, withoutWriteOnly, type UserAddUpdateModel } from './documented.js';
import type { PartnerConfig } from './schema.js';

/** A list answer that claims more pages than this is not believed. */
const MAX_PAGES = 10_000;

type PartnerSettings = Pick<PartnerConfig, 'usersPath' | 'sendEmail' | 'listPath' | 'pageSize' | 'firstPage'>;

/**
 * SimplePin's API v2.0 (vendor kind `partner`; shared/vendors/README.md and published.md, SimplePin). Users are
 * addressed by `user_code`, which is this adapter's vendor id; roster sets it on create. SimplePin publishes no
 * list endpoint, so plan reads the declared people one by one (a by-key reader) unless the instance sets
 * `listPath`. Every write sends the whole managed model, never a partial body. The adapter sends JSON only and
 * keeps nothing of an answer beyond the managed fields: `ssn`, `date_of_birth`, `owner_ship` and `password`
 * stop here.
 */
export class PartnerAdapter implements VendorAdapter {
  readonly reader: VendorReader;
  // No delete: leaving is `state: INACTIVE` (shared/vendors/README.md).
  // Read by key, a person is looked up by the user_code the create sent, never by listing.
  readonly writer: VendorWriter = flagWriter(this, (desired) => (this.reader.mode === 'byKey' ? this.reader.read(readKeyOf(desired)) : this.findByEmail(desired.email)));

  private readonly http: HttpClient;
  private readonly settings: PartnerSettings;
  /** Account owners seen by a read: writes to them are refused even if asked for. */
  private readonly protectedCodes = new Set<string>();
  /** One copy of each role and title the reads see, for all the live records they keep. */
  private readonly shared = new SharedValues();

  constructor(private readonly options: AdapterOptions<PartnerConfig>) {
    const { authorizationKey, token } = options.credentials;
    if (!authorizationKey) throw new Error(`${options.instanceName}: the SimplePin Authorization key is missing (credentials.authorizationKey)`);
    if (!token) throw new Error(`${options.instanceName}: the SimplePin Token key is missing (credentials.token)`);
    const config = options.config;
    this.settings = {
      ...config,
      usersPath: config.usersPath.replace(/\/+$/, ''),
      listPath: config.listPath === '' ? undefined : config.listPath,
    };
    const probe = config.probeUserCode
      ? { probe: { key: `probe user_code ${config.probeUserCode}`, email: '', pinned: config.probeUserCode, setting: 'probeUserCode' } }
      : {};
    this.reader = this.settings.listPath ? { mode: 'list', list: (options) => this.list(options) } : { mode: 'byKey', read: (key) => this.read(key), ...probe };
    // The engine's client keeps its limiter, counter and retry policy; this one adds the two company keys
    // (headers `Authorization` and `Token`, shared/vendors/README.md), keeps both out of every message, and
    // reads Spring's error body.
    const base = options.http.options;
    this.http = new HttpClient({
      ...base,
      headers: async () => ({ ...(await base.headers?.()), authorization: authorizationKey, token }),
      secrets: () => [...(base.secrets?.() ?? []), authorizationKey, token],
      describeError: (status, body) => describeSpringError(body) ?? base.describeError?.(status, body),
    });
  }

  /** One declared person, by the user_code pinned in git or the one roster creates them with; 404 is "none". */
  async read(key: ReadKey): Promise<LiveRecord | undefined> {
    const code = key.pinned ?? key.code;
    if (!code) throw new Error(`${this.name}: ${key.key} has no user_code to read SimplePin by`);
    let res: HttpResponse<unknown>;
    try {
      res = await this.call<unknown>({ method: 'GET', path: `${this.settings.usersPath}/get`, query: { user_code: code } });
    } catch (error) {
      // published.md (SimplePin get-user): an unknown user_code answers 404.
      if (error instanceof VendorHttpError && error.status === 404) return undefined;
      throw error;
    }
    const record = this.toLive(res.body, code);
    if (!record.unreadable && record.vendorId !== code) {
      return { ...record, vendorId: code, unreadable: `GET ${this.settings.usersPath}/get for user_code ${code} answered user ${record.vendorId}` };
    }
    return record;
  }

  async list(options: ListOptions = {}): Promise<LiveRecord[]> {
    if (!this.settings.listPath) {
      throw new Error(
        `${this.name}: SimplePin publishes no user list, so its users cannot be listed; set listPath on vendor "${this.name}" if your tenant has a list endpoint`,
      );
    }
    return this.listWire(this.settings.listPath, options);
  }

  async findByEmail(email: string): Promise<LiveRecord | undefined> {
    const wanted = email.toLowerCase();
    return (await this.list()).find((r) => r.email.toLowerCase() === wanted);
  }

  async create(desired: DesiredRecord, _ctx?: ApplyContext): Promise<{ vendorId: string }> {
    const code = desired.externalId;
    if (!code) throw new Error(`${this.name}: ${desired.email} has no user_code to create with`);
    const body = this.modelOf(desired, desired.active ? 'ACTIVE' : 'INACTIVE');
    body.user_code = code;
    // send_email is in the body and, as an older page has it, a query parameter (published.md, SimplePin add-user).
    await this.call({ method: 'POST', path: `${this.settings.usersPath}/add`, query: { send_email: String(this.settings.sendEmail) }, body });
    return { vendorId: code };
  }

  async update(vendorId: string, desired: DesiredRecord, _changedFields?: string[], _ctx?: ApplyContext, expected?: LiveRecord): Promise<void> {
    await this.write(vendorId, this.modelOf(desired, 'ACTIVE'), expected);
  }

  async reactivate(vendorId: string, desired: DesiredRecord, _changedFields?: string[], _ctx?: ApplyContext, expected?: LiveRecord): Promise<void> {
    await this.write(vendorId, this.modelOf(desired, 'ACTIVE'), expected);
  }

  /** Leaving is an update with `state: INACTIVE`, carrying the whole model as read (shared/vendors/README.md). */
  async deactivate(vendorId: string, live: LiveRecord): Promise<void> {
    const expected = live;
    if (live.protectedReason) throw new Error(`${this.name}: user ${vendorId} is not managed by roster (${live.protectedReason})`);
    const body: UserAddUpdateModel = { email: live.email, state: 'INACTIVE', send_email: false };
    const f = live.fields;
    for (const [field, wire] of [['firstName', 'first_name'], ['lastName', 'last_name'], ['role', 'role'], ['phone', 'phone'], ['title', 'account_title']] as const) {
      const value = wireValue(f[field]);
      if (value !== undefined) body[wire] = value;
    }
    await this.write(vendorId, body, expected);
  }

  private get name(): string {
    return this.options.instanceName;
  }

  /**
   * The whole managed model of a person: an update must carry every field required at creation
   * (published.md, SimplePin update-user), so every write sends all of it, never only what changed. Fields
   * git leaves out are left out, not cleared. The timezone is sent although SimplePin never returns it.
   */
  private modelOf(desired: DesiredRecord, state: 'ACTIVE' | 'INACTIVE'): UserAddUpdateModel {
    const f = desired.fields;
    const role = wireValue(f.role);
    if (!role) throw new Error(`${this.name}: ${desired.email} has no SimplePin role`);
    if (role === ACCOUNT_OWNER) throw new Error(`${this.name}: ${OWNER_REASON}`);
    const body: UserAddUpdateModel = {
      email: desired.email,
      first_name: wireValue(f.firstName),
      last_name: wireValue(f.lastName),
      role,
      state,
      send_email: this.settings.sendEmail,
    };
    const phone = wireValue(f.phone);
    if (phone) body.phone = phone;
    const title = wireValue(f.title);
    if (title) body.account_title = title;
    const timezone = wireValue(f.timezone);
    if (timezone) body.time_zone_id = timezone;
    if (typeof f.addressSameAsCompany === 'boolean') body.address_same_as_company = f.addressSameAsCompany;
    return body;
  }

  /**
   * Read-modify-write of the whole model (published.md, SimplePin update-user: the body carries every field).
   * Resending blindly after a lost answer would clobber whatever changed in between (an administrator
   * suspending the user), so a lost answer re-reads the user: already as sent, it is done; still as the plan
   * expected, it is sent once more; otherwise it fails, naming the fields that changed.
   */
  private async write(code: string, body: UserAddUpdateModel, expected?: LiveRecord): Promise<void> {
    if (this.protectedCodes.has(code)) throw new Error(`${this.name}: user ${code} is not managed by roster (${OWNER_REASON})`);
    const send = () =>
      this.call({ method: 'POST', path: `${this.settings.usersPath}/update`, query: { user_code: code, send_email: String(this.settings.sendEmail) }, body, idempotent: false });
    try {
      await send();
      return;
    } catch (error) {
      if (!(error instanceof VendorHttpError) || !error.ambiguous) throw error;
      const now = await this.read({ key: code, email: body.email ?? '', pinned: code });
      if (now && !now.unreadable && differingFields(now, body).length === 0) return;
      const drifted = !now ? ['the user no longer exists'] : expected ? changedSince(expected, now) : ['nothing to compare with (no expected user)'];
      if (now && !now.unreadable && expected && drifted.length === 0) {
        await send();
        return;
      }
      throw new Error(
        `${this.name}: the answer to the update of ${code} was lost (${error.message}), and the user is not as the plan expected (${drifted.join(', ')}); not sent again, so nothing changed since is overwritten`,
      );
    }
  }

  private toLive(user: unknown, fallbackCode?: string): LiveRecord {
    const record = liveFromWire(user, fallbackCode, this.shared);
    if (record.protectedReason) this.protectedCodes.add(record.vendorId);
    return record;
  }

  /**
   * Every user, page by page, from a tenant's own list endpoint (`listPath`; not published, so its shape is
   * inferred: Spring-style `{content, page, size, total_elements, total_pages}`, shared/vendors/README.md). A
   * plain array is taken as the whole list. A vendor that repeats a page, runs out of users before its own
   * total, lists a user_code twice or changes its totals mid-way is an error naming the vendor, never a guess.
   */
  private async listWire(path: string, options: ListOptions): Promise<LiveRecord[]> {
    const fail = (what: string) => new VendorHttpError(`${this.name}: GET ${path} ${what}`, 'malformed');
    const users: LiveRecord[] = [];
    const seen = new Set<string>();
    const keep = (user: unknown): boolean => {
      const record = this.toLive(user);
      if (record.vendorId !== '' && seen.has(record.vendorId)) return false;
      if (record.vendorId !== '') seen.add(record.vendorId);
      users.push(record);
      return true;
    };
    let totals: { pages: number; elements?: number } | undefined;
    const nextPage = pageReader({
      limit: options.limit,
      fetch: (index) => this.call<unknown>({ method: 'GET', path, query: { page: this.settings.firstPage + index, size: this.settings.pageSize } }),
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
        for (const user of body) if (!keep(user)) throw fail(`listed user ${liveFromWire(user).vendorId} twice`);
        return users;
      }
      const parsed = readPage(body);
      if (!parsed) throw fail('answered without a page of users ({content: [...], total_pages}); check listPath');
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
      for (const user of parsed.content) if (keep(user)) fresh++;
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

/** The managed wire fields (and state) where a live user differs from a whole model that was sent. */
function differingFields(now: LiveRecord, sent: UserAddUpdateModel): string[] {
  const differ: string[] = [];
  if (sent.email != null && now.email.toLowerCase() !== sent.email.toLowerCase()) differ.push('email');
  if (now.active !== (sent.state === 'ACTIVE')) differ.push('state');
  for (const [field, wire] of [['firstName', 'first_name'], ['lastName', 'last_name'], ['role', 'role'], ['phone', 'phone'], ['title', 'account_title']] as const) {
    const sentValue = sent[wire];
    if (sentValue !== undefined && wireValue(now.fields[field]) !== sentValue) differ.push(wire);
  }
  return differ;
}

/** Fields (and the active state) where the user read now differs from the one the plan expected, named as the plan names them. */
function changedSince(expected: LiveRecord, now: LiveRecord): string[] {
  const changed: string[] = [];
  if (expected.email.toLowerCase() !== now.email.toLowerCase()) changed.push('email');
  if (expected.active !== now.active) changed.push(`active (${String(expected.active)} when planned, ${String(now.active)} now)`);
  for (const field of [...new Set([...Object.keys(expected.fields), ...Object.keys(now.fields)])].sort()) {
    if (JSON.stringify(expected.fields[field] ?? null) !== JSON.stringify(now.fields[field] ?? null)) changed.push(field);
  }
  return changed;
}
