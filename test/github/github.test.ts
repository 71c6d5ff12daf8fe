import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPlanComment, mergedPlanChecksums, postInvalidStateComment, postPlanComment, upsertPlanComment } from '../../src/github/comments.js';
import { githubContextFromEnv, type GitHubContext } from '../../src/github/context.js';
import { DRIFT_LABEL, syncDriftIssue } from '../../src/github/drift-issue.js';
import { planChecksum, vendorChecksums } from '../../src/reconcile/checksum.js';
import { GITHUB_BODY_LIMIT, PLAN_MARKER, renderMarkdown } from '../../src/render/markdown.js';
import { addPullRequest, githubEnv, startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { hugePlan, plan, samplePlan, SECRET_DOB, SECRET_PHONE, SECRET_PHONE_DIGITS, SECRET_SSN, vendor } from './plans.js';

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub();
});
afterEach(async () => {
  await gh.close();
});

function eventFile(payload: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'roster-gh-')), 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

/** The fake's job environment, as run 77. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  return githubEnv(gh, { GITHUB_RUN_ID: '77', ...extra });
}

function prContext(number: number): GitHubContext {
  return githubContextFromEnv(env({ GITHUB_EVENT_PATH: eventFile({ pull_request: { number } }) }), { pullRequest: true });
}

function assertNothingPersonalSent(): void {
  const sent = gh.sent();
  for (const secret of [SECRET_PHONE, SECRET_PHONE_DIGITS, '555-0187', SECRET_SSN, SECRET_DOB]) expect(sent).not.toContain(secret);
}

describe('context from the Actions environment', () => {
  it('names every missing variable', () => {
    expect(() => githubContextFromEnv({})).toThrow(/GITHUB_TOKEN .* and GITHUB_REPOSITORY .* are not set/);
    expect(() => githubContextFromEnv({ GITHUB_TOKEN: 'x', GITHUB_REPOSITORY: 'nope' })).toThrow(/expected owner\/name/);
  });

  it('finds the pull request in the event payload or in GITHUB_REF', () => {
    expect(prContext(5).pullNumber).toBe(5);
    expect(githubContextFromEnv(env({ GITHUB_REF: 'refs/pull/12/merge' })).pullNumber).toBe(12);
    expect(() => githubContextFromEnv(env({ GITHUB_REF: 'refs/heads/main' }), { pullRequest: true })).toThrow(
      /no pull request to comment on.*"refs\/heads\/main"/,
    );
  });
});

describe('the plan comment', () => {
  it('is created once, then updated in place', async () => {
    addPullRequest(gh, 5);
    const ctx = prContext(5);
    const first = await postPlanComment(ctx, samplePlan(), { maskEmails: false });
    expect(first.created).toBe(true);
    const changed = samplePlan();
    changed.vendors[1].operations = [];
    changed.summary.create = 1;
    const second = await postPlanComment(ctx, changed, { maskEmails: false });
    expect(second).toMatchObject({ created: false, id: first.id });
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0].body).toContain(planChecksum(changed));
    expect(gh.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/acme/people/issues/5/comments',
      `PATCH /repos/acme/people/issues/comments/${first.id}`,
    ]);
    expect(gh.requests.every((r) => r.authorization === `token ${gh.token}`)).toBe(true);
    assertNothingPersonalSent();
  });

  it('is found past the first page, and a person quoting the marker is not mistaken for it', async () => {
    addPullRequest(gh, 8);
    for (let i = 0; i < 130; i++) gh.comments.push({ id: i + 1, issue: 8, body: `chatter ${i}`, user: { login: 'bob', type: 'User' } });
    gh.comments.push({ id: 500, issue: 8, body: `${PLAN_MARKER} fake plan`, user: { login: 'mallory', type: 'User' } });
    gh.comments.push({ id: 501, issue: 8, body: `${PLAN_MARKER} old plan`, user: { login: 'github-actions[bot]', type: 'Bot' } });
    const ctx = prContext(8);
    expect((await findPlanComment(ctx, 8))?.id).toBe(501);
    const pages = gh.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues/8/comments'));
    expect(pages.map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    await upsertPlanComment(ctx, renderMarkdown(samplePlan(), { maskEmails: false }));
    expect(gh.comments.find((c) => c.id === 500)?.body).toBe(`${PLAN_MARKER} fake plan`);
    expect(gh.comments.find((c) => c.id === 501)?.body).toContain('roster plan');
  });

  it('keeps a long plan under the limit with a pointer to the artifact', async () => {
    addPullRequest(gh, 9);
    await postPlanComment(prContext(9), hugePlan(800), { maskEmails: false });
    const body = gh.comments[0].body;
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(body).toContain('This plan is longer than GitHub allows here');
    expect(body).toContain('[this workflow run](https://github.example/acme/people/actions/runs/77)');
    assertNothingPersonalSent();
  });

  it('masks emails when the config says so', async () => {
    addPullRequest(gh, 3);
    await postPlanComment(prContext(3), samplePlan(), { maskEmails: true });
    expect(gh.sent()).not.toContain('jane@example.com');
    expect(gh.comments[0].body).toContain('j•••@example.com');
  });

  it('lists validation problems in the same comment when the state does not validate', async () => {
    addPullRequest(gh, 4);
    const ctx = prContext(4);
    const diagnostics = [{ file: 'users/team.yaml', line: 3, col: 5, path: 'people[0].phone', message: `bad phone ${SECRET_PHONE}` }];
    await postInvalidStateComment(ctx, diagnostics, { maskEmails: false });
    await postPlanComment(ctx, samplePlan(), { maskEmails: false });
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0].body).toContain('roster plan');
    assertNothingPersonalSent();
  });

  it('gives apply the checksum of the plan reviewed on the merged pull request', async () => {
    const p = samplePlan();
    addPullRequest(gh, 11, { merged_at: '2026-01-01T00:00:00Z', merge_commit_sha: 'beef01', commits: ['c0ffee'] });
    await postPlanComment(prContext(11), p, { maskEmails: false });
    const push = githubContextFromEnv(env({ GITHUB_SHA: 'beef01' }));
    expect(await mergedPlanChecksums(push)).toMatchObject({ pullNumber: 11, checksum: planChecksum(p), vendors: vendorChecksums(p) });
    await expect(mergedPlanChecksums(push, 'dead99')).rejects.toThrow(/no merged pull request contains commit dead99/);
    addPullRequest(gh, 12, { merged_at: '2026-01-02T00:00:00Z', merge_commit_sha: 'abc12' });
    await expect(mergedPlanChecksums(push, 'abc12')).rejects.toThrow(/#12 has no roster plan comment/);
  });
});

describe('the drift issue', () => {
  it('is opened with its label, updated while open, and closed when live users match git', async () => {
    const ctx = githubContextFromEnv(env());
    const drift = samplePlan();
    const body = (p: typeof drift) => renderMarkdown(p, { maskEmails: false, title: 'roster drift' });

    const opened = await syncDriftIssue(ctx, drift, body(drift));
    expect(opened.action).toBe('opened');
    expect(gh.labels.map((l) => l.name)).toEqual([DRIFT_LABEL]);
    expect(gh.issues.filter((i) => !i.pull_request)).toHaveLength(1);
    expect(gh.issues[0]).toMatchObject({ state: 'open', labels: [DRIFT_LABEL] });

    const more = samplePlan();
    more.vendors[1].operations.push({ action: 'deactivate', key: 'gone@example.com', vendorId: '3', changes: [], dependsOn: [] });
    const updated = await syncDriftIssue(ctx, more, body(more));
    expect(updated).toMatchObject({ action: 'updated', number: opened.number });
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0].body).toContain('gone@example.com');

    const clean = plan([vendor('enerflo', { unchanged: 43 })]);
    const closed = await syncDriftIssue(ctx, clean, body(clean));
    expect(closed).toMatchObject({ action: 'closed', number: opened.number });
    expect(gh.issues[0]).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(gh.comments.at(-1)?.body).toContain('Live users match git again');

    expect(await syncDriftIssue(ctx, clean, body(clean))).toEqual({ action: 'none' });
    const again = await syncDriftIssue(ctx, drift, body(drift));
    expect(again.action).toBe('opened');
    expect(again.number).not.toBe(opened.number);
    expect(gh.labels).toHaveLength(1);
    assertNothingPersonalSent();
  });

  it('ignores pull requests that carry the label', async () => {
    gh.labels.push({ name: DRIFT_LABEL, color: 'ffffff' });
    addPullRequest(gh, 1);
    gh.issues[0].labels.push(DRIFT_LABEL);
    const result = await syncDriftIssue(githubContextFromEnv(env()), samplePlan(), 'body');
    expect(result.action).toBe('opened');
    expect(gh.issues[0].body).toBe('');
  });
});
