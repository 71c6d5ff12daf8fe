import { escapeCode, escapeText } from './escape.js';
import type { PersonRow } from './people.js';

/**
 * The length budget: GitHub refuses long bodies, so the comment is cut to fit, and the cut says
 * what it left out. Removals and access changes sort first everywhere, so a cut loses creates.
 */

/** What one vendor's section left out. */
export interface Omission {
  vendor: string;
  /** Keys whose operations are not shown, most important first. */
  keys: string[];
  totalOperations: number;
  unmanaged: number;
  errors: number;
  /** Keys of steps left to a person that are not shown. */
  manual?: string[];
}

export interface Omitted {
  people: PersonRow[];
  unknown: number;
  vendors: Omission[];
}

/**
 * Splits the room among vendors fairly: a vendor that needs less than an equal share gets what it
 * needs, and what it leaves over is shared among the larger ones, so every vendor shows something.
 */
export function shareBudget(needs: number[], total: number): number[] {
  const budgets = needs.map(() => 0);
  let remaining = Math.max(total, 0);
  const bySize = needs.map((need, i) => ({ need, i })).sort((a, b) => a.need - b.need);
  bySize.forEach(({ need, i }, n) => {
    budgets[i] = Math.min(need, Math.floor(remaining / (bySize.length - n)));
    remaining -= budgets[i];
  });
  return budgets;
}

/** What a cut comment left out, naming the people (as many as fit in `room`, then a count). */
export function omissionNote(omitted: Omitted, maxLength: number, room: number, fullPlanUrl: string | undefined): string {
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
  for (const o of omitted.vendors) {
    // Steps for a person come first: a cut must never hide work nobody else will do.
    if (o.manual?.length) lines.push(listed(`**${escapeText(o.vendor)}**, ${o.manual.length} step${o.manual.length === 1 ? '' : 's'} to do by hand not shown`, o.manual));
  }
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
