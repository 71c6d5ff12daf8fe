import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { vendorModule } from '../../src/vendors/registry.js';
import type { AccessReport } from '../../src/report/model.js';
import type { AccessRow } from '../../src/report/rows.js';
import { startFakeGitHub, type FakeGitHub } from '../github/fake-github.js';
import { runInProcess } from '../helpers/in-process.js';
import { sampleConfig, sampleOfficesAndRoles } from '../helpers/workspace.js';

/*
 * End to end: a repository whose users/ changed in three pull requests (merge commits on main), a fake
 * GitHub that answers commits -> pulls, pulls and reviews, the Enerflo and Pulse sandbox emulators over
 * HTTP, and `roster report access` run as the CLI runs, in all three formats.
 */

const git = async (cwd: string, args: string[], date?: string) => {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Olivia Ops', GIT_AUTHOR_EMAIL: 'olivia@sunpath.example', GIT_COMMITTER_NAME: 'Olivia Ops', GIT_COMMITTER_EMAIL: 'olivia@sunpath.example', ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}) };
  return (await promisify(execFile)('git', args, { cwd, env })).stdout.trim();
};

const person = (first: string, last: string, roles: string[], office: string, extra: Record<string, unknown> = {}) => ({
  email: `${first.toLowerCase()}.${last.toLowerCase()}@sunpath.example`,
  firstName: first,
  lastName: last,
  roles,
  office,
  ...extra,
});

const ANA = 'ana.lima@sunpath.example';
const BOB = 'bob.stone@sunpath.example';
const DAN = 'dan.ito@sunpath.example';
const ZED = 'zed.unknown@sunpath.example';

let dir: string;
let gh: FakeGitHub;
const merges: string[] = [];
const heads: string[] = [];
let env: NodeJS.ProcessEnv;

