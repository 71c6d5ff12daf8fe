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
