import { describeEvent, describeWindow } from '../config/as-of.js';
import type { OperationView, PlanView } from '../reconcile/types.js';

/** What a date says about one operation: "due: leaves after 2026-12-01 · window … → 2026-12-01 (America/Chicago)". */
export function operationDateNote(op: Pick<OperationView, 'cause' | 'window'>): string | undefined {
  const parts: string[] = [];
  if (op.cause) parts.push(`due: ${op.cause.events.map(describeEvent).join(', ')}`);
  if (op.window) parts.push(`window ${describeWindow(op.window)}`);
  return parts.length ? parts.join(' · ') : undefined;
}

/** One line per dated change coming in the next days, for the text and markdown views. */
export function upcomingLines(plan: Pick<PlanView, 'upcoming'>): string[] {
  return (plan.upcoming ?? []).map((u) => {
    const where = u.vendors.length ? u.vendors.join(', ') : 'no vendor';
    return `${u.key} ${describeEvent(u)} (${u.timezone}): ${where}`;
  });
}

/**
 * The schedule as markdown within `budget` characters: every dated change, however far out, each on its
 * day in its office's timezone (issue 22). When they do not all fit, the first ones (soonest) stay and
 * a line says how many more the full plan lists.
 */
export function scheduleMarkdown(plan: Pick<PlanView, 'upcoming'>, budget: number, escape: (s: string) => string): string {
  const lines = upcomingLines(plan).map((l) => `- ${escape(l)}\n`);
  if (lines.length === 0) return '';
  const head = '\n**Coming up (dated changes)**\n\n';
  let text = head;
  for (let i = 0; i < lines.length; i++) {
    const rest = lines.length - i - 1;
    const more = rest > 0 ? `- … and ${rest} more dated change${rest === 1 ? '' : 's'}: the full plan (\`roster plan\`) lists every one\n`.length : 0;
    if (text.length + lines[i].length + more > budget) {
      const left = lines.length - i;
      return `${text}- … and ${left} more dated change${left === 1 ? '' : 's'}: the full plan (\`roster plan\`) lists every one\n`;
    }
    text += lines[i];
  }
  return text;
}