/** One pull request: a branch commit at `date`, merged into main with --no-ff an hour later. */
async function pullRequest(n: number, files: Record<string, unknown>, date: string): Promise<void> {
  await git(dir, ['checkout', '-q', '-b', `pr-${n}`]);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), typeof content === 'string' ? content : stringify(content));
  }
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '-m', `PR ${n}: people (call 512-555-0199 about it)`], `${date}T10:00:00Z`);
  heads.push(await git(dir, ['rev-parse', 'HEAD']));
  await git(dir, ['checkout', '-q', 'main']);
  await git(dir, ['merge', '-q', '--no-ff', '-m', `Merge pull request #${n}`, `pr-${n}`], `${date}T11:00:00Z`);
  merges.push(await git(dir, ['rev-parse', 'HEAD']));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'roster-report-e2e-'));
  await git(dir, ['init', '-q', '-b', 'main']);
  const config = await sampleConfig();
  config.vendors = { enerflo: config.vendors.enerflo, pulse: config.vendors.pulse };
  await writeFile(path.join(dir, 'roster.yaml'), stringify(config));
  const shared = await sampleOfficesAndRoles();
  await writeFile(path.join(dir, 'README.md'), 'people\n');
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '-m', 'start'], '2026-09-01T09:00:00Z');

  const ana = person('Ana', 'Lima', ['sales-rep'], 'austin');
  const bob = person('Bob', 'Stone', ['regional-manager'], 'austin');
  const dan = person('Dan', 'Ito', ['sales-rep'], 'phoenix');
  // PR 1: offices, roles, Ana and Bob. PR 2: Dan. PR 3: Bob leaves, Ana moves to Phoenix.
  await pullRequest(1, { 'users/offices.yaml': shared['offices.yaml'], 'users/roles.yaml': shared['roles.yaml'], 'users/people/team.yaml': { people: [ana, bob] } }, '2026-10-01');
  await pullRequest(2, { 'users/people/dan.yaml': { people: [dan] } }, '2026-10-15');
  await pullRequest(3, { 'users/people/team.yaml': { people: [{ ...ana, office: 'phoenix' }, { ...bob, active: false }] } }, '2026-11-02');

  gh = await startFakeGitHub();
  const pull = (n: number, extra: object) => ({ number: n, merged_at: `${['2026-10-01', '2026-10-15', '2026-11-02'][n - 1]}T11:00:00Z`, merge_commit_sha: merges[n - 1], commits: [heads[n - 1]], head_sha: heads[n - 1], user: 'olivia-ops', merged_by: 'olivia-ops', ...extra });
  gh.pulls.push(
    pull(1, { reviews: [{ login: 'carol-lead', state: 'APPROVED', submitted_at: '2026-10-01T10:30:00Z' }] }),
    // Dan approves his own access; Carol's approval was of an earlier push and does not count.
    pull(2, {
      reviews: [
        { login: 'carol-lead', state: 'APPROVED', submitted_at: '2026-10-15T09:00:00Z', commit_id: 'e'.repeat(40) },
        { login: 'dan-ito', state: 'APPROVED', submitted_at: '2026-10-15T10:30:00Z' },
      ],
    }),
    // Nobody approved before the merge; Carol's approval came after it.
    pull(3, { reviews: [{ login: 'carol-lead', state: 'APPROVED', submitted_at: '2026-11-03T08:00:00Z' }] }),
  );

  // Live: Ana in Austin (git says Phoenix now), Bob still active, Dan never created, Zed whom git does not know.
  const enerflo = vendorModule('enerflo').sandbox.fixture() as { users: Record<string, unknown>[] };
  const user = (id: number, email: string, first: string, last: string, roles: string[], office: number, active = true) => ({
    id, company_id: 4107, email, first_name: first, last_name: last, roles, office_ids: [office], timezone: 'America/Chicago', active,
    created_at: '2026-10-01T12:00:00Z', updated_at: '2026-10-01T12:00:00Z',
  });
  enerflo.users = [
    user(500, ANA, 'Ana', 'Lima', ['Sales Rep'], 101),
    user(501, BOB, 'Bob', 'Stone', ['Regional Manager'], 101),
    user(502, ZED, 'Zed', 'Unknown', ['Sales Rep'], 102),
  ];
  await mkdir(path.join(dir, '.fixtures'));
  await writeFile(path.join(dir, '.fixtures/enerflo.json'), JSON.stringify(enerflo));
  await writeFile(path.join(dir, '.fixtures/pulse.json'), JSON.stringify(vendorModule('pulse').sandbox.fixture()));

  // Apply reports as `roster apply --report` writes them, in artifact folders; a stranger file and a link beside them.
  const applies = path.join(dir, '.applies');
  await mkdir(path.join(applies, 'run-1'), { recursive: true });
  await writeFile(
    path.join(applies, 'run-1/apply-report.json'),
    JSON.stringify({ version: 1, startedAt: '2026-10-01T11:50:00Z', finishedAt: '2026-10-01T12:00:00Z', results: [{ vendor: 'enerflo', action: 'create', key: ANA, vendorId: '500', ok: true }, { vendor: 'enerflo', action: 'create', key: BOB, ok: true }, { vendor: 'enerflo', action: 'create', key: DAN, ok: false, error: 'refused' }], summary: { succeeded: 2, failed: 1, skipped: 0 } }),
  );
  // Bob's Pulse account was deactivated a day and a half after he left: removed, but late.
  await mkdir(path.join(applies, 'run-2'));
  await writeFile(
    path.join(applies, 'run-2/apply-report.json'),
    JSON.stringify({ version: 1, startedAt: '2026-11-03T22:55:00Z', finishedAt: '2026-11-03T23:00:00Z', results: [{ vendor: 'pulse', action: 'deactivate', key: BOB, ok: true }], summary: { succeeded: 1, failed: 0, skipped: 0 } }),
  );
  await writeFile(path.join(applies, 'notes.json'), JSON.stringify({ hello: 'world' }));
  await symlink('/etc/passwd', path.join(applies, 'linked.json'));

  env = {
    ...process.env,
    GITHUB_TOKEN: gh.token,
    GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
    GITHUB_API_URL: gh.url,
    XDG_CACHE_HOME: path.join(dir, '.cache'),
    CI: '',
    GITHUB_ACTIONS: '',
  };
});

