import type { FieldValue } from '../reconcile/types.js';
import { escapeText } from './escape.js';
import { LABELLED_FIELD, type VendorLabels } from './labels.js';

/** Longest value shown in a table cell; longer ones end in `…` (the full plan has them). */
const CELL_LIMIT = 300;
/** A run of characters without a space longer than this gets break opportunities, so a column cannot push the next off screen. */
const LONGEST_UNBROKEN = 24;
const BREAK = '\u0000';

/**
 * A field value as a markdown table cell a reviewer can read: office and role ids with their roster
 * keys (`phoenix (102)`), a set of flags as the names of those switched on, objects one key per line,
 * long values wrapped and capped.
 */
export function cell(value: FieldValue | undefined, field = '', labels: Record<string, string> = {}): string {
  if (value === undefined || value === null) return '';
  const top = field.split('.')[0];
  const label = LABELLED_FIELD.test(top) && !/permission|scope/i.test(top) ? labels : {};
  const text = plain(value, label);
  const short = text.length > CELL_LIMIT ? `${text.slice(0, CELL_LIMIT)}…` : text;
  return wrap(short);
}

/** The labels of one vendor instance. */
export function labelsFor(labels: VendorLabels | undefined, vendor: string): Record<string, string> {
  return labels?.[vendor] ?? {};
}

function plain(value: FieldValue, labels: Record<string, string>): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.map((v) => labelled(v, labels)).join(', ');
  if (typeof value === 'object') return objectText(value, labels);
  return labelled(value, labels);
}

function labelled(value: string | number | boolean, labels: Record<string, string>): string {
  const key = labels[String(value)];
  return key !== undefined && key !== String(value) ? `${key} (${value})` : String(value);
}

/** `{a: true, b: false, c: true}` → `on: a, c (1 other off)`; any other object → `key: value` per line. */
function objectText(value: { [key: string]: FieldValue }, labels: Record<string, string>): string {
  const entries = Object.entries(value);
  if (entries.length > 0 && entries.every(([, v]) => typeof v === 'boolean')) {
    const on = entries.filter(([, v]) => v).map(([k]) => k);
    const off = entries.length - on.length;
    const offText = off > 0 ? ` (${off} other${off === 1 ? '' : 's'} off)` : '';
    return on.length ? `on: ${on.join(', ')}${offText}` : `all ${entries.length} off`;
  }
  return entries.map(([k, v]) => `${k}: ${v !== null && typeof v === 'object' && !Array.isArray(v) ? JSON.stringify(v) : plain(v, labels)}`).join('\n');
}

/** Escapes, and lets the browser break long unbroken runs (ids, tokens, JSON) with `<wbr>`. */
function wrap(text: string): string {
  const breakable = text.replace(new RegExp(`\\S{${LONGEST_UNBROKEN}}(?=\\S)`, 'g'), (run) => `${run}${BREAK}`);
  return escapeText(breakable).replaceAll(BREAK, '<wbr>');
}
