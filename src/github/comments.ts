import type { Diagnostic } from '../config/diagnostics.js';
import { redactKnownSecrets } from '../secrets/redact.js';
import { renderInvalidStateComment, type SourceLinks } from '../render/annotations.js';
import type { VendorLabels } from '../render/labels.js';
import { GITHUB_BODY_LIMIT, PLAN_MARKER, parseChecksumMarker, renderMarkdown, type OverrideLabel, type PlanChecksums } from '../render/markdown.js';
import type { PlanView } from '../reconcile/types.js';
import { SIGNATURE_ROOM, signComment } from './comment-signature.js';
import { GitHubContextError, sourceLinksFromEnv, type GitHubContext } from './context.js';
import { overrideVerdict, type OverrideVerdict } from './override.js';

export interface IssueComment {
  id: number;
  body?: string;
  html_url: string;
  user: { login: string; type: string } | null;
  /** When the comment was last edited, by GitHub's clock (a signed comment must not be edited after it was signed). */
  updated_at?: string;
}

/** Whether a comment was written by roster, not merely quoting its marker. */
export function isRosterComment(comment: IssueComment, ctx: Pick<GitHubContext, 'commentAuthor'>): boolean {
  if (!comment.body?.includes(PLAN_MARKER)) return false;
  if (ctx.commentAuthor) return comment.user?.login === ctx.commentAuthor;
  return comment.user?.type === 'Bot';
}

/** Roster's comment on a pull request, reading every page of comments until it is found. */
export async function findPlanComment(ctx: GitHubContext, pullNumber: number): Promise<IssueComment | undefined> {
  const pages = ctx.octokit.paginate.iterator(ctx.octokit.rest.issues.listComments, {
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: pullNumber,
    per_page: 100,
  });
  for await (const page of pages) {
    const found = (page.data as IssueComment[]).find((c) => isRosterComment(c, ctx));
    if (found) return found;
  }
  return undefined;
}

/**
 * A body as it may be posted: known secrets redacted, and within GitHub's limit (or an error, not a 422).
 * `room`: characters kept free for what is added after (the comment's signature).
 */
export function bodyForGitHub(body: string, room = 0): string {
  const safe = redactKnownSecrets(body);
  const limit = GITHUB_BODY_LIMIT - room;
  if (safe.length > limit) throw new Error(`the body is ${safe.length} characters; GitHub takes at most ${limit}${room ? ' with the signature' : ''}`);
  return safe;
}

/** How long roster's own comment bodies may be: GitHub's limit, less the room for the signature. */
export const PLAN_COMMENT_LIMIT = GITHUB_BODY_LIMIT - SIGNATURE_ROOM;

export interface PostedComment {
  id: number;
  url: string;
  created: boolean;
}

/**
 * Creates roster's comment on the pull request the first time, and edits that same comment on every
 * later run, so a pull request carries one plan, the latest. Known secrets are redacted from the body.
 */
export async function upsertPlanComment(ctx: GitHubContext, body: string): Promise<PostedComment> {
  const pullNumber = requirePullNumber(ctx);
  const safe = bodyForGitHub(body, ctx.commentKey ? SIGNATURE_ROOM : 0);
  if (!safe.includes(PLAN_MARKER)) throw new Error('a roster comment must carry the plan marker, or the next run cannot find it');
  // The head is the commit the plan was made from (the event's): only a signature for it counts at the merge.
  const headSha = ctx.commentKey ? requirePullHeadSha(ctx) : undefined;
  const existing = await findPlanComment(ctx, pullNumber);
  const target = { owner: ctx.owner, repo: ctx.repo };
  // Signed last, just before it is sent: GitHub's updated_at must not come later than signedAt (plus the tolerance).
  const posted =
    ctx.commentKey && headSha ? signComment(safe, ctx.commentKey, { repository: `${ctx.owner}/${ctx.repo}`, pullNumber, headSha }, new Date()) : safe;
  if (existing) {
    const { data } = await ctx.octokit.rest.issues.updateComment({ ...target, comment_id: existing.id, body: posted });
    return { id: data.id, url: data.html_url, created: false };
  }
  const { data } = await ctx.octokit.rest.issues.createComment({ ...target, issue_number: pullNumber, body: posted });
  return { id: data.id, url: data.html_url, created: true };
}

export interface PlanCommentOptions {
  maskEmails: boolean;
  /** Messages of the safety thresholds the plan is over (shown as a caution under the summary). */
  thresholdWarnings?: string[];
  /** Office and role ids with their roster keys. */
  labels?: VendorLabels;
  /** The override label's name; whether the pull request carries it is read from the context. */
  overrideLabel?: string;
  /** Whether the override counts, read from GitHub (overrideForPlan): then the comment says who overrode and who approved. */
  overrideVerdict?: OverrideVerdict;
}

/** `roster plan --github-comment`: the plan as markdown, in roster's one comment on the pull request. */
export async function postPlanComment(ctx: GitHubContext, plan: PlanView, options: PlanCommentOptions): Promise<PostedComment> {
  return upsertPlanComment(ctx, planCommentBody(ctx, plan, options));
}

