import type { Action, Change, FieldSpec, OperationView, PlanNotice } from '../reconcile/types.js';
import { operationDateNote } from './dates.js';
import { beyondDefaults } from './defaults.js';
import { escapeCode, escapeText } from './escape.js';
import { cell, wordChange, wordChangeCells } from './values.js';

const SYMBOL: Record<Action, string> = { create: '+', update: '~', reactivate: '^', deactivate: '−', delete: '✕' };

/** One operation in a vendor's details: its heading, why, when, what it waits for, its notes and its fields. */
export function renderOperation(op: OperationView, fields: FieldSpec[], labels: Record<string, string>, notices: PlanNotice[]): string {
  const id = op.vendorId !== undefined ? ` (id ${escapeText(op.vendorId)})` : '';
  const heading = `##### ${SYMBOL[op.action]} ${op.action} \`${escapeCode(op.key)}\`${id}\n`;
  const reason = op.reason ? `\n_${escapeText(op.reason)}_\n` : '';
  const dated = operationDateNote(op) ? `\n_${escapeText(operationDateNote(op)!)}_\n` : '';
  const waits = op.dependsOn.length ? `\n_after: ${op.dependsOn.map((k) => `\`${escapeCode(k)}\``).join(', ')}_\n` : '';
  const notes = notices.map((n) => `\n- ℹ ${n.field ? `${escapeText(n.field)}: ` : ''}${escapeText(n.message)}\n`).join('');
  const changes = op.changes.filter((c) => !(c.field === 'active' && (op.action === 'deactivate' || op.action === 'delete')));
  const table = !changes.length
    ? ''
    : op.action === 'create'
      ? `\n| field | value |\n| --- | --- |\n${changes.map((c) => `| ${escapeText(c.field)} | ${cell(beyondDefaults(c.after, c.field, fields) ?? c.after, c.field, labels)} |\n`).join('')}`
      : `\n| field | before | after |\n| --- | --- | --- |\n${changes.map((c) => changeRow(c, fields, labels)).join('')}`;
  return `${heading}${reason}${dated}${waits}${notes}${table}\n`;
}

/** `| field | before | after |`; a long text shows the words that changed instead of both whole values. */
function changeRow(change: Change, fields: FieldSpec[], labels: Record<string, string>): string {
  const words = wordChange(change, fields, labels);
  if (words) {
    const { before, after } = wordChangeCells(words);
    return `| ${escapeText(change.field)} | ${before} | ${after} |\n`;
  }
  return `| ${escapeText(change.field)} | ${cell(change.before, change.field, labels, [change.after])} | ${cell(change.after, change.field, labels, [change.before])} |\n`;
}
