import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createOctokit } from '../../src/github/context.js';
import { githubPulls, weighReviews, type MergedPull } from '../../src/report/approvals.js';
import { applyKey, readApplyReports } from '../../src/report/apply-reports.js';
import { declarationHistory } from '../../src/report/history.js';
import { isPersonLogin } from '../../src/report/logins.js';
import { maskReport, summarise, type AccessReport } from '../../src/report/model.js';
import { csvCell, renderMarkdown } from '../../src/report/render.js';
import { buildRows, type AccessRow, type RowInputs } from '../../src/report/rows.js';
import type { VendorLive } from '../../src/report/live.js';
import type { Organisation, ResolvedPerson } from '../../src/config/model.js';
import type { VendorInstanceConfig } from '../../src/config/schema.js';
import type { VendorModule } from '../../src/vendors/types.js';
import { startFakeGitHub, type FakeGitHub } from '../github/fake-github.js';

/* The report's checks, each tried the way someone would try to get around it. */

const pull = (reviews: MergedPull['reviews'], extra: Partial<MergedPull> = {}): MergedPull => ({
  number: 7,
  author: 'olivia',
  mergedAt: '2026-10-01T12:00:00Z',
  headSha: 'a'.repeat(40),
  reviews,
  ...extra,
});
const approve = (login: string, at = '2026-10-01T11:00:00Z', commitId = 'a'.repeat(40)) => ({ login, state: 'APPROVED', submittedAt: at, commitId });
const grantee = (login: string) => login === 'dan';

describe('approvals', () => {
  it('counts an approval of the merged head, given before the merge, by someone other than the grantee', () => {
    expect(weighReviews(pull([approve('carol')]), grantee)).toEqual({ verdict: 'approved', approvers: ['carol'], discounted: [] });
    expect(weighReviews(pull([approve('carol'), approve('dan')]), grantee).verdict).toBe('approved');
  });

  it('flags access approved only by the person who gets it, or by nobody', () => {
    expect(weighReviews(pull([approve('dan')]), grantee)).toMatchObject({ verdict: 'self-approved', approvers: ['dan'] });
    expect(weighReviews(pull([]), grantee)).toMatchObject({ verdict: 'unapproved', approvers: [] });
    // A comment is no approval.
    expect(weighReviews(pull([{ login: 'carol', state: 'COMMENTED', submittedAt: '2026-10-01T11:00:00Z' }]), grantee).verdict).toBe('unapproved');
  });

  it('does not count an approval given after the merge, of an earlier push, by the author, or withdrawn', () => {
    expect(weighReviews(pull([approve('carol', '2026-10-02T09:00:00Z')]), grantee)).toEqual({ verdict: 'unapproved', approvers: [], discounted: ['carol: approved after the merge'] });
    expect(weighReviews(pull([approve('carol', undefined, 'b'.repeat(40))]), grantee)).toMatchObject({ verdict: 'unapproved', discounted: ['carol: approved an earlier commit (bbbbbbb)'] });
    expect(weighReviews(pull([approve('olivia')]), grantee)).toMatchObject({ verdict: 'unapproved', discounted: ["olivia: the pull request's author"] });
    // Approved, then changes requested (or the approval dismissed): the last word counts.
    const withdrawn = [approve('carol', '2026-10-01T10:00:00Z'), { login: 'carol', state: 'CHANGES_REQUESTED', submittedAt: '2026-10-01T10:30:00Z' }];
    expect(weighReviews(pull(withdrawn), grantee).verdict).toBe('unapproved');
    expect(weighReviews(pull([approve('carol', '2026-10-01T10:00:00Z'), { login: 'carol', state: 'DISMISSED', submittedAt: '2026-10-01T10:30:00Z' }]), grantee).verdict).toBe('unapproved');
  });

  it('knows people by the logins file first, then by their email name', () => {
    const logins = new Map([['dj-2000', 'dan.ito@acme.example'], ['danito', 'someone.else@acme.example']]);
    expect(isPersonLogin(logins, 'DJ-2000', 'dan.ito@acme.example')).toBe(true);
    // A login the file gives to someone else is not Dan, however it is spelt.
    expect(isPersonLogin(logins, 'danito', 'dan.ito@acme.example')).toBe(false);
    expect(isPersonLogin(new Map(), 'Dan-Ito', 'dan.ito@acme.example')).toBe(true);
    expect(isPersonLogin(new Map(), 'carol', 'dan.ito@acme.example')).toBe(false);
  });
});

