import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubContextFromEnv, type GitHubContext } from '../../src/github/context.js';
import { overrideVerdict } from '../../src/github/override.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { addPullRequest, AUTHOR, labelPull, reviewPull, startFakeGitHub, type FakeGitHub, type FakeUser } from './fake-github.js';
import { samplePlan } from './plans.js';

// The override needs two people, read from GitHub (timeline events and reviews through octokit, real
// HTTP to the fake GitHub), each rule tried the way someone with write access would try to get around it.
let gh: FakeGitHub;
let ctx: GitHubContext;
beforeEach(async () => {
  gh = await startFakeGitHub();
  ctx = githubContextFromEnv({ GITHUB_TOKEN: gh.token, GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`, GITHUB_API_URL: gh.url });
});
afterEach(async () => {
  await gh.close();
});

const LABEL = 'roster-override';
const OLD = 'a'.repeat(40);
const HEAD = 'c'.repeat(40);
const carol: FakeUser = { login: 'carol', type: 'User' };
const bob: FakeUser = { login: 'bob', type: 'User' };
const botUser: FakeUser = { login: 'github-actions[bot]', type: 'Bot' };
const at = (hour: number, minute = 0) => `2026-12-01T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`;

/** Pull request 7 by alice, head HEAD (OLD before it), merged at 12:00 when `merged`. */
function pull(merged = true): void {
  addPullRequest(gh, 7, { commits: [OLD, HEAD], head_sha: HEAD, ...(merged ? { merged_at: at(12), merge_commit_sha: 'd'.repeat(40) } : {}) });
}

describe('the reviewed override', () => {
  it('counts with the label added by someone else and an approval of the merged head after it; says who', async () => {
    pull();
    labelPull(gh, 7, LABEL, carol, at(9));
    reviewPull(gh, 7, { user: bob, commit_id: HEAD, submitted_at: at(10) });
    const verdict = await overrideVerdict(ctx, 7, LABEL);
    expect(verdict).toMatchObject({ valid: true, present: true, labelledBy: 'carol', approvedBy: ['bob'], author: 'alice', headSha: HEAD, reasons: [] });
    // Read through octokit from GitHub: the pull request, its timeline, its reviews; nothing written.
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/people/pulls/7',
      'GET /repos/acme/people/issues/7/timeline',
      'GET /repos/acme/people/pulls/7/reviews',
    ]);
    // The labeller may approve too: the author and one other person make two.
    reviewPull(gh, 7, { user: carol, commit_id: HEAD, submitted_at: at(11) });
    expect((await overrideVerdict(ctx, 7, LABEL)).approvedBy).toEqual(['bob', 'carol']);
  });

  it('does not count the author alone, however many labels and approvals they give themselves', async () => {
    pull();
    labelPull(gh, 7, LABEL, AUTHOR, at(9));
    reviewPull(gh, 7, { user: AUTHOR, commit_id: HEAD, submitted_at: at(10), author_association: 'OWNER' });
    const verdict = await overrideVerdict(ctx, 7, LABEL);
    expect(verdict.valid).toBe(false);
    expect(verdict.reasons.join('\n')).toContain('the label was added by the author, alice');
    expect(verdict.reasons.join('\n')).toContain('alice is the author');
    // Someone else approving does not help while the author's label is the one on.
    reviewPull(gh, 7, { user: bob, commit_id: HEAD, submitted_at: at(11) });
    expect((await overrideVerdict(ctx, 7, LABEL)).valid).toBe(false);
    // Nor does the author re-adding it after someone else added and removed it: the last event decides.
    labelPull(gh, 7, LABEL, carol, at(8));
    expect((await overrideVerdict(ctx, 7, LABEL)).labelledBy).toBe('alice');
  });

  it('does not count a label added after the approval (adding a label dismisses no approval)', async () => {
    pull();
    reviewPull(gh, 7, { user: bob, commit_id: HEAD, submitted_at: at(9) });
    labelPull(gh, 7, LABEL, carol, at(10));
    const verdict = await overrideVerdict(ctx, 7, LABEL);
    expect(verdict.valid).toBe(false);
    expect(verdict.reasons.join('\n')).toContain('bob approved before the label was added');
    // The same second is not "after".
    reviewPull(gh, 7, { user: bob, commit_id: HEAD, submitted_at: at(10) });
    expect((await overrideVerdict(ctx, 7, LABEL)).valid).toBe(false);
  });

  it('does not count a label or an approval added after the merge: re-running the job cannot change the verdict', async () => {
    pull();
    reviewPull(gh, 7, { user: bob, commit_id: HEAD, submitted_at: at(11) });
    labelPull(gh, 7, LABEL, carol, at(13));
    const late = await overrideVerdict(ctx, 7, LABEL);
    expect(late).toMatchObject({ valid: false, present: false });
    expect(late.reasons).toEqual([`the label "${LABEL}" was added after the merge`]);
    // The label on before the merge, the approval only after it.
    const other = { ...carol, login: 'dave' };
    labelPull(gh, 7, LABEL, other, at(10));
    gh.pulls[0].reviews = [{ user: bob, state: 'APPROVED', commit_id: HEAD, submitted_at: at(12, 1), author_association: 'MEMBER' }];
    const approvedLate = await overrideVerdict(ctx, 7, LABEL);
    expect(approvedLate.valid).toBe(false);
    expect(approvedLate.reasons.join('\n')).toContain('before the merge');
    // Removed before the merge: not on when it merged.
    gh.pulls[0].reviews = [{ user: bob, state: 'APPROVED', commit_id: HEAD, submitted_at: at(11), author_association: 'MEMBER' }];
    expect((await overrideVerdict(ctx, 7, LABEL)).valid).toBe(true);
    labelPull(gh, 7, LABEL, other, at(11, 30), 'unlabeled');
    expect((await overrideVerdict(ctx, 7, LABEL)).present).toBe(false);
  });

  it('does not count an approval of an older commit (a push after the approval)', async () => {
    pull();
    labelPull(gh, 7, LABEL, carol, at(9));
    reviewPull(gh, 7, { user: bob, commit_id: OLD, submitted_at: at(10) });
    const verdict = await overrideVerdict(ctx, 7, LABEL);
    expect(verdict.valid).toBe(false);
    expect(verdict.reasons.join('\n')).toContain('bob approved aaaaaaa, not the head commit ccccccc');
  });

  it('does not count bots, people without write access, or an approval withdrawn later', async () => {
    pull();
    labelPull(gh, 7, LABEL, botUser, at(9));
    reviewPull(gh, 7, { user: bob, commit_id: HEAD, submitted_at: at(10) });
    expect((await overrideVerdict(ctx, 7, LABEL)).reasons.join('\n')).toContain('added by a bot');

    labelPull(gh, 7, LABEL, carol, at(9, 30));
    gh.pulls[0].reviews = [
      { user: botUser, state: 'APPROVED', commit_id: HEAD, submitted_at: at(10), author_association: 'NONE' },
      { user: { login: 'mallory', type: 'User' }, state: 'APPROVED', commit_id: HEAD, submitted_at: at(10), author_association: 'CONTRIBUTOR' },
      { user: bob, state: 'APPROVED', commit_id: HEAD, submitted_at: at(10), author_association: 'MEMBER' },
      { user: bob, state: 'COMMENTED', commit_id: HEAD, submitted_at: at(10, 30), author_association: 'MEMBER' },
      { user: bob, state: 'CHANGES_REQUESTED', commit_id: HEAD, submitted_at: at(11), author_association: 'MEMBER' },
    ];
    const verdict = await overrideVerdict(ctx, 7, LABEL);
    expect(verdict.valid).toBe(false);
    const why = verdict.reasons.join('\n');
    expect(why).toContain('github-actions[bot] is a bot');
    expect(why).toContain('mallory has no write access (CONTRIBUTOR)');
    // A comment after an approval keeps it; dismissing it (DISMISSED) or requesting changes withdraws it.
    gh.pulls[0].reviews.pop();
    expect((await overrideVerdict(ctx, 7, LABEL)).approvedBy).toEqual(['bob']);
    gh.pulls[0].reviews.push({ user: bob, state: 'DISMISSED', commit_id: HEAD, submitted_at: at(11), author_association: 'MEMBER' });
    expect((await overrideVerdict(ctx, 7, LABEL)).valid).toBe(false);
  });

  it('reads every page of a long timeline, and label names as GitHub compares them (case-insensitive)', async () => {
    pull(false);
    gh.pulls[0].timeline = [];
    for (let i = 0; i < 150; i++) gh.pulls[0].timeline.push({ event: 'commented', created_at: at(8), actor: bob });
    labelPull(gh, 7, 'Roster-Override', carol, at(9));
    reviewPull(gh, 7, { user: bob, commit_id: HEAD, submitted_at: at(10) });
    const verdict = await overrideVerdict(ctx, 7, LABEL);
    expect(verdict).toMatchObject({ valid: true, merged: false });
    expect(gh.requests.filter((r) => r.path.endsWith('/timeline')).map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
  });

  it('on an open pull request, counts only for a plan of its current head (a re-run of an older plan borrows nothing)', async () => {
    pull(false);
    labelPull(gh, 7, LABEL, carol, at(9));
    reviewPull(gh, 7, { user: bob, commit_id: HEAD, submitted_at: at(10) });
    expect((await overrideVerdict(ctx, 7, LABEL, HEAD)).valid).toBe(true);
    const older = await overrideVerdict(ctx, 7, LABEL, OLD);
    expect(older.valid).toBe(false);
    expect(older.reasons).toEqual(['this plan is of aaaaaaa, but the pull request has moved on to ccccccc: plan the new head']);
  });

  it('a closed, unmerged pull request has no override', async () => {
    addPullRequest(gh, 7, { commits: [HEAD], head_sha: HEAD, closed: true });
    labelPull(gh, 7, LABEL, carol, at(9));
    reviewPull(gh, 7, { user: bob, commit_id: HEAD, submitted_at: at(10) });
    expect((await overrideVerdict(ctx, 7, LABEL)).reasons).toEqual(['the pull request was closed without merging']);
  });
});

describe('the override in the plan comment', () => {
  const warnings = ['enerflo: the plan would deactivate 9 of 20 live users (45%), over the 30% threshold'];
  it('says who overrode and who approved, and keeps the refusal visible', async () => {
    pull(false);
    labelPull(gh, 7, LABEL, carol, at(9));
    reviewPull(gh, 7, { user: bob, commit_id: HEAD, submitted_at: at(10) });
    const verdict = await overrideVerdict(ctx, 7, LABEL);
    const md = renderMarkdown(samplePlan(), { maskEmails: false, thresholdWarnings: warnings, override: { name: LABEL, present: true, verdict } });
    expect(md).toContain('**Overridden** by **@carol** (label `roster-override`), approved by **@bob** on `ccccccc`: this check passes');
    expect(md).toContain('> - enerflo: the plan would deactivate 9 of 20 live users \\(45%\\), over the 30% threshold');
  });

  it('says why a label does not count', async () => {
    pull(false);
    labelPull(gh, 7, LABEL, AUTHOR, at(9));
    const verdict = await overrideVerdict(ctx, 7, LABEL);
    const md = renderMarkdown(samplePlan(), { maskEmails: false, thresholdWarnings: warnings, override: { name: LABEL, present: true, verdict } });
    expect(md).toContain('Over a safety threshold: apply refuses this plan without `--force`.');
    expect(md).toContain('The label `roster-override` is on, but it does not count yet:');
    expect(md).toContain('the label was added by the author, alice');
    expect(md).toContain('An override needs two people');
    expect(md).not.toContain('Overridden');
  });
});
