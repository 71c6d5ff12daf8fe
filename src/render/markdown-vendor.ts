import type { Action, OperationView, PlanNotice, VendorPlanView } from '../reconcile/types.js';
import { escapeCode, escapeHtml, escapeText } from './escape.js';
import type { VendorLabels } from './labels.js';
import type { Omission } from './markdown-cut.js';
import { renderOperation } from './markdown-operation.js';
import { operationPriority } from './people.js';
import { labelsFor } from './values.js';

/** Room for the "N more not shown" lines a cut section ends with. */
const TAIL_ROOM = 200;

/** A section's text within a fixed room: `take` refuses what does not fit; `write` is for the lines saying what was cut (kept in TAIL_ROOM). */
class Room {
  private readonly parts: string[] = [];
  private left: number;

  constructor(left: number) {
    this.left = left;
  }

  take(text: string): boolean {
    if (text.length > this.left) return false;
    this.parts.push(text);
    this.left -= text.length;
    return true;
  }

  write(text: string): void {
    this.parts.push(text);
  }

  get text(): string {
    return this.parts.join('');
  }
}

/** A vendor's section in at most `budget` characters, and what had to be left out. */
export function renderSection(vendor: VendorPlanView, budget: number, allLabels: VendorLabels | undefined): { text: string; omission?: Omission } {
  const labels = labelsFor(allLabels, vendor.vendor);
  const open = vendor.errors.length > 0 ? ' open' : '';
  const header = `\n<details${open}><summary><b>${escapeHtml(vendor.vendor)}</b> (${escapeHtml(vendor.kind)}): ${escapeHtml(vendorLine(vendor))}</summary>\n\n`;
  const footer = '\n</details>\n';
  const operations = [...vendor.operations].sort((a, b) => operationPriority(a.action) - operationPriority(b.action));
  const omission: Omission = { vendor: vendor.vendor, keys: [], totalOperations: operations.length, unmanaged: 0, errors: 0 };
  const left = budget - header.length - footer.length - TAIL_ROOM;
  if (left < 0) return stubSection(vendor, budget, omission, operations);

  const room = new Room(left);
  if (vendor.readMode === 'byKey') room.take('_Read person by person: users not described in git cannot be detected in this vendor._\n\n');
  writeErrors(room, vendor, omission);
  writeManualSteps(room, vendor, omission);
  writeOperations(room, vendor, operations, labels, omission);
  writeLeftAlone(room, vendor, omission);

  const cut = omission.keys.length + omission.unmanaged + omission.errors + (omission.manual?.length ?? 0) > 0;
  return { text: header + room.text + footer, omission: cut ? omission : undefined };
}

/** No room for the section at all: one line naming the vendor when even that fits, and everything counted as left out. */
function stubSection(vendor: VendorPlanView, budget: number, omission: Omission, operations: OperationView[]): { text: string; omission: Omission } {
  const stub = `\n- **${escapeText(vendor.vendor)}**: ${escapeText(vendorLine(vendor))}; not shown\n`;
  const all = {
    ...omission,
    keys: operations.map((op) => op.key),
    unmanaged: vendor.unmanaged.length,
    errors: vendor.errors.length,
    manual: (vendor.manual ?? []).map((m) => m.key),
  };
  return { text: budget >= stub.length ? stub : '', omission: all };
}

function writeErrors(room: Room, vendor: VendorPlanView, omission: Omission): void {
  if (!vendor.errors.length) return;
  room.take('**Errors** (these people are left out of the plan until fixed)\n\n');
  for (const [i, e] of vendor.errors.entries()) {
    const who = e.key ? `\`${escapeCode(e.key)}\`: ` : '';
    const hint = e.hint ? ` _(hint: ${escapeText(e.hint)})_` : '';
    if (!room.take(`- ${who}${escapeText(e.message)}${hint}\n`)) {
      omission.errors = vendor.errors.length - i;
      room.write(`- _${omission.errors} more errors not shown_\n`);
      break;
    }
  }
  room.write('\n');
}

