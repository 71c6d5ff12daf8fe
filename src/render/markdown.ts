import { operationDateNote, upcomingLines } from './dates.js';
import { planChecksum, vendorChecksums } from '../reconcile/checksum.js';
import { stripVTControlCharacters } from 'node:util';
import type { Action, Change, Operation, Plan, VendorPlan } from '../reconcile/types.js';
import type { FieldValue } from '../vendors/types.js';
import { maskPlan, sanitizeText } from './mask.js';
import { summaryLine } from './text.js';

/** GitHub refuses comment and issue bodies longer than this. */
export const GITHUB_BODY_LIMIT = 65_536;

/** Finds roster's comment among a pull request's comments; invisible once rendered. */
export const PLAN_MARKER = '<!-- roster-plan -->';

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
}

/**
 * The plan as markdown for a pull request comment or an issue: a summary line, one collapsible
 * section per vendor, a table per operation. Renders a masked copy of the plan (personal data never
 * reaches GitHub) and always fits in `maxLength`, saying what it left out when it had to.
 */
export function renderMarkdown(plan: Plan, options: MarkdownOptions): string {
  const maxLength = options.maxLength ?? GITHUB_BODY_LIMIT;
  const checksum = options.checksum ?? planChecksum(plan);
  const marker = checksumMarker(checksum, vendorChecksums(plan));
  const masked = maskPlan(plan, { maskEmails: options.maskEmails });

  const warnings = (options.thresholdWarnings ?? []).map((w) => `> - ${escapeText(sanitizeText(w, options))}\n`).join('');
  const head =
    `${PLAN_MARKER}\n### ${escapeText(options.title ?? 'roster plan')}\n\n**${escapeText(plainSummary(plan))}**\n` +
    (warnings ? `\n> [!CAUTION]\n> Over a safety threshold: apply refuses this plan without \`--force\`.\n${warnings}` : '');
  const foot = `\n<sub>Plan checksum <code>${checksum}</code></sub>\n${marker}\n`;
  // The note about what was left out is written last, but its room is kept from the start.
  const noteRoom = 1_500;
  const wholes = masked.vendors.map((v) => renderSection(v, Infinity));
  const budgets = shareBudget(
    wholes.map((w) => w.text.length),
    maxLength - head.length - foot.length - noteRoom,
  );

  const sections: string[] = [];
  const omitted: Omission[] = [];
  masked.vendors.forEach((vendor, i) => {
    const section = wholes[i].text.length <= budgets[i] ? wholes[i] : renderSection(vendor, budgets[i]);
    if (section.omission) omitted.push(section.omission);
    sections.push(section.text);
  });

  const note = omitted.length ? omissionNote(omitted, maxLength, options.fullPlanUrl) : '';
  const upcoming = upcomingLines(masked).map((l) => `- ${escapeText(l)}\n`).join('');
  const body = `${head}${note}\n${sections.join('')}${upcoming ? `\n**Coming up (dated changes)**\n\n${upcoming}` : ''}${foot}`;
  // The budget above makes this unreachable; it stays so that no input can break GitHub's limit.
  return body.length <= maxLength ? body : `${body.slice(0, maxLength - foot.length - 40)}\n\n_(cut at the comment limit)_\n${foot}`;
}

/** The text renderer's summary line, in the same words; it may carry colours (CI forces them), markdown may not. */
function plainSummary(plan: Plan): string {
  return stripVTControlCharacters(summaryLine(plan.summary));
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
  operations: number;
  totalOperations: number;
  unmanaged: number;
  errors: number;
}

const SYMBOL: Record<Action, string> = { create: '+', update: '~', reactivate: '+', deactivate: '-', delete: '-' };

/** A vendor's section in at most `budget` characters, and what had to be left out. */
function renderSection(vendor: VendorPlan, budget: number): { text: string; omission?: Omission } {
  const open = vendor.errors.length > 0 ? ' open' : '';
  const header = `\n<details${open}><summary><b>${escapeHtml(vendor.vendor)}</b> (${escapeHtml(vendor.kind)}): ${escapeHtml(vendorLine(vendor))}</summary>\n\n`;
  const footer = '\n</details>\n';
  const omission: Omission = {
    vendor: vendor.vendor,
    operations: 0,
    totalOperations: vendor.operations.length,
    unmanaged: 0,
    errors: 0,
  };
  const stub = `\n- **${escapeText(vendor.vendor)}**: ${escapeText(vendorLine(vendor))}; not shown\n`;
  // Room for the "N more not shown" lines a cut section ends with.
  const tailRoom = 200;
  let room = budget - header.length - footer.length - tailRoom;
  if (room < 0) {
    const all = { ...omission, operations: vendor.operations.length, unmanaged: vendor.unmanaged.length, errors: vendor.errors.length };
    return { text: budget >= stub.length ? stub : '', omission: all };
  }

  const parts: string[] = [];
  const take = (text: string): boolean => {
    if (text.length > room) return false;
    parts.push(text);
    room -= text.length;
    return true;
  };

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

  for (const [i, op] of vendor.operations.entries()) {
    if (!take(renderOperation(op))) {
      omission.operations = vendor.operations.length - i;
      parts.push(`\n_${omission.operations} more operations not shown (see the full plan)_\n`);
      break;
    }
  }

  if (vendor.unmanaged.length) {
    const heading = '\n**Unmanaged live users** (not described in git; roster leaves them alone)\n\n| email | vendor id | why |\n| --- | --- | --- |\n';
    if (!take(heading)) omission.unmanaged = vendor.unmanaged.length;
    for (const [i, u] of omission.unmanaged ? [] : vendor.unmanaged.entries()) {
      if (!take(`| ${escapeText(u.email)} | ${escapeText(u.vendorId)} | ${escapeText(u.reason)} |\n`)) {
        omission.unmanaged = vendor.unmanaged.length - i;
        parts.push(`\n_${omission.unmanaged} more unmanaged users not shown_\n`);
        break;
      }
    }
  }

  const cut = omission.operations + omission.unmanaged + omission.errors > 0;
  return { text: header + parts.join('') + footer, omission: cut ? omission : undefined };
}