describe('the GitHub cache', () => {
  let gh: FakeGitHub;
  let cache: string;
  const sha = 'c'.repeat(40);
  beforeAll(async () => {
    gh = await startFakeGitHub();
    cache = await mkdtemp(path.join(tmpdir(), 'roster-gh-cache-'));
    gh.pulls.push({ number: 4, merged_at: '2026-10-01T12:00:00Z', merge_commit_sha: sha, commits: [], head_sha: 'd'.repeat(40), user: 'olivia', reviews: [{ login: 'carol', state: 'APPROVED', submitted_at: '2026-10-01T11:00:00Z' }] });
  });
  afterAll(async () => {
    await gh.close();
    await rm(cache, { recursive: true, force: true });
  });

  it('asks GitHub once per merged commit, and asks again when a cache file is damaged', async () => {
    const source = () => githubPulls({ octokit: createOctokit(gh.token, gh.url), owner: gh.owner, repo: gh.repo }, cache);
    const first = await source().mergedPullOf(sha);
    expect(first).toMatchObject({ number: 4, author: 'olivia', headSha: 'd'.repeat(40), reviews: [{ login: 'carol', state: 'APPROVED', commitId: 'd'.repeat(40) }] });
    const asked = gh.requests.length;
    expect(await source().mergedPullOf(sha)).toEqual(first);
    expect(gh.requests.length).toBe(asked);
    const [folder] = await readdir(cache);
    await writeFile(path.join(cache, folder, `${sha}.json`), '{"version":1,"pull":{"number":"four"}}');
    expect(await source().mergedPullOf(sha)).toEqual(first);
    expect(gh.requests.length).toBeGreaterThan(asked);
    // A commit no pull request merged (a direct push) is null, and is not cached.
    expect(await source().mergedPullOf('e'.repeat(40))).toBeNull();
    expect((await readdir(path.join(cache, folder))).sort()).toEqual([`${sha}.json`]);
  });

  it('refuses anything but a commit sha (it becomes a file name and a URL)', async () => {
    await expect(githubPulls({ octokit: createOctokit(gh.token, gh.url), owner: gh.owner, repo: gh.repo }, cache).mergedPullOf('../../etc/passwd')).rejects.toThrow(/not a commit sha/);
  });
});

