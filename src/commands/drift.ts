import { Command } from 'commander';
import { githubContextFromEnv, type GitHubContext } from '../github/context.js';
import { driftExitCode, syncDriftIssue } from '../github/drift-issue.js';
import { labelsOf } from '../render/labels.js';
import { appendStepSummary } from '../github/summary.js';
import { renderMarkdown } from '../render/markdown.js';
import type { Plan } from '../reconcile/types.js';
import { renderText } from '../render/text.js';
import { planForLog } from '../render/mask.js';
import type { RegisterCommand } from './index.js';
import { err, out } from './output.js';
// Dates (issue 18): what a reached date explains is pending for `apply --due`, not drift.
import { describeEvent } from '../config/as-of.js';
import { dueOnly, withoutDated, type PendingDated } from '../reconcile/due.js';
// Issue 22: a leaver never stays green.
import { summarise } from '../reconcile/plan.js';
import { organisationHasDates } from '../config/as-of.js';
import { judgeClock, maxClockSkewMinutes, watchVendorClocks } from './clock.js';
import { thresholdViolations, type ThresholdViolation } from '../reconcile/safety.js';
import { datesSince } from './calendar.js';
import { addVendorOptions, openSession, planSession, type VendorCommandOptions } from './session.js';
import { defaultSweepStateFile, planSweep, type SweepRun } from './sweep.js';

export interface DriftOptions extends VendorCommandOptions {
  githubIssue?: boolean;
  sweep?: string;
  sweepState?: string;
}

/**
 * `roster drift`: the scheduled question "do the vendors still match git?". Plans (never writes),
 * prints the plan, and exits 0 no drift, 2 drift, 1 errors. Drift is everything that differs from
 * git: operations, active live users git does not describe (unless policy.ignore accepts them), and
 * offboarding left to a person that is not done yet.
 * With --github-issue it keeps one `roster-drift` issue open while there is drift and closes it after.
 */
export const registerDrift: RegisterCommand = (program) => {
  const command = new Command('drift')
    .description('Check whether live users still match git; exit 0 no drift, 2 drift, 1 on errors. Never writes to a vendor.')
    .option('--github-issue', 'open, update or close the issue labelled roster-drift (GitHub Actions environment)')
    .option('--sweep <people|time>', 'in vendors read person by person, read at most this many people (2000) or for this long (30m) this run, those seen longest ago first')
    .option('--sweep-state <file>', 'where --sweep keeps what each run saw (default: .roster/sweep.json beside roster.yaml)');
  addVendorOptions(command).action(async (options: DriftOptions) => {
    // Before any vendor is asked: a missing token should not cost a full plan to find out.
    const github = options.githubIssue ? githubContextFromEnv(process.env) : undefined;
    const session = await openSession(program.opts().config, options);
    try {
      const clocks = watchVendorClocks();
      const calendar = { since: await datesSince(session.org, undefined) };
      let sweep: SweepRun | undefined;
      let planned: Plan;
      try {
        sweep = options.sweep ? await planSweep(session, calendar, options.sweep, options.sweepState ?? defaultSweepStateFile(program.opts().config)) : undefined;
        planned = sweep ? sweep.plan : await planSession(session, calendar);
      } finally {
        clocks.stop();
      }
      if (organisationHasDates(session.org)) {
        const clock = judgeClock(clocks.reading(), clocks.seen(), maxClockSkewMinutes(session.org));
        if (!clock.ok) err(`warning: ${clock.message}; which dated changes are due is not to be trusted until it is fixed`);
      }
      const { undated, pending: allPending } = withoutDated(planned);
      // A leaver who still has access is drift, never a pending change: the morning run may have been refused.
      const { plan, pending } = leaversAsDrift(undated, allPending, thresholdViolations(dueOnly(planned).due, session.org.config.vendors));
      const driftedEarlier = [...(sweep?.driftedEarlier ?? [])].flatMap(([vendor, keys]) => keys.map((key) => `${vendor} ${key}`));
      out(renderText(planForLog(plan, session.org.config.github)));
      const pendingNote = pendingDatedLines(pending);
      if (pendingNote.length) out(['Pending dated changes (not drift; `roster apply --due` applies them):', ...pendingNote.map((l) => `  ${l}`)].join('\n'));
      const markdown =
        renderMarkdown(plan, {
          maskEmails: session.org.config.github.maskEmails,
          title: 'roster drift',
          drift: true,
          labels: labelsOf(session.org),
          fullPlanUrl: github?.runUrl,
        }) + (pendingNote.length ? `\n**Pending dated changes** (not drift; the scheduled \`roster apply --due\` applies them): ${pendingNote.length}\n` : '');
      await appendStepSummary(markdown);
      if (driftedEarlier.length) out(['Differed from git when last read (not read this run; the sweep reads them again):', ...driftedEarlier.map((l) => `  ${l}`)].join('\n'));
      // Drift an earlier run of the sweep saw is not gone because this run did not read it: the issue stays.
      if (github && !(driftedEarlier.length && driftExitCode(plan) === 0)) await reportDrift(github, plan, markdown);
      process.exitCode = driftExitCode(plan) === 0 && driftedEarlier.length ? 2 : driftExitCode(plan);
    } finally {
      await session.close();
    }
  });
  program.addCommand(command);
};

async function reportDrift(github: GitHubContext, plan: Plan, markdown: string): Promise<void> {
  const result = await syncDriftIssue(github, plan, markdown);
  const where = result.number !== undefined ? ` #${result.number}${result.url ? ` (${result.url})` : ''}` : '';
  const said = { opened: 'opened', updated: 'updated', closed: 'closed: no drift any more', none: 'none open, none needed' }[result.action];
  err(`drift issue${where}: ${said}`);
}

/** "enerflo deactivate x@y — leaves after 2026-12-01": one line per pending dated operation. */
function pendingDatedLines(pending: PendingDated[]): string[] {
  return pending.map(({ vendor, operation: op }) => `${vendor} ${op.action} ${op.key} — ${(op.cause?.events ?? []).map(describeEvent).join(', ')}`);
}

/**
 * Puts the dated removals back into the drift plan (issue 22): a person whose end date has passed and who
 * still has access in a vendor keeps the drift issue open, named with the vendor and why (the safety
 * threshold that holds `apply --due` back, or the date the removal has waited on since).
 */
export function leaversAsDrift(plan: Plan, pending: PendingDated[], violations: ThresholdViolation[]): { plan: Plan; pending: PendingDated[] } {
  const isRemoval = (p: PendingDated) => p.operation.action === 'deactivate' || p.operation.action === 'delete';
  const leavers = pending.filter(isRemoval);
  if (leavers.length === 0) return { plan, pending };
  const vendors = plan.vendors.map((vendor) => {
    const held = violations.find((v) => v.vendor === vendor.vendor);
    const mine = leavers.filter((l) => l.vendor === vendor.vendor).map(({ operation: op }) => {
      const since = (op.cause?.events ?? []).map(describeEvent).join(', ');
      const why = held ? `\`roster apply --due\` is refused: ${held.message}` : 'not removed yet (`roster apply --due` has not run, or failed at the vendor)';
      return { ...op, reason: `still has access${since ? ` but ${since}` : ''}: ${why}` };
    });
    return mine.length ? { ...vendor, operations: [...vendor.operations, ...mine] } : vendor;
  });
  return { plan: { ...plan, vendors, summary: summarise(vendors) }, pending: pending.filter((p) => !isRemoval(p)) };
}
