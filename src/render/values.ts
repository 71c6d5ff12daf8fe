import { diffArrays, diffWords } from 'diff';
import type { Change, FieldSpec, FieldValue } from '../reconcile/types.js';
import { escapeText } from './escape.js';
import { LABELLED_FIELD, type VendorLabels } from './labels.js';
import { personalKind } from './mask.js';

/** Longest value shown in a table cell; longer ones end in `…` (the full plan has them). */
const CELL_LIMIT = 300;
/** A run of characters without a space longer than this gets break opportunities, so a column cannot push the next off screen. */
const LONGEST_UNBROKEN = 24;

/**
 * A field value as a markdown table cell a reviewer can read: office and role ids with their roster
 * keys (`phoenix (102)`), a set of flags as the names of those switched on, objects one key per line,
 * long values wrapped and capped.
 */
export function cell(value: FieldValue | undefined, field = '', labels: Record<string, string> = {}, alongside: (FieldValue | undefined)[] = []): string {
  if (value === undefined || value === null) return '';
  const text = plain(value, labelsOfField(field, labels, [value, ...alongside]));
  const short = text.length > CELL_LIMIT ? `${text.slice(0, CELL_LIMIT)}…` : text;
  return wrap(short);
}

/**
 * Office and role ids get their roster keys; permission and scope names are shown as they are. Role names
 * are the vendor's own words: labelled only when every one of them, before and after, has its roster key,
 * so `Sales Rep` never sits beside `team-lead (Setter)` and both sides of a change read alike.
 */
function labelsOfField(field: string, labels: Record<string, string>, values: (FieldValue | undefined)[] = []): Record<string, string> {
  const top = field.split('.')[0];
  if (!LABELLED_FIELD.test(top) || /permission|scope/i.test(top)) return {};
  if (/role/i.test(top)) {
    const words = values.flatMap((v) => (Array.isArray(v) ? v : v === undefined || v === null || typeof v === 'object' ? [] : [v]));
    if (words.some((w) => labels[String(w)] === undefined)) return {};
  }
  return labels;
}

/** Up to this length on both sides a changed text reads well as `old → new`; beyond it, as the words that changed. */
export const WORD_CHANGE_MIN = 40;

/** A run of a changed text: kept as it was, removed, or added. */
export interface WordPart {
  text: string;
  change?: 'removed' | 'added';
}

/**
 * The word-level change of a long text field (a title, a list read as text), or undefined when `old → new`
 * reads better: a short value, a value that is not text, two texts with no word in common. A personal
 * field is never diffed: pieces of a phone or a date of birth must not be spelled out, masked or not.
 * A list is compared item by item (`funnels.write` is one word of a scope list, not three).
 */
export function wordChange(change: Change, fields: FieldSpec[], labels: Record<string, string> = {}): WordPart[] | undefined {
  if (personalKind(change.field, fields)) return undefined;
  const label = labelsOfField(change.field, labels, [change.before, change.after]);
  const before = textOf(change.before, label);
  const after = textOf(change.after, label);
  if (before === undefined || after === undefined || before === after) return undefined;
  if (before.length <= WORD_CHANGE_MIN && after.length <= WORD_CHANGE_MIN) return undefined;
  const parts =
    Array.isArray(change.before) && Array.isArray(change.after)
      ? listChange(change.before.map((v) => labelled(v, label)), change.after.map((v) => labelled(v, label)))
      : diffWords(before, after).map(partOf);
  return parts.some((p) => !p.change && p.text.trim()) ? parts : undefined;
}

function partOf(p: { value: string; added?: boolean; removed?: boolean }): WordPart {
  return p.added ? { text: p.value, change: 'added' } : p.removed ? { text: p.value, change: 'removed' } : { text: p.value };
}

/** Two lists as `a, b, c` with whole items kept, removed or added; a separator joins the run it sits in. */
function listChange(before: string[], after: string[]): WordPart[] {
  const items = diffArrays(before, after).flatMap((p) => p.value.map((text) => partOf({ ...p, value: text })));
  const parts: WordPart[] = [];
  items.forEach((item, i) => {
    if (i > 0) parts.push(item.change === items[i - 1].change ? { text: ', ', ...(item.change ? { change: item.change } : {}) } : { text: ', ' });
    parts.push(item);
  });
  // Neighbours of one kind read as one run: `[-a, b-]`, not `[-a-][-, -][-b-]`.
  return parts.reduce<WordPart[]>((merged, part) => {
    const last = merged.at(-1);
    if (last && last.change === part.change) last.text += part.text;
    else merged.push({ ...part });
    return merged;
  }, []);
}