describe('apply reports', () => {
  it('keeps the newest successful change per vendor and person, whatever order the files come in', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'roster-applies-'));
    try {
      const report = (finishedAt: string, results: unknown[]) => JSON.stringify({ version: 1, startedAt: finishedAt, finishedAt, results, summary: {} });
      await writeFile(path.join(dir, 'a-new.json'), report('2026-11-02T06:00:00Z', [{ vendor: 'enerflo', action: 'deactivate', key: 'Bob@x.example', ok: true }]));
      await writeFile(path.join(dir, 'b-old.json'), report('2026-10-01T06:00:00Z', [{ vendor: 'enerflo', action: 'create', key: 'bob@x.example', ok: true }]));
      await writeFile(path.join(dir, 'c-failed.json'), report('2026-12-01T06:00:00Z', [{ vendor: 'enerflo', action: 'reactivate', key: 'bob@x.example', ok: false }]));
      await writeFile(path.join(dir, 'd-broken.json'), '{"version":1,');
      const history = await readApplyReports(dir);
      expect(history.last.get(applyKey('enerflo', 'bob@x.example'))).toEqual({ action: 'deactivate', at: '2026-11-02T06:00:00.000Z', report: 'a-new.json' });
      expect(history.skipped).toEqual([{ file: 'd-broken.json', reason: 'not JSON' }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('declaration history', () => {
  let dir: string;
  const shas: string[] = [];
  const commit = async (files: Record<string, unknown>, date: string) => {
    for (const [file, content] of Object.entries(files)) {
      const full = path.join(dir, file);
      if (content === null) {
        await rm(full);
        continue;
      }
      await mkdir(path.dirname(full), { recursive: true });
      await writeFile(full, typeof content === 'string' ? content : stringify(content));
    }
    const env = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@x.example', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@x.example', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
    await promisify(execFile)('git', ['add', '-A'], { cwd: dir });
    await promisify(execFile)('git', ['commit', '-q', '-m', date], { cwd: dir, env });
    shas.push((await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim());
  };
  const roles = (enerflo: unknown) => ({ roles: [{ key: 'rep', enerflo }, { key: 'care', pulse: { roles: ['support'] } }] });
  const ann = (extra: object = {}) => ({ email: 'Ann@x.example', firstName: 'A', lastName: 'B', roles: ['rep'], ...extra });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'roster-history-'));
    await promisify(execFile)('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    await commit({ 'users/roles.yaml': roles({ roles: ['Sales Rep'] }), 'users/a.yaml': { people: [ann()] } }, '2026-01-01T00:00:00Z'); // 0
    await commit({ 'users/a.yaml': { people: [ann({ title: 'Rep' })] } }, '2026-02-01T00:00:00Z'); // 1: no access change
    await commit({ 'users/a.yaml': 'people: [oops', 'README.md': 'x' }, '2026-02-15T00:00:00Z'); // 2: a broken file
    await commit({ 'users/a.yaml': { people: [ann({ title: 'Rep' })] } }, '2026-02-20T00:00:00Z'); // 3: fixed again
    await commit({ 'users/roles.yaml': roles({ roles: ['Setter'] }) }, '2026-03-01T00:00:00Z'); // 4: the role's mapping changes
    await commit({ 'users/a.yaml': { people: [] }, 'users/b.yaml': { people: [ann({ title: 'Rep' })] } }, '2026-04-01T00:00:00Z'); // 5: moved file
    await commit({ 'users/b.yaml': { people: [ann({ title: 'Rep', roles: ['rep', 'care'] })] } }, '2026-05-01T00:00:00Z'); // 6: pulse too
    await commit({ 'users/b.yaml': { people: [ann({ roles: ['rep', 'care'], active: false })] } }, '2026-06-01T00:00:00Z'); // 7: leaves
    await commit({ 'users/b.yaml': null }, '2026-07-01T00:00:00Z'); // 8: removed from git
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const at = async (n: number) => (await declarationHistory(dir, shas[n], 'users', ['enerflo', 'pulse'])).get('ann@x.example');

  it('dates access from the commit that last changed what decides it, not from any edit of the person', async () => {
    expect((await at(1))?.since.get('enerflo')?.sha).toBe(shas[0]);
    // A broken file declares nobody for a commit; fixed again, the access starts anew there.
    expect((await at(3))?.since.get('enerflo')?.sha).toBe(shas[3]);
    // A role's mapping changing changes the access of everyone holding it.
    expect((await at(4))?.since.get('enerflo')?.sha).toBe(shas[4]);
    // Moving a person to another file changes nothing.
    expect((await at(5))?.since.get('enerflo')?.sha).toBe(shas[4]);
    const six = await at(6);
    expect(six?.since.get('enerflo')?.sha).toBe(shas[4]);
    expect(six?.since.get('pulse')?.sha).toBe(shas[6]);
  });

  it('knows when a leaver ended, and when they were removed from git', async () => {
    const seven = await at(7);
    expect(seven?.ended?.sha).toBe(shas[7]);
    expect(seven?.removed).toBeUndefined();
    const eight = await at(8);
    expect(eight?.removed?.sha).toBe(shas[8]);
    expect([...(eight?.kinds ?? [])].sort()).toEqual(['enerflo', 'pulse']);
  });
});

describe('what the report shows', () => {
  const row = (over: Partial<AccessRow>): AccessRow => ({
    person: 'dan.ito@acme.example',
    name: 'Dan Ito',
    vendor: 'enerflo',
    kind: 'enerflo',
    declared: 'active',
    live: 'active',
    declaredRoles: [],
    liveRoles: [],
    approval: 'approved',
    approvers: [],
    discounted: [],
    selfApproval: false,
    drift: [],
    ...over,
  });
  const report = (rows: AccessRow[]): AccessReport => ({
    version: 1,
    generatedAt: '2026-12-01T00:00:00.000Z',
    rosterVersion: '0.0.0',
    declared: { commit: 'f'.repeat(40), asOf: '2026-12-01', asOfGiven: false },
    live: { readAt: '2026-12-01T00:00:00.000Z', note: 'live is read now', vendors: [] },
    github: { source: 'github', errors: [] },
    applyReports: { files: [], skipped: [] },
    leaverHours: 24,
    rows,
    summary: summarise(rows),
  });

  it('keeps a spreadsheet from running a cell as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('+1 512')).toBe("'+1 512");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('plain')).toBe('plain');
  });

  it('keeps a vendor-given text from breaking out of its markdown cell', () => {
    const text = renderMarkdown(report([row({ person: 'x|y@acme.example', note: 'a | b\n| c' })]));
    const line = text.split('\n').find((l) => l.startsWith('| x'))!;
    expect(line.split(/(?<!\\)\|/).length).toBe(13);
  });

  it('masks emails and names when github.maskEmails is set, and personal data in free text always', () => {
    const masked = maskReport(report([row({ note: 'matched to dan.ito@acme.example, SSN 123-45-6789', since: { sha: 'a', date: 'd', author: 'T', subject: 'add Dan, 512-555-0101' } })]), { maskEmails: true });
    const text = JSON.stringify(masked);
    expect(text).not.toMatch(/dan\.ito|Dan Ito|123-45-6789|512-555-0101/);
    expect(masked.rows[0].person).toBe('d•••@acme.example');
    const open = maskReport(report([row({})]), { maskEmails: false });
    expect(open.rows[0]).toMatchObject({ person: 'dan.ito@acme.example', name: 'Dan Ito' });
  });
});

describe('leavers by endDate', () => {
  const key = 'eve@acme.example';
  const inputs = (now: string, liveActive: boolean): RowInputs => {
    const person = { key, email: key, firstName: 'Eve', lastName: 'E', active: false, endDate: '2026-11-30', roles: [], office: { key: 'austin', timezone: 'America/Chicago' } } as unknown as ResolvedPerson;
    const live: VendorLive = {
      vendor: 'enerflo',
      kind: 'enerflo',
      mode: 'list',
      desired: [{ key, email: key, active: false, fields: {}, dependsOn: [] }],
      matched: new Map([[key, { vendorId: '9', email: key, active: liveActive, fields: {} }]]),
      problems: new Map(),
      unmatched: [],
      unreadable: [],
      extra: new Map(),
    };
    const ended = { sha: 'a'.repeat(40), date: '2026-11-20T15:00:00.000Z', author: 'T', subject: 'Eve leaves at the end of November' };
    return {
      org: { peopleByKey: new Map([[key, person]]), offices: new Map() } as unknown as Organisation,
      asOfDay: now.slice(0, 10),
      vendors: [{ live, module: { kind: 'enerflo', fields: [] } as unknown as VendorModule, config: { kind: 'enerflo' } as VendorInstanceConfig }],
      history: new Map([[key, { since: new Map([['enerflo', ended]]), ended, last: { email: key, endDate: '2026-11-30' }, kinds: new Set(['enerflo']) }]]),
      applies: { last: new Map(), files: [], skipped: [] },
      logins: new Map(),
      now: new Date(now),
      leaverHours: 24,
    };
  };

  it('counts the hours from the start of the day after endDate in the office timezone, not from the commit', () => {
    const [row] = buildRows(inputs('2026-12-01T12:00:00Z', true));
    // Midnight in Austin (UTC-6 in December) is 06:00 UTC.
    expect(row.leaver).toMatchObject({ how: 'endDate 2026-11-30', endedAt: '2026-12-01T06:00:00.000Z', status: 'still active', overdue: false });
    expect(row.drift).toEqual(['still active, offboarded in git']);
    expect(buildRows(inputs('2026-12-02T06:00:01Z', true))[0].leaver).toMatchObject({ overdue: true });
    expect(buildRows(inputs('2026-12-02T06:00:01Z', false))[0].leaver).toMatchObject({ status: 'removed' });
  });
});