/** The comment's markdown (also written to the job summary). */
export function planCommentBody(ctx: Pick<GitHubContext, 'runUrl' | 'pullLabels'>, plan: PlanView, options: PlanCommentOptions): string {
  const { maskEmails, thresholdWarnings, labels } = options;
  const verdict = options.overrideVerdict;
  const override: OverrideLabel | undefined = options.overrideLabel
    ? verdict
      ? { name: options.overrideLabel, present: verdict.present, verdict }
      : { name: options.overrideLabel, present: (ctx.pullLabels ?? []).includes(options.overrideLabel) }
    : undefined;
  return renderMarkdown(plan, { maskEmails, thresholdWarnings, labels, override, fullPlanUrl: ctx.runUrl, maxLength: PLAN_COMMENT_LIMIT });
}

/**
 * The override verdict for the plan of an open pull request, when it matters: the plan is over a
 * threshold, or the event says the label is on (so the comment can say whether it counts). Read from
 * GitHub, never from the event payload alone; undefined when it does not matter.
 */
export async function overrideForPlan(ctx: GitHubContext, label: string, overThreshold: boolean): Promise<OverrideVerdict | undefined> {
  const labelled = (ctx.pullLabels ?? []).some((l) => l.toLowerCase() === label.toLowerCase());
  if (!overThreshold && !labelled) return undefined;
  return overrideVerdict(ctx, requirePullNumber(ctx), label, ctx.pullHeadSha);
}

/** When the declared state does not validate, the same comment lists the problems instead of a plan. */
export async function postInvalidStateComment(
  ctx: GitHubContext,
  diagnostics: Diagnostic[],
  options: { maskEmails: boolean },
  links: SourceLinks = sourceLinksFromEnv(),
): Promise<PostedComment> {
  return upsertPlanComment(ctx, renderInvalidStateComment(diagnostics, options, links, PLAN_COMMENT_LIMIT));
}

export interface MergedPlan extends PlanChecksums {
  pullNumber: number;
  commentUrl: string;
  /** Labels on the merged pull request (the reviewed override is one). */
  labels: string[];
  /** The merged pull request's head commit, as GitHub gives it: what a signed comment must be signed for. */
  headSha?: string;
  /** roster's comment as GitHub gives it now, for checking its signature (reviewed-comment.ts). */
  comment: { body: string; updatedAt?: string };
}

/**
 * The checksums of the plan reviewed on the pull request that merged `sha` (apply.yml on push to
 * main): the pull request from `GET /repos/{o}/{r}/commits/{sha}/pulls`, then roster's comment on it.
 */
export async function mergedPlanChecksums(ctx: GitHubContext, sha = ctx.sha): Promise<MergedPlan> {
  if (!sha) throw new GitHubContextError('no commit to look up: GITHUB_SHA is not set (or pass --sha)');
  const { data: pulls } = await ctx.octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: ctx.owner,
    repo: ctx.repo,
    commit_sha: sha,
  });
  const merged = pulls.filter((p) => p.merged_at);
  const pull = merged.find((p) => p.merge_commit_sha === sha) ?? merged[0];
  if (!pull) {
    throw new Error(
      `no merged pull request contains commit ${sha}, so there is no reviewed plan to hold apply to. ` +
        'Changes reach main through pull requests; to apply anyway, run `roster apply` without --expect-checksum.',
    );
  }
  const comment = await findPlanComment(ctx, pull.number);
  if (!comment) throw new Error(`pull request #${pull.number} has no roster plan comment: its plan was never reviewed`);
  const sums = parseChecksumMarker(comment.body ?? '');
  if (!sums) {
    throw new Error(`the roster comment on pull request #${pull.number} carries no plan checksum (its last run did not produce a plan)`);
  }
  const labels = ((pull as { labels?: { name?: string }[] }).labels ?? []).map((l) => l.name).filter((n): n is string => typeof n === 'string');
  const headSha = (pull as { head?: { sha?: unknown } }).head?.sha;
  return {
    ...sums,
    pullNumber: pull.number,
    commentUrl: comment.html_url,
    labels,
    ...(typeof headSha === 'string' ? { headSha } : {}),
    comment: { body: comment.body ?? '', ...(comment.updated_at ? { updatedAt: comment.updated_at } : {}) },
  };
}

/** The head commit of the event's pull request: a signature names it, so without it nothing is signed. */
function requirePullHeadSha(ctx: GitHubContext): string {
  if (!ctx.pullHeadSha) {
    throw new GitHubContextError(
      'ROSTER_COMMENT_KEY is set, but the event payload (GITHUB_EVENT_PATH) names no head commit of the pull request: the comment cannot be signed for the commit it plans',
    );
  }
  return ctx.pullHeadSha;
}

function requirePullNumber(ctx: GitHubContext): number {
  if (ctx.pullNumber === undefined) {
    throw new GitHubContextError('no pull request to comment on (GITHUB_EVENT_PATH has no pull_request; GITHUB_REF is not refs/pull/N/merge)');
  }
  return ctx.pullNumber;
}
