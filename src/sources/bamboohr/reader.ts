import { HttpClient, VendorHttpError } from '../../http/client.js';
import { processSink } from '../../output/sink.js';
import { SourceReadError, type HrExport, type HrField, type HrRow } from '../types.js';
import { BASIC_PASSWORD, EMPTY_DATE, PAGE_AFTER_PARAM, PAGE_LIMIT_PARAM } from './documented.js';

export interface BambooReadOptions {
  name: string;
  baseUrl: string;
  listPath: string;
  apiKey: string;
  pageSize: number;
  timeoutMs: number;
  /** Field name by roster field (BambooHR field names, e.g. workEmail). */
  fields: Partial<Record<HrField, string>>;
  /** A listing that never ends is cut off here with an error, not read forever. */
  maxPages?: number;
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxTotalMs?: number };
}

interface Page {
  data?: unknown;
  meta?: { page?: { nextCursor?: unknown } };
}

const text = (value: unknown): string | undefined => {
  if (value === null || value === undefined) return undefined;
  const s = String(value).trim();
  return s === '' || s === EMPTY_DATE ? undefined : s;
};

/**
 * Every employee BambooHR lists, asking only for the mapped fields (never an SSN or a birth date: they are
 * not asked for, and dropped if sent anyway). Every page must be whole and well formed: a page that is
 * HTML, cut short, or missing a field the key may not read stops the read with an error, and nothing is
 * written, so a half read never looks like people leaving.
 */
export async function readBambooEmployees(options: BambooReadOptions): Promise<HrExport> {
  const client = new HttpClient({
    vendor: `source ${options.name} (BambooHR)`,
    baseUrl: options.baseUrl,
    headers: () => ({ authorization: `Basic ${Buffer.from(`${options.apiKey}:${BASIC_PASSWORD}`).toString('base64')}`, accept: 'application/json' }),
    secrets: () => [options.apiKey],
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    notice: (line: string) => processSink().err(line),
  });
  const wanted = Object.entries(options.fields) as [HrField, string][];
  const names = [...new Set(wanted.map(([, name]) => name))];
  const rows: HrRow[] = [];
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  const maxPages = options.maxPages ?? 10_000;
  for (let page = 1; ; page++) {
    if (page > maxPages) throw new SourceReadError(`BambooHR (${options.name}): more than ${maxPages} pages; the listing does not end, nothing was written`);
    let body: Page;
    try {
      const answer = await client.request<Page>({
        method: 'GET',
        path: options.listPath,
        query: { fields: names.join(','), [PAGE_LIMIT_PARAM]: options.pageSize, ...(cursor ? { [PAGE_AFTER_PARAM]: cursor } : {}) },
      });
      body = answer.body;
    } catch (error) {
      if (error instanceof VendorHttpError) {
        const hint = error.status === 401 || error.status === 403 ? ': check the API key (sources credentials) and that its user may read these employees' : '';
        throw new SourceReadError(`BambooHR (${options.name}), page ${page}: ${error.message}${hint}; nothing was written`);
      }
      throw error;
    }
    if (!body || typeof body !== 'object' || !Array.isArray(body.data)) {
      throw new SourceReadError(`BambooHR (${options.name}), page ${page}: the answer has no "data" list of employees; nothing was written`);
    }
    for (const [index, record] of (body.data as Record<string, unknown>[]).entries()) {
      const at = rows.length + 1;
      if (!record || typeof record !== 'object') throw new SourceReadError(`BambooHR (${options.name}), page ${page}, record ${index + 1}: not an employee object`);
      const restricted = Array.isArray(record._restrictedFields) ? (record._restrictedFields as unknown[]).map(String) : [];
      const hidden = names.filter((n) => restricted.includes(n));
      if (hidden.length) {
        throw new SourceReadError(
          `BambooHR (${options.name}): the API key's user may not read ${hidden.join(', ')} (employee ${String(record.employeeId ?? '?')}); ` +
            'give that user access to these fields, or map other ones; nothing was written',
        );
      }
      const missing = names.filter((n) => !(n in record));
      if (missing.length) {
        throw new SourceReadError(
          `BambooHR (${options.name}), page ${page}: employee ${String(record.employeeId ?? '?')} came without ${missing.join(', ')}: ` +
            'a partial answer, or a field name BambooHR does not know (sources fields); nothing was written',
        );
      }
      const values: HrRow['values'] = {};
      for (const [field, name] of wanted) {
        const value = text(record[name]);
        if (value !== undefined) values[field] = value;
      }
      rows.push({ row: at, values });
    }
    const next = text(body.meta?.page?.nextCursor);
    if (!next) break;
    if (seenCursors.has(next)) throw new SourceReadError(`BambooHR (${options.name}), page ${page}: the next-page cursor repeats; the listing would never end, nothing was written`);
    seenCursors.add(next);
    cursor = next;
  }
  return { from: `BambooHR ${new URL(options.baseUrl).host}`, rows, columns: Object.fromEntries(wanted), notes: [] };
}