function vendorLine(vendor: VendorPlan): string {
  const counts = new Map<Action, number>();
  for (const op of vendor.operations) counts.set(op.action, (counts.get(op.action) ?? 0) + 1);
  const actions = [...counts].map(([action, n]) => `${n} to ${action}`);
  const parts = [actions.length ? actions.join(', ') : 'no changes', `${vendor.unchanged} unchanged`];
  if (vendor.unmanaged.length) parts.push(`${vendor.unmanaged.length} unmanaged`);
  if (vendor.errors.length) parts.push(`${vendor.errors.length} error${vendor.errors.length === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

function renderOperation(op: Operation): string {
  const id = op.vendorId !== undefined ? ` (id ${escapeText(op.vendorId)})` : '';
  const heading = `#### ${SYMBOL[op.action]} ${op.action} \`${escapeCode(op.key)}\`${id}\n`;
  const reason = op.reason ? `\n_${escapeText(op.reason)}_\n` : '';
  const dated = operationDateNote(op) ? `\n_${escapeText(operationDateNote(op)!)}_\n` : '';
  const waits = op.dependsOn.length ? `\n_after: ${op.dependsOn.map((k) => `\`${escapeCode(k)}\``).join(', ')}_\n` : '';
  const table = op.changes.length
    ? `\n| field | before | after |\n| --- | --- | --- |\n${op.changes.map(renderChange).join('')}`
    : '';
  return `${heading}${reason}${dated}${waits}${table}\n`;
}

function renderChange(change: Change): string {
  return `| ${escapeText(change.field)} | ${cell(change.before)} | ${cell(change.after)} |\n`;
}

function omissionNote(omitted: Omission[], maxLength: number, fullPlanUrl: string | undefined): string {
  const shown = omitted.slice(0, 8).map((o) => {
    const what = [
      o.operations ? `${o.operations === o.totalOperations ? 'all ' : ''}${o.operations} of ${o.totalOperations} operations` : '',
      o.unmanaged ? `${o.unmanaged} unmanaged users` : '',
      o.errors ? `${o.errors} errors` : '',
    ].filter(Boolean);
    return `**${escapeText(o.vendor)}** (${what.join(', ') || 'its details'})`;
  });
  const more = omitted.length > shown.length ? ` and ${omitted.length - shown.length} more vendors` : '';
  const where = fullPlanUrl
    ? `the \`roster-plan\` artifact of [this workflow run](${encodeURI(fullPlanUrl)})`
    : 'the `roster-plan` artifact of the workflow run that posted this';
  return (
    `\n> [!WARNING]\n> This plan is longer than GitHub allows here (${maxLength.toLocaleString('en-US')} characters). ` +
    `Left out: ${shown.join('; ')}${more}. The full plan is in ${where}.\n`
  );
}

// ---- escaping --------------------------------------------------------------------------------

/** Longest value shown in a table cell; longer ones end in `…` (the full plan has them). */
const CELL_LIMIT = 300;

function cell(value: FieldValue | undefined): string {
  if (value === undefined || value === null) return '';
  const text =
    typeof value === 'string'
      ? value
      : Array.isArray(value)
        ? value.join(', ')
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  const short = text.length > CELL_LIMIT ? `${text.slice(0, CELL_LIMIT)}…` : text;
  return escapeText(short);
}

/**
 * Text that must show as itself in markdown, table cells included: markdown punctuation escaped,
 * HTML as entities, `@` not a mention, line breaks as `<br>`.
 */
export function escapeText(text: string): string {
  return escapeHtml(text)
    .replace(/[\\`*_[\]()#|~!]/g, (c) => `\\${c}`)
    .replace(/(^|[^\w.+-])@(?=\w)/g, '$1&#64;')
    .replace(/\r?\n/g, '<br>');
}

/** Inside a code span only the backtick and the table's `|` matter. */
function escapeCode(text: string): string {
  return text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
