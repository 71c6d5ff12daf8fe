import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

/**
 * A local fake of the parts of the GitHub REST API roster calls: issue comments (paginated with
 * Link headers), issues by label, labels, the pull requests of a commit, and a pull request's details
 * (author, head, merged_at), timeline events and reviews (the reviewed override). octokit talks to it
 * over real HTTP through `baseUrl`; every request is logged with its raw body, so tests can grep
 * exactly what would have reached GitHub.
 */

export interface FakeUser {
  login: string;
  type: 'User' | 'Bot';
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: FakeUser;
  /** GitHub's clock (the fake's, see advanceClock): set on create, moved by every edit. Seeded comments may leave them out. */
  created_at?: string;
  updated_at?: string;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason?: string | null;
  labels: string[];
  pull_request?: boolean;
  user: FakeUser;
}

export interface FakePull {
  number: number;
  merged_at: string | null;
  merge_commit_sha: string | null;
  /** Commits this pull request contains (what `commits/{sha}/pulls` matches). */
  commits: string[];
  labels?: string[];
  // The override's two people (issue 23): who opened it, its head, its timeline and reviews.
  // Issue 29 (roster report access) names people by login alone: `user` and `merged_by` may be plain logins.
  user?: FakeUser | string;
  merged_by?: string;
  head_sha?: string;
  closed?: boolean;
  timeline?: FakeTimelineEvent[];
  reviews?: (FakeReview | FakeLoginReview)[];
  // Pull requests opened through the API (roster source sync, issue 27).
  title?: string;
  body?: string;
  head?: string;
  base?: string;
  state?: 'open' | 'closed';
}

export interface FakeTimelineEvent {
  event: 'labeled' | 'unlabeled' | string;
  created_at: string;
  actor: FakeUser;
  label?: { name: string };
}

export interface FakeReview {
  id?: number;
  user: FakeUser;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  commit_id: string;
  submitted_at: string;
  author_association: 'OWNER' | 'MEMBER' | 'COLLABORATOR' | 'CONTRIBUTOR' | 'NONE';
}

/** A review named by its reviewer's login alone (issue 29's tests): answered as a FakeReview. */
export interface FakeLoginReview {
  login: string;
  state: FakeReview['state'];
  submitted_at: string;
  commit_id?: string;
}

/** A tiny Git object store for the Git data API (issue 27): trees are whole path → content maps. */
export interface FakeGit {
  refs: Record<string, string>;
  commits: Record<string, { tree: string; parents: string[]; message: string }>;
  trees: Record<string, Record<string, string>>;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: string;
  authorization?: string;
}

export interface FakeGitHub {
  url: string;
  owner: string;
  repo: string;
  token: string;
  comments: FakeComment[];
  issues: FakeIssue[];
  labels: { name: string; color: string; description?: string }[];
  pulls: FakePull[];
  requests: LoggedRequest[];
  git: FakeGit;
  /** Every body and query roster sent, as one string to grep. */
  sent(): string;
  /** Moves the fake's clock (comments' created_at and updated_at) ahead of the real one by `ms`. */
  advanceClock(ms: number): void;
  writes(): LoggedRequest[];
  close(): Promise<void>;
}

/** The environment a GitHub Actions job would give roster, pointed at this fake (run 42, no job summary). */
export function githubEnv(gh: FakeGitHub, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITHUB_TOKEN: gh.token,
    GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
    GITHUB_API_URL: gh.url,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '42',
    GITHUB_STEP_SUMMARY: '',
    ...extra,
  };
}

const BOT: FakeUser = { login: 'github-actions[bot]', type: 'Bot' };
/** Who opens the pull requests addPullRequest seeds. */
export const AUTHOR: FakeUser = { login: 'alice', type: 'User' };

