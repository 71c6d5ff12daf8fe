import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import type { Octokit } from 'octokit';
import { z } from 'zod';

/*
 * Who approved a change: the pull request that merged a commit, and its reviews, from GitHub's REST API
 * (GET /repos/{o}/{r}/commits/{sha}/pulls, /pulls/{n}, /pulls/{n}/reviews). A merged pull request and the
 * reviews submitted before its merge do not change any more, so they are cached on disk by commit: the
 * next report asks GitHub only about commits it has not seen.
 */

/** A review as the report weighs it. */
export interface Review {
  login: string;
  state: string;
  submittedAt?: string;
  /** The commit the reviewer saw. */
  commitId?: string;
}

/** The merged pull request a commit came in by, with what the report needs of it. */
export interface MergedPull {
  number: number;
  url?: string;
  author?: string;
  mergedBy?: string;
  mergedAt: string;
  /** The head the pull request was merged with. */
  headSha?: string;
  reviews: Review[];
}

const reviewSchema = z.object({ login: z.string(), state: z.string(), submittedAt: z.string().optional(), commitId: z.string().optional() });
const cachedSchema = z.object({
  version: z.literal(1),
  pull: z
    .object({
      number: z.number().int(),
      url: z.string().optional(),
      author: z.string().optional(),
      mergedBy: z.string().optional(),
      mergedAt: z.string(),
      headSha: z.string().optional(),
      reviews: z.array(reviewSchema),
    })
    .nullable(),
});

/** Where pull requests come from: GitHub through octokit (githubPulls), or nothing (no token). */
export interface PullSource {
  /** The merged pull request of a commit of the main line; null when none merged it (a direct push). */
  mergedPullOf(sha: string): Promise<MergedPull | null>;
}

export interface GitHubRepo {
  octokit: Octokit;
  owner: string;
  repo: string;
}

/** Pull requests from GitHub, each commit asked once, cached in `cacheDir` when given. */
export function githubPulls(gh: GitHubRepo, cacheDir?: string): PullSource {
  const cacheFile = (sha: string) =>
    cacheDir && path.join(cacheDir, createHash('sha256').update(`${gh.owner}/${gh.repo}`).digest('hex').slice(0, 16), `${sha}.json`);
  return {
    async mergedPullOf(sha) {
      if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`not a commit sha: ${sha}`);
      const file = cacheFile(sha);
      if (file) {
        const cached = await readCache(file);
        if (cached !== undefined) return cached;
      }
      const pull = await askGitHub(gh, sha);
      // Only an answer that will not change is kept: a merged pull request (and not a commit nobody merged yet).
      if (file && pull) await writeCache(file, pull);
      return pull;
    },
  };
}

async function readCache(file: string): Promise<MergedPull | null | undefined> {
  try {
    const parsed = cachedSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    // A damaged or foreign cache entry is asked again, never trusted.
    return parsed.success ? parsed.data.pull : undefined;
  } catch {
    return undefined;
  }
}

async function writeCache(file: string, pull: MergedPull): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify({ version: 1, pull })}\n`);
  await rename(temp, file);
}

async function askGitHub(gh: GitHubRepo, sha: string): Promise<MergedPull | null> {
  const { owner, repo, octokit } = gh;
  const pulls = await octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, { owner, repo, commit_sha: sha, per_page: 100 });
  // The pull request whose merge made this commit (merge or squash commit), else a merged one that contains it.
  const merged = pulls.filter((p) => p.merged_at);
  const chosen = merged.find((p) => p.merge_commit_sha === sha) ?? merged.sort((a, b) => String(a.merged_at).localeCompare(String(b.merged_at)))[0];
  if (!chosen) return null;
  const { data: pull } = await octokit.rest.pulls.get({ owner, repo, pull_number: chosen.number });
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { owner, repo, pull_number: chosen.number, per_page: 100 });
  return {
    number: pull.number,
    url: pull.html_url,
    author: pull.user?.login,
    mergedBy: pull.merged_by?.login,
    mergedAt: pull.merged_at ?? String(chosen.merged_at),
    headSha: pull.head?.sha,
    reviews: reviews
      .filter((r) => r.user?.login)
      .map((r) => ({ login: r.user!.login, state: r.state, ...(r.submitted_at ? { submittedAt: r.submitted_at } : {}), ...(r.commit_id ? { commitId: r.commit_id } : {}) })),
  };
}

/** Asks for several commits at once, a few at a time (GitHub's secondary limits dislike bursts). */
export async function pullsOf(source: PullSource, shas: Iterable<string>, onError: (sha: string, error: unknown) => void): Promise<Map<string, MergedPull | null>> {
  const limit = pLimit(4);
  const found = new Map<string, MergedPull | null>();
  await Promise.all(
    [...new Set(shas)].map((sha) =>
      limit(async () => {
        try {
          found.set(sha, await source.mergedPullOf(sha));
        } catch (error) {
          onError(sha, error);
        }
      }),
    ),
  );
  return found;
}

/** How the change that gave someone their access was approved. */
export type ApprovalVerdict = 'approved' | 'self-approved' | 'unapproved' | 'no-pull-request' | 'unknown';

export interface Approval {
  verdict: ApprovalVerdict;
  /** Logins whose approval counts: submitted before the merge, on the commit that was merged, not the author's. */
  approvers: string[];
  /** Approvals that do not count, and why (`bob: approved an earlier commit`). */
  discounted: string[];
}

/**
 * Weighs a pull request's reviews for one person's access. A reviewer's last approving or blocking review
 * before the merge is their verdict; an approval of an earlier head (the author pushed after it), one
 * submitted after the merge, and the author's own do not count. Approved only by the person who gets the
 * access (`isGrantee`), or by nobody, is flagged: the field's "self-approved access" finding.
 */
export function weighReviews(pull: MergedPull, isGrantee: (login: string) => boolean): Approval {
  const last = new Map<string, Review>();
  const discounted: string[] = [];
  const ordered = [...pull.reviews].sort((a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? ''));
  for (const review of ordered) {
    if (!['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED'].includes(review.state)) continue;
    if (review.submittedAt && review.submittedAt > pull.mergedAt) {
      if (review.state === 'APPROVED') discounted.push(`${review.login}: approved after the merge`);
      continue;
    }
    last.set(review.login, review);
  }
  const approvers: string[] = [];
  for (const [login, review] of last) {
    if (review.state !== 'APPROVED') continue;
    if (login === pull.author) discounted.push(`${login}: the pull request's author`);
    else if (pull.headSha && review.commitId && review.commitId !== pull.headSha) discounted.push(`${login}: approved an earlier commit (${review.commitId.slice(0, 7)})`);
    else approvers.push(login);
  }
  approvers.sort();
  const others = approvers.filter((login) => !isGrantee(login));
  const verdict: ApprovalVerdict = approvers.length === 0 ? 'unapproved' : others.length === 0 ? 'self-approved' : 'approved';
  return { verdict, approvers, discounted };
}