/** A string, or a list of plain values read as `a, b, c`; anything else has no words to compare. */
function textOf(value: FieldValue | undefined, labels: Record<string, string>): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => labelled(v, labels)).join(', ');
  return undefined;
}

/** Kept text longer than this is shortened around `…` in a table cell, so the changed words stay in view. */
const KEPT_CONTEXT = 30;

/**
 * A word change as two markdown cells, before and after, each the whole value in the same words: the
 * removed words struck through (`<del>`) before, the added ones underlined (`<ins>`) after.
 */
export function wordChangeCells(parts: WordPart[]): { before: string; after: string } {
  return {
    before: wordChangeCell(oneSide(parts.filter((p) => p.change !== 'added'))),
    after: wordChangeCell(oneSide(parts.filter((p) => p.change !== 'removed'))),
  };
}

/** One side of a change: neighbouring kept runs joined, and a list's separators left around a dropped item mended. */
function oneSide(parts: WordPart[]): WordPart[] {
  const joined = parts.reduce<WordPart[]>((merged, part) => {
    const last = merged.at(-1);
    if (last && !last.change && !part.change) last.text += part.text;
    else merged.push({ ...part });
    return merged;
  }, []);
  return joined
    .map((part, i) => {
      if (part.change) return part;
      let text = part.text.replace(/, , /g, ', ');
      if (i === 0) text = text.replace(/^, /, '');
      if (i === joined.length - 1) text = text.replace(/, $/, '');
      return { text };
    })
    .filter((part) => part.text !== '');
}

/** A word change as one markdown cell: removed words struck through (`<del>`), added ones underlined (`<ins>`). */
export function wordChangeCell(parts: WordPart[]): string {
  return parts
    .map((part, i) => {
      if (part.change === 'removed') return `<del>${wrap(part.text)}</del>`;
      if (part.change === 'added') return `<ins>${wrap(part.text)}</ins>`;
      return wrap(shortenKept(part.text, i === 0, i === parts.length - 1));
    })
    .join('');
}

function shortenKept(text: string, first: boolean, last: boolean): string {
  if (text.length <= 2 * KEPT_CONTEXT + 3) return text;
  const head = first ? '' : text.slice(0, KEPT_CONTEXT);
  const tail = last ? '' : text.slice(-KEPT_CONTEXT);
  return `${head}…${tail}`;
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
    const off = entries.filter(([, v]) => !v).map(([k]) => k);
    if (on.length === 0) return `all ${entries.length} off`;
    if (off.length === 0) return `all ${entries.length} on`;
    // The shorter side names the flags: a role that turns a few of HighLevel's many defaults off reads as
    // those few, not as a list of 30-odd flags cut off mid-word.
    if (off.length < on.length) return `all ${entries.length} on except: ${off.join(', ')}`;
    return `on: ${on.join(', ')} (${off.length} other${off.length === 1 ? '' : 's'} off)`;
  }
  return entries.map(([k, v]) => `${k}: ${v !== null && typeof v === 'object' && !Array.isArray(v) ? JSON.stringify(v) : plain(v, labels)}`).join('\n');
}

/** Escapes, and lets the browser break long unbroken runs (ids, tokens, JSON) with `<wbr>`. */
function wrap(text: string): string {
  // Each piece escaped on its own, so no character of the value itself can stand for a break.
  const pieces = text.split(new RegExp(`(\\S{${LONGEST_UNBROKEN}})(?=\\S)`, 'g'));
  const lines: string[] = [];
  let piece = '';
  for (const [i, part] of pieces.entries()) {
    piece += part;
    if (i % 2 === 1) {
      lines.push(piece);
      piece = '';
    }
  }
  lines.push(piece);
  return lines.map(escapeText).join('<wbr>');
}
