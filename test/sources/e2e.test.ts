import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateState } from '../../src/compose/organisation.js';
import { startBambooEmulator, type BambooEmulator } from '../../src/sources/bamboohr/emulator.js';
import { sampleBambooEmployees } from '../../src/sources/bamboohr/fixture.js';
import { filesAt, seedRepository, startFakeGitHub, type FakeGitHub } from '../github/fake-github.js';
import { runInProcess } from '../helpers/in-process.js';
import { sampleProject, setSources, writeFiles } from './helpers.js';

/**
 * Done when (issue 27): a sync from the sample CSV and from the BambooHR emulator, against the fake GitHub,
 * opens a pull request whose users files validate and whose plan shows the hires as scheduled starts and the
 * leavers as scheduled ends. Every day is fixed (--at), so nothing depends on the clock.
 */
const DAY = '2026-12-07';

describe('roster source sync --github-pr, end to end', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function syncToPullRequest(prepare?: (dir: string) => Promise<Record<string, string>>) {
    const project = await sampleProject();
    cleanups.push(project.remove);
    const extraEnv = prepare ? await prepare(project.dir) : {};
    const gh: FakeGitHub = await startFakeGitHub();
    cleanups.push(gh.close);
    const base = await project.files();
    seedRepository(gh, base);
    const env = { GITHUB_TOKEN: gh.token, GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`, GITHUB_API_URL: gh.url, GITHUB_WORKSPACE: project.dir, GITHUB_REF_NAME: 'main', ...extraEnv };
    const sync = await runInProcess(['source', 'sync', '--github-pr', '--at', DAY], { cwd: project.dir, env });
    return { project, gh, env, sync, base };
  }

  async function checkPullRequest(gh: FakeGitHub, base: Record<string, string>) {
    const pull = gh.pulls.find((p) => p.head === 'roster/source-hr');
    expect(pull, 'a pull request from roster/source-hr').toBeDefined();
    expect(pull!.base).toBe('main');
    const body = pull!.body!;
    expect(body).toContain('<!-- roster-source: hr -->');
    expect(body).toMatch(/Dana Whitfield\*\* \(dana\.whitfield@sunpath\.example\) starts 2026-12-14/);
    expect(body).toMatch(/Luis Herrera\*\* \(luis\.herrera@sunpath\.example\) starts 2026-12-16/);
    expect(body).toMatch(/Jake Thompson[^\n]*\n\s+- `endDate`: \(unset\) → 2026-12-18/);
    // The HR row behind each change; phones masked, SSNs and birth dates never read.
    expect(body).toMatch(/HR row \d+[^\n]*(Hire Date|hireDate): /);
    expect(body).not.toMatch(/555-0121|5550121|123-45-67|1990-01-01|04\/12\/1984/);
    expect(body).not.toMatch(/ssn|birth/i);

    // Only users/ and the source's state change, and the result validates.
    const tip = filesAt(gh, 'roster/source-hr');
    const changed = Object.keys(tip).filter((f) => tip[f] !== base[f]).sort();
    expect(changed).toEqual(expect.arrayContaining(['users/people/austin.yaml', 'users/people/phoenix.yaml']));
    expect(changed.every((f) => f.startsWith('users/') || f === '.roster/sources/hr.json')).toBe(true);
    // Comments the sample carries stay.
    expect(tip['users/people/austin.yaml']).toContain('# She also covers the San Marcos sub-account.');

    const checkout = await mkdtemp(path.join(tmpdir(), 'roster-pr-'));
    cleanups.push(() => rm(checkout, { recursive: true, force: true }));
    await writeFiles(checkout, tip);
    const validation = await validateState(path.join(checkout, 'roster.yaml'));
    expect(validation.diagnostics).toEqual([]);

    const plan = await runInProcess(['plan', '--sandbox', '--at', DAY, '--format', 'json'], { cwd: checkout, env: {} });
    // The sandbox's own drift may be over a vendor threshold (exit 1 with that message); the plan itself is printed whole.
    expect(plan.stderr, plan.stderr).not.toMatch(/problems? found|cannot|invalid/i);
    const upcoming = (JSON.parse(plan.stdout) as { upcoming: { key: string; kind: string; date: string }[] }).upcoming;
    expect(upcoming).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'dana.whitfield@sunpath.example', kind: 'start', date: '2026-12-14' }),
        expect.objectContaining({ key: 'luis.herrera@sunpath.example', kind: 'start', date: '2026-12-16' }),
        expect.objectContaining({ key: 'jake.thompson@sunpath.example', kind: 'end', date: '2026-12-18' }),
      ]),
    );
    return pull!;
  }

  it('from the sample CSV: one pull request, valid users files, hires as scheduled starts, the leaver as a scheduled end', async () => {
    const { gh, sync, base, project, env } = await syncToPullRequest();
    expect(sync.stderr).toContain('row 9 (line 12), column Work Email: no email (left out)');
    expect(sync.code).toBe(0);
    const pull = await checkPullRequest(gh, base);
    expect(pull.body).toContain('Rows left out (1)');
    // A hand edit of an owned field shows as the line it overwrites (phone masked even there).
    expect(pull.body).toMatch(/`phone`: [^\n]*0103 → [^\n]*0199 \(overwrites users\/people\/austin\.yaml:30 `phone: [^`]*0103`\)/);
    expect(pull.body).not.toContain('512 555 0103');
    // Nothing was written to the working tree, and no vendor was called (the sync has no vendor client at all).
    expect(await project.files()).toEqual(base);

    // A second sync updates the same pull request instead of opening another.
    const again = await runInProcess(['source', 'sync', '--github-pr', '--at', DAY], { cwd: project.dir, env });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/pull request #\d+ updated/);
    expect(gh.pulls.filter((p) => p.head === 'roster/source-hr')).toHaveLength(1);
  });

  it('from the BambooHR emulator: the same pull request, asking BambooHR only for the mapped fields', async () => {
    let bamboo: BambooEmulator | undefined;
    const { gh, sync, base } = await syncToPullRequest(async (dir) => {
      bamboo = await startBambooEmulator({ apiKey: 'bamboo-key-123', employees: sampleBambooEmployees() });
      cleanups.push(() => bamboo!.close());
      await setSources(dir, {
        hr: {
          kind: 'bamboohr',
          companyDomain: 'sunpath',
          baseUrl: bamboo.url,
          pageSize: 2,
          credentials: { apiKey: { env: 'BAMBOOHR_API_KEY' } },
          fields: { employeeId: 'employeeNumber', manager: 'supervisorEmail' },
          manager: 'email',
          owns: ['firstName', 'lastName', 'phone', 'startDate', 'endDate'],
          offices: { from: 'location', map: { 'Austin, TX': 'austin', 'Phoenix, AZ': 'phoenix' } },
          roles: { from: 'jobTitle', map: { 'Sales Representative': ['sales-rep'] } },
          // Six employees of a sample of 25 people: absence is counted, never acted on.
          safety: { maxChangeShare: 0.5 },
        },
      });
      return { BAMBOOHR_API_KEY: 'bamboo-key-123' };
    });
    expect(sync.stderr).not.toMatch(/error/);
    expect(sync.code).toBe(0);
    await checkPullRequest(gh, base);
    const asked = bamboo!.requests;
    expect(asked.length).toBe(3); // six employees, two a page
    expect(asked.every((r) => r.authorized)).toBe(true);
    for (const r of asked) {
      expect(r.query.fields.split(',').sort()).toEqual(
        ['department', 'employeeNumber', 'firstName', 'hireDate', 'jobTitleName', 'lastName', 'location', 'mobilePhone', 'status', 'supervisorEmail', 'terminationDate', 'workEmail'].sort(),
      );
    }
    expect(JSON.stringify(asked)).not.toMatch(/ssn|birth/i);
    expect(gh.sent()).not.toContain('bamboo-key-123');
  });
});
