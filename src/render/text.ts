import pc from 'picocolors';
import type { FieldValue } from '../vendors/types.js';
import type { Action, Operation, Plan, PlanSummary } from '../reconcile/types.js';
import { operationDateNote, upcomingLines } from './dates.js';

const symbols: Record<Action, string> = {
  create: pc.green('+'),
  update: pc.yellow('~'),
  reactivate: pc.cyan('^'),
  deactivate: pc.red('-'),
  delete: pc.red('x'),
};

/** Terraform-style plan text: one block per vendor, `old -> new` per field, a summary line last. */
export function renderText(plan: Plan): string {
  const lines: string[] = [];
  for (const vendor of plan.vendors) {
    lines.push(pc.bold(`${vendor.vendor} (${vendor.kind})`));
    for (const op of vendor.operations) lines.push(...renderOperation(op));
    for (const user of vendor.unmanaged) {
      lines.push(`  ${pc.dim('?')} ${pc.dim(`unmanaged ${user.email} (id ${user.vendorId}): ${user.reason}`)}`);
    }
    for (const error of vendor.errors) {
      lines.push(`  ${pc.red('!')} ${pc.red('error')}${error.key ? ` ${error.key}` : ''}: ${error.message}`);
      if (error.hint) lines.push(`      ${pc.dim(`hint: ${error.hint}`)}`);
    }
    if (vendor.operations.length === 0 && vendor.errors.length === 0) lines.push(pc.dim('  no changes'));
    if (vendor.unchanged > 0) lines.push(pc.dim(`  ${vendor.unchanged} unchanged`));
    lines.push('');
  }
  lines.push(summaryLine(plan.summary));
  // Dates: when the plan was evaluated, and what the calendar changes next.
  if (plan.asOf) lines.push(pc.dim(`As of ${plan.asOf}.`));
  if (plan.upcoming?.length) lines.push('', pc.bold('Coming up (dated changes):'), ...upcomingLines(plan).map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}

function renderOperation(op: Operation): string[] {
  const id = op.vendorId ? pc.dim(` (id ${op.vendorId})`) : '';
  const reason = op.reason ? pc.dim(` — ${op.reason}`) : '';
  const lines = [`  ${symbols[op.action]} ${op.action} ${op.key}${id}${reason}`];
  const dated = operationDateNote(op);
  if (dated) lines.push(pc.dim(`      ${dated}`));
  const width = Math.max(0, ...op.changes.map((c) => c.field.length));
  for (const change of op.changes) {
    const name = change.field.padEnd(width);
    if (op.action === 'create') lines.push(`      ${name} = ${show(change.after)}`);
    else lines.push(`      ${name} : ${show(change.before)} -> ${show(change.after)}`);
  }
  return lines;
}

/** `Plan: 3 to create, 2 to update, 1 to deactivate, 40 unchanged.` (reactivate/delete when present) */
export function summaryLine(s: PlanSummary): string {
  const parts = [`${s.create} to create`, `${s.update} to update`];
  if (s.reactivate > 0) parts.push(`${s.reactivate} to reactivate`);
  parts.push(`${s.deactivate} to deactivate`);
  if (s.delete > 0) parts.push(`${s.delete} to delete`);
  parts.push(`${s.unchanged} unchanged`);
  const errors = s.errors > 0 ? ` ${s.errors} error${s.errors === 1 ? ' needs' : 's need'} a person.` : '';
  return `${pc.bold('Plan:')} ${parts.join(', ')}.${errors}`;
}

export function show(value: FieldValue | undefined): string {
  if (value === undefined || value === null) return pc.dim('(none)');
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${k}: ${show(v)}`).join(', ')}}`;
  }
  return String(value);
}
