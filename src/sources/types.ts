import type { z } from 'zod';
import type { SOURCE_HR_FIELDS, SourceInstanceConfig, SourceSchemas } from '../config/schema.js';

/** A field roster reads from HR, by roster's name for it (email, hireDate, location, ...). */
export type HrField = (typeof SOURCE_HR_FIELDS)[number];

/**
 * One record as HR gave it: the values of the mapped columns only, by roster's field name, and
 * where it came from (a CSV line, a BambooHR employee id) so every change and problem can point at it.
 */
export interface HrRow {
  /** 1-based record number in the export (the header is not counted), or the position in the API answer. */
  row: number;
  /** Line of the file where the record starts (CSV only). */
  line?: number;
  values: Partial<Record<HrField, string>>;
}

/** A whole export, read: every row, and the column each field was read from. */
export interface HrExport {
  /** What was read, for messages and the pull request: a file path, or a host and company. */
  from: string;
  rows: HrRow[];
  /** The column (or API field) each roster field was read from, for "row 4, column Work Email". */
  columns: Partial<Record<HrField, string>>;
  /** Things a reviewer should know about the read (a Latin-1 file decoded, a delimiter guessed). */
  notes: string[];
}

/** What a reader may use besides its settings. */
export interface SourceReadContext {
  /** The folder of roster.yaml: a CSV path is relative to it. */
  configDir: string;
  env: NodeJS.ProcessEnv;
}

/** A problem with the source as a whole (unreadable file, HTML instead of JSON): nothing is written. */
export class SourceReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceReadError';
  }
}

/** One kind of HR source: one folder under src/sources plus one registry line, like a vendor. */
export interface SourceModule<Shape extends z.ZodRawShape = z.ZodRawShape> extends SourceSchemas {
  kind: string;
  configShape: Shape;
  /** Column or field names used for every field the source's `fields` leaves unset. */
  defaultFields: Partial<Record<HrField, string>>;
  read(name: string, config: SourceInstanceConfig, ctx: SourceReadContext): Promise<HrExport>;
  /** One line saying where the source reads from, for `doctor` and the pull request. */
  describe(config: SourceInstanceConfig): string;
  /** Environment variables the source needs (credentials), by setting. */
  credentialRefs?(config: SourceInstanceConfig): Record<string, string>;
}

/** The field names a source reads: its defaults with the instance's `fields` over them. */
export function fieldNames(module: Pick<SourceModule, 'defaultFields'>, config: SourceInstanceConfig): Partial<Record<HrField, string>> {
  const set = Object.fromEntries(Object.entries(config.fields ?? {}).filter(([, v]) => typeof v === 'string' && v));
  return { ...module.defaultFields, ...set };
}
