import path from 'node:path';
import { maskEmail, maskPhone } from '../render/mask.js';
import { escapeText } from '../render/escape.js';
import type { HrExport, HrField } from './types.js';
import { describeProblem } from './map.js';
import type { FieldChange, PersonChange, SyncResult } from './sync.js';

/** Marks the pull request of one source, so the next sync finds and updates it. */
export const sourceMarker = (name: string) => `<!-- roster-source: ${name} -->`;

export interface BodyOptions {
  name: string;
  describe: string;
  exp: HrExport;
  result: SyncResult;
  maskEmails: boolean;
  /** Paths are shown relative to this folder (the repository). */
  root: string;
}

const PERSONAL: Partial<Record<HrField, (v: string) => string>> = { phone: maskPhone };

/**
 * The HR row behind a change, as "Column: value" pairs of the mapped columns: phones always masked,
 * emails masked when github.maskEmails is on. SSNs and birth dates are never read, so never here.
 */
export function hrRowText(change: Pick<PersonChange, 'hr'>, exp: HrExport, maskEmails: boolean): string {
  const row = change.hr.row;
  const pairs = (Object.entries(row.values) as [HrField, string][]).map(([field, value]) => {
    const shown = PERSONAL[field]?.(value) ?? (maskEmails && field === 'email' ? maskEmail(value) : value);
    return `${exp.columns[field] ?? field}: ${shown}`;
  });
  return `HR row ${row.row}${row.line ? ` (line ${row.line})` : ''}: ${pairs.join(' · ')}`;
}

const shown = (field: string, value: unknown, maskEmails: boolean): string => {
  if (value === undefined) return '(unset)';
  const text = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
  if (field === 'phone') return maskPhone(text);
  if (maskEmails && (field === 'email' || field === 'manager')) return maskEmail(text);
  return text;
};

function changeLine(c: FieldChange, options: BodyOptions): string {
  const mask = options.maskEmails;
  const what = `\`${c.field}\`: ${shown(c.field, c.from, mask)} → ${shown(c.field, c.to, mask)}`;
  if (!c.overwrites) return what;
  // The line as written in git, masked like everything else: a hand edit of an owned field shows here.
  const written = c.field === 'phone' ? `${c.field}: ${shown('phone', c.from, mask)}` : mask && (c.field === 'email' || c.field === 'manager') ? `${c.field}: ${shown(c.field, c.from, mask)}` : c.overwrites.text;
  return `${what} (overwrites ${path.relative(options.root, c.overwrites.file)}:${c.overwrites.line} \`${written}\`)`;
}

/** The pull request's body: who changes and why, each with the HR row behind it; what was left out; who is missing. */
export function renderSyncBody(options: BodyOptions): string {
  const { result, exp, name } = options;
  const who = (c: PersonChange) => `**${escapeText(c.name)}** (${options.maskEmails ? maskEmail(c.email) : c.email})`;
  const row = (c: PersonChange) => `  - ${escapeText(hrRowText(c, exp, options.maskEmails))}`;
  const hires = result.changes.filter((c) => c.kind === 'hire');
  const leaves = result.changes.filter((c) => c.kind === 'leave');
  const updates = result.changes.filter((c) => c.kind === 'update');
  const lines: string[] = [
    sourceMarker(name),
    `### HR sync: source \`${name}\``,
    '',
    `Read from ${escapeText(options.describe)}: ${exp.rows.length} rows. ` +
      `${hires.length} new hire${hires.length === 1 ? '' : 's'}, ${leaves.length} leaver${leaves.length === 1 ? '' : 's'}, ${updates.length} other change${updates.length === 1 ? '' : 's'}.`,
    '',
    'HR proposes, git disposes: this pull request only edits `users/`. No vendor changes until it is merged; the plan comment shows what each vendor will see.',
  ];
  for (const note of exp.notes) lines.push('', `> [!WARNING]\n> ${escapeText(note)}`);
  if (hires.length) {
    lines.push('', '#### New hires (scheduled starts)');
    for (const c of hires) {
      const p = c.person!;
      lines.push(`- ${who(c)} starts ${String(p.startDate)}${p.office ? `, office ${String(p.office)}` : ''}, roles ${shown('roles', p.roles, false)}${p.endDate ? `, ends ${String(p.endDate)}` : ''}`, row(c));
    }
  }
  if (leaves.length) {
    lines.push('', '#### Leavers (scheduled ends)');
    for (const c of leaves) lines.push(`- ${who(c)}`, ...c.changes.map((f) => `  - ${changeLine(f, options)}`), row(c));
  }
  if (updates.length) {
    lines.push('', '#### Changed fields HR owns');
    for (const c of updates) lines.push(`- ${who(c)}`, ...c.changes.map((f) => `  - ${changeLine(f, options)}`), row(c));
  }
  if (result.problems.length) {
    lines.push('', `#### Rows left out (${result.problems.length})`, '', 'Fix these in HR; nobody below was changed.');
    for (const p of result.problems) lines.push(`- ${escapeText(describeProblem(p))}`);
  }
  if (result.listed.length) {
    lines.push('', '#### For a person to check', '', 'In git but missing from HR for several syncs in a row. Absence never offboards anyone: set `endDate` by hand if they left.');
    for (const a of result.listed) lines.push(`- ${options.maskEmails ? maskEmail(a.email) : a.email}: missing from ${a.syncs} syncs since ${a.since}`);
  }
  if (result.notes.length) {
    lines.push('', '#### Notes');
    for (const n of result.notes) lines.push(`- ${escapeText(options.maskEmails ? n.replace(/[^\s@:]+@[^\s:]+/g, (e) => maskEmail(e)) : n)}`);
  }
  return `${lines.join('\n')}\n`;
}
