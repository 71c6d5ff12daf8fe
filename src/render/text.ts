import pc from 'picocolors';
import type { FieldSpec, FieldValue } from '../reconcile/types.js';
import type { Action, OperationView, PlanView, PlanNotice, PlanSummary } from '../reconcile/types.js';
import { operationDateNote, upcomingLines } from './dates.js';
import { beyondDefaults } from './defaults.js';
import { wordChange, type WordPart } from './values.js';

const symbols: Record<Action, string> = {
  create: pc.green('+'),
  update: pc.yellow('~'),
  reactivate: pc.cyan('^'),
  deactivate: pc.red('-'),
  delete: pc.red('x'),
};

/**
 * Terraform-style plan text: one block per vendor, `old -> new` per field (a long text as the words that
 * changed, `[-removed-]{+added+}` as in `git diff --word-diff`), a summary line last.
 */
export function renderText(plan: PlanView): string {
  const lines: string[] = [];
  for (const vendor of plan.vendors) {
    lines.push(pc.bold(`${vendor.vendor} (${vendor.kind})`));
    const notices = new Map<string, PlanNotice[]>();
    for (const n of vendor.notices ?? []) notices.set(n.key, [...(notices.get(n.key) ?? []), n]);
    for (const op of vendor.operations) {
      lines.push(...renderOperation(op, vendor.fields));
      for (const n of notices.get(op.key) ?? []) lines.push(noticeLine(n, '      '));
      notices.delete(op.key);
    }
    for (const step of vendor.manual ?? []) {
      lines.push(`  ${pc.magenta('☐')} ${pc.magenta('by hand')} ${step.key} (id ${step.vendorId}): ${step.message}`);
      if (step.hint) lines.push(`      ${pc.dim(`hint: ${step.hint}`)}`);
    }
    for (const list of notices.values()) for (const n of list) lines.push(noticeLine(n, '  ', true));
    for (const user of vendor.unmanaged) {
      const who = user.name ? `${user.name} <${user.email}>` : user.email;
      const line = `unmanaged ${who} (id ${user.vendorId}): ${user.reason}`;
      // A user git does not describe is drift; one roster leaves alone on purpose is only listed.
      lines.push(user.drift ? `  ${pc.yellow('?')} ${pc.yellow(line)}` : `  ${pc.dim('?')} ${pc.dim(line)}`);
    }
    if (vendor.readMode === 'byKey') lines.push(pc.dim('  read person by person: users not described in git cannot be detected in this vendor'));
    for (const error of vendor.errors) {
      lines.push(`  ${pc.red('!')} ${pc.red('error')}${error.key ? ` ${error.key}` : ''}: ${error.message}`);
      if (error.hint) lines.push(`      ${pc.dim(`hint: ${error.hint}`)}`);
    }
    if (vendor.operations.length === 0 && vendor.errors.length === 0 && !vendor.manual?.length) lines.push(pc.dim('  no changes'));
    if (vendor.unchanged > 0) lines.push(pc.dim(`  ${vendor.unchanged} unchanged`));
    lines.push('');
  }
  lines.push(summaryLine(plan.summary, vendorFailureCount(plan)));
  const manual = plan.vendors.reduce((n, v) => n + (v.manual?.length ?? 0), 0);
  if (manual > 0) lines.push(`${manual} step${manual === 1 ? '' : 's'} left to a person (☐ above): roster will not remove ${manual === 1 ? 'that user' : 'those users'}.`);
  const unknown = plan.vendors.reduce((n, v) => n + v.unmanaged.filter((u) => u.drift).length, 0);
  if (unknown > 0) lines.push(`${unknown} live user${unknown === 1 ? '' : 's'} not described in git (? above).`);
  // Dates: when the plan was evaluated, and what the calendar changes next.
  if (plan.asOf) lines.push(pc.dim(`As of ${plan.asOf}.`));
  if (plan.upcoming?.length) lines.push('', pc.bold('Coming up (dated changes):'), ...upcomingLines(plan).map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}

function noticeLine(n: PlanNotice, indent: string, withKey = false): string {
  const who = withKey ? `${n.key}${n.vendorId ? ` (id ${n.vendorId})` : ''} ` : '';
  return `${indent}${pc.blue('i')} ${pc.blue('note')} ${who}${n.field ? `${n.field}: ` : ''}${n.message}`;
}

function renderOperation(op: OperationView, fields: FieldSpec[]): string[] {
  const id = op.vendorId ? pc.dim(` (id ${op.vendorId})`) : '';
  const reason = op.reason ? pc.dim(` — ${op.reason}`) : '';
  const lines = [`  ${symbols[op.action]} ${op.action} ${op.key}${id}${reason}`];
  const dated = operationDateNote(op);
  if (dated) lines.push(pc.dim(`      ${dated}`));
  const width = Math.max(0, ...op.changes.map((c) => c.field.length));
  for (const change of op.changes) {
    const name = change.field.padEnd(width);
    const words = op.action === 'create' ? undefined : wordChange(change, fields);
    if (op.action === 'create') lines.push(`      ${name} = ${beyondDefaults(change.after, change.field, fields) ?? show(change.after)}`);
    else if (words) lines.push(`      ${name} : ${wordText(words)}`);
    else lines.push(`      ${name} : ${show(change.before)} -> ${show(change.after)}`);
  }
  return lines;
}

function wordText(parts: WordPart[]): string {
  return parts
    .map((p) => (p.change === 'removed' ? pc.red(`[-${p.text}-]`) : p.change === 'added' ? pc.green(`{+${p.text}+}`) : p.text))
    .join('');
}

/** `Plan: 3 to create, 2 to update, 1 to deactivate, 40 unchanged.` (reactivate/delete when present) */
export function summaryLine(s: PlanSummary, vendorFailures = 0): string {
  const parts = [`${s.create} to create`, `${s.update} to update`];
  if (s.reactivate > 0) parts.push(`${s.reactivate} to reactivate`);
  parts.push(`${s.deactivate} to deactivate`);
  if (s.delete > 0) parts.push(`${s.delete} to delete`);
  parts.push(`${s.unchanged} unchanged`);
  const errors = s.errors > 0 ? ` ${errorsLine(s.errors, vendorFailures)}` : '';
  return `${pc.bold('Plan:')} ${parts.join(', ')}.${errors}`;
}

/**
 * Who has to act on the errors: a vendor that could not be read or written at all (credentials, base URL,
 * permissions of the key) needs an administrator of that vendor and `roster doctor`, not any reviewer.
 */
function errorsLine(errors: number, vendorFailures: number): string {
  const failures = Math.min(vendorFailures, errors);
  const others = errors - failures;
  const parts: string[] = [];
  if (failures > 0) parts.push(`${failures} vendor failure${failures === 1 ? ' needs' : 's need'} an administrator (roster doctor names the setting to change)`);
  if (others > 0) parts.push(`${others} error${others === 1 ? ' needs' : 's need'} a person`);
  return `${parts.join('; ')}.`;
}

/** Errors of a whole vendor (no person's key): the vendor could not be read, or refused roster outright. */
export function vendorFailureCount(plan: Pick<PlanView, 'vendors'>): number {
  return plan.vendors.reduce((n, v) => n + v.errors.filter((e) => e.key === undefined).length, 0);
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
