import { Command, Option } from 'commander';
import { renderJson } from '../render/json.js';
import { renderText } from '../render/text.js';
import { planForLog } from '../render/mask.js';
import type { Organisation } from '../config/model.js';
import { hasChanges, type Plan } from '../reconcile/types.js';
import type { RegisterCommand } from './index.js';
import { thresholdViolations } from '../reconcile/safety.js';
import { writeSavedPlan } from '../reconcile/saved-plan.js';
import { colors, err, out } from './output.js';
import { datesSince, parseAt, parseSince } from './calendar.js';
import { addVendorOptions, openSession, type VendorCommandOptions } from './session.js';
import { planWithBase } from './plan-base.js';
// GitHub (issue 5): the markdown format and --github-comment.
import { overrideForPlan, planCommentBody, upsertPlanComment } from '../github/comments.js';
import { describeVerdict } from '../github/override.js';
import { githubContextFromEnv } from '../github/context.js';
import { UNSIGNED_COMMENT_WARNING } from '../github/reviewed-comment.js';
import { appendStepSummary } from '../github/summary.js';
import { labelsOf } from '../render/labels.js';
import { renderMarkdown } from '../render/markdown.js';
// Issue 22: sealed plans, the runner's clock checked against the vendors'.
import { planChecksum } from '../reconcile/checksum.js';
import { organisationHasDates } from '../config/as-of.js';
import { judgeClock, maxClockSkewMinutes, runnerNow, watchVendorClocks } from './clock.js';

export interface PlanOptions extends VendorCommandOptions {
  format: 'text' | 'json' | 'markdown';
  detailedExitcode?: boolean;
  out?: string;
  force?: boolean;
  githubComment?: boolean;
  at?: string;
  since?: string;
  base?: string;
}

/** Renderers by format. Markdown is the GitHub view: masked, and here uncut (the comment is cut to fit). */
export const planRenderers: Record<string, (plan: Plan, org: Organisation) => string> = {
  // In CI the log is read by everyone who can read the repository: masked like the PR comment.
  text: (plan, org) => renderText(planForLog(plan, org.config.github)),
  // In CI, JSON is masked as the log it lands in (saved plans, --out, keep real values: apply needs them);
  // the checksum of the real plan and what it seals (declared state, vendor instances) ride along.
  json: (plan, org) => renderJson(planForLog(plan, org.config.github), { checksum: planChecksum(plan), ...(plan.seal ? { seal: plan.seal } : {}) }),
  markdown: (plan, org) => renderMarkdown(plan, { maskEmails: org.config.github.maskEmails, labels: labelsOf(org), maxLength: Infinity }),
};

/** 0 when nothing is to do, 2 when there are changes, 1 on errors: Terraform's --detailed-exitcode. */
export function planExitCode(plan: Plan, detailed: boolean): number {
  if (plan.summary.errors > 0) return 1;
  return detailed && hasChanges(plan) ? 2 : 0;
}

export const registerPlan: RegisterCommand = (program) => {
  const command = new Command('plan')
    .description('Show what apply would change in each vendor, field by field. Never writes.')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--detailed-exitcode', 'exit 0 with no changes, 2 with changes, 1 on errors')
    .option('--out <file>', 'also save the plan, with what each operation expects to find live, for `roster apply FILE`')
    .option('--force', 'do not fail when the plan is over a safety threshold')
    .option('--github-comment', 'post the plan as the roster comment on the pull request (GitHub Actions)')
    .option('--at <YYYY-MM-DD>', 'plan as of that day (startDate, endDate and role windows); default: now')
    .option('--since <time>', 'count dated changes from this time (default: when git last changed users/)')
    .option('--base <revision>', 'in vendors read person by person, read only the people the change from this git revision (or base checkout folder) touches');
  addVendorOptions(command).action(async (options: PlanOptions) => {
    // The comment's checksum is what the merge applies: a plan as of another day is never the reviewed one.
    if (options.at !== undefined && options.githubComment) throw new Error('--at plans as of another day, which is never applied: it cannot be posted as the reviewed plan (--github-comment)');
    // Read before any vendor is asked, so a missing GITHUB_TOKEN fails fast.
    const github = options.githubComment ? githubContextFromEnv(process.env, { pullRequest: true }) : undefined;
    const at = parseAt(options.at);
    const since = parseSince(options.since);
    const session = await openSession(program.opts().config, options);
    // The runner's clock, checked against the vendors' Date headers while they are read (clock.ts).
    const asOf = at ?? { instant: runnerNow() };
    const clocks = watchVendorClocks();
    try {
      const plan = await planWithBase(session, { asOf, since: await datesSince(session.org, since) }, options.base).finally(() => clocks.stop());
      const render = planRenderers[options.format];
      if (!render) throw new Error(`the ${options.format} format is not available`);
      out(render(plan, session.org));
      const overThreshold = thresholdViolations(plan, session.org.config.vendors);
      // Issue 23: a reviewed override (two people, read from GitHub) lets the plan check pass; the comment keeps the refusal.
      const overrideVerdict = github ? await overrideForPlan(github, session.org.config.github.overrideLabel, overThreshold.length > 0) : undefined;
      if (github) {
        const thresholdWarnings = overThreshold.map((v) => v.message);
        const { maskEmails, overrideLabel } = session.org.config.github;
        const body = planCommentBody(github, plan, { maskEmails, overrideLabel, overrideVerdict, thresholdWarnings, labels: labelsOf(session.org) });
        // The job summary shows the same plan on the run's page, for anyone who opens the run.
        await appendStepSummary(body);
        const posted = await upsertPlanComment(github, body);
        err(`plan comment ${posted.created ? 'created' : 'updated'}: ${posted.url}`);
        if (!github.commentKey) err(UNSIGNED_COMMENT_WARNING);
      }
      if (at && 'day' in at) err(colors.yellow(`this plan is as of --at ${at.day}: it can be shown and saved, and \`roster apply\` refuses it`));
      if (organisationHasDates(session.org)) {
        const clock = judgeClock(clocks.reading(), clocks.seen(), maxClockSkewMinutes(session.org));
        if (!clock.ok) err(`${colors.yellow('warning:')} ${clock.message}; apply refuses the dated operations until it is fixed`);
      }
      if (options.out) await writeSavedPlan(options.out, plan, 'day' in asOf ? { day: asOf.day } : { instant: asOf.instant.toISOString() });
      const violations = options.force || overrideVerdict?.valid ? [] : overThreshold;
      if (overrideVerdict && overThreshold.length) err(describeVerdict(overrideVerdict));
      for (const v of violations) err(`${colors.red('error:')} ${v.message}`);
      process.exitCode = violations.length > 0 ? 1 : planExitCode(plan, Boolean(options.detailedExitcode));
    } finally {
      await session.close();
    }
  });
  program.addCommand(command);
};
