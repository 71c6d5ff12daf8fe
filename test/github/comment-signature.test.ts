import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_SKEW_TOLERANCE_MS } from '../../src/github/comment-signature.js';
import { PLAN_COMMENT_LIMIT, postPlanComment, upsertPlanComment } from '../../src/github/comments.js';
import { githubContextFromEnv } from '../../src/github/context.js';
import type { Sandbox } from '../../src/compose/sandbox.js';
import { planChecksum } from '../../src/reconcile/checksum.js';
import { GITHUB_BODY_LIMIT, PLAN_MARKER, parseChecksumMarker } from '../../src/render/markdown.js';
import { runCli, sampleConfig, sampleOfficesAndRoles, sandboxForTest, type Workspace, workspaceForTest } from '../helpers/workspace.js';
import { addPullRequest, githubEnv, startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { hugePlan, samplePlan } from './plans.js';

/*
 * The signed plan comment (ROSTER_COMMENT_KEY): a workflow a pull request adds can edit roster's comment
 * as github-actions[bot], the same identity as roster, and show reviewers a harmless plan over the genuine
 * checksum. roster signs what it posts; `roster github checksum`, as apply.yml runs it on the merge,
 * refuses a comment edited since (also one edited and restored word for word), one signed for another
 * pull request or head, and one without a signature. Real HTTP against the fake GitHub API; edits go
 * through its REST API with the workflow token, as another workflow would send them.
 */

const KEY = 'c0mment-key-4f1d9a7be25c80d36e1f4a9b7c2d5e8f0a1b2c3d';
const OTHER_KEY = 'another-key-000000000000000000000000000000000000';

let gh: FakeGitHub;
let dir: string;
beforeAll(async () => {
  gh = await startFakeGitHub();
  dir = mkdtempSync(join(tmpdir(), 'roster-signature-'));
});
afterAll(async () => {
  await gh?.close();
  rmSync(dir, { recursive: true, force: true });
});

let nextPull = 100;
const sha = (n: number, c: string) => `${c}${String(n).padStart(39, '0')}`;

function eventFile(payload: unknown): string {
  const file = join(dir, `event-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

/**
 * plan.yml's part: a pull request at `head`, its plan posted as roster's comment (signed with `key`, or
 * unsigned with null), then merged as `merge`. Returns what the merge apply looks up, and the comment.
 */
async function plannedAndMerged(key: string | null = KEY) {
  const number = ++nextPull;
  const head = sha(number, 'a');
  const merge = sha(number, 'f');
  addPullRequest(gh, number, { commits: [head], head_sha: head });
  const event = eventFile({ pull_request: { number, head: { sha: head } } });
  const ctx = githubContextFromEnv(githubEnv(gh, { GITHUB_EVENT_PATH: event, ...(key ? { ROSTER_COMMENT_KEY: key } : {}) }), { pullRequest: true });
  const plan = samplePlan();
  await postPlanComment(ctx, plan, { maskEmails: false });
  const pull = gh.pulls.find((p) => p.number === number)!;
  pull.merged_at = new Date().toISOString();
  pull.merge_commit_sha = merge;
  const comment = gh.comments.find((c) => c.issue === number)!;
  return { number, head, merge, comment, checksum: planChecksum(plan), event };
}

/** `roster github checksum` as apply.yml runs it, with the roster-apply environment's key (or none: null). */
function reviewedChecksum(merge: string, key: string | null = KEY, extra: string[] = []) {
  return runCli(['github', 'checksum', '--sha', merge, ...extra], { cwd: dir, env: githubEnv(gh, key ? { ROSTER_COMMENT_KEY: key } : {}) });
}

/** Another workflow editing roster's comment through the API, with a token that may write to pull requests. */
async function editComment(id: number, body: string): Promise<void> {
  const response = await fetch(`${gh.url}/repos/${gh.owner}/${gh.repo}/issues/comments/${id}`, {
    method: 'PATCH',
    headers: { authorization: `token ${gh.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body }),
  });
  expect(response.status).toBe(200);
}

const SIGNATURE = /<!-- roster-plan-signature: v1 pull=(\d+) head=([0-9a-f]+) signedAt=(\S+) hmac=([0-9a-f]{64}) -->$/;

