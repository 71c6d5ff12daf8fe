import { lstat, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { FORBIDDEN_HR_COLUMN } from '../../config/schema.js';
import { SourceReadError, type HrExport, type HrField, type HrRow } from '../types.js';
import { decodeCsv, EncodingError, type CsvEncoding } from './decode.js';

/** A CSV export larger than this is refused rather than read into memory (about 100,000 people with room to spare). */
export const MAX_CSV_BYTES = 64 * 1024 * 1024;

export interface CsvReadOptions {
  file: string;
  /** Where `file` is shown from (relative to the working directory). */
  display: string;
  encoding: CsvEncoding;
  /** `auto` picks the one of , ; and tab the header line uses most (outside quotes). */
  delimiter: 'auto' | ',' | ';' | '\t';
  /** Column header by roster field. */
  columns: Partial<Record<HrField, string>>;
}

/** The delimiter the header line uses most, outside quotes: European Excel writes `;`. */
export function guessDelimiter(headerLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch as keyof typeof counts]++;
  }
  const [best, count] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  return (count > 0 ? best : ',') as ',' | ';' | '\t';
}

const normalizeHeader = (h: string) => h.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Reads one CSV export with csv-parse (quoted commas, quoted newlines, a byte-order mark, empty lines),
 * keeping only the mapped columns: any other column, an SSN or a birth date above all, is dropped by the
 * parser as it reads and never reaches a row.
 */
export async function readCsvExport(options: CsvReadOptions): Promise<HrExport> {
  const { file, display } = options;
  const info = await lstat(file).catch(() => undefined);
  if (!info) throw new SourceReadError(`${display}: the HR export does not exist`);
  const real = await realpath(file);
  const stats = await lstat(real);
  if (!stats.isFile()) throw new SourceReadError(`${display}: not a regular file`);
  if (stats.size > MAX_CSV_BYTES) throw new SourceReadError(`${display}: ${stats.size} bytes is over the ${MAX_CSV_BYTES} bytes roster reads from one export`);
  let decoded;
  try {
    decoded = decodeCsv(await readFile(real), options.encoding, display);
  } catch (error) {
    if (error instanceof EncodingError) throw new SourceReadError(error.message);
    throw error;
  }
  // csv-parse takes one record delimiter per file; exports edited by hand mix \r\n and \n.
  const text = decoded.text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const headerLine = text.split('\n', 1)[0] ?? '';
  const delimiter = options.delimiter === 'auto' ? guessDelimiter(headerLine) : options.delimiter;
  const notes = decoded.note ? [decoded.note] : [];

  const wanted = new Map<string, HrField>();
  for (const [field, column] of Object.entries(options.columns) as [HrField, string][]) wanted.set(normalizeHeader(column), field);
  const found: Partial<Record<HrField, string>> = {};
  const headerProblems: string[] = [];
  type Parsed = { record: Record<string, string>; raw: string; info: { lines: number } };
  let records: Parsed[];
  try {
    const parsed: unknown = parse(text, {
      delimiter,
      bom: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
      info: true,
      raw: true,
      columns: (header: string[]) => {
        const seen = new Set<HrField>();
        return header.map((name) => {
          const field = wanted.get(normalizeHeader(name));
          // Never mapped: SSNs, birth dates and every column the source does not name are dropped here.
          if (!field || FORBIDDEN_HR_COLUMN.test(name)) return false;
          if (seen.has(field)) headerProblems.push(`the column "${name}" appears twice`);
          seen.add(field);
          found[field] = name.trim();
          return field;
        });
      },
    });
    records = parsed as Parsed[];
  } catch (error) {
    const e = error as Error & { code?: string; lines?: number };
    throw new SourceReadError(`${display}${e.lines ? `:${e.lines}` : ''}: not a CSV file roster can read: ${e.message.replace(/\s+/g, ' ')}`);
  }
  if (headerProblems.length) throw new SourceReadError(`${display}:1: ${headerProblems.join('; ')}`);
  for (const required of ['email', 'employeeId'] as const) {
    if (!found[required] && options.columns[required]) {
      throw new SourceReadError(
        `${display}:1: no column "${options.columns[required]}" (${required}) in the header (${delimiter === '\t' ? 'tab' : delimiter}-separated); ` +
          `set sources.<name>.fields.${required} to the column's header`,
      );
    }
  }
  const rows: HrRow[] = records.map((r, index) => {
    const inside = (r.raw.replace(/\n$/, '').match(/\n/g) ?? []).length;
    const values: HrRow['values'] = {};
    for (const [field, value] of Object.entries(r.record)) if (value !== '') values[field as HrField] = value;
    return { row: index + 1, line: r.info.lines - inside, values };
  });
  return { from: display, rows, columns: found, notes };
}

export const resolveCsvPath = (configDir: string, file: string) => path.resolve(configDir, file);
