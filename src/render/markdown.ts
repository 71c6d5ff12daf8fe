import { describeWindow } from '../config/as-of.js';
import { operationDateNote, upcomingLines } from './dates.js';
import { planChecksum, vendorChecksums } from '../reconcile/checksum.js';
import { stripVTControlCharacters } from 'node:util';
import type { Action, Change, FieldSpec, OperationView, PlanView, PlanNotice, VendorPlanView } from '../reconcile/types.js';
import { escapeCode, escapeHtml, escapeText } from './escape.js';
import type { VendorLabels } from './labels.js';
import { maskEmail, maskPlan, sanitizeText, type MaskOptions } from './mask.js';
import { operationPriority, peopleOf, peopleSummary, type PersonCell, type PersonChange, type PersonRow } from './people.js';
import { summaryLine } from './text.js';
import { cell, labelsFor, wordChange, wordChangeCell } from './values.js';

export { escapeText } from './escape.js';

/** GitHub refuses comment and issue bodies longer than this. */
export const GITHUB_BODY_LIMIT = 65_536;

/** Finds roster's comment among a pull request's comments; invisible once rendered. */
export const PLAN_MARKER = '<!-- roster-plan -->';

/** The pull request label that lets the merge apply run with --force (policy thresholds overridden). */
export interface OverrideLabel {
  name: string;
  /** Whether the pull request carries it now. */
  present: boolean;
}

export interface MarkdownOptions {
  /** Mask email addresses (root config `github.maskEmails`). Phones, SSNs and dates of birth are always masked. */
  maskEmails: boolean;
  /** The plan's checksum; computed from the plan when not given. */
  checksum?: string;
  maxLength?: number;
  /** Where the full plan is (the workflow run holding the plan artifact); named when something is left out. */
  fullPlanUrl?: string;
  /** The heading: `roster plan` on a pull request, `roster drift` on the drift issue. */
  title?: string;
  /** Safety thresholds the plan is over: apply will refuse it without --force, so reviewers see why. */
  thresholdWarnings?: string[];
  /** Office and role ids with their roster keys (from the declared state). */
  labels?: VendorLabels;
  /** The reviewed override label, on a pull request. */
  override?: OverrideLabel;
  /** The drift issue: live users git does not describe are open at the top, not folded. */
  drift?: boolean;
}

/**
 * The plan as markdown for a pull request comment or an issue, people first: a summary that counts
 * people, one table of who changes where (person × vendor), what needs a person, then the details per
 * vendor. Renders a masked copy of the plan (personal data never reaches GitHub) and always fits in
 * `maxLength`; when it must cut, removals and access changes stay before creates, and the cut names
 * the people it left out.
 */
export function renderMarkdown(plan: PlanView, options: MarkdownOptions): string {
  const maxLength = options.maxLength ?? GITHUB_BODY_LIMIT;
  const checksum = options.checksum ?? planChecksum(plan);
  const marker = checksumMarker(checksum, vendorChecksums(plan));
  const masked = maskPlan(plan, options);
  const rows = peopleOf(masked, namesOf(plan, options));

  const head = renderHead(masked, rows, options);
  const foot = `\n<sub>Plan checksum <code>${checksum}</code></sub>\n${marker}\n`;
  // The note about what was left out is written last, but its room is kept from the start.
  const noteRoom = Math.min(6_000, Math.floor(maxLength / 8));
  let room = maxLength - head.length - foot.length - noteRoom;

  // The table and the details share the room: both keep what matters most first, so a cut loses creates.
  const table = renderPeopleTable(masked, rows, Math.floor(room / 2));
  room -= table.text.length;
  const unknown = renderUnknownUsers(masked, Math.floor(room / 2), Boolean(options.drift));
  room -= unknown.text.length;

  const wholes = masked.vendors.map((v) => renderSection(v, Infinity, options.labels));
  const budgets = shareBudget(
    wholes.map((w) => w.text.length),
    room,
  );
  const sections: string[] = [];
  const omitted: Omission[] = [];
  masked.vendors.forEach((vendor, i) => {
    const section = wholes[i].text.length <= budgets[i] ? wholes[i] : renderSection(vendor, budgets[i], options.labels);
    if (section.omission) omitted.push(section.omission);
    sections.push(section.text);
  });

  const cut = table.leftOut.length > 0 || unknown.leftOut > 0 || omitted.length > 0;
  const note = cut ? omissionNote({ people: table.leftOut, unknown: unknown.leftOut, vendors: omitted }, maxLength, noteRoom, options.fullPlanUrl) : '';
  const details = sections.join('');
  const upcoming = upcomingLines(masked).map((l) => `- ${escapeText(l)}\n`).join('');
  const body = `${head}${note}${table.text}${unknown.text}${upcoming ? `\n**Coming up (dated changes)**\n\n${upcoming}` : ''}${details ? `\n#### Details per vendor\n${details}` : ''}${foot}`;
  // The budget above makes this unreachable; it stays so that no input can break GitHub's limit.
  return body.length <= maxLength ? body : `${body.slice(0, maxLength - foot.length - 40)}\n\n_(cut at the comment limit)_\n${foot}`;
}


