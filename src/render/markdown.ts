import type { PlanView } from '../reconcile/types.js';
import { scheduleMarkdown } from './dates.js';
import { escapeText } from './escape.js';
import { planMarker } from './markdown-checksum.js';
import { omissionNote, shareBudget, type Omission } from './markdown-cut.js';
import { renderHead } from './markdown-head.js';
import { GITHUB_BODY_LIMIT, type MarkdownOptions } from './markdown-options.js';
import { namesOf, renderPeopleTable } from './markdown-people.js';
import { renderUnknownUsers } from './markdown-unknown.js';
import { renderSection } from './markdown-vendor.js';
import { maskPlan } from './mask.js';
import { peopleOf } from './people.js';

// What other layers import from the markdown renderer; the parts live in markdown-*.ts.
export { escapeText } from './escape.js';
export { checksumMarker, parseChecksumMarker, type PlanChecksums } from './markdown-checksum.js';
export { GITHUB_BODY_LIMIT, PLAN_MARKER, type MarkdownOptions, type OverrideLabel } from './markdown-options.js';

/**
 * The plan as markdown for a pull request comment or an issue, people first: a summary that counts
 * people, one table of who changes where (person × vendor), what needs a person, then the details per
 * vendor. Renders a masked copy of the plan (personal data never reaches GitHub) and always fits in
 * `maxLength`; when it must cut, removals and access changes stay before creates, and the cut names
 * the people it left out.
 */
export function renderMarkdown(plan: PlanView, options: MarkdownOptions): string {
  const maxLength = options.maxLength ?? GITHUB_BODY_LIMIT;
  const { checksum, marker } = planMarker(plan, options.checksum);
  const masked = maskPlan(plan, options);
  const rows = peopleOf(masked, namesOf(plan, options));

  const head = renderHead(masked, rows, options);
  const foot = `\n<sub>Plan checksum <code>${checksum}</code></sub>\n${marker}\n`;
  // The note about what was left out is written last, but its room is kept from the start.
  const noteRoom = Math.min(6_000, Math.floor(maxLength / 8));
  let room = maxLength - head.length - foot.length - noteRoom;
  // Every dated change is in review (issue 22), within a quarter of the room at most.
  const schedule = scheduleMarkdown(masked, Math.floor(room / 4), escapeText);
  room -= schedule.length;

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
  const body = `${head}${note}${table.text}${unknown.text}${schedule}${details ? `\n#### Details per vendor\n${details}` : ''}${foot}`;
  // The budget above makes this unreachable; it stays so that no input can break GitHub's limit.
  return body.length <= maxLength ? body : `${body.slice(0, maxLength - foot.length - 40)}\n\n_(cut at the comment limit)_\n${foot}`;
}