/** Steps for a person; those that do not fit are counted, so the note at the top names them (issue 23). */
function writeManualSteps(room: Room, vendor: VendorPlanView, omission: Omission): void {
  const manual = vendor.manual ?? [];
  if (!manual.length) return;
  if (!room.take('**To do by hand** (no operation; plan, apply and drift stay green)\n\n')) {
    omission.manual = manual.map((m) => m.key);
    return;
  }
  for (const [i, m] of manual.entries()) {
    const hint = m.hint ? ` _(${escapeText(m.hint)})_` : '';
    if (!room.take(`- ☐ \`${escapeCode(m.key)}\` (id ${escapeText(m.vendorId)}): ${escapeText(m.message)}${hint}\n`)) {
      omission.manual = manual.slice(i).map((x) => x.key);
      room.write(`- _${manual.length - i} more steps by hand not shown (see the note at the top)_\n`);
      break;
    }
  }
  room.write('\n');
}

/** The operations, most important first, each with its notices; notices of people without an operation follow. */
function writeOperations(room: Room, vendor: VendorPlanView, operations: OperationView[], labels: Record<string, string>, omission: Omission): void {
  const notices = new Map<string, PlanNotice[]>();
  for (const n of vendor.notices ?? []) notices.set(n.key, [...(notices.get(n.key) ?? []), n]);
  for (const [i, op] of operations.entries()) {
    if (!room.take(renderOperation(op, vendor.fields, labels, notices.get(op.key) ?? []))) {
      omission.keys = operations.slice(i).map((o) => o.key);
      room.write(`\n_${omission.keys.length} more operations not shown (see the note at the top)_\n`);
      break;
    }
    notices.delete(op.key);
  }
  if (!notices.size) return;
  room.take('\n**Notes** (no operation)\n\n');
  for (const [key, list] of notices) {
    for (const n of list) if (!room.take(`- ℹ \`${escapeCode(key)}\`${n.field ? ` ${escapeText(n.field)}` : ''}: ${escapeText(n.message)}\n`)) break;
  }
}

/** Drift users are listed at the top of the comment; here the ones roster leaves alone on purpose. */
function writeLeftAlone(room: Room, vendor: VendorPlanView, omission: Omission): void {
  const others = vendor.unmanaged.filter((u) => !u.drift);
  if (!others.length) return;
  const heading = '\n**Left alone** (protected, or accepted by policy)\n\n| email | vendor id | why |\n| --- | --- | --- |\n';
  if (!room.take(heading)) omission.unmanaged = others.length;
  for (const [i, u] of omission.unmanaged ? [] : others.entries()) {
    if (!room.take(`| ${escapeText(u.email)} | ${escapeText(u.vendorId)} | ${escapeText(u.reason)} |\n`)) {
      omission.unmanaged = others.length - i;
      room.write(`\n_${omission.unmanaged} more not shown_\n`);
      break;
    }
  }
}

/** The summary line of a vendor's section: what it does, what stays, what needs a person. */
function vendorLine(vendor: VendorPlanView): string {
  const counts = new Map<Action, number>();
  for (const op of vendor.operations) counts.set(op.action, (counts.get(op.action) ?? 0) + 1);
  const actions = [...counts].map(([action, n]) => `${n} to ${action}`);
  const parts = [actions.length ? actions.join(', ') : 'no changes', `${vendor.unchanged} unchanged`];
  const manual = vendor.manual?.length ?? 0;
  if (manual) parts.push(`${manual} by hand`);
  const unknown = vendor.unmanaged.filter((u) => u.drift).length;
  if (vendor.readMode === 'byKey') parts.push('users not in git cannot be detected');
  else if (unknown) parts.push(`${unknown} not in git`);
  if (vendor.errors.length) parts.push(`${vendor.errors.length} error${vendor.errors.length === 1 ? '' : 's'}`);
  return parts.join(' · ');
}
