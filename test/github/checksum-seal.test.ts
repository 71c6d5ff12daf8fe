import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/compose/sandbox.js';
import type { RootConfig } from '../../src/config/schema.js';
import { encodeSeal, decodeSeal } from '../../src/reconcile/checksum-seal.js';
import { parseChecksumMarker } from '../../src/render/markdown.js';
import { runCli, sampleConfig, sampleOfficesAndRoles, sandboxForTest, type Workspace, workspaceForTest } from '../helpers/workspace.js';
import { addPullRequest, githubEnv, startFakeGitHub, type FakeGitHub } from './fake-github.js';

/*
 * Issue 22, the reviewed checksum on GitHub: the plan comment's marker carries the seal's parts, so the
 * merge apply names which part differs; a pull request's plan and the merge apply read the same touched
 * set (--base) in SimplePin, which is read person by person. Real HTTP: the SimplePin emulator on
 * 127.0.0.1 and the fake GitHub API; roster runs as the workflows run it (plan.yml, apply.yml).
 */

const cara = { email: 'cara.care@sunpath.example', firstName: 'Cara', lastName: 'Care', roles: ['customer-care'], office: 'denver', externalId: 'HR-7001' };
const dan = { email: 'dan.dee@sunpath.example', firstName: 'Dan', lastName: 'Dee', roles: ['customer-care'], office: 'denver', externalId: 'HR-7002' };

let gh: FakeGitHub;
beforeAll(async () => {
  gh = await startFakeGitHub();
});
afterAll(async () => {
  await gh?.close();
});

