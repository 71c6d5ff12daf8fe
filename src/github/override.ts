import type { GitHubContext } from './context.js';

/**
 * The reviewed override, read from GitHub itself: a pull request may go over a safety threshold only
 * when two people agree. It counts when
 *   1. the override label is on the pull request (at the merge, for a merged one), put there last by
 *      someone other than its author, and not by a bot (a workflow the author pushed can label as
 *      github-actions[bot]);
 *   2. someone other than the author, with write access (author_association OWNER, MEMBER or
 *      COLLABORATOR), not a bot, approved the head commit (the one that merged), after the label was
 *      added and before the merge, and did not withdraw that approval (their latest review decides).
 * Everything comes from timeline events and reviews with GitHub's own timestamps, cut at `merged_at`:
 * a label or an approval added after the merge, or a job re-run later, cannot change the verdict, and
 * the runner's clock plays no part.
 */
export interface OverrideVerdict {
  label: string;
  pullNumber: number;
  author: string;
  /** The head commit the approval must be on (the merged head for a merged pull request). */
  headSha: string;
  merged: boolean;
  /** Whether the label was on (at the merge, for a merged pull request). */
  present: boolean;
  /** Who added the label last, when it was on. */
  labelledBy?: string;
  labelledAt?: string;
  /** The approvals that count. */
  approvedBy: string[];
  valid: boolean;
  /** Why it does not count (empty when valid). */
  reasons: string[];
}

interface TimelineEvent {
  event?: string;
  created_at?: string;
  actor?: { login?: string; type?: string } | null;
  label?: { name?: string };
}

interface Review {
  user?: { login?: string; type?: string } | null;
  state?: string;
  commit_id?: string | null;
  submitted_at?: string;
  author_association?: string;
}

/** Associations GitHub gives people who can push to the repository. */
const WRITERS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

const same = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
const time = (iso: string | undefined) => (iso ? Date.parse(iso) : NaN);
const short = (sha: string | null | undefined) => (sha ?? '?').slice(0, 7);

/**
 * The verdict on pull request `pullNumber` for `label`, from GitHub's pull request, timeline and reviews.
 * `plannedHead`: the commit a plan ran on; an override of an open pull request counts only while that
 * commit is still its head (a re-run of an older plan cannot borrow an approval of a newer push).
 */
export async function overrideVerdict(ctx: GitHubContext, pullNumber: number, label: string, plannedHead?: string): Promise<OverrideVerdict> {
  const target = { owner: ctx.owner, repo: ctx.repo };
  const { data: pull } = await ctx.octokit.rest.pulls.get({ ...target, pull_number: pullNumber });
  const events = (await ctx.octokit.paginate(ctx.octokit.rest.issues.listEventsForTimeline, {
    ...target,
    issue_number: pullNumber,
    per_page: 100,
  })) as TimelineEvent[];
  const reviews = (await ctx.octokit.paginate(ctx.octokit.rest.pulls.listReviews, { ...target, pull_number: pullNumber, per_page: 100 })) as Review[];
  return judgeOverride({
    label,
    pullNumber,
    author: pull.user?.login ?? '',
    headSha: pull.head.sha,
    mergedAt: pull.merged_at ?? undefined,
    closedUnmerged: pull.state === 'closed' && !pull.merged_at,
    events,
    reviews,
    plannedHead,
  });
}

export interface OverrideFacts {
  label: string;
  pullNumber: number;
  author: string;
  headSha: string;
  mergedAt?: string;
  closedUnmerged?: boolean;
  events: TimelineEvent[];
  reviews: Review[];
  plannedHead?: string;
}

