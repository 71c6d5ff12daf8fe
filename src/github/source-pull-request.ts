import type { GitHubContext } from './context.js';
import { bodyForGitHub } from './comments.js';
import type { OpenedPullRequest as SourceOpened, SourcePullRequest } from '../sources/run.js';

/** The pull request the sync asks for (sources/run.ts), opened here; what it answers adds the branch and commit. */
export type { SourcePullRequest };

export interface OpenedPullRequest extends SourceOpened {
  branch: string;
  commit: string;
}

export const sourceBranch = (source: string) => `roster/source-${source}`;

const isNotFound = (error: unknown) => (error as { status?: number }).status === 404;

/*
 * `roster source sync --github-pr` (issue 27): here, beside the other GitHub writes, so src/sources knows no
 * GitHub client; the command hands this function to the sync.
 */

/**
 * Opens the source's pull request, or updates the one already open: one commit of the changed files on
 * top of the base branch (Git data API: a tree, a commit, the branch moved to it), so the pull request
 * always holds exactly this sync's change against the base, however many syncs came before.
 */
export async function openSourcePullRequest(ctx: GitHubContext, pr: SourcePullRequest): Promise<OpenedPullRequest> {
  const { octokit, owner, repo } = ctx;
  const body = bodyForGitHub(pr.body);
  const branch = sourceBranch(pr.source);
  const base = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${pr.base}` }).catch((error: unknown) => {
    if (isNotFound(error)) throw new Error(`the base branch ${pr.base} does not exist in ${owner}/${repo}; pass --base BRANCH`);
    throw error;
  });
  const baseSha = base.data.object.sha;
  const baseCommit = await octokit.rest.git.getCommit({ owner, repo, commit_sha: baseSha });
  const tree = await octokit.rest.git.createTree({
    owner,
    repo,
    base_tree: baseCommit.data.tree.sha,
    tree: [...pr.files].map(([path, content]) => ({ path, mode: '100644' as const, type: 'blob' as const, content })),
  });
  const commit = await octokit.rest.git.createCommit({ owner, repo, message: pr.title, tree: tree.data.sha, parents: [baseSha] });
  const existing = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` }).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  if (existing) await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: commit.data.sha, force: true });
  else await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: commit.data.sha });

  const open = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${branch}`, base: pr.base, state: 'open', per_page: 100 });
  const mine = open.data.find((p) => p.head.ref === branch);
  if (mine) {
    const { data } = await octokit.rest.pulls.update({ owner, repo, pull_number: mine.number, title: pr.title, body });
    return { number: data.number, url: data.html_url, created: false, branch, commit: commit.data.sha };
  }
  const { data } = await octokit.rest.pulls.create({ owner, repo, head: branch, base: pr.base, title: pr.title, body });
  return { number: data.number, url: data.html_url, created: true, branch, commit: commit.data.sha };
}
