/**
 * `npm run bench -- --report`: `roster report access` against `roster plan` at the same size, over the
 * same sandbox vendors, back to back in one process (issue 29: "at 10,000 people the report runs in
 * about the time of one plan"). The generated organisation is committed as a small git history first:
 * an import, a few merged pull requests that change roles and offboard people, and a last one that adds
 * a file, so the report replays a real first-parent history. GitHub is not asked (no approvals): the
 * report's GitHub cost is one cached question per cited commit, not a function of people.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadOrganisation } from '../src/compose/organisation.js';
import { applySandboxOverrides, startSandbox } from '../src/compose/sandbox.js';
import { buildTargets } from '../src/compose/targets.js';
import type { Connection } from '../src/compose/connect.js';
import type { Organisation } from '../src/config/model.js';
import { buildPlan } from '../src/compose/plan.js';
import { maskReport } from '../src/report/model.js';
import { renderCsv } from '../src/report/render.js';
import { buildAccessReport } from '../src/report/run.js';
import { generateOrg } from './generate.js';
import { OFFICES } from './people.js';
import type { BenchVendor } from './profile.js';

const run = promisify(execFile);

/** One entry of `report` in bench/results.json: one per size, every vendor of the run at once. */
export interface AccessReportRun {
  people: number;
  vendors: string[];
  /** First-parent commits of users/ the report replays. */
  commits: number;
  /** `roster report access --no-github` as the command runs it: history, load, live reads, rows, masking, CSV. */
  ms: number;
  /** `roster plan` over the same vendors in the same process: load, plan. */
  planMs: number;
  ratio: number;
  rows: number;
  /** Requests the report and the plan sent to the vendors: the same readers, so the same count is the target. */
  requests: number;
  planRequests: number;
  /** CPU time of this process (user + system) in each, emulators included alike: less at the mercy of a loaded machine than wall time. */
  cpuMs: number;
  planCpuMs: number;
}

/** Nothing is paced: the emulators and the clients get a budget nothing reaches, as in the plan runs. */
const UNPACED = { limit: 1_000_000, windowMs: 1_000 };

/** The vendors of `org` against emulators seeded with the bench's fixtures. */
function connectBench(fixtures: Record<string, unknown>, sent: { requests: number }) {
  return async (org: Organisation): Promise<Connection> => {
    const sandbox = await startSandbox(org.config, { fixtures, emulatorOptions: () => ({ rateLimit: UNPACED }) });
    applySandboxOverrides(org.config, sandbox);
    const env = { ...process.env, ...sandbox.env };
    const targets = buildTargets(org, { env, rateLimit: () => UNPACED });
    return { targets, sandbox, env, close: () => ((sent.requests = targets.reduce((n, t) => n + t.counter.requests, 0)), sandbox.stop()) };
  };
}

const GIT_ENV = { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };

/**
 * Commits the generated organisation in `dir` as a history: the import (every file but the last), then
 * `pulls` merged branches (each moves 5 people to another office and offboards 2 in one file), then a merge
 * adding the last file. Returns the number of first-parent commits.
 */
