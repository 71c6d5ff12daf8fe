import { stripVTControlCharacters } from 'node:util';
import type { PlanView } from '../reconcile/types.js';
import { escapeCode, escapeText } from './escape.js';
import { PLAN_MARKER, type MarkdownOptions } from './markdown-options.js';
import { sanitizeText } from './mask.js';
import { peopleSummary, type PersonRow } from './people.js';
import { summaryLine, vendorFailureCount } from './text.js';

/** The top of the comment: the title, the counts, then what a reviewer must see before any table. */
export function renderHead(plan: PlanView, rows: PersonRow[], options: MarkdownOptions): string {
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
  lines.push(renderByKeyNote(plan));
  return lines.join('');
}

/** Vendors read person by person cannot show users git does not describe: say so, once, at the top. */
function renderByKeyNote(plan: PlanView): string {
  const byKey = plan.vendors.filter((v) => v.readMode === 'byKey');
  if (!byKey.length) return '';
  const names = byKey.map((v) => `**${escapeText(v.vendor)}**`).join(', ');
  return (
    `\n> [!NOTE]\n> ${names} ${byKey.length === 1 ? 'is' : 'are'} read person by person: users not described in git cannot be detected there, ` +
    'so this plan says nothing about them.\n'
  );
}

/** The thresholds the plan is over, and what the reviewed override label does about them. */
function renderSafety(options: MarkdownOptions): string {
  const warnings = (options.thresholdWarnings ?? []).map((w) => `> - ${escapeText(sanitizeText(w, options))}\n`).join('');
  const label = options.override;
  const labelCode = label ? `\`${escapeCode(label.name)}\`` : '';
  if (label?.present && label.verdict) return renderVerdict(labelCode, label.verdict, warnings);
  if (label?.present) {
    return warnings
      ? `\n> [!IMPORTANT]\n> The label ${labelCode} is on this pull request: the apply after the merge runs with \`--force\` and overrides these safety thresholds.\n${warnings}`
      : `\n> [!NOTE]\n> The label ${labelCode} is on this pull request: the apply after the merge runs with \`--force\`, but this plan is over no safety threshold, so it overrides nothing.\n`;
  }
  if (!warnings) return '';
  const how = label ? `\n> To apply it as reviewed, add the label ${labelCode} to this pull request: the merge apply then runs with \`--force\` for this change alone.\n` : '';
  return `\n> [!CAUTION]\n> Over a safety threshold: apply refuses this plan without \`--force\`.\n${warnings}${how}`;
}

/** The override as GitHub shows it: who overrode and who approved, or why the label does not count (yet). */
function renderVerdict(labelCode: string, verdict: NonNullable<NonNullable<MarkdownOptions['override']>['verdict']>, warnings: string): string {
  const who = (login: string | undefined) => `**@${escapeText(login ?? '?')}**`;
  const head = `\`${escapeCode(verdict.headSha.slice(0, 7))}\``;
  if (verdict.valid) {
    const approvers = verdict.approvedBy.map(who).join(', ');
    return warnings
      ? `\n> [!IMPORTANT]\n> **Overridden** by ${who(verdict.labelledBy)} (label ${labelCode}), approved by ${approvers} on ${head}: this check passes, and the apply after the merge runs with \`--force\` over these safety thresholds:\n${warnings}`
      : `\n> [!NOTE]\n> Override by ${who(verdict.labelledBy)} (label ${labelCode}), approved by ${approvers} on ${head}; this plan is over no safety threshold, so it overrides nothing.\n`;
  }
  const reasons = verdict.reasons.map((r) => `> - ${escapeText(r)}\n`).join('');
  const rule =
    '> An override needs two people: the label added by someone other than the author, then an approving review of the head commit ' +
    'from someone other than the author. After approving, re-run this check.\n';
  return warnings
    ? `\n> [!CAUTION]\n> Over a safety threshold: apply refuses this plan without \`--force\`.\n${warnings}>\n> The label ${labelCode} is on, but it does not count yet:\n${reasons}${rule}`
    : `\n> [!NOTE]\n> The label ${labelCode} is on, but it does not count:\n${reasons}${rule}`;
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
  return `Vendor operations: ${stripVTControlCharacters(summaryLine(plan.summary, vendorFailureCount(plan))).replace(/^Plan: /, '')}`;
}