describe('a signed plan comment', () => {
  it('is signed when roster posts it, and hands apply its checksum and seal as before', async () => {
    const { number, head, merge, comment, checksum } = await plannedAndMerged();
    const signature = SIGNATURE.exec(comment.body);
    expect(signature, comment.body.slice(-300)).not.toBeNull();
    expect(signature!.slice(1, 3)).toEqual([String(number), head]);
    // signedAt is the runner's clock just before the post; GitHub stamped the comment within the tolerance.
    expect(Math.abs(Date.parse(comment.updated_at!) - Date.parse(signature![3]))).toBeLessThan(CLOCK_SKEW_TOLERANCE_MS);
    // The checksum marker is inside what is signed, and the signature is last.
    expect(comment.body.indexOf('<!-- roster-plan-checksum:')).toBeLessThan(signature!.index);

    const reviewed = await reviewedChecksum(merge, KEY, ['--seal-out', join(dir, `seal-${number}.json`)]);
    expect(reviewed.code, reviewed.stderr).toBe(0);
    expect(reviewed.stdout).toBe(`${checksum}\n`);
    expect(JSON.parse(readFileSync(join(dir, `seal-${number}.json`), 'utf8'))).toBeTruthy();
    expect(reviewed.stderr).not.toContain('ROSTER_COMMENT_KEY');
    expect(reviewed.stderr).toContain(`plan reviewed on pull request #${number}`);
  });

  it('fits GitHub\'s limit with its signature: roster\'s bodies leave room for it', async () => {
    const number = ++nextPull;
    const head = sha(number, 'a');
    addPullRequest(gh, number, { commits: [head], head_sha: head });
    const ctx = githubContextFromEnv(githubEnv(gh, { GITHUB_EVENT_PATH: eventFile({ pull_request: { number, head: { sha: head } } }), ROSTER_COMMENT_KEY: KEY }), { pullRequest: true });
    // A plan cut to fit, as the comment renders it.
    await postPlanComment(ctx, hugePlan(800), { maskEmails: false });
    const cut = gh.comments.find((c) => c.issue === number)!.body;
    expect(cut).toContain('This plan is longer than GitHub allows here');
    expect(cut).toMatch(SIGNATURE);
    // A body as long as roster's bodies may be, signed: within GitHub's limit. One at GitHub's limit: refused here, not by a 422.
    const longest = `${PLAN_MARKER}\n${'x'.repeat(PLAN_COMMENT_LIMIT - PLAN_MARKER.length - 2)}\n`;
    expect(longest).toHaveLength(PLAN_COMMENT_LIMIT);
    await upsertPlanComment(ctx, longest);
    const signed = gh.comments.find((c) => c.issue === number)!.body;
    expect(signed).toMatch(SIGNATURE);
    expect(signed.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    await expect(upsertPlanComment(ctx, `${longest}${'y'.repeat(GITHUB_BODY_LIMIT - longest.length)}`)).rejects.toThrow(/GitHub takes at most \d+ with the signature/);
  });

  it('is signed again by the next plan run, which edits the same comment: an earlier edit by anyone else is overwritten', async () => {
    const { number, merge, comment, event } = await plannedAndMerged();
    await editComment(comment.id, comment.body.replace('roster plan', 'roster plan (all fine)'));
    expect((await reviewedChecksum(merge)).code).toBe(1);
    // The next push: plan.yml runs again and edits the comment in place; the new signature covers its new text.
    const ctx = githubContextFromEnv(githubEnv(gh, { GITHUB_EVENT_PATH: event, ROSTER_COMMENT_KEY: KEY }), { pullRequest: true });
    await postPlanComment(ctx, samplePlan(), { maskEmails: false });
    expect(gh.comments.filter((c) => c.issue === number)).toHaveLength(1);
    const reviewed = await reviewedChecksum(merge);
    expect(reviewed.code, reviewed.stderr).toBe(0);
  });

  it('refuses a comment GitHub stamped later than the tolerance after the runner signed it (a runner clock far behind): closed, not open', async () => {
    const { event, merge } = await plannedAndMerged();
    gh.advanceClock(10 * 60_000);
    try {
      const ctx = githubContextFromEnv(githubEnv(gh, { GITHUB_EVENT_PATH: event, ROSTER_COMMENT_KEY: KEY }), { pullRequest: true });
      await postPlanComment(ctx, samplePlan(), { maskEmails: false });
      const skewed = await reviewedChecksum(merge);
      expect(skewed.code).toBe(1);
      expect(skewed.stderr).toMatch(/the comment was edited at \S+, after roster signed it at \S+ \(more than 60 s later\)/);
    } finally {
      gh.advanceClock(-10 * 60_000);
    }
  });

  it('takes a body GitHub hands back with CRLF line endings as the one it signed', async () => {
    const { merge, comment } = await plannedAndMerged();
    // Not through the API (that would be an edit, and move updated_at): the same comment, read back with \r\n.
    comment.body = comment.body.replace(/\n/g, '\r\n');
    const reviewed = await reviewedChecksum(merge);
    expect(reviewed.code, reviewed.stderr).toBe(0);
  });

  it('refuses a comment whose visible text was edited, although the marker was kept', async () => {
    const { number, merge, comment } = await plannedAndMerged();
    const original = comment.body;
    // A harmless-looking plan over the genuine checksum and signature, within the clock tolerance.
    const harmless = original.replace(/### roster plan[\s\S]*?(?=<!-- roster-plan-checksum:)/, '### roster plan\n\nNo changes.\n\n');
    expect(harmless).not.toBe(original);
    await editComment(comment.id, harmless);
    const refused = await reviewedChecksum(merge);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`the roster comment on pull request #${number}`);
    expect(refused.stderr).toContain('the comment was edited after roster posted it');
    expect(refused.stderr).toContain(`Re-run the latest plan workflow run of pull request #${number} (the one for its head ${sha(number, 'a')})`);

    // One character is enough; so is text added after the signature.
    await editComment(comment.id, original.replace('roster plan', 'roster  plan'));
    expect((await reviewedChecksum(merge)).stderr).toContain('the comment was edited after roster posted it');
    await editComment(comment.id, `${original}\nLooks fine, merge it.`);
    expect((await reviewedChecksum(merge)).stderr).toContain('carries no signature');
  });

  it('refuses a comment edited during the review and restored byte for byte before the merge', async () => {
    const { merge, comment } = await plannedAndMerged();
    const original = comment.body;
    const signedAt = SIGNATURE.exec(original)![3];
    gh.advanceClock(CLOCK_SKEW_TOLERANCE_MS + 5 * 60_000);
    await editComment(comment.id, original.replace(/### roster plan[\s\S]*?(?=<!-- roster-plan-checksum:)/, '### roster plan\n\nNo changes.\n\n'));
    await editComment(comment.id, original);
    expect(comment.body).toBe(original);
    const refused = await reviewedChecksum(merge);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`the comment was edited at ${comment.updated_at}, after roster signed it at ${signedAt}`);
    gh.advanceClock(-(CLOCK_SKEW_TOLERANCE_MS + 5 * 60_000));
  });

  it('accepts an edit and restore inside the clock tolerance: the window the docs name', async () => {
    const { merge, comment } = await plannedAndMerged();
    const original = comment.body;
    gh.advanceClock(CLOCK_SKEW_TOLERANCE_MS / 2);
    await editComment(comment.id, 'anything');
    await editComment(comment.id, original);
    const reviewed = await reviewedChecksum(merge);
    expect(reviewed.code, reviewed.stderr).toBe(0);
    gh.advanceClock(-CLOCK_SKEW_TOLERANCE_MS / 2);
  });

  it('refuses a comment without its signature, with another key, or signed for another pull request or head', async () => {
    const { number, head, merge, comment } = await plannedAndMerged();
    const original = comment.body;
    const signature = SIGNATURE.exec(original)!;

    // Stripped.
    await editComment(comment.id, original.slice(0, signature.index));
    const stripped = await reviewedChecksum(merge);
    expect(stripped.code).toBe(1);
    expect(stripped.stderr).toContain('it carries no signature');
    await editComment(comment.id, original);

    // The roster-apply environment holds another key than roster-plan's.
    const otherKey = await reviewedChecksum(merge, OTHER_KEY);
    expect(otherKey.code).toBe(1);
    expect(otherKey.stderr).toContain('or it was signed with another ROSTER_COMMENT_KEY');

    // Another pull request's genuine signed comment, copied over this one.
    const other = await plannedAndMerged();
    await editComment(comment.id, other.comment.body);
    const copied = await reviewedChecksum(merge);
    expect(copied.code).toBe(1);
    expect(copied.stderr).toContain(`it is signed for pull request #${other.number} at ${other.head}, not for #${number} at its merged head ${head}`);
    // The same, its marker rewritten to name this pull request and head: the HMAC does not follow.
    await editComment(comment.id, other.comment.body.replace(`pull=${other.number} head=${other.head}`, `pull=${number} head=${head}`));
    const renamed = await reviewedChecksum(merge);
    expect(renamed.code).toBe(1);
    expect(renamed.stderr).toContain('the comment was edited after roster posted it');
    await editComment(comment.id, original);

    // The pull request merged another head than the one the plan was made from (a push the plan never ran for).
    const pull = gh.pulls.find((p) => p.number === number)!;
    pull.head_sha = sha(number, 'b');
    const moved = await reviewedChecksum(merge);
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain(`it is signed for pull request #${number} at ${head}, not for #${number} at its merged head ${pull.head_sha}`);
    pull.head_sha = head;
    expect((await reviewedChecksum(merge)).code).toBe(0);
  });

  it('refuses a comment another workflow posted before roster\'s, as a bot, with a marker of its own', async () => {
    const { number, merge, comment } = await plannedAndMerged();
    const marker = parseChecksumMarker(comment.body)!;
    // Posted first, as github-actions[bot]: without ROSTER_COMMENT_AUTHOR it counts as roster's comment.
    gh.comments.unshift({ id: 90_000 + number, issue: number, user: { login: 'github-actions[bot]', type: 'Bot' }, body: `<!-- roster-plan -->\n### roster plan\n\nNo changes.\n<!-- roster-plan-checksum: ${marker.checksum} -->\n` });
    const refused = await reviewedChecksum(merge);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('it carries no signature');
  });
});

describe('without ROSTER_COMMENT_KEY', () => {
  it('posts unsigned and hands on the checksum as before, warning that edits cannot be detected', async () => {
    const { merge, comment, checksum } = await plannedAndMerged(null);
    expect(comment.body).not.toContain('roster-plan-signature');
    const reviewed = await reviewedChecksum(merge, null);
    expect(reviewed.code, reviewed.stderr).toBe(0);
    expect(reviewed.stdout).toBe(`${checksum}\n`);
    expect(reviewed.stderr).toContain('warning: ROSTER_COMMENT_KEY is not set: edits to the roster comment after roster posted it');
    // An edited comment is not noticed: that is what the warning says.
    await editComment(comment.id, comment.body.replace('roster plan', 'roster plan (edited)'));
    expect((await reviewedChecksum(merge, null)).code).toBe(0);
    // An empty key (a secret the environment does not hold) is no key.
    const empty = await runCli(['github', 'checksum', '--sha', merge], { cwd: dir, env: githubEnv(gh, { ROSTER_COMMENT_KEY: '' }) });
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain('ROSTER_COMMENT_KEY is not set');
  });

  it('a signed comment read without the key: the checksum, and the warning', async () => {
    const { merge, checksum } = await plannedAndMerged();
    const reviewed = await reviewedChecksum(merge, null);
    expect(reviewed.code, reviewed.stderr).toBe(0);
    expect(reviewed.stdout).toBe(`${checksum}\n`);
    expect(reviewed.stderr).toContain('ROSTER_COMMENT_KEY is not set');
  });
});

describe('the key itself', () => {
  it('is refused when short, and signing needs the head commit from the event', async () => {
    const number = ++nextPull;
    addPullRequest(gh, number);
    expect(() => githubContextFromEnv(githubEnv(gh, { ROSTER_COMMENT_KEY: 'short-key' }))).toThrow(/ROSTER_COMMENT_KEY is 9 characters; it must be at least 32/);
    const noHead = githubContextFromEnv(githubEnv(gh, { GITHUB_EVENT_PATH: eventFile({ pull_request: { number } }), ROSTER_COMMENT_KEY: KEY }), { pullRequest: true });
    await expect(postPlanComment(noHead, samplePlan(), { maskEmails: false })).rejects.toThrow(/names no head commit of the pull request/);
    expect(gh.comments.filter((c) => c.issue === number)).toEqual([]);
  });

  describe('never appears in output, the comment or anything sent to GitHub', () => {
    let sandbox: Sandbox | undefined;
    let workspace: Workspace | undefined;

    it('through roster plan --github-comment and roster github checksum, as the workflows run them', async () => {
      const cara = { email: 'cara.care@sunpath.example', firstName: 'Cara', lastName: 'Care', roles: ['customer-care'], office: 'denver', externalId: 'HR-7001' };
      const config = await sampleConfig();
      sandbox = await sandboxForTest(config, { only: ['partner'] });
      for (const name of Object.keys(config.vendors)) if (name !== 'partner') delete (config.vendors as Record<string, unknown>)[name];
      Object.assign(config.vendors.partner, sandbox.overrides.partner);
      workspace = await workspaceForTest({ ...config, users: 'users' }, { ...(await sampleOfficesAndRoles()), 'people.yaml': { people: [cara] } });
      const git = (...args: string[]) => execFileSync('git', args, { cwd: workspace!.dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
      git('init', '-q', '-b', 'main');
      git('add', '.');
      git('commit', '-qm', 'the pull request');

      const number = ++nextPull;
      const head = sha(number, 'c');
      addPullRequest(gh, number, { commits: [head], head_sha: head });
      const event = eventFile({ pull_request: { number, head: { sha: head } } });
      const roster = (args: string[], env: Record<string, string>) => runCli(['-c', workspace!.configFile, ...args], { cwd: workspace!.dir, env: { ...sandbox!.env, ...githubEnv(gh, env) } });
      const planned = await roster(['plan', '--github-comment', '--format', 'markdown'], { GITHUB_EVENT_PATH: event, ROSTER_COMMENT_KEY: KEY });
      expect(planned.code, planned.stderr).toBe(0);
      expect(planned.stderr).toContain('plan comment created');
      const comment = gh.comments.find((c) => c.issue === number)!;
      expect(comment.body).toMatch(SIGNATURE);
      expect(planned.stderr).not.toContain('posted unsigned');

      const pull = gh.pulls.find((p) => p.number === number)!;
      pull.merged_at = new Date().toISOString();
      pull.merge_commit_sha = sha(number, 'f');
      const reviewed = await roster(['github', 'checksum', '--sha', pull.merge_commit_sha], { ROSTER_COMMENT_KEY: KEY });
      expect(reviewed.code, reviewed.stderr).toBe(0);
      expect(reviewed.stdout).toBe(`${parseChecksumMarker(comment.body)!.checksum}\n`);
      await editComment(comment.id, comment.body.replace('roster plan', 'roster plan, edited'));
      const refused = await roster(['github', 'checksum', '--sha', pull.merge_commit_sha], { ROSTER_COMMENT_KEY: KEY });
      expect(refused.code).toBe(1);

      const base64 = Buffer.from(KEY).toString('base64');
      for (const [where, text] of Object.entries({ planOut: planned.stdout, planErr: planned.stderr, checksumOut: reviewed.stdout, checksumErr: reviewed.stderr, refusedErr: refused.stderr, comment: comment.body, sent: gh.sent() })) {
        expect(text, where).not.toContain(KEY);
        expect(text, where).not.toContain(KEY.slice(0, 16));
        expect(text, where).not.toContain(base64.slice(0, 16));
      }

      // Without the key, the plan run's own log says the comment goes unsigned: where a new setup shows first.
      const unsigned = await roster(['plan', '--github-comment'], { GITHUB_EVENT_PATH: event });
      expect(unsigned.code, unsigned.stderr).toBe(0);
      expect(unsigned.stderr).toContain('warning: the plan comment is posted unsigned (ROSTER_COMMENT_KEY is not set)');
    }, 120_000);
  });
});