export async function commitHistory(dir: string, pulls = 4): Promise<number> {
  const git = (...args: string[]) => run('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, maxBuffer: 64 * 1024 * 1024 });
  await git('init', '-q', '-b', 'main');
  const files = (await readdir(path.join(dir, 'users', 'people'))).sort().map((f) => path.join('users', 'people', f));
  const last = files.length > 1 ? files[files.length - 1] : undefined;
  await git('add', 'roster.yaml', 'users/org.yaml', ...files.filter((f) => f !== last));
  await git('commit', '-q', '-m', 'Import the organisation');
  let commits = 1;
  for (let i = 0; i < pulls; i++) {
    const file = path.join(dir, files[i % files.length]);
    await git('checkout', '-q', '-b', `change-${i}`);
    let text = await readFile(file, 'utf8');
    let moved = 0;
    text = text.replace(/^    office: (\S+)$/gm, (m, key: string) => (moved++ < 5 ? `    office: ${OFFICES[(OFFICES.findIndex((o) => o.key === key) + 1) % OFFICES.length].key}` : m));
    let ended = 0;
    text = text.replace(/    roles: \[sales-rep\]\n(?!    endDate)/g, (m) => (ended++ < 2 ? `${m}    endDate: "2026-01-${String(10 + i).padStart(2, '0')}"\n` : m));
    await writeFile(file, text);
    await git('commit', '-q', '-am', `Pull request ${i + 1}: move 5 to another office, offboard 2`);
    await git('checkout', '-q', 'main');
    await git('merge', '-q', '--no-ff', '-m', `Merge pull request #${i + 1}`, `change-${i}`);
    commits++;
  }
  if (last) {
    await git('checkout', '-q', '-b', 'add-last');
    await git('add', last);
    await git('commit', '-q', '-m', 'Add the last team');
    await git('checkout', '-q', 'main');
    await git('merge', '-q', '--no-ff', '-m', `Merge pull request #${pulls + 1}`, 'add-last');
    commits++;
  }
  return commits;
}

/** `roster plan`: load the organisation, plan every vendor (in a function of its own, so its organisation is garbage before the report). */
async function planOnce(configFile: string, connect: (org: Organisation) => Promise<Connection>): Promise<void> {
  const org = await loadOrganisation(configFile);
  const connection = await connect(org);
  try {
    await buildPlan(org, connection.targets);
  } finally {
    await connection.close();
  }
}

/** Generates `size` people, commits them as a history, and times a report against a plan at HEAD. */
export async function benchAccessReport(dataDir: string, size: number, vendors: BenchVendor[], log: (line: string) => void = () => undefined): Promise<AccessReportRun> {
  const generated = await generateOrg(path.join(dataDir, `report-${size}`), size, vendors);
  const commits = await commitHistory(generated.dir);
  const planSent = { requests: 0 };
  const reportSent = { requests: 0 };

  let started = performance.now();
  let cpu = process.cpuUsage();
  await planOnce(generated.configFile, connectBench(generated.fixtures, planSent));
  const planMs = performance.now() - started;
  const planCpu = process.cpuUsage(cpu);

  // `roster report access --no-github --format csv`, right after, in the same conditions.
  started = performance.now();
  cpu = process.cpuUsage();
  const { report, org: declared } = await buildAccessReport({
    configFile: generated.configFile,
    githubSource: 'not asked (benchmark)',
    logins: new Map(),
    leaverHours: 24,
    rosterVersion: 'bench',
    load: loadOrganisation,
    connect: connectBench(generated.fixtures, reportSent),
  });
  renderCsv(maskReport(report, { maskEmails: declared.config.github.maskEmails }));
  const ms = performance.now() - started;
  const reportCpu = process.cpuUsage(cpu);
  const cpuMs = (usage: NodeJS.CpuUsage) => Math.round((usage.user + usage.system) / 1000);

  const result: AccessReportRun = {
    people: size,
    vendors: vendors.map((v) => v.kind),
    commits,
    ms: Math.round(ms),
    planMs: Math.round(planMs),
    ratio: Math.round((ms / planMs) * 100) / 100,
    rows: report.rows.length,
    requests: reportSent.requests,
    planRequests: planSent.requests,
    cpuMs: cpuMs(reportCpu),
    planCpuMs: cpuMs(planCpu),
  };
  log(`${size.toLocaleString('en-US')} people: report ${result.ms} ms, ${result.requests} requests (${result.rows} rows, ${commits} commits); plan ${result.planMs} ms, ${result.planRequests} requests, over ${result.vendors.join(', ')}: ${result.ratio}× (CPU ${result.cpuMs} / ${result.planCpuMs} ms)`);
  return result;
}

/** The lines printed under the bench table. */
export function accessReportTable(runs: AccessReportRun[]): string {
  const int = (n: number) => Math.round(n).toLocaleString('en-US');
  return [
    '| people | vendors | commits | report ms | plan ms (load + plan, same vendors) | report / plan | CPU: report / plan | report requests / plan requests |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...runs.map((r) => `| ${int(r.people)} | ${r.vendors.join(', ')} | ${r.commits} | ${int(r.ms)} | ${int(r.planMs)} | ${r.ratio.toFixed(2)}× | ${int(r.cpuMs)} / ${int(r.planCpuMs)} ms (${(r.cpuMs / r.planCpuMs).toFixed(2)}×) | ${int(r.requests)} / ${int(r.planRequests)} |`),
  ].join('\n');
}