export async function startFakeGitHub(options: { owner?: string; repo?: string; token?: string } = {}): Promise<FakeGitHub> {
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'people';
  const token = options.token ?? 'ghs_faketoken1234567890';
  let nextId = 1000;
  // GitHub's clock, as comments' timestamps show it: the real one, moved ahead by tests (advanceClock).
  let clockOffset = 0;
  const now = () => new Date(Date.now() + clockOffset).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const SEEDED = '2026-01-01T00:00:00Z';
  const state = {
    comments: [] as FakeComment[],
    issues: [] as FakeIssue[],
    labels: [] as { name: string; color: string; description?: string }[],
    pulls: [] as FakePull[],
    requests: [] as LoggedRequest[],
    git: { refs: {}, commits: {}, trees: {} },
  };
  let url = '';
  const html = (path: string) => `https://github.example/${owner}/${repo}/${path}`;
  const commentJson = (c: FakeComment) => ({
    id: c.id,
    body: c.body,
    user: c.user,
    created_at: c.created_at ?? SEEDED,
    updated_at: c.updated_at ?? c.created_at ?? SEEDED,
    html_url: html(`pull/${c.issue}#issuecomment-${c.id}`),
    issue_url: `${url}/repos/${owner}/${repo}/issues/${c.issue}`,
  });
  const issueJson = (i: FakeIssue) => ({
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason ?? null,
    labels: i.labels.map((name) => ({ name })),
    user: i.user,
    html_url: html(`issues/${i.number}`),
    ...(i.pull_request ? { pull_request: { url: `${url}/repos/${owner}/${repo}/pulls/${i.number}` } } : {}),
  });
  const nextIssueNumber = () => Math.max(0, ...state.issues.map((i) => i.number), ...state.pulls.map((p) => p.number)) + 1;

  function paginate<T>(req: URL, res: ServerResponse, items: T[]): void {
    const perPage = Math.min(Number(req.searchParams.get('per_page') ?? 30), 100);
    const page = Math.max(Number(req.searchParams.get('page') ?? 1), 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const links: string[] = [];
    const link = (p: number, rel: string) => {
      const next = new URL(req.toString());
      next.searchParams.set('page', String(p));
      next.searchParams.set('per_page', String(perPage));
      links.push(`<${next.toString()}>; rel="${rel}"`);
    };
    if (page < last) link(page + 1, 'next');
    if (page < last) link(last, 'last');
    if (page > 1) link(1, 'first');
    if (page > 1) link(page - 1, 'prev');
    if (links.length) res.setHeader('link', links.join(', '));
    send(res, 200, items.slice((page - 1) * perPage, page * perPage));
  }

  function send(res: ServerResponse, status: number, body?: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }
  const notFound = (res: ServerResponse) => send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const u = new URL(req.url ?? '/', url);
    state.requests.push({
      method: req.method ?? 'GET',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      body: raw,
      authorization: req.headers.authorization,
    });
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${token}` && auth !== `bearer ${token}` && auth !== `Bearer ${token}`) {
      return send(res, 401, { message: 'Bad credentials' });
    }
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const prefix = `/repos/${owner}/${repo}`;
    if (!u.pathname.startsWith(`${prefix}/`)) return notFound(res);
    const path = u.pathname.slice(prefix.length);
    const method = req.method;
    let m: RegExpExecArray | null;

    if ((m = /^\/issues\/(\d+)\/comments$/.exec(path))) {
      const issue = Number(m[1]);
      if (!state.issues.some((i) => i.number === issue)) return notFound(res);
      if (method === 'GET') return paginate(u, res, state.comments.filter((c) => c.issue === issue).map(commentJson));
      if (method === 'POST') {
        if (typeof body.body !== 'string') return send(res, 422, { message: 'body is required' });
        if (body.body.length > 65_536) return send(res, 422, { message: 'Validation Failed', errors: [{ code: 'too_long' }] });
        const at = now();
        const comment: FakeComment = { id: nextId++, issue, body: body.body, user: BOT, created_at: at, updated_at: at };
        state.comments.push(comment);
        return send(res, 201, commentJson(comment));
      }
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(path)) && method === 'PATCH') {
      const comment = state.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return notFound(res);
      if (typeof body.body !== 'string' || body.body.length > 65_536) return send(res, 422, { message: 'Validation Failed' });
      // GitHub moves updated_at on every edit, also one that writes the same text back.
      comment.body = body.body;
      comment.updated_at = now();
      return send(res, 200, commentJson(comment));
    }
    if (path === '/issues') {
      if (method === 'GET') {
        const labels = (u.searchParams.get('labels') ?? '').split(',').filter(Boolean);
        const wanted = u.searchParams.get('state') ?? 'open';
        const found = state.issues.filter(
          (i) => (wanted === 'all' || i.state === wanted) && labels.every((l) => i.labels.includes(l)),
        );
        return paginate(u, res, found.map(issueJson));
      }
      if (method === 'POST') {
        if (typeof body.title !== 'string') return send(res, 422, { message: 'title is required' });
        if (typeof body.body === 'string' && body.body.length > 65_536) return send(res, 422, { message: 'Validation Failed' });
        const labels = (body.labels as string[] | undefined) ?? [];
        const missing = labels.filter((l) => !state.labels.some((x) => x.name === l));
        if (missing.length) return send(res, 422, { message: `label does not exist: ${missing.join(', ')}` });
        const issue: FakeIssue = { number: nextIssueNumber(), title: body.title, body: String(body.body ?? ''), state: 'open', labels, user: BOT };
        state.issues.push(issue);
        return send(res, 201, issueJson(issue));
      }
    }
    if ((m = /^\/issues\/(\d+)$/.exec(path)) && method === 'PATCH') {
      const issue = state.issues.find((i) => i.number === Number(m![1]));
      if (!issue) return notFound(res);
      if (typeof body.body === 'string') issue.body = body.body;
      if (typeof body.title === 'string') issue.title = body.title;
      if (body.state === 'open' || body.state === 'closed') issue.state = body.state;
      if ('state_reason' in body) issue.state_reason = body.state_reason as string | null;
      return send(res, 200, issueJson(issue));
    }
    if ((m = /^\/labels\/([^/]+)$/.exec(path)) && method === 'GET') {
      const label = state.labels.find((l) => l.name === decodeURIComponent(m![1]));
      return label ? send(res, 200, label) : notFound(res);
    }
    if (path === '/labels' && method === 'POST') {
      if (state.labels.some((l) => l.name === body.name)) return send(res, 422, { message: 'Validation Failed', errors: [{ code: 'already_exists' }] });
      const label = { name: String(body.name), color: String(body.color ?? 'ededed'), description: body.description as string | undefined };
      state.labels.push(label);
      return send(res, 201, label);
    }
    if ((m = /^\/commits\/([0-9a-f]+)\/pulls$/.exec(path)) && method === 'GET') {
      const sha = m[1];
      const pulls = state.pulls
        .filter((p) => p.commits.includes(sha) || p.merge_commit_sha === sha)
        .map((p) => ({
          number: p.number,
          merged_at: p.merged_at,
          merge_commit_sha: p.merge_commit_sha,
          state: p.merged_at ? 'closed' : 'open',
          labels: (p.labels ?? []).map((name) => ({ name })),
          head: { sha: p.head_sha ?? p.commits.at(-1) ?? '0'.repeat(40), ref: `branch-${p.number}` },
        }));
      return paginate(u, res, pulls);
    }
    // Pull request details, timeline events and reviews (the reviewed override, issue 23).
    if ((m = /^\/pulls\/(\d+)(\/reviews)?$/.exec(path)) && method === 'GET') {
      const pull = state.pulls.find((p) => p.number === Number(m![1]));
      if (!pull) return notFound(res);
      const asUser = (login: FakeUser | string): FakeUser => (typeof login === 'string' ? { login, type: 'User' } : login);
      const headSha = pull.head_sha ?? pull.commits.at(-1) ?? '0'.repeat(40);
      const review = (r: FakeReview | FakeLoginReview, i: number) =>
        'login' in r
          ? { id: 9000 + i, body: '', user: asUser(r.login), state: r.state, submitted_at: r.submitted_at, commit_id: r.commit_id ?? headSha, author_association: 'MEMBER' }
          : { id: r.id ?? i + 1, body: '', ...r };
      if (m[2]) return paginate(u, res, (pull.reviews ?? []).map(review));
      return send(res, 200, {
        number: pull.number,
        state: pull.merged_at || pull.closed || pull.state === 'closed' ? 'closed' : 'open',
        merged: Boolean(pull.merged_at),
        merged_at: pull.merged_at,
        merge_commit_sha: pull.merge_commit_sha,
        html_url: html(`pull/${pull.number}`),
        user: asUser(pull.user ?? AUTHOR),
        merged_by: pull.merged_by ? asUser(pull.merged_by) : null,
        head: { sha: headSha, ref: `branch-${pull.number}` },
        base: { sha: 'b'.repeat(40), ref: 'main' },
        labels: (pull.labels ?? []).map((name) => ({ name })),
      });
    }
    if ((m = /^\/issues\/(\d+)\/timeline$/.exec(path)) && method === 'GET') {
      const pull = state.pulls.find((p) => p.number === Number(m![1]));
      if (!pull && !state.issues.some((i) => i.number === Number(m![1]))) return notFound(res);
      return paginate(u, res, pull?.timeline ?? []);
    }
    // --- Git data API and pull requests (issue 27, roster source sync) ---
    const gitRoutes = gitAndPullRoutes(state, { path, method: method ?? 'GET', body, query: u.searchParams, owner, html, nextIssueNumber });
    if (gitRoutes) return send(res, gitRoutes.status, gitRoutes.body);
    return notFound(res);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    owner,
    repo,
    token,
    ...state,
    sent: () => state.requests.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)} ${r.body}`).join('\n'),
    advanceClock: (ms: number) => {
      clockOffset += ms;
    },
    writes: () => state.requests.filter((r) => r.method !== 'GET'),
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** Seeds an open pull request (an issue with `pull_request`, as GitHub stores them). */
export function addPullRequest(gh: FakeGitHub, number: number, pull: Partial<FakePull> = {}): void {
  gh.issues.push({ number, title: `PR ${number}`, body: '', state: 'open', labels: [], pull_request: true, user: AUTHOR });
  gh.pulls.push({ number, merged_at: null, merge_commit_sha: null, commits: [], ...pull });
}

/** A label added (or removed) on a pull request at a time, as its timeline records it; its labels follow. */
export function labelPull(gh: FakeGitHub, number: number, label: string, actor: FakeUser, at: string, event: 'labeled' | 'unlabeled' = 'labeled'): void {
  const pull = gh.pulls.find((p) => p.number === number)!;
  (pull.timeline ??= []).push({ event, created_at: at, actor, label: { name: label } });
  const labels = new Set(pull.labels ?? []);
  if (event === 'labeled') labels.add(label);
  else labels.delete(label);
  pull.labels = [...labels];
}

/** A review submitted on a pull request (write access unless said otherwise). */
export function reviewPull(gh: FakeGitHub, number: number, review: Partial<FakeReview> & Pick<FakeReview, 'user' | 'commit_id' | 'submitted_at'>): void {
  const pull = gh.pulls.find((p) => p.number === number)!;
  (pull.reviews ??= []).push({ state: 'APPROVED', author_association: 'MEMBER', ...review });
}

// --- issue 27: the Git data API and pull requests, as `roster source sync --github-pr` uses them ---

const fakeSha = (...parts: string[]) => createHash('sha1').update(parts.join('\0')).digest('hex');

interface GitRouteContext {
  path: string;
  method: string;
  body: Record<string, unknown>;
  query: URLSearchParams;
  owner: string;
  html: (path: string) => string;
  nextIssueNumber: () => number;
}

function gitAndPullRoutes(
  state: { git: FakeGit; pulls: FakePull[]; issues: FakeIssue[] },
  { path, method, body, query, owner, html, nextIssueNumber }: GitRouteContext,
): { status: number; body: unknown } | undefined {
  const git = state.git;
  const missing = { status: 404, body: { message: 'Not Found' } };
  const pullJson = (p: FakePull) => ({ number: p.number, title: p.title, body: p.body, state: p.state ?? 'open', html_url: html(`pull/${p.number}`), head: { ref: p.head, sha: git.refs[`heads/${p.head}`] }, base: { ref: p.base } });
  let m: RegExpExecArray | null;
  if ((m = /^\/git\/ref\/(.+)$/.exec(path)) && method === 'GET') {
    const ref = decodeURIComponent(m[1]);
    return git.refs[ref] ? { status: 200, body: { ref: `refs/${ref}`, object: { sha: git.refs[ref], type: 'commit' } } } : missing;
  }
  if ((m = /^\/git\/commits\/([0-9a-f]{40})$/.exec(path)) && method === 'GET') {
    const c = git.commits[m[1]];
    return c ? { status: 200, body: { sha: m[1], message: c.message, tree: { sha: c.tree }, parents: c.parents.map((sha) => ({ sha })) } } : missing;
  }
  if (path === '/git/trees' && method === 'POST') {
    const base = typeof body.base_tree === 'string' ? git.trees[body.base_tree] : {};
    if (!base) return { status: 422, body: { message: 'base_tree not found' } };
    const files = { ...base };
    for (const entry of (body.tree as { path: string; content?: string; sha?: string | null; type: string }[]) ?? []) {
      if (entry.type !== 'blob' || typeof entry.path !== 'string' || entry.path.startsWith('/') || entry.path.includes('..')) return { status: 422, body: { message: 'bad tree entry' } };
      if (entry.sha === null) delete files[entry.path];
      else if (typeof entry.content === 'string') files[entry.path] = entry.content;
      else return { status: 422, body: { message: 'tree entry needs content' } };
    }
    const sha = fakeSha('tree', JSON.stringify(Object.entries(files).sort()));
    git.trees[sha] = files;
    return { status: 201, body: { sha } };
  }
  if (path === '/git/commits' && method === 'POST') {
    const tree = String(body.tree);
    const parents = (body.parents as string[]) ?? [];
    if (!git.trees[tree] || parents.some((p) => !git.commits[p])) return { status: 422, body: { message: 'tree or parent not found' } };
    const sha = fakeSha('commit', tree, ...parents, String(body.message));
    git.commits[sha] = { tree, parents, message: String(body.message) };
    return { status: 201, body: { sha, tree: { sha: tree } } };
  }
  if (path === '/git/refs' && method === 'POST') {
    const ref = String(body.ref).replace(/^refs\//, '');
    if (git.refs[ref]) return { status: 422, body: { message: 'Reference already exists' } };
    if (!git.commits[String(body.sha)]) return { status: 422, body: { message: 'Object does not exist' } };
    git.refs[ref] = String(body.sha);
    return { status: 201, body: { ref: `refs/${ref}`, object: { sha: body.sha } } };
  }
  if ((m = /^\/git\/refs\/(.+)$/.exec(path)) && method === 'PATCH') {
    const ref = decodeURIComponent(m[1]);
    const sha = String(body.sha);
    if (!git.refs[ref]) return missing;
    if (!git.commits[sha]) return { status: 422, body: { message: 'Object does not exist' } };
    if (body.force !== true && !git.commits[sha].parents.includes(git.refs[ref])) return { status: 422, body: { message: 'Update is not a fast forward' } };
    git.refs[ref] = sha;
    return { status: 200, body: { ref: `refs/${ref}`, object: { sha } } };
  }
  if (path === '/pulls' && method === 'GET') {
    const head = query.get('head');
    const wanted = query.get('state') ?? 'open';
    const found = state.pulls.filter((p) => p.head && (!head || `${owner}:${p.head}` === head) && (wanted === 'all' || (p.state ?? 'open') === wanted) && (!query.get('base') || p.base === query.get('base')));
    return { status: 200, body: found.map(pullJson) };
  }
  if (path === '/pulls' && method === 'POST') {
    const head = String(body.head);
    const base = String(body.base);
    if (!git.refs[`heads/${head}`] || !git.refs[`heads/${base}`]) return { status: 422, body: { message: 'Validation Failed', errors: [{ field: 'head', code: 'invalid' }] } };
    if (state.pulls.some((p) => p.head === head && (p.state ?? 'open') === 'open')) return { status: 422, body: { message: `A pull request already exists for ${owner}:${head}.` } };
    if (typeof body.body === 'string' && body.body.length > 65_536) return { status: 422, body: { message: 'Validation Failed' } };
    const number = nextIssueNumber();
    const pull: FakePull = { number, merged_at: null, merge_commit_sha: null, commits: [git.refs[`heads/${head}`]], title: String(body.title), body: String(body.body ?? ''), head, base, state: 'open' };
    state.pulls.push(pull);
    state.issues.push({ number, title: pull.title!, body: pull.body!, state: 'open', labels: [], pull_request: true, user: BOT });
    return { status: 201, body: pullJson(pull) };
  }
  if ((m = /^\/pulls\/(\d+)$/.exec(path)) && method === 'PATCH') {
    const pull = state.pulls.find((p) => p.number === Number(m![1]));
    if (!pull) return missing;
    if (typeof body.title === 'string') pull.title = body.title;
    if (typeof body.body === 'string') {
      if (body.body.length > 65_536) return { status: 422, body: { message: 'Validation Failed' } };
      pull.body = body.body;
    }
    return { status: 200, body: pullJson(pull) };
  }
  return undefined;
}

/** Seeds a branch whose one commit holds `files` (path → content), as a repository the sync works against. */
export function seedRepository(gh: FakeGitHub, files: Record<string, string>, branch = 'main'): string {
  const tree = fakeSha('tree', JSON.stringify(Object.entries(files).sort()));
  gh.git.trees[tree] = { ...files };
  const sha = fakeSha('commit', tree, 'seed');
  gh.git.commits[sha] = { tree, parents: [], message: 'seed' };
  gh.git.refs[`heads/${branch}`] = sha;
  return sha;
}

/** The files at the tip of a branch. */
export function filesAt(gh: FakeGitHub, branch: string): Record<string, string> {
  const sha = gh.git.refs[`heads/${branch}`];
  if (!sha) throw new Error(`no branch ${branch}`);
  return gh.git.trees[gh.git.commits[sha].tree];
}
