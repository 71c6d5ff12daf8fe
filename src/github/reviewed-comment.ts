import { signatureProblem } from './comment-signature.js';
import type { MergedPlan } from './comments.js';
import type { GitHubContext } from './context.js';

const SET_THE_KEY = 'Set the same key in the roster-plan and roster-apply environments (docs/github.md)';

/** Said by every plan that posts its comment without the key: the first place a new setup shows it. */
export const UNSIGNED_COMMENT_WARNING =
  'warning: the plan comment is posted unsigned (ROSTER_COMMENT_KEY is not set): an edit to it after this run, a harmless-looking ' +
  `plan shown over the genuine checksum, cannot be detected at the merge. ${SET_THE_KEY}`;

/** Said on every merge apply without the key, so an unsigned setup never looks like a signed one. */
export const UNSIGNED_WARNING =
  'warning: ROSTER_COMMENT_KEY is not set: edits to the roster comment after roster posted it (a harmless-looking plan shown ' +
  `over the genuine checksum) cannot be detected. ${SET_THE_KEY}`;

/**
 * `roster github checksum`, before it hands anything to apply: with ROSTER_COMMENT_KEY, the comment the
 * checksum comes from must be the one roster signed for the merged pull request and its head, unedited
 * since (comment-signature.ts); otherwise this throws, naming why. Without the key, the warning to print.
 */
export function checkReviewedComment(ctx: Pick<GitHubContext, 'commentKey' | 'owner' | 'repo'>, reviewed: MergedPlan): { warning?: string } {
  if (!ctx.commentKey) return { warning: UNSIGNED_WARNING };
  const problem = reviewed.headSha
    ? signatureProblem(reviewed.comment, ctx.commentKey, { repository: `${ctx.owner}/${ctx.repo}`, pullNumber: reviewed.pullNumber, headSha: reviewed.headSha })
    : `GitHub gives no head commit for pull request #${reviewed.pullNumber}, so its signature cannot be checked`;
  if (problem) {
    throw new Error(
      `the roster comment on pull request #${reviewed.pullNumber} (${reviewed.commentUrl}) is not the plan roster signed: ${problem}. ` +
        `Nothing is handed to apply. Re-run the latest plan workflow run of pull request #${reviewed.pullNumber}` +
        `${reviewed.headSha ? ` (the one for its head ${reviewed.headSha})` : ''} so roster posts and signs its plan again, have that plan read, then re-run this apply`,
    );
  }
  return {};
}