/** Names from the records the plan carries (GitHub keys: masked when emails are). Names are not masked: a reviewer needs to see who. */
function namesOf(plan: PlanView, options: MaskOptions): Map<string, string> {
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

// ---- head ------------------------------------------------------------------------------------

function renderHead(plan: PlanView, rows: PersonRow[], options: MarkdownOptions): string {
  const unknown = plan.vendors.reduce((n, v) => n + v.unmanaged.filter((u) => u.drift).length, 0);
  const manual = plan.vendors.reduce((n, v) => n + (v.manual?.length ?? 0), 0);
  const facts = [peopleSummary(rows)];
  if (manual) facts.push(`${manual} step${manual === 1 ? '' : 's'} for a person`);
  if (unknown) facts.push(`${unknown} live user${unknown === 1 ? '' : 's'} not described in git`);
  const lines = [
    `${PLAN_MARKER}\n### ${escapeText(options.title ?? 'roster plan')}\n`,
    `**${escapeText(facts.join(' · '))}.**\n\n`,
    `<sub>${escapeText(plainSummary(plan))}</sub>\n`,
  ];
  lines.push(renderSafety(options));
  lines.push(renderManualSteps(plan));
  const byKey = plan.vendors.filter((v) => v.readMode === 'byKey');
  if (byKey.length) {
    const names = byKey.map((v) => `**${escapeText(v.vendor)}**`).join(', ');
    lines.push(
      `\n> [!NOTE]\n> ${names} ${byKey.length === 1 ? 'is' : 'are'} read person by person: users not described in git cannot be detected there, ` +
        'so this plan says nothing about them.\n',
    );
  }
  return lines.join('');
}

/** The thresholds the plan is over, and what the reviewed override label does about them. */
function renderSafety(options: MarkdownOptions): string {
  const warnings = (options.thresholdWarnings ?? []).map((w) => `> - ${escapeText(sanitizeText(w, options))}\n`).join('');
  const label = options.override;
  const labelCode = label ? `\`${escapeCode(label.name)}\`` : '';
  if (label?.present) {
    return warnings
      ? `\n> [!IMPORTANT]\n> The label ${labelCode} is on this pull request: the apply after the merge runs with \`--force\` and overrides these safety thresholds.\n${warnings}`
      : `\n> [!NOTE]\n> The label ${labelCode} is on this pull request: the apply after the merge runs with \`--force\`, but this plan is over no safety threshold, so it overrides nothing.\n`;
  }
  if (!warnings) return '';
  const how = label ? `\n> To apply it as reviewed, add the label ${labelCode} to this pull request: the merge apply then runs with \`--force\` for this change alone.\n` : '';
  return `\n> [!CAUTION]\n> Over a safety threshold: apply refuses this plan without \`--force\`.\n${warnings}${how}`;
}

/** Offboarding roster leaves to a person: named with the vendor id, at the top, never folded. */
function renderManualSteps(plan: PlanView): string {
  const steps = plan.vendors.flatMap((v) => (v.manual ?? []).map((m) => ({ vendor: v.vendor, ...m })));
  if (!steps.length) return '';
  const shown = steps.slice(0, 20).map((s) => `> - **${escapeText(s.vendor)}**: \`${escapeCode(s.key)}\` (id ${escapeText(s.vendorId)}): ${escapeText(s.message)}\n`);
  const more = steps.length > shown.length ? `> - _and ${steps.length - shown.length} more (see the details below)_\n` : '';
  return `\n> [!WARNING]\n> To do by hand (roster will not remove these users; plan, apply and drift stay green, and drift shows them until done):\n${shown.join('')}${more}`;
}

/** The text renderer's summary line, in the same words; it may carry colours (CI forces them), markdown may not. */
function plainSummary(plan: PlanView): string {
  return `Vendor operations: ${stripVTControlCharacters(summaryLine(plan.summary)).replace(/^Plan: /, '')}`;
}

// ---- who changes where -----------------------------------------------------------------------

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

/** One row per person, one column per vendor, in order of importance; cut at `room`, naming who is left out. */
function renderPeopleTable(plan: PlanView, rows: PersonRow[], room: number): { text: string; leftOut: PersonRow[] } {
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

// ---- live users git does not describe ---------------------------------------------------------

/** Active live users git does not describe and no policy accepts: drift, with who, what and where. */
function renderUnknownUsers(plan: PlanView, room: number, open: boolean): { text: string; leftOut: number } {
  const users = plan.vendors.flatMap((v) => v.unmanaged.filter((u) => u.drift).map((u) => ({ vendor: v.vendor, ...u })));
  if (!users.length) return { text: '', leftOut: 0 };
  const head =
    `\n<details${open ? ' open' : ''}><summary><b>${users.length} live user${users.length === 1 ? '' : 's'} not described in git</b> ` +
    '(drift: add them to git, offboard them by hand, or accept them in <code>policy.ignore</code>)</summary>\n\n' +
    '| vendor | name | email | vendor id | why |\n| --- | --- | --- | --- | --- |\n';
  const foot = '\n</details>\n';
  let left = room - head.length - foot.length - 80;
  const lines: string[] = [];
  for (const u of users) {
    const line = `| ${escapeText(u.vendor)} | ${escapeText(u.name ?? '')} | ${escapeText(u.email)} | ${escapeText(u.vendorId)} | ${escapeText(u.reason)} |\n`;
    if (line.length > left) break;
    lines.push(line);
    left -= line.length;
  }
  if (lines.length === 0) return { text: '', leftOut: users.length };
  const leftOut = users.length - lines.length;
  const more = leftOut ? `\n_${leftOut} more not shown (see the full plan)_\n` : '';
  return { text: `${head}${lines.join('')}${more}${foot}`, leftOut };
}

/**
 * Splits the room among vendors fairly: a vendor that needs less than an equal share gets what it
 * needs, and what it leaves over is shared among the larger ones, so every vendor shows something.
 */
function shareBudget(needs: number[], total: number): number[] {
  const budgets = needs.map(() => 0);
  let remaining = Math.max(total, 0);
  const bySize = needs.map((need, i) => ({ need, i })).sort((a, b) => a.need - b.need);
  bySize.forEach(({ need, i }, n) => {
    budgets[i] = Math.min(need, Math.floor(remaining / (bySize.length - n)));
    remaining -= budgets[i];
  });
  return budgets;
}

// ---- checksum marker -------------------------------------------------------------------------

const CHECKSUM_MARKER = /<!-- roster-plan-checksum: ([0-9a-f]{64})((?: [^\s=]+=[0-9a-f]{64})*) -->/;

/** `<!-- roster-plan-checksum: <plan> <vendor>=<sum> ... -->`: read back by apply on the merge commit. */
export function checksumMarker(checksum: string, perVendor: Record<string, string>): string {
  const vendors = Object.entries(perVendor).map(([name, sum]) => ` ${name}=${sum}`);
  return `<!-- roster-plan-checksum: ${checksum}${vendors.join('')} -->`;
}

export interface PlanChecksums {
  checksum: string;
  vendors: Record<string, string>;
}

/** The checksums carried by a roster comment, or undefined when the body has none. */
export function parseChecksumMarker(body: string): PlanChecksums | undefined {
  const match = CHECKSUM_MARKER.exec(body);
  if (!match) return undefined;
  const vendors: Record<string, string> = {};
  for (const pair of match[2].trim().split(' ').filter(Boolean)) {
    const [name, sum] = pair.split('=');
    vendors[name] = sum;
  }
  return { checksum: match[1], vendors };
}

// ---- vendor sections -------------------------------------------------------------------------

interface Omission {
  vendor: string;
  /** Keys whose operations are not shown, most important first. */
  keys: string[];
  totalOperations: number;
  unmanaged: number;
  errors: number;
}

const SYMBOL: Record<Action, string> = { create: '+', update: '~', reactivate: '^', deactivate: '−', delete: '✕' };

/** A vendor's section in at most `budget` characters, and what had to be left out. */
function renderSection(vendor: VendorPlanView, budget: number, allLabels: VendorLabels | undefined): { text: string; omission?: Omission } {
  const labels = labelsFor(allLabels, vendor.vendor);
  const open = vendor.errors.length > 0 ? ' open' : '';
  const header = `\n<details${open}><summary><b>${escapeHtml(vendor.vendor)}</b> (${escapeHtml(vendor.kind)}): ${escapeHtml(vendorLine(vendor))}</summary>\n\n`;
  const footer = '\n</details>\n';
  const operations = [...vendor.operations].sort((a, b) => operationPriority(a.action) - operationPriority(b.action));
  const omission: Omission = { vendor: vendor.vendor, keys: [], totalOperations: operations.length, unmanaged: 0, errors: 0 };
  const stub = `\n- **${escapeText(vendor.vendor)}**: ${escapeText(vendorLine(vendor))}; not shown\n`;
  // Room for the "N more not shown" lines a cut section ends with.
  const tailRoom = 200;
  let room = budget - header.length - footer.length - tailRoom;
  if (room < 0) {
    const all = { ...omission, keys: operations.map((op) => op.key), unmanaged: vendor.unmanaged.length, errors: vendor.errors.length };
    return { text: budget >= stub.length ? stub : '', omission: all };
  }

  const parts: string[] = [];
  const take = (text: string): boolean => {
    if (text.length > room) return false;
    parts.push(text);
    room -= text.length;
    return true;
  };

  if (vendor.readMode === 'byKey') take('_Read person by person: users not described in git cannot be detected in this vendor._\n\n');

  if (vendor.errors.length) {
    take('**Errors** (these people are left out of the plan until fixed)\n\n');
    for (const [i, e] of vendor.errors.entries()) {
      const who = e.key ? `\`${escapeCode(e.key)}\`: ` : '';
      const hint = e.hint ? ` _(hint: ${escapeText(e.hint)})_` : '';
      if (!take(`- ${who}${escapeText(e.message)}${hint}\n`)) {
        omission.errors = vendor.errors.length - i;
        parts.push(`- _${omission.errors} more errors not shown_\n`);
        break;
      }
    }
    parts.push('\n');
  }

  const manual = vendor.manual ?? [];
  if (manual.length) {
    take('**To do by hand** (no operation; plan, apply and drift stay green)\n\n');
    for (const m of manual) {
      const hint = m.hint ? ` _(${escapeText(m.hint)})_` : '';
      if (!take(`- ☐ \`${escapeCode(m.key)}\` (id ${escapeText(m.vendorId)}): ${escapeText(m.message)}${hint}\n`)) break;
    }
    parts.push('\n');
  }

  const notices = new Map<string, PlanNotice[]>();
  for (const n of vendor.notices ?? []) notices.set(n.key, [...(notices.get(n.key) ?? []), n]);
  for (const [i, op] of operations.entries()) {
    if (!take(renderOperation(op, vendor.fields, labels, notices.get(op.key) ?? []))) {
      omission.keys = operations.slice(i).map((o) => o.key);
      parts.push(`\n_${omission.keys.length} more operations not shown (see the note at the top)_\n`);
      break;
    }
    notices.delete(op.key);
  }
  if (notices.size) {
    take('\n**Notes** (no operation)\n\n');
    for (const [key, list] of notices) {
      for (const n of list) if (!take(`- ℹ \`${escapeCode(key)}\`${n.field ? ` ${escapeText(n.field)}` : ''}: ${escapeText(n.message)}\n`)) break;
    }
  }

  // Drift users are listed at the top; here the ones roster leaves alone on purpose.
  const others = vendor.unmanaged.filter((u) => !u.drift);
  if (others.length) {
    const heading = '\n**Left alone** (protected, or accepted by policy)\n\n| email | vendor id | why |\n| --- | --- | --- |\n';
    if (!take(heading)) omission.unmanaged = others.length;
    for (const [i, u] of omission.unmanaged ? [] : others.entries()) {
      if (!take(`| ${escapeText(u.email)} | ${escapeText(u.vendorId)} | ${escapeText(u.reason)} |\n`)) {
        omission.unmanaged = others.length - i;
        parts.push(`\n_${omission.unmanaged} more not shown_\n`);
        break;
      }
    }
  }

  const cut = omission.keys.length + omission.unmanaged + omission.errors > 0;
  return { text: header + parts.join('') + footer, omission: cut ? omission : undefined };
}

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

function renderOperation(op: OperationView, fields: FieldSpec[], labels: Record<string, string>, notices: PlanNotice[]): string {
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
      ? `\n| field | value |\n| --- | --- |\n${changes.map((c) => `| ${escapeText(c.field)} | ${cell(c.after, c.field, labels)} |\n`).join('')}`
      : `\n| field | before | after |\n| --- | --- | --- |\n${changes.map((c) => changeRow(c, fields, labels)).join('')}`;
  return `${heading}${reason}${dated}${waits}${notes}${table}\n`;
}

/** `| field | before | after |`; a long text shows the words that changed instead of both whole values. */
function changeRow(change: Change, fields: FieldSpec[], labels: Record<string, string>): string {
  const words = wordChange(change, fields, labels);
  if (words) return `| ${escapeText(change.field)} | _words changed →_ | ${wordChangeCell(words)} |\n`;
  return `| ${escapeText(change.field)} | ${cell(change.before, change.field, labels)} | ${cell(change.after, change.field, labels)} |\n`;
}

interface Omitted {
  people: PersonRow[];
  unknown: number;
  vendors: Omission[];
}

/** What a cut comment left out, naming the people (as many as fit in `room`, then a count). */
function omissionNote(omitted: Omitted, maxLength: number, room: number, fullPlanUrl: string | undefined): string {
  const where = fullPlanUrl
    ? `the \`roster-plan\` artifact of [this workflow run](${encodeURI(fullPlanUrl)})`
    : 'the `roster-plan` artifact of the workflow run that posted this';
  const intro =
    `\n> [!WARNING]\n> This plan is longer than GitHub allows here (${maxLength.toLocaleString('en-US')} characters); ` +
    `the full plan is in ${where}. Removals and access changes are shown before new people.\n`;
  const lines: string[] = [];
  let left = room - intro.length - 300;
  const listed = (label: string, keys: string[]): string => {
    const shown: string[] = [];
    for (const key of keys) {
      const item = `\`${escapeCode(key)}\``;
      if (item.length + 2 > left) break;
      shown.push(item);
      left -= item.length + 2;
    }
    const more = keys.length > shown.length ? `${shown.length ? ' and ' : ''}${keys.length - shown.length} more` : '';
    return `- ${label}: ${shown.join(', ')}${more}\n`;
  };
  if (omitted.people.length) lines.push(listed(`Not in the table above (${omitted.people.length} ${omitted.people.length === 1 ? 'person' : 'people'})`, omitted.people.map((p) => p.key)));
  if (omitted.unknown) lines.push(`- ${omitted.unknown} live users not described in git\n`);
  for (const o of omitted.vendors) {
    const what = [o.unmanaged ? `${o.unmanaged} users left alone` : '', o.errors ? `${o.errors} errors` : ''].filter(Boolean).join(', ');
    if (o.keys.length) {
      const label = `**${escapeText(o.vendor)}**, details not shown for ${o.keys.length === o.totalOperations ? 'all ' : ''}${o.keys.length} of ${o.totalOperations} operations${what ? ` (and ${what})` : ''}`;
      lines.push(listed(label, o.keys));
    } else if (what) {
      lines.push(`- **${escapeText(o.vendor)}**: ${what} not shown\n`);
    }
  }
  // The names are folded: the table of who changes where stays near the top.
  return `${intro}\n<details><summary>Who is left out of this comment</summary>\n\n${lines.join('')}\n</details>\n`;
}

