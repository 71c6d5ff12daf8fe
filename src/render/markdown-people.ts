import { describeWindow } from '../config/as-of.js';
import type { Action, Change, PlanView } from '../reconcile/types.js';
import { escapeCode, escapeText } from './escape.js';
import { maskEmail, sanitizeText, type MaskOptions } from './mask.js';
import { operationPriority, type PersonCell, type PersonChange, type PersonRow } from './people.js';

/** The table of who changes where: one row per person, one column per vendor. */

const CHANGE_LABEL: Record<PersonChange, string> = {
  added: '+ added',
  changed: '~ changed',
  returning: '^ returning',
  offboarded: '− offboarded',
  removed: '− removed',
  blocked: '⚠ needs a person',
  noted: 'ℹ note',
};

const OP_LABEL: Record<Action, string> = { create: '+ create', update: '~', reactivate: '^ reactivate', deactivate: '− deactivate', delete: '✕ delete' };

/** Names from the records the plan carries (GitHub keys: masked when emails are). Names are not masked: a reviewer needs to see who. */
export function namesOf(plan: PlanView, options: MaskOptions): Map<string, string> {
  const names = new Map<string, string>();
  const nameIn = (fields: Record<string, unknown> | undefined) =>
    [fields?.firstName, fields?.lastName].filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
  for (const vendor of plan.vendors) {
    for (const op of vendor.operations) {
      const key = options.maskEmails ? maskEmail(op.key) : op.key;
      if (names.has(key)) continue;
      const name = op.desired?.name || nameIn(op.desired?.fields) || nameIn(op.live?.fields);
      if (name) names.set(key, sanitizeText(name, options));
    }
  }
  return names;
}

/** One row per person, one column per vendor, in order of importance; cut at `room`, naming who is left out. */
export function renderPeopleTable(plan: PlanView, rows: PersonRow[], room: number): { text: string; leftOut: PersonRow[] } {
  if (rows.length === 0) return { text: '', leftOut: [] };
  const vendors = plan.vendors.map((v) => v.vendor);
  const head =
    `\n#### Who changes where\n\n| change | person | ${vendors.map((v) => escapeText(v)).join(' | ')} |\n` +
    `| --- | --- | ${vendors.map(() => '---').join(' | ')} |\n`;
  const legend =
    '\n<sub>+ create · ~ update (the fields that change) · ^ reactivate · − deactivate · ✕ delete · ☐ step for a person · ⚠ error · ℹ note · blank: no change there</sub>\n';
  const tail = 120;
  let left = room - head.length - legend.length - tail;
  const lines: string[] = [];
  let i = 0;
  for (; i < rows.length; i++) {
    const line = personLine(rows[i], vendors);
    if (line.length > left) break;
    lines.push(line);
    left -= line.length;
  }
  if (lines.length === 0) return { text: '', leftOut: rows };
  const leftOut = rows.slice(i);
  const more = leftOut.length ? `| | _${leftOut.length} more people, listed in the note above_ |${vendors.map(() => ' |').join('')}\n` : '';
  return { text: `${head}${lines.join('')}${more}${legend}`, leftOut };
}

function personLine(row: PersonRow, vendors: string[]): string {
  const who = row.name ? `**${escapeText(row.name)}**<br>\`${escapeCode(row.key)}\`` : `\`${escapeCode(row.key)}\``;
  // A person with dates shows their window beside their name (issue: dated access).
  const window = [...row.cells.values()].flatMap((c) => c.operations).find((op) => op.window)?.window;
  const dated = window ? `<br><sub>${escapeText(describeWindow(window))}</sub>` : '';
  const cells = vendors.map((v) => personCell(row.cells.get(v)));
  return `| ${CHANGE_LABEL[row.change]} | ${who}${dated} | ${cells.join(' | ')} |\n`;
}

function personCell(cell: PersonCell | undefined): string {
  if (!cell) return '';
  const parts: string[] = [];
  for (const op of [...cell.operations].sort((a, b) => operationPriority(a.action) - operationPriority(b.action))) {
    if (op.action === 'update') parts.push(`~ ${escapeText(fieldsOf(op.changes))}`);
    else parts.push(OP_LABEL[op.action]);
  }
  for (const step of cell.manual) parts.push(`☐ by hand (id ${escapeText(step.vendorId)})`);
  if (cell.errors.length) parts.push(`⚠ ${cell.errors.length === 1 ? 'error' : `${cell.errors.length} errors`}`);
  if (cell.notices.length) parts.push(`ℹ ${cell.notices.length === 1 ? 'note' : `${cell.notices.length} notes`}`);
  return parts.join('<br>');
}

/** `office, roles, permissions (3)`: the top-level fields that change, with how many keys of an object field. */
function fieldsOf(changes: Change[]): string {
  const counts = new Map<string, number>();
  for (const c of changes) {
    const top = c.field.split('.')[0];
    counts.set(top, (counts.get(top) ?? 0) + 1);
  }
  const names = [...counts].map(([f, n]) => (n > 1 ? `${f} (${n})` : f));
  return names.length > 4 ? `${names.slice(0, 4).join(', ')} +${names.length - 4}` : names.join(', ');
}
