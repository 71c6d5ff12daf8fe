import { Command, InvalidArgumentError } from 'commander';
import { validateState } from '../compose/organisation.js';
import { localDay } from '../config/dates.js';
import { githubContextFromEnv } from '../github/context.js';
import { openSourcePullRequest } from '../github/source-pull-request.js';
import { runSourceSync } from '../sources/run.js';
import type { RegisterCommand } from './index.js';
import { parseAt } from './calendar.js';
import { err, out } from './output.js';
import { loadOrReport } from './session.js';

interface SyncCommandOptions {
  source?: string;
  out?: string;
  githubPr?: boolean;
  base?: string;
  confirmChanges?: number;
  at?: string;
}

const count = (value: string): number => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('the number of people this sync changes, as the refusal printed it');
  return Number(value);
};

/** `roster source sync`: HR proposes (a pull request editing users/), git disposes. Never writes to a vendor. */
export const registerSource: RegisterCommand = (program) => {
  const source = new Command('source').description('HR sources: turn an HR export (CSV, BambooHR) into edits of users/');
  source
    .command('sync')
    .description('Read each HR source and write its hires, leavers and owned-field changes into users/, or open a pull request with them')
    .option('--source <name>', 'only this source of roster.yaml')
    .option('--out <dir>', 'write the changed files under DIR (paths as from roster.yaml) instead of in place')
    .option('--github-pr', 'open or update one pull request per source (GITHUB_TOKEN, GITHUB_REPOSITORY); the working tree is left as is')
    .option('--base <branch>', 'base branch of the pull request (default: GITHUB_REF_NAME, else main)')
    .option('--confirm-changes <n>', 'pass the change-share limit: the exact number of people the refused sync changes', count)
    .option('--at <YYYY-MM-DD>', 'the day of the sync (a terminated status without a date ends on it); default: today (UTC)')
    .action(async (options: SyncCommandOptions) => {
      const github = options.githubPr ? githubContextFromEnv(process.env) : undefined;
      const org = await loadOrReport(program.opts().config as string);
      const at = parseAt(options.at);
      const outcomes = await runSourceSync(
        org,
        {
          source: options.source,
          out: options.out,
          githubPr: github ? (pr) => openSourcePullRequest(github, pr) : undefined,
          base: options.base ?? process.env.GITHUB_BASE_REF ?? process.env.GITHUB_REF_NAME ?? 'main',
          repoRoot: process.env.GITHUB_WORKSPACE ?? process.cwd(),
          confirmChanges: options.confirmChanges,
          today: at && 'day' in at ? at.day : localDay(new Date(), 'UTC'),
          env: process.env,
        },
        { out, err, validate: async (configPath) => (await validateState(configPath)).diagnostics },
      );
      if (outcomes.some((o) => o.status === 'failed' || o.status === 'refused')) process.exitCode = 1;
    });
  program.addCommand(source);
};