/** The rules, on facts already read from GitHub. */
export function judgeOverride(facts: OverrideFacts): OverrideVerdict {
  const { label, author, headSha, mergedAt } = facts;
  const cutoff = mergedAt ? time(mergedAt) : Infinity;
  const before = (iso: string | undefined) => time(iso) < cutoff;
  const verdict: OverrideVerdict = {
    label,
    pullNumber: facts.pullNumber,
    author,
    headSha,
    merged: Boolean(mergedAt),
    present: false,
    approvedBy: [],
    valid: false,
    reasons: [],
  };
  if (facts.closedUnmerged) {
    verdict.reasons.push('the pull request was closed without merging');
    return verdict;
  }

  // Label names are case-insensitive on GitHub. The last labelled/unlabelled event before the merge decides.
  const labelEvents = facts.events
    .filter((e) => (e.event === 'labeled' || e.event === 'unlabeled') && same(e.label?.name, label) && before(e.created_at))
    .sort((a, b) => time(a.created_at) - time(b.created_at));
  const last = labelEvents.at(-1);
  if (!last || last.event !== 'labeled') {
    const late = facts.events.some((e) => e.event === 'labeled' && same(e.label?.name, label) && !before(e.created_at));
    verdict.reasons.push(late ? `the label "${label}" was added after the merge` : `the label "${label}" is not on the pull request`);
    return verdict;
  }
  verdict.present = true;
  const labeller = last.actor?.login;
  verdict.labelledBy = labeller;
  verdict.labelledAt = last.created_at;
  if (!labeller) verdict.reasons.push('GitHub does not say who added the label');
  else if (same(labeller, author)) verdict.reasons.push(`the label was added by the author, ${labeller}; someone else must add it`);
  else if (last.actor?.type === 'Bot') verdict.reasons.push(`the label was added by a bot (${labeller}); a person other than the author must add it`);

  // Each reviewer's latest approving or blocking review before the merge (comments change nothing).
  const latest = new Map<string, Review>();
  for (const review of [...facts.reviews].sort((a, b) => time(a.submitted_at) - time(b.submitted_at))) {
    const login = review.user?.login;
    if (!login || !before(review.submitted_at)) continue;
    if (review.state === 'APPROVED' || review.state === 'CHANGES_REQUESTED' || review.state === 'DISMISSED') latest.set(login.toLowerCase(), review);
  }
  const refused: string[] = [];
  for (const review of latest.values()) {
    const login = review.user!.login!;
    if (review.state !== 'APPROVED') continue;
    if (same(login, author)) refused.push(`${login} is the author`);
    else if (review.user?.type === 'Bot') refused.push(`${login} is a bot`);
    else if (!WRITERS.has(review.author_association ?? '')) refused.push(`${login} has no write access (${review.author_association ?? 'unknown'})`);
    else if (review.commit_id !== headSha) refused.push(`${login} approved ${short(review.commit_id)}, not the head commit ${short(headSha)}`);
    else if (!(time(review.submitted_at) > time(verdict.labelledAt))) refused.push(`${login} approved before the label was added`);
    else verdict.approvedBy.push(login);
  }
  if (!verdict.approvedBy.length) {
    const why = refused.length ? ` (${refused.join('; ')})` : '';
    verdict.reasons.push(
      `no approving review of the head commit ${short(headSha)} after the label, from someone other than the author${mergedAt ? ' before the merge' : ''}${why}`,
    );
  }
  if (!mergedAt && facts.plannedHead && facts.plannedHead !== headSha) {
    verdict.reasons.push(`this plan is of ${short(facts.plannedHead)}, but the pull request has moved on to ${short(headSha)}: plan the new head`);
  }
  verdict.valid = verdict.reasons.length === 0;
  return verdict;
}

/** One line for logs and the job summary: who overrode and who approved, or why it does not count. */
export function describeVerdict(v: OverrideVerdict): string {
  if (v.valid) {
    return `override on pull request #${v.pullNumber}: label "${v.label}" added by ${v.labelledBy}, approved by ${v.approvedBy.join(', ')} on ${short(v.headSha)}`;
  }
  return `no override on pull request #${v.pullNumber}: ${v.reasons.join('; ')}`;
}
