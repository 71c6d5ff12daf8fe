import { Command, Option } from 'commander';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { isoDateSchema } from '../config/dates.js';
import { createOctokit } from '../github/context.js';
import { githubPulls, type PullSource } from '../report/approvals.js';
import { readLogins } from '../report/logins.js';
import { writeWithManifest } from '../report/manifest.js';
import { maskReport, type AccessReport } from '../report/model.js';
import { reportRenderers, type ReportFormat } from '../report/render.js';
import { buildAccessReport } from '../report/run.js';
import type { RegisterCommand } from './index.js';
import { colors, err, out } from './output.js';
import { addVendorOptions, loadOrReport, type VendorCommandOptions } from './session.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export interface ReportAccessOptions extends VendorCommandOptions {
  format: ReportFormat;
  asOf?: string;
  out?: string;
  applyReports?: string;
  githubLogins?: string;
  /** A folder, or false with --no-github-cache. */
  githubCache: string | false;
  /** False with --no-github. */
  github: boolean;
  leaverHours: string;
}

/** Where merged pull requests are kept between runs unless --github-cache says otherwise. */
const defaultCache = () => path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'roster', 'github');

/**
 * `roster report access`: who has what, where, since when, approved by whom, and were leavers removed.
 * Never writes to a vendor. Exit 0; 2 when a leaver still has access (never a green run); 1 when a
 * vendor could not be read (the report is still written, saying which).
 */
export const registerReport: RegisterCommand = (program) => {
  const report = new Command('report').description('Reports for auditors and security leads. Never writes to a vendor.');
  const access = new Command('access')
    .description('One row per person and vendor account: live state, roles and office, since when, approved by whom, last apply, drift, leavers')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['csv', 'json', 'markdown']).default('markdown'))
    .option('--as-of <YYYY-MM-DD>', 'the declared side as git had it at the end of that day (UTC); the live side is always now')
    .option('--out <file>', 'write the report to FILE and a manifest (SHA-256, commit, time, version) beside it')
    .option('--apply-reports <dir>', 'a folder of apply-report.json files (roster apply --report), searched 4 levels deep')
    .option('--github-logins <file>', 'YAML or JSON "login: email" lines: which GitHub login is which person')
    .option('--github-cache <dir>', 'where merged pull requests and their reviews are cached', defaultCache())
    .option('--no-github-cache', 'ask GitHub about every commit, keep nothing')
    .option('--no-github', 'do not ask GitHub for pull requests and reviews')
    .option('--leaver-hours <hours>', 'hours after access ends by which a leaver must be removed', '24');
  addVendorOptions(access).action(async (options: ReportAccessOptions) => {
    if (options.asOf !== undefined && !isoDateSchema.safeParse(options.asOf).success) throw new Error(`--as-of "${options.asOf}" is not a date written as YYYY-MM-DD`);
    const leaverHours = Number(options.leaverHours);
    if (!Number.isFinite(leaverHours) || leaverHours < 0) throw new Error(`--leaver-hours "${options.leaverHours}" is not a number of hours`);
    const { pulls, source } = pullSource(options);
    const { report: built, org } = await buildAccessReport({
      configFile: program.opts().config as string,
      asOf: options.asOf,
      vendor: options.vendor,
      sandbox: options.sandbox,
      fixtures: options.fixtures,
      trace: options.trace,
      pulls,
      githubSource: source,
      applyReports: options.applyReports,
      logins: await readLogins(options.githubLogins),
      leaverHours,
      rosterVersion: version,
      load: loadOrReport,
    });
    // Everything the report shows is masked as the PR comment is: it is made to be handed around.
    const report = maskReport(built, { maskEmails: org.config.github.maskEmails });
    const text = reportRenderers[options.format](report);
    if (options.out) {
      const manifest = await writeWithManifest(options.out, text, report);
      err(colors.dim(`report written to ${options.out}, manifest to ${manifest}`));
    } else {
      out(text);
    }
    for (const e of report.github.errors) err(`${colors.yellow('warning:')} GitHub: ${e}`);
    process.exitCode = exitCode(report);
  });
  report.addCommand(access);
  program.addCommand(report);
};

function pullSource(options: ReportAccessOptions): { pulls?: PullSource; source: string } {
  if (!options.github) return { source: 'not asked (--no-github)' };
  const { GITHUB_TOKEN: token, GITHUB_REPOSITORY: repository, GITHUB_API_URL: api } = process.env;
  const [owner, repo, ...rest] = (repository ?? '').split('/');
  if (!token || !owner || !repo || rest.length) return { source: 'not asked: set GITHUB_TOKEN and GITHUB_REPOSITORY (owner/name) to read approvals' };
  const cache = options.githubCache === false ? undefined : options.githubCache;
  return { pulls: githubPulls({ octokit: createOctokit(token, api), owner, repo }, cache), source: 'github' };
}

export function exitCode(report: AccessReport): number {
  if (report.rows.some((r) => r.leaver?.status === 'still active')) return 2;
  return report.live.vendors.some((v) => v.error) ? 1 : 0;
}