afterAll(async () => {
  await gh?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const report = (args: string[]) =>
  runInProcess(['report', 'access', '--sandbox', '--fixtures', '.fixtures', '--apply-reports', '.applies', ...args], { cwd: dir, env });

/** RFC 4180, enough for the report: quoted cells, doubled quotes, CRLF. */
function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), records.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  const [head, ...rest] = records;
  return rest.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

describe('roster report access, end to end', () => {
  let json: AccessReport;
  const row = (person: string, vendor = 'enerflo'): AccessRow => {
    const found = json.rows.find((r) => r.person === person && r.vendor === vendor);
    if (!found) throw new Error(`no row for ${person} in ${vendor}`);
    return found;
  };

  it('json: rows, since when, approvers, self-approval, drift, unmanaged accounts, leavers, last apply', async () => {
    const result = await report(['--format', 'json']);
    expect(result.stderr).not.toMatch(/error/i);
    // Bob left on 2 November and is still active in Enerflo: never a green run.
    expect(result.code).toBe(2);
    json = JSON.parse(result.stdout) as AccessReport;
    expect(json.declared.commit).toBe(merges[2]);
    expect(json.live.vendors.map((v) => v.vendor).sort()).toEqual(['enerflo', 'pulse']);
    expect(json.live.vendors.every((v) => !v.error)).toBe(true);

    const ana = row(ANA);
    expect(ana).toMatchObject({ declared: 'active', live: 'active', vendorId: '500', declaredRoles: ['sales-rep'], declaredOffice: 'phoenix', liveOffice: 'austin' });
    // Her access changed last in PR 3 (the move to Phoenix), which nobody approved before the merge.
    expect(ana.since).toMatchObject({ sha: merges[2], date: '2026-11-02T11:00:00.000Z' });
    expect(ana.pullRequest).toMatchObject({ number: 3, mergedBy: 'olivia-ops' });
    expect(ana).toMatchObject({ approval: 'unapproved', approvers: [], selfApproval: true });
    expect(ana.discounted).toEqual(['carol-lead: approved after the merge']);
    expect(ana.drift).toEqual([expect.stringMatching(/^differs: .*office/)]);
    expect(ana.lastApply).toMatchObject({ action: 'create', at: '2026-10-01T12:00:00.000Z', report: path.join('run-1', 'apply-report.json') });

    const dan = row(DAN);
    expect(dan).toMatchObject({ declared: 'active', live: 'absent', approval: 'self-approved', approvers: ['dan-ito'], selfApproval: true, drift: ['no account, declared active'] });
    expect(dan.since).toMatchObject({ sha: merges[1], date: '2026-10-15T11:00:00.000Z' });
    expect(dan.discounted).toEqual([expect.stringMatching(/^carol-lead: approved an earlier commit/)]);
    // The failed create of the apply report is no change.
    expect(dan.lastApply).toBeUndefined();

    const bob = row(BOB);
    expect(bob).toMatchObject({ declared: 'inactive', live: 'active', drift: ['still active, offboarded in git'] });
    expect(bob.leaver).toMatchObject({ how: 'active: false', status: 'still active', overdue: true, endedAt: '2026-11-02T11:00:00.000Z' });
    expect(bob.leaver?.commit?.sha).toBe(merges[2]);

    const zed = row(ZED);
    expect(zed).toMatchObject({ declared: 'not in git', live: 'active', vendorId: '502', drift: ['not in git'] });
    expect(zed.since).toBeUndefined();
    // Pulse's sandbox users are none of these people: they are rows too, not in git.
    expect(json.rows.filter((r) => r.vendor === 'pulse' && r.declared === 'not in git').length).toBeGreaterThan(0);
    // Bob was in Pulse too (a regional manager is): there he has no account now, so his access there is gone.
    expect(row(BOB, 'pulse')).toMatchObject({ declared: 'inactive', live: 'absent', drift: [], leaver: { how: 'active: false', status: 'removed' } });
    expect(row(BOB, 'pulse').leaver).toMatchObject({ removedAt: '2026-11-03T23:00:00.000Z', onTime: false });
    expect(row(BOB, 'pulse').leaver?.overdue).toBeUndefined();
    expect(json.summary).toMatchObject({ leavers: 2, leaversOverdue: 1 });
    expect(json.summary.selfApproval).toBeGreaterThanOrEqual(2);
    expect(json.applyReports.files).toEqual([path.join('run-1', 'apply-report.json'), path.join('run-2', 'apply-report.json')]);
    expect(json.applyReports.skipped).toEqual(expect.arrayContaining([{ file: 'linked.json', reason: 'a symbolic link' }, { file: 'notes.json', reason: 'not an apply report' }]));
    // Commit subjects are free text: the phone number in them is masked like in the PR comment.
    expect(result.stdout).not.toContain('512-555-0199');
    expect(JSON.stringify(json)).not.toContain(gh.token);
  });

  it('csv: the same rows, one per account, for a spreadsheet', async () => {
    const result = await report(['--format', 'csv']);
    expect(result.code).toBe(2);
    const rows = parseCsv(result.stdout);
    expect(rows).toHaveLength(json.rows.length);
    const by = (p: string) => rows.find((r) => r.person === p && r.vendor === 'enerflo')!;
    expect(by(ANA)).toMatchObject({ live: 'active', declared_office: 'phoenix', live_office: 'austin', since_commit: merges[2], pull_request: '3', approval: 'unapproved', self_approval: 'yes', last_apply_action: 'create' });
    expect(by(DAN)).toMatchObject({ live: 'absent', approval: 'self-approved', approvers: 'dan-ito', since: '2026-10-15T11:00:00.000Z', drift: 'no account, declared active' });
    expect(by(BOB)).toMatchObject({ leaver: 'active: false', leaver_status: 'still active (overdue)', ended_commit: merges[2] });
    expect(by(ZED)).toMatchObject({ declared: 'not in git', drift: 'not in git' });
    expect(rows.find((r) => r.person === BOB && r.vendor === 'pulse')).toMatchObject({ leaver_status: 'removed', removed_at: '2026-11-03T23:00:00.000Z', on_time: 'no' });
  });

  it('markdown: a table and the leavers, and asks GitHub nothing twice (the cache)', async () => {
    const before = gh.requests.length;
    const result = await report(['--format', 'markdown']);
    expect(result.code).toBe(2);
    expect(gh.requests.length).toBe(before);
    const line = (p: string) => result.stdout.split('\n').find((l) => l.startsWith(`| ${p} | enerflo |`)) ?? '';
    expect(line(DAN)).toContain('⚠ self-approved (dan-ito)');
    expect(line(DAN)).toContain(`2026-10-15 ${merges[1].slice(0, 7)}`);
    expect(line(ANA)).toContain('⚠ unapproved');
    expect(line(ANA)).toContain('#3');
    expect(line(ZED)).toContain('not in git');
    expect(result.stdout).toContain('### Leavers');
    expect(result.stdout).toMatch(new RegExp(`\\| ${BOB} \\| enerflo \\| 2026-11-02T11:00:00.000Z ${merges[2].slice(0, 7)} \\| active: false \\| ⚠ still active \\(overdue\\)`));
  });

  it('--as-of: the declared side as git had it that day; the live side is still now and says so', async () => {
    const result = await report(['--format', 'json', '--as-of', '2026-10-20']);
    const then = JSON.parse(result.stdout) as AccessReport;
    expect(then.declared).toMatchObject({ commit: merges[1], asOf: '2026-10-20', asOfGiven: true });
    expect(then.live.note).toMatch(/live is always now/);
    const ana = then.rows.find((r) => r.person === ANA && r.vendor === 'enerflo')!;
    expect(ana).toMatchObject({ declaredOffice: 'austin', liveOffice: 'austin', drift: [], approval: 'approved', approvers: ['carol-lead'], selfApproval: false });
    expect(ana.since?.sha).toBe(merges[0]);
    // Bob was not a leaver yet: he is declared active and has his account.
    expect(then.rows.find((r) => r.person === BOB && r.vendor === 'enerflo')).toMatchObject({ declared: 'active', live: 'active', drift: [] });
    expect(result.code).toBe(0);
  });

  it('--out writes the report and a manifest whose SHA-256 matches it', async () => {
    const out = path.join(dir, 'evidence', 'access.csv');
    await mkdir(path.dirname(out), { recursive: true });
    const result = await report(['--format', 'csv', '--out', out]);
    expect(result.stdout).toBe('');
    const manifest = JSON.parse(await readFile(path.join(dir, 'evidence', 'access.manifest.json'), 'utf8')) as Record<string, unknown>;
    const bytes = await readFile(out);
    expect(manifest).toMatchObject({ commit: merges[2], tool: { name: 'roster', version: expect.any(String) }, files: [{ path: 'access.csv', bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }] });
    expect(String(manifest.generatedAt)).toMatch(/Z$/);
  });

  it('a vendor it cannot read makes every row of it unreadable, a leaver there unknown, and the run not green', async () => {
    const bare = { ...env };
    for (const name of ['ENERFLO_API_KEY', 'PULSE_API_KEY', 'PULSE_API_SECRET']) delete bare[name];
    const result = await runInProcess(['report', 'access', '--format', 'json', '--no-github', '--vendor', 'enerflo'], { cwd: dir, env: bare });
    expect(result.code).toBe(1);
    const unread = JSON.parse(result.stdout) as AccessReport;
    expect(unread.live.vendors).toEqual([{ vendor: 'enerflo', kind: 'enerflo', mode: 'list', error: expect.stringMatching(/missing credentials: set ENERFLO_API_KEY/) }]);
    expect(unread.rows.map((r) => r.live)).toEqual(['unreadable', 'unreadable', 'unreadable']);
    expect(unread.rows.find((r) => r.person === BOB)?.leaver).toMatchObject({ status: 'unknown' });
    expect(unread.github.source).toBe('not asked (--no-github)');
    expect(unread.rows.every((r) => r.approval === 'unknown' && !r.selfApproval)).toBe(true);
  });
});
