import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Octokit } from 'octokit';
import { registerSecret } from '../secrets/redact.js';
import type { SourceLinks } from '../render/annotations.js';

export type Env = Record<string, string | undefined>;

/** Everything roster needs to talk to one repository on GitHub, read from the Actions environment. */
export interface GitHubContext {
  octokit: Octokit;
  owner: string;
  repo: string;
  /** The pull request this run is for (pull_request events), when there is one. */
  pullNumber?: number;
  /** Labels of that pull request as the event payload has them (a `labeled` event carries the new set). */
  pullLabels?: string[];
  /** The pull request's head commit as the event payload has it: the commit this run plans. */
  pullHeadSha?: string;
  /** The commit this run is for (GITHUB_SHA). */
  sha?: string;
  /** The workflow run's page, where its artifacts (the full plan) are listed. */
  runUrl?: string;
  /**
   * Who roster's comments are by. A comment carrying roster's marker counts only when written by
   * this login, or by any bot when unset: a comment a person wrote can neither be mistaken for
   * the plan nor pass a checksum to apply. Set ROSTER_COMMENT_AUTHOR when posting with a user's token.
   */
  commentAuthor?: string;
  /**
   * ROSTER_COMMENT_KEY: the secret that signs roster's plan comment (comment-signature.ts), held only in
   * the roster-plan and roster-apply environments. Unset (or empty: a secret the environment lacks), the
   * comment is posted unsigned and edits to it cannot be detected.
   */
  commentKey?: string;
}

/** A variable the GitHub commands need is missing or unusable; the message says which and what to do. */
export class GitHubContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitHubContextError';
  }
}

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** An octokit client for GITHUB_API_URL (GitHub Enterprise, or a local fake in tests). */
export function createOctokit(token: string, baseUrl = 'https://api.github.com'): Octokit {
  registerSecret(token);
  // Octokit paces writes (a second or more apart) to keep GitHub's abuse limits happy; an API on
  // this machine (the fake in tests, a local proxy) is not GitHub and needs no pacing.
  const local = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(baseUrl);
  return new Octokit({
    auth: token,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    ...(local ? { throttle: { enabled: false } } : {}),
    userAgent: `roster/${version}`,
    // Octokit's own notices go to stderr like every other diagnostic; nothing on stdout.
    log: { debug: () => {}, info: () => {}, warn: (m: string) => process.stderr.write(`${m}\n`), error: (m: string) => process.stderr.write(`${m}\n`) },
  });
}

export interface ContextOptions {
  /** Fail unless the run is for a pull request (`--github-comment`). */
  pullRequest?: boolean;
}

/**
 * The context from the standard Actions variables: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL,
 * and the pull request number from the event payload (GITHUB_EVENT_PATH) or GITHUB_REF
 * (`refs/pull/N/merge`). Every missing variable is named in the error.
 */
export function githubContextFromEnv(env: Env = process.env, options: ContextOptions = {}): GitHubContext {
  const token = env.GITHUB_TOKEN;
  const repository = env.GITHUB_REPOSITORY;
  const missing = [
    !token && 'GITHUB_TOKEN (in a workflow: `env: GITHUB_TOKEN: ${{ github.token }}`)',
    !repository && 'GITHUB_REPOSITORY (owner/name; set by GitHub Actions)',
  ].filter(Boolean);
  if (missing.length) throw new GitHubContextError(`cannot talk to GitHub: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set`);
  const [owner, repo, ...rest] = repository!.split('/');
  if (!owner || !repo || rest.length) {
    throw new GitHubContextError(`GITHUB_REPOSITORY is "${repository}"; expected owner/name`);
  }

  const pullNumber = pullRequestNumber(env);
  if (options.pullRequest && pullNumber === undefined) {
    throw new GitHubContextError(
      'no pull request to comment on: neither the event payload (GITHUB_EVENT_PATH) holds a pull_request nor is ' +
        `GITHUB_REF refs/pull/N/merge (it is ${env.GITHUB_REF ? `"${env.GITHUB_REF}"` : 'not set'}); ` +
        '--github-comment works in workflows run on pull_request events',
    );
  }

  const commentKey = commentKeyOf(env);
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    octokit: createOctokit(token!, env.GITHUB_API_URL),
    owner,
    repo,
    pullNumber,
    pullLabels: pullRequestOfEvent(env).labels,
    pullHeadSha: pullRequestOfEvent(env).headSha,
    sha: env.GITHUB_SHA,
    runUrl: env.GITHUB_RUN_ID ? `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    commentAuthor: env.ROSTER_COMMENT_AUTHOR || undefined,
    ...(commentKey ? { commentKey } : {}),
  };
}

/** A shorter comment key is refused: `openssl rand -hex 32` gives 64 characters. */
export const MIN_COMMENT_KEY_LENGTH = 32;

/**
 * ROSTER_COMMENT_KEY, registered as a secret before anything could print it. Empty counts as unset:
 * `${{ secrets.X }}` of a secret the environment does not hold is empty, and the run then warns.
 */
function commentKeyOf(env: Env): string | undefined {
  const key = env.ROSTER_COMMENT_KEY;
  if (!key) return undefined;
  registerSecret(key);
  if (key.length < MIN_COMMENT_KEY_LENGTH) {
    throw new GitHubContextError(
      `ROSTER_COMMENT_KEY is ${key.length} characters; it must be at least ${MIN_COMMENT_KEY_LENGTH} (create one with \`openssl rand -hex 32\`)`,
    );
  }
  return key;
}

/** The pull request of the run's event payload (GITHUB_EVENT_PATH), when the event is about one. */
export function pullRequestOfEvent(env: Env): { number?: number; headSha?: string; labels?: string[] } {
  if (!env.GITHUB_EVENT_PATH) return {};
  let event: { pull_request?: { number?: unknown; head?: { sha?: unknown }; labels?: unknown } };
  try {
    event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
  } catch (error) {
    throw new GitHubContextError(`GITHUB_EVENT_PATH (${env.GITHUB_EVENT_PATH}) cannot be read as the event payload: ${(error as Error).message}`);
  }
  const { number, head, labels } = event.pull_request ?? {};
  return {
    number: typeof number === 'number' ? number : undefined,
    headSha: typeof head?.sha === 'string' ? head.sha : undefined,
    labels: Array.isArray(labels) ? labels.map((l: { name?: unknown }) => l?.name).filter((n): n is string => typeof n === 'string') : undefined,
  };
}

function pullRequestNumber(env: Env): number | undefined {
  const fromEvent = pullRequestOfEvent(env).number;
  if (fromEvent !== undefined) return fromEvent;
  const ref = /^refs\/pull\/(\d+)\/(?:merge|head)$/.exec(env.GITHUB_REF ?? '');
  return ref ? Number(ref[1]) : undefined;
}

/**
 * Where validation problems link to: files at the pull request's head (the lines the author wrote),
 * else at GITHUB_SHA; inside GITHUB_WORKSPACE. No links outside Actions.
 */
export function sourceLinksFromEnv(env: Env = process.env): SourceLinks {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo } = env;
  const sha = pullRequestOfEvent(env).headSha ?? env.GITHUB_SHA;
  return { workspace: env.GITHUB_WORKSPACE, blobBase: server && repo && sha ? `${server}/${repo}/blob/${sha}` : undefined };
}
