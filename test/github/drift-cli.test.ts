import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/compose/sandbox.js';
import { makeWorkspace, repoRoot, runCli, sampleConfig, sampleOfficesAndRoles, type Workspace } from '../helpers/workspace.js';
import { parse, stringify } from 'yaml';
import { addPullRequest, AUTHOR, labelPull, reviewPull, startFakeGitHub, type FakeGitHub } from './fake-github.js';

// Drift as operators live it, with the built CLI against emulators seeded from the built-in fixtures (which
// hold users added by hand) and the fake GitHub API: users added by hand are drift, and offboarding
// someone HighLevel cannot deactivate leaves every pipeline green with a step for a person.
let gh: FakeGitHub;
let sandbox: Sandbox;
let workspace: Workspace;
let env: Record<string, string>;

beforeAll(async () => {
  gh = await startFakeGitHub();
  const config = await sampleConfig();
  // Four CLI runs read every SimplePin person by key within a minute: over its 120 a minute the emulator
  // answers 429 with a minute's Retry-After, which roster honours (tested in test/http); here it only cost
  // a minute of waiting, so the emulators allow more than the runs send.
  sandbox = await startSandbox(config, { emulatorOptions: () => ({ rateLimit: { limit: 10_000, windowMs: 60_000 } }) });
  for (const [name, override] of Object.entries(sandbox.overrides)) Object.assign(config.vendors[name], override);
  const users = path.join(repoRoot, 'users');
  const files = await sampleOfficesAndRoles();
  for (const file of await readdir(path.join(users, 'people'))) files[`people/${file}`] = await readFile(path.join(users, 'people', file), 'utf8');
  workspace = await makeWorkspace({ ...config, users: 'users' }, files);
  env = {
    ...sandbox.env,
    GITHUB_TOKEN: gh.token,
    GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
    GITHUB_API_URL: gh.url,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '7',
    GITHUB_STEP_SUMMARY: '',
  };
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
  await gh?.close();
  await workspace?.remove();
});

const roster = (args: string[], extra: Record<string, string> = {}) =>
  runCli(['-c', workspace.configFile, ...args], { cwd: workspace.dir, env: { ...env, ...extra } });

