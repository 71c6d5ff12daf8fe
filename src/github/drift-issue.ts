import { hasChanges, type PlanView } from '../reconcile/types.js';
import { bodyForGitHub } from './comments.js';
import type { GitHubContext } from './context.js';

export const DRIFT_LABEL = 'roster-drift';
export const DRIFT_TITLE = 'roster: live users differ from git';

/**
 * Whether live users differ from git: 1 on errors, 2 when apply has work, an active live user is not
 * described in git (and no policy accepts it), or an offboarding step is left to a person; else 0.
 */
export function driftExitCode(plan: PlanView): number {
  if (plan.summary.errors > 0) return 1;
  const unknown = plan.vendors.some((v) => v.unmanaged.some((u) => u.drift));
  const manual = plan.vendors.some((v) => (v.manual?.length ?? 0) > 0);
  return hasChanges(plan) || unknown || manual ? 2 : 0;
}

export type DriftIssueAction = 'opened' | 'updated' | 'closed' | 'none';

export interface DriftIssueResult {
  action: DriftIssueAction;
  number?: number;
  url?: string;
}

/**
 * Keeps one issue labelled `roster-drift` in step with the latest drift check: opened (with the
 * label, created if missing) when the plan has changes or errors, its body replaced on every later
 * run while it stays open, and closed with a comment once a run finds live users matching git.
 */
export async function syncDriftIssue(ctx: GitHubContext, plan: PlanView, body: string): Promise<DriftIssueResult> {
  const safe = bodyForGitHub(body);
  const target = { owner: ctx.owner, repo: ctx.repo };
  const open = await findOpenDriftIssue(ctx);
  const needsAttention = driftExitCode(plan) !== 0;

  if (needsAttention) {
    if (open) {
      const { data } = await ctx.octokit.rest.issues.update({ ...target, issue_number: open.number, body: safe });
      return { action: 'updated', number: data.number, url: data.html_url };
    }
    await ensureDriftLabel(ctx);
    const { data } = await ctx.octokit.rest.issues.create({ ...target, title: DRIFT_TITLE, body: safe, labels: [DRIFT_LABEL] });
    return { action: 'opened', number: data.number, url: data.html_url };
  }

  if (!open) return { action: 'none' };
  const run = ctx.runUrl ? ` ([drift check](${ctx.runUrl}))` : '';
  await ctx.octokit.rest.issues.createComment({
    ...target,
    issue_number: open.number,
    body: `Live users match git again: the latest drift check found nothing to change${run}. Closing.`,
  });
  const { data } = await ctx.octokit.rest.issues.update({ ...target, issue_number: open.number, state: 'closed', state_reason: 'completed' });
  return { action: 'closed', number: data.number, url: data.html_url };
}

/** The open drift issue, if any; pull requests (which the issues API lists too) never count. */
export async function findOpenDriftIssue(ctx: GitHubContext): Promise<{ number: number; html_url: string } | undefined> {
  const pages = ctx.octokit.paginate.iterator(ctx.octokit.rest.issues.listForRepo, {
    owner: ctx.owner,
    repo: ctx.repo,
    labels: DRIFT_LABEL,
    state: 'open',
    per_page: 100,
  });
  for await (const page of pages) {
    const issue = page.data.find((i) => !i.pull_request);
    if (issue) return issue;
  }
  return undefined;
}

async function ensureDriftLabel(ctx: GitHubContext): Promise<void> {
  const target = { owner: ctx.owner, repo: ctx.repo, name: DRIFT_LABEL };
  try {
    await ctx.octokit.rest.issues.getLabel(target);
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
    await ctx.octokit.rest.issues.createLabel({
      ...target,
      color: 'd93f0b',
      description: 'Live vendor users differ from the people declared in git (opened by roster drift)',
    });
  }
}
