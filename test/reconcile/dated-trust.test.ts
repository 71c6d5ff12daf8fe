import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/compose/sandbox.js';
import { addDays, localDay } from '../../src/config/dates.js';
import type { RootConfig } from '../../src/config/schema.js';
import { runCli, sampleConfig, sampleOfficesAndRoles, sandboxForTest, type Workspace, workspaceForTest } from '../helpers/workspace.js';

/**
 * Issue 22, the calendar side: a date reached between review and merge, a runner whose clock is two days
 * fast (injected with ROSTER_NOW, never by sleeping), and a leaver a safety threshold holds back. Every
 * run talks HTTP to the Enerflo emulator, whose answers carry the real time in their Date header.
 */
describe('dates roster can trust', () => {
  let sandbox: Sandbox | undefined;
  let workspace: Workspace | undefined;

  const today = localDay(new Date(), 'America/Chicago');
  const day = 24 * 3600 * 1000;
  const maria = { email: 'maria.gonzalez@sunpath.example', firstName: 'Maria', lastName: 'Gonzalez Ruiz', roles: ['regional-manager'], office: 'austin', externalId: 'HR-1001' };
  const jake = { email: 'jake.thompson@sunpath.example', firstName: 'Jake', lastName: 'Thompson', roles: ['sales-rep'], office: 'austin', manager: maria.email, externalId: 'HR-1002' };
  const nina = { email: 'nina.new@sunpath.example', firstName: 'Nina', lastName: 'New', roles: ['sales-rep'], office: 'austin', manager: maria.email };

  async function setUp(people: object[], policy?: object) {
    const config: RootConfig = await sampleConfig();
    for (const name of Object.keys(config.vendors)) if (name !== 'enerflo') delete (config.vendors as Record<string, unknown>)[name];
    if (policy) Object.assign(config.vendors.enerflo, { policy });
    sandbox = await sandboxForTest(config, { only: ['enerflo'] });
    Object.assign(config.vendors.enerflo, sandbox.overrides.enerflo);
    workspace = await workspaceForTest({ ...config, users: 'users' }, { ...(await sampleOfficesAndRoles()), 'people.yaml': { people } });
  }
  // Run as in GitHub Actions, where these runs happen: the log masks personal data, and the dates of starts,
  // ends and schedules these messages name stay readable (test/render/birth-dates.test.ts).
  const roster = (args: string[], env: Record<string, string> = {}) =>
    runCli([...args, '-c', workspace!.configFile], { env: { ...sandbox!.env, CI: 'true', GITHUB_ACTIONS: 'true', ...env }, cwd: workspace!.dir });
  const writes = () => sandbox!.emulators.get('enerflo')!.requests.filter((r) => r.method !== 'GET');
  /** The declared state committed to git three days ago: where dated causes count from. */
  async function commitThreeDaysAgo() {
    const git = (...args: string[]) =>
      promisify(execFile)('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: workspace!.dir,
        env: { ...process.env, GIT_COMMITTER_DATE: new Date(Date.now() - 3 * day).toISOString(), GIT_AUTHOR_DATE: new Date(Date.now() - 3 * day).toISOString() },
      });
    await git('init', '-q');
    await git('add', '.');
    await git('commit', '-qm', 'declared state');
  }

  it('applies the reviewed plan after a start date passed between review and merge, and says so', async () => {
    await setUp([maria, { ...nina, startDate: today }]);
    // Reviewed yesterday: Nina's start is in the schedule, not in the operations.
    const yesterday = new Date(Date.now() - day).toISOString();
    const review = await roster(['plan', '--format', 'json'], { ROSTER_NOW: yesterday });
    const reviewed = JSON.parse(review.stdout);
    expect(reviewed.vendors[0].operations.map((op: { key: string }) => op.key)).not.toContain(nina.email);
    expect(reviewed.upcoming).toEqual([expect.objectContaining({ key: nina.email, kind: 'start', date: today, timezone: 'America/Chicago', vendors: ['enerflo'] })]);

    // A checksum nobody reviewed is refused, and the message rules the day out as the cause.
    const other = await roster(['apply', '--yes', '--no-report', '--expect-checksum', 'f'.repeat(64)]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('The day is not the cause: planned as of every moment since the declared state last changed');
    expect(writes()).toEqual([]);

    // Merged today: the reviewed checksum still holds, and Nina's create, reviewed as scheduled, is applied.
    const merged = await roster(['apply', '--yes', '--no-report', '--expect-checksum', reviewed.checksum]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toContain(`since then these changes reviewed as scheduled fell due, and are applied: ${nina.email} starts ${today} (America/Chicago)`);
    expect(writes().some((r) => r.method === 'POST' && JSON.stringify(r.body).includes(nina.email))).toBe(true);
  });

  it('refuses dated operations when the runner clock is two days fast, saying by how much; the rest applies', async () => {
    await setUp([maria, { ...jake, endDate: today }]);
    const fast = { ROSTER_NOW: new Date(Date.now() + 2 * day).toISOString() };
    const plan = await roster(['plan'], fast);
    expect(plan.stdout).toContain(`deactivate ${jake.email}`);
    expect(plan.stderr).toMatch(/warning: the runner's clock is 2 days ahead of enerflo's \(its Date header said .* GMT\), more than dates\.maxClockSkewMinutes \(5\)/);
    const applied = await roster(['apply', '--yes', '--no-report'], fast);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toMatch(/error: the runner's clock is 2 days ahead of enerflo's .*: 1 dated operation is refused/);
    expect(applied.stderr).toContain(`refused enerflo deactivate ${jake.email}: refused: dated`);
    // Jake is never touched; Maria's undated change is not about the day and goes through.
    expect(writes().filter((r) => JSON.stringify(r.body).includes('145011'))).toEqual([]);
    expect(writes().length).toBeGreaterThan(0);
    // With the right clock Jake still works here: nothing dated to do.
    const honest = await roster(['plan', '--detailed-exitcode']);
    expect(honest.stdout).not.toContain(`deactivate ${jake.email}`);
    expect(honest.stderr).not.toContain('clock');
  });

  it('keeps a leaver held back by a threshold red: apply --due exits 1 and drift names the person, vendor and reason', async () => {
    await setUp([{ ...maria, lastName: 'Gonzalez' }, { ...jake, endDate: addDays(today, -1) }], { thresholds: { update: 1, deactivate: 0.1, minUsers: 5 } });
    await commitThreeDaysAgo();
    const due = await roster(['apply', '--due', '--yes', '--no-report']);
    expect(due.code).toBe(1);
    expect(due.stderr).toContain(`leaver keeps access: ${jake.email} in enerflo (after their endDate ${addDays(today, -1)}): deactivate refused by the safety threshold`);
    expect(writes()).toEqual([]);
    // The drift issue's body is the job summary's markdown: it names the person, the vendor and the reason.
    const summary = path.join(workspace!.dir, 'summary.md');
    await writeFile(summary, '');
    const drift = await roster(['drift'], { GITHUB_STEP_SUMMARY: summary });
    expect(drift.code).toBe(2);
    const issue = await readFile(summary, 'utf8');
    expect(issue).toContain(jake.email);
    expect(issue).toContain('enerflo');
    expect(issue).toContain('is refused: enerflo: the plan would deactivate 1 of');
    expect(drift.stdout).toContain(`deactivate ${jake.email}`);
    expect(drift.stdout).toContain(`still has access but leaves after ${addDays(today, -1)}: \`roster apply --due\` is refused: enerflo: the plan would deactivate 1 of`);
    expect(drift.stdout).not.toContain('Pending dated changes');
  });
});