describe('drift and offboarding, end to end', () => {
  it('counts users added by hand as drift (exit 2) and names them in the drift issue, even with nothing to apply', async () => {
    const applied = await roster(['apply', '--yes', '--force', '--no-report']);
    expect(applied.code).toBe(0);
    const plan = JSON.parse((await roster(['plan', '--format', 'json'])).stdout) as {
      vendors: { vendor: string; operations: unknown[]; unmanaged: { email: string; vendorId: string; drift?: boolean }[] }[];
    };
    expect(plan.vendors.every((v) => v.operations.length === 0)).toBe(true);
    const byHand = plan.vendors.flatMap((v) => v.unmanaged.filter((u) => u.drift).map((u) => ({ vendor: v.vendor, ...u })));
    expect(byHand.map((u) => u.email)).toContain('brandon.cole@sunpath.example');

    const drift = await roster(['drift', '--github-issue']);
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain('? unmanaged Brandon Cole <brandon.cole@sunpath.example> (id 145014): not described in git');
    const issue = gh.issues.find((i) => i.labels.includes('roster-drift'));
    expect(issue?.state).toBe('open');
    expect(issue?.body).toContain(`${byHand.length} live users not described in git`);
    for (const u of byHand) expect(issue?.body).toContain(`| ${u.vendor} |`);
    expect(issue?.body).toContain('| enerflo | Brandon Cole | brandon.cole@sunpath.example | 145014 | not described in git |');
    // Accepted by policy.ignore, they are listed but are no drift.
  }, 180_000);

  it('offboarding someone with a HighLevel account keeps plan, apply and drift green and shows the step for a person', async () => {
    const file = path.join(workspace.dir, 'users/people/austin.yaml');
    const austin = await readFile(file, 'utf8');
    await workspace.write('users/people/austin.yaml', austin.replace('    externalId: HR-1002\n', '    externalId: HR-1002\n    active: false\n'));
    addPullRequest(gh, 21, { commits: ['abc111'] });
    const onPr = { GITHUB_EVENT_PATH: path.join(workspace.dir, 'event.json') };
    await workspace.write('event.json', JSON.stringify({ pull_request: { number: 21, labels: [] } }));

    const plan = await roster(['plan', '--github-comment', '--force'], onPr);
    expect(plan.stderr).toContain('plan comment created');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('☐ by hand jake.thompson@sunpath.example (id Jk7ThompsonAu2Lq9VbX): offboarded in git; remove this user from highlevel by hand');
    const comment = gh.comments.find((c) => c.body.includes('roster-plan'))!.body;
    expect(comment).toContain('| − offboarded | **Jake Thompson**<br>`jake.thompson@sunpath.example` | − deactivate | ☐ by hand (id Jk7ThompsonAu2Lq9VbX) | − deactivate |');
    expect(comment).toContain('To do by hand');

    const applied = await roster(['apply', '--yes', '--force', '--no-report']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('1 step left to a person');

    const after = await roster(['apply', '--yes', '--no-report']);
    expect(after.stdout).toContain('Nothing to apply.');
    expect(after.code).toBe(0);

    const drift = await roster(['drift', '--github-issue']);
    expect(drift.code).toBe(2);
    const issue = gh.issues.find((i) => i.labels.includes('roster-drift'));
    expect(issue?.body).toContain('`jake.thompson@sunpath.example` (id Jk7ThompsonAu2Lq9VbX): offboarded in git; remove this user from highlevel by hand');
  }, 180_000);

  it('the override needs two people: the plan check passes with a reviewed override, and the merge apply gets --force from it alone', async () => {
    // Every update is over the threshold in this config; Maria's new title is one.
    const config = parse(await readFile(workspace.configFile, 'utf8')) as { vendors: Record<string, { policy?: Record<string, unknown> }> };
    for (const v of Object.values(config.vendors)) v.policy = { ...v.policy, thresholds: { update: 0, deactivate: 0, minUsers: 0 } };
    await workspace.write('strict.yaml', stringify(config));
    const file = path.join(workspace.dir, 'users/people/austin.yaml');
    await workspace.write('users/people/austin.yaml', (await readFile(file, 'utf8')).replace('Regional Manager, Texas', 'Regional Director, Texas'));
    const strict = (args: string[], extra: Record<string, string> = {}) =>
      runCli(['-c', path.join(workspace.dir, 'strict.yaml'), ...args], { cwd: workspace.dir, env: { ...env, ...extra } });
    const head = 'e'.repeat(40);
    addPullRequest(gh, 22, { commits: [head], head_sha: head });
    await workspace.write('event22.json', JSON.stringify({ pull_request: { number: 22, labels: [{ name: 'roster-override' }] } }));
    const onPr = { GITHUB_EVENT_PATH: path.join(workspace.dir, 'event22.json') };
    const lastComment = () => gh.comments.filter((c) => c.issue === 22 && c.body.includes('roster-plan')).at(-1)!.body;

    // The author labels their own pull request: the check still fails, and the comment says why.
    labelPull(gh, 22, 'roster-override', AUTHOR, '2026-12-01T09:00:00Z');
    const alone = await strict(['plan', '--github-comment'], onPr);
    expect(alone.code, alone.stderr).toBe(1);
    expect(alone.stderr).toContain('no override on pull request #22: the label was added by the author, alice');
    expect(lastComment()).toContain('The label `roster-override` is on, but it does not count yet:');

    // Carol labels, Bob approves the head after that: the check passes, the refusal stays in the comment.
    labelPull(gh, 22, 'roster-override', { login: 'carol', type: 'User' }, '2026-12-01T09:30:00Z');
    reviewPull(gh, 22, { user: { login: 'bob', type: 'User' }, commit_id: head, submitted_at: '2026-12-01T10:00:00Z' });
    const overridden = await strict(['plan', '--github-comment'], onPr);
    expect(overridden.code, overridden.stderr).toBe(0);
    expect(overridden.stderr).toContain('override on pull request #22: label "roster-override" added by carol, approved by bob');
    expect(lastComment()).toContain('**Overridden** by **@carol** (label `roster-override`), approved by **@bob** on `eeeeeee`');
    expect(lastComment()).toContain('over the 0% threshold');

    // Merged at 11:00: apply reads the same verdict from GitHub, cut at the merge.
    const pull = gh.pulls.find((p) => p.number === 22)!;
    Object.assign(pull, { merged_at: '2026-12-01T11:00:00Z', merge_commit_sha: 'abc222' });
    const merged = await strict(['github', 'override', '--sha', 'abc222']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout.trim()).toBe('--force');
    expect(merged.stderr).toContain('approved by bob');

    // Bob withdraws after the merge, Alice removes the label: re-running the job changes nothing.
    reviewPull(gh, 22, { user: { login: 'bob', type: 'User' }, state: 'CHANGES_REQUESTED', commit_id: head, submitted_at: '2026-12-01T12:00:00Z' });
    labelPull(gh, 22, 'roster-override', AUTHOR, '2026-12-01T12:00:00Z', 'unlabeled');
    expect((await strict(['github', 'override', '--sha', 'abc222'])).stdout.trim()).toBe('--force');

    // Without the approval before the merge, the label on the merged pull request gives nothing.
    pull.reviews = [];
    const without = await strict(['github', 'override', '--sha', 'abc222']);
    expect(without.code).toBe(0);
    expect(without.stdout.trim()).toBe('');
    expect(without.stderr).toContain('no approving review of the head commit eeeeeee');
  }, 120_000);
});