describe('the reviewed checksum names what differs, and reads what the change touches', () => {
  let sandbox: Sandbox | undefined;
  let workspace: Workspace | undefined;
  let config: RootConfig;
  let pull = 40;

  const dir = () => workspace!.dir;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir(), encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } }).trim();
  const partner = () => sandbox!.emulators.get('partner')!;
  let setUpRequests = 0;
  /** Writes since the pull request was planned (the set-up creates Cara). */
  const writes = () => partner().requests.slice(setUpRequests).filter((r) => r.method !== 'GET');
  const ghEnv = (extra: Record<string, string> = {}) => githubEnv(gh, extra);
  const roster = (args: string[], env: Record<string, string> = {}) => runCli(['-c', workspace!.configFile, ...args], { env: { ...sandbox!.env, ...env }, cwd: dir() });

  /**
   * main declares Cara (created at SimplePin); the pull request adds Dan (`people` for the head). The plan is
   * posted as plan.yml does: --base .roster, the default branch's checkout. Returns the merged commit.
   */
  async function reviewedPullRequest(people: object[] = [cara, dan], untouched: (typeof cara)[] = [cara]): Promise<{ number: number; base: string; head: string; comment: () => string }> {
    config = await sampleConfig();
    sandbox = await sandboxForTest(config, { only: ['partner'] });
    for (const name of Object.keys(config.vendors)) if (name !== 'partner') delete (config.vendors as Record<string, unknown>)[name];
    Object.assign(config.vendors.partner, sandbox.overrides.partner);
    workspace = await workspaceForTest({ ...config, users: 'users' }, { ...(await sampleOfficesAndRoles()), 'people.yaml': { people: [cara] } });
    const created = await roster(['apply', '--yes', '--no-report']);
    expect(created.code, created.stderr).toBe(0);
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-qm', 'base');
    const base = git('rev-parse', 'HEAD');
    // The default branch's checkout (plan.yml's .roster/), outside git's view of the head.
    mkdirSync(path.join(dir(), '.roster'));
    execFileSync('sh', ['-c', `git archive ${base} | tar -x -C .roster`], { cwd: dir() });
    writeFileSync(path.join(dir(), '.git/info/exclude'), '.roster/\nother-base/\n*.json\n');
    await workspace.write('users/people.yaml', { people });
    git('commit', '-qam', 'the pull request');
    const head = git('rev-parse', 'HEAD');

    const number = ++pull;
    addPullRequest(gh, number, { commits: [head] });
    const event = path.join(dir(), `event-${number}.json`);
    writeFileSync(event, JSON.stringify({ pull_request: { number } }));
    const reads = partner().requests.length;
    const planned = await roster(['plan', '--github-comment', '--format', 'markdown', '--base', '.roster'], ghEnv({ GITHUB_EVENT_PATH: event }));
    expect(planned.code, planned.stderr).toBe(0);
    // Only the person the change touches is read in SimplePin: Dan, not Cara.
    expect(planned.stderr).toContain('partner: the change from .roster touches 1 people; only they are read');
    const got = partner().requests.slice(reads).filter((r) => r.method === 'GET').map((r) => JSON.stringify(r.query));
    for (const person of untouched) expect(got.join('\n')).not.toContain(person.externalId);

    // The merge: apply.yml runs on the merged commit.
    const merged = gh.pulls.find((p) => p.number === number)!;
    merged.merged_at = '2026-12-07T09:00:00Z';
    merged.merge_commit_sha = head;
    const comment = () => gh.comments.find((c) => c.issue === number && c.user.type === 'Bot')!.body;
    setUpRequests = partner().requests.length;
    return { number, base, head, comment };
  }

  /** `roster github checksum --seal-out` as apply.yml runs it. */
  async function reviewedChecksum(sha: string): Promise<{ code: number; checksum: string; stderr: string }> {
    const result = await roster(['github', 'checksum', '--sha', sha, '--seal-out', 'reviewed-seal.json'], ghEnv());
    return { code: result.code, checksum: result.stdout.trim(), stderr: result.stderr };
  }

  const seal = (text: string) => parseChecksumMarker(text)!.seal!;
  const cara_ = () => (partner().state as { users: { email: string; last_name?: string }[] }).users.find((u) => u.email === cara.email)!;

  it('the plan with --base and the merge apply with --base agree although an untouched SimplePin person drifted; without it, or with another base, apply refuses naming why', async () => {
    const { base, head, comment } = await reviewedPullRequest();
    const marker = parseChecksumMarker(comment())!;
    // The marker carries the seal: the base's declared state among its parts, no personal data.
    const parts = decodeSeal(marker.seal!);
    expect(parts.base).toMatch(/^[0-9a-f]{64}$/);
    expect(parts.vendors.partner).toMatchObject({ kind: 'partner', count: 1, instance: { kind: 'partner', baseUrl: config.vendors.partner.baseUrl } });
    const sealText = JSON.stringify(parts);
    for (const personal of [dan.email, 'Dee', 'HR-7002', sandbox!.env.PARTNER_TOKEN]) expect(sealText).not.toContain(personal);

    // Someone changes Cara at SimplePin by hand after the review: drift on a person the change does not touch.
    cara_().last_name = 'Carey';

    const reviewed = await reviewedChecksum(head);
    expect(reviewed.code, reviewed.stderr).toBe(0);
    expect(reviewed.checksum).toBe(marker.checksum);
    expect(existsSync(path.join(dir(), 'reviewed-seal.json'))).toBe(true);

    // Without --base, apply reads Cara too: refused, naming the touched set and the operation it adds.
    const everyone = await roster(['apply', '--yes', '--no-report', '--expect-checksum', reviewed.checksum, '--expect-seal', 'reviewed-seal.json']);
    expect(everyone.code).toBe(1);
    expect(everyone.stderr).toContain('the touched set differs: the reviewed plan read, in vendors read by key, only the people the change from its base touches');
    expect(everyone.stderr).toContain(`operation 1 for ${cara.email} at partner (update) was not in the reviewed plan`);
    expect(everyone.stderr).toContain('nothing was applied');
    // With another base (a checkout declaring nobody: both are touched, Cara's drift is read), refused too.
    mkdirSync(path.join(dir(), 'other-base'));
    execFileSync('sh', ['-c', `git archive ${base} | tar -x -C other-base`], { cwd: dir() });
    writeFileSync(path.join(dir(), 'other-base/users/people.yaml'), 'people: []\n');
    const other = await roster(['apply', '--yes', '--no-report', '--expect-checksum', reviewed.checksum, '--expect-seal', 'reviewed-seal.json', '--base', 'other-base']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('partner: the change from other-base touches 2 people');
    expect(other.stderr).toContain("the touched set differs: this apply's --base declares another state than the base the reviewed plan was made against");
    expect(other.stderr).toContain(`operation 1 for ${cara.email} at partner (update) was not in the reviewed plan`);
    expect(writes()).toEqual([]);

    // The merge's base (the commit before the push, read with git archive): the reviewed plan, applied.
    const applied = await roster(['apply', '--yes', '--no-report', '--expect-checksum', reviewed.checksum, '--expect-seal', 'reviewed-seal.json', '--base', base]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain('the plan matches the reviewed plan');
    const sent = writes();
    expect(sent.map((r) => r.method)).toEqual(['POST']);
    expect(JSON.stringify(sent[0].body)).toContain('HR-7002');
    // Cara's drift is left to drift and the sweep.
    expect(cara_().last_name).toBe('Carey');
  }, 120_000);

  it('names the operation and the field that differ, the declared state and the vendor instance', async () => {
    // The pull request moves Cara to another last name; at the vendor her phone is changed after the review.
    const { base, head } = await reviewedPullRequest([{ ...cara, lastName: 'Care-Smith' }], []);
    const user = (partner().state as { users: Record<string, unknown>[] }).users.find((u) => u.email === cara.email)!;
    user.account_title = 'Changed by hand';
    const reviewed = await reviewedChecksum(head);
    const drifted = await roster(['apply', '--yes', '--no-report', '--expect-checksum', reviewed.checksum, '--expect-seal', 'reviewed-seal.json', '--base', base]);
    expect(drifted.code).toBe(1);
    // SimplePin's account_title is roster's `title` (partner/mapping.ts).
    expect(drifted.stderr).toContain(`operation 1 for ${cara.email} at partner (update) differs: field fields.title of the live user expected`);
    expect(drifted.stderr).not.toContain('declared state differs');
    delete user.account_title;

    // The declared state and the instance: the config now points at the same emulator under another name.
    const configText = readFileSync(workspace!.configFile, 'utf8');
    writeFileSync(workspace!.configFile, configText.replace('http://127.0.0.1:', 'http://localhost:'));
    const moved = await roster(['apply', '--yes', '--no-report', '--expect-checksum', reviewed.checksum, '--expect-seal', 'reviewed-seal.json', '--base', base]);
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain('declared state differs: the root config or users files changed since the review');
    expect(moved.stderr).toMatch(/vendor instance partner differs: reviewed against partner at http:\/\/127\.0\.0\.1:(\d+), now partner at http:\/\/localhost:\1\n/);
    expect(writes()).toEqual([]);
  }, 120_000);

  it('takes the marker from roster\'s own comment only, and refuses one whose parts do not hash to its checksum', async () => {
    const { number, base, head, comment } = await reviewedPullRequest();
    const genuine = parseChecksumMarker(comment())!;
    const parts = decodeSeal(genuine.seal!);

    // A collaborator's comment carrying a marker of their own, placed before roster's: never read.
    const forgedParts = structuredClone(parts);
    forgedParts.vendors.partner.count = 0;
    gh.comments.unshift({ id: 9_000 + number, issue: number, user: { login: 'mallory', type: 'User' }, body: `<!-- roster-plan -->\n<!-- roster-plan-checksum: ${'a'.repeat(64)} seal=${encodeSeal(forgedParts)} -->` });
    const picked = await reviewedChecksum(head);
    expect(picked.code, picked.stderr).toBe(0);
    expect(picked.checksum).toBe(genuine.checksum);
    expect(JSON.parse(readFileSync(path.join(dir(), 'reviewed-seal.json'), 'utf8'))).toEqual(parts);

    // roster's comment edited by someone with write access: parts that no longer hash to the checksum.
    const bot = gh.comments.find((c) => c.issue === number && c.user.type === 'Bot')!;
    const original = bot.body;
    const edits: [string, (p: typeof parts) => void, RegExp][] = [
      ['declared', (p) => (p.declared = 'e'.repeat(64)), /its parts hash to [0-9a-f]{64}, not to the reviewed checksum/],
      ['base', (p) => (p.base = null), /its parts hash to [0-9a-f]{64}, not to the reviewed checksum/],
      ['a leaf', (p) => (p.vendors.partner.leaves![0].hash = 'f'.repeat(64)), /its operation hashes at partner do not hash to that vendor's operations/],
      ['the instance', (p) => (p.vendors.partner.instance!.baseUrl = 'https://evil.example'), /its parts hash to/],
    ];
    for (const [what, edit, message] of edits) {
      const edited = structuredClone(parts);
      edit(edited);
      bot.body = original.replace(seal(original), encodeSeal(edited));
      const refused = await reviewedChecksum(head);
      expect(refused.code, what).toBe(1);
      expect(refused.stderr, what).toContain(`the seal in the roster comment on pull request #${number} does not match its checksum`);
      expect(refused.stderr, what).toMatch(message);

      // The same seal handed straight to apply: refused before any vendor is read.
      writeFileSync(path.join(dir(), 'edited-seal.json'), JSON.stringify(edited));
      const requests = partner().requests.length;
      const applied = await roster(['apply', '--yes', '--no-report', '--expect-checksum', genuine.checksum, '--expect-seal', 'edited-seal.json', '--base', base]);
      expect(applied.code, what).toBe(1);
      expect(applied.stderr, what).toContain('the reviewed seal edited-seal.json does not belong to the reviewed checksum');
      expect(partner().requests.length, what).toBe(requests);
    }
    // Not a seal at all.
    writeFileSync(path.join(dir(), 'garbage.json'), 'not a seal');
    const garbage = await roster(['apply', '--yes', '--no-report', '--expect-checksum', genuine.checksum, '--expect-seal', 'garbage.json']);
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toContain('is not a roster plan seal');
    expect(writes()).toEqual([]);

    // A comment written before markers carried a seal: the checksum alone is handed on, and said so.
    bot.body = original.replace(` seal=${seal(original)}`, '');
    rmSync(path.join(dir(), 'reviewed-seal.json'));
    const unsealed = await reviewedChecksum(head);
    expect(unsealed.code, unsealed.stderr).toBe(0);
    expect(unsealed.checksum).toBe(genuine.checksum);
    expect(unsealed.stderr).toContain('carries no seal (written by an older roster)');
    expect(existsSync(path.join(dir(), 'reviewed-seal.json'))).toBe(false);

    // The comment as roster wrote it: the reviewed plan applies.
    bot.body = original;
    const reviewed = await reviewedChecksum(head);
    const applied = await roster(['apply', '--yes', '--no-report', '--expect-checksum', reviewed.checksum, '--expect-seal', 'reviewed-seal.json', '--base', base]);
    expect(applied.code, applied.stderr).toBe(0);
  }, 120_000);
});
