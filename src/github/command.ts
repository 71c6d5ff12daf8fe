import { Command } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { formatDiagnostic } from '../config/diagnostics.js';
import { validateState } from '../compose/organisation.js';
import { checksumForVendor } from '../reconcile/checksum.js';
import { renderAnnotations, renderDiagnosticsMarkdown } from '../render/annotations.js';
import { sanitizeText, type MaskOptions } from '../render/mask.js';
import { postInvalidStateComment, mergedPlanChecksums, type MergedPlan } from './comments.js';
import { decodeSeal, sealMismatch } from '../reconcile/checksum-seal.js';
import type { SealParts } from '../reconcile/checksum.js';
import { githubContextFromEnv, sourceLinksFromEnv } from './context.js';
import { checkReviewedComment } from './reviewed-comment.js';
import { describeVerdict, overrideVerdict } from './override.js';
import { appendStepSummary } from './summary.js';
import { processSink } from '../output/sink.js';

/**
 * `roster github …`: the steps of the workflows that only make sense on GitHub Actions.
 *   validate  problems as annotations on the changed lines (and in the plan comment with --comment)
 *   checksum  the checksum of the plan reviewed on the pull request that merged a commit
 *   override  --force when the merged pull request has a reviewed override (two people: see override.ts)
 *   mask      personal data masked in files about to be uploaded (the apply report)
 */
export function registerGithub(program: Command): void {
  const github = new Command('github').description('Steps of the GitHub workflows: annotations, the reviewed plan checksum, masking uploads');

  github
    .command('validate')
    .description('Validate the declared state; report problems as GitHub annotations and in the job summary. No network but GitHub.')
    .option('--comment', 'also put the problems in the roster comment on the pull request')
    .action(async (options: { comment?: boolean }) => {
      const configFile = program.opts().config as string;
      // A token is needed only for --comment; ask for it before anything else runs.
      const ctx = options.comment ? githubContextFromEnv(process.env, { pullRequest: true }) : undefined;
      const { org, diagnostics } = await validateState(configFile);
      if (org) {
        processSink().err('the declared state is valid\n');
        return;
      }
      const mask = await maskOptionsOf(configFile);
      for (const d of diagnostics) processSink().err(`${formatDiagnostic(d)}\n`);
      // Workflow commands are read from stdout.
      const links = sourceLinksFromEnv(process.env);
      process.stdout.write(renderAnnotations(diagnostics, mask, links));
      await appendStepSummary(`### roster: ${diagnostics.length} problem(s) in the declared state\n\n${renderDiagnosticsMarkdown(diagnostics, mask, links)}`);
      if (ctx) await postInvalidStateComment(ctx, diagnostics, mask, links);
      process.exitCode = 1;
    });

  github
    .command('checksum')
    .description('Print the checksum of the plan reviewed on the pull request that merged a commit (for apply --expect-checksum)')
    .option('--sha <sha>', 'the merged commit (default: GITHUB_SHA)')
    .option('--vendor <name>', 'the checksum of this vendor instance only (a matrix job applying one vendor)')
    .option('--seal-out <file>', 'also write the reviewed seal (what the checksum is the hash of) to FILE, for apply --expect-seal')
    .action(async (options: { sha?: string; vendor?: string; sealOut?: string }) => {
      const ctx = githubContextFromEnv(process.env);
      const reviewed = await mergedPlanChecksums(ctx, options.sha ?? ctx.sha);
      // The comment must be the one roster signed, unedited, before its checksum means anything (ROSTER_COMMENT_KEY).
      const { warning } = checkReviewedComment(ctx, reviewed);
      if (warning) processSink().err(`${warning}\n`);
      processSink().err(`plan reviewed on pull request #${reviewed.pullNumber}: ${reviewed.commentUrl}\n`);
      const checksum = options.vendor ? checksumForVendor(reviewed.vendors, options.vendor) : reviewed.checksum;
      const seal = reviewedSeal(reviewed, options.vendor);
      if (options.sealOut) {
        if (seal) await writeFile(options.sealOut, `${JSON.stringify(seal)}\n`);
        else processSink().err(`the roster comment on pull request #${reviewed.pullNumber} carries no seal (written by an older roster): apply can say that the plan differs, not which part\n`);
      }
      process.stdout.write(`${checksum}\n`);
    });

  github
    .command('override')
    .description(
      'Print --force when the pull request that merged a commit has a reviewed override (github.overrideLabel added before the merge by ' +
        'someone other than the author, and an approval of the merged head from someone other than the author after it), else nothing',
    )
    .option('--sha <sha>', 'the merged commit (default: GITHUB_SHA)')
    .action(async (options: { sha?: string }) => {
      const ctx = githubContextFromEnv(process.env);
      const label = await overrideLabelOf(program.opts().config as string);
      const merged = await mergedPlanChecksums(ctx, options.sha ?? ctx.sha);
      // Read from GitHub's timeline and reviews, cut at the merge: re-running this job later cannot change it.
      const verdict = await overrideVerdict(ctx, merged.pullNumber, label);
      processSink().err(`${describeVerdict(verdict)}\n`);
      await appendStepSummary(`### roster: ${describeVerdict(verdict)}`);
      if (verdict.valid) {
        processSink().err(`apply runs with --force for this change: safety thresholds are overridden\n`);
        process.stdout.write('--force\n');
      } else {
        processSink().err('safety thresholds apply\n');
      }
    });

  github
    .command('mask')
    .description('Mask phone numbers, SSNs, dates of birth (and emails, per github.maskEmails) in files, in place, before they are uploaded')
    .argument('<files...>', 'text or JSON files, e.g. apply-report.json')
    .action(async (files: string[]) => {
      const mask = await maskOptionsOf(program.opts().config as string);
      for (const file of files) await writeFile(file, sanitizeText(await readFile(file, 'utf8'), mask));
    });

  program.addCommand(github);
}

/**
 * The seal the roster comment's marker carries, checked: its parts must hash to the comment's checksum (and
 * to each vendor's), or the marker was edited by hand and nothing is handed to apply. Undefined for a
 * comment written before markers carried a seal.
 */
function reviewedSeal(reviewed: MergedPlan, vendor: string | undefined): SealParts | undefined {
  if (!reviewed.seal) return undefined;
  const where = `the seal in the roster comment on pull request #${reviewed.pullNumber}`;
  const parts = decodeSeal(reviewed.seal, where);
  const problems = [sealMismatch(parts, reviewed.checksum), ...Object.entries(reviewed.vendors).map(([name, sum]) => sealMismatch(parts, sum, [name]))];
  if (vendor !== undefined) problems.push(sealMismatch(parts, checksumForVendor(reviewed.vendors, vendor), [vendor]));
  const problem = problems.find((p) => p !== undefined);
  if (problem) throw new Error(`${where} does not match its checksum (${problem}): the marker was edited after roster wrote it; nothing is handed to apply`);
  return parts;
}

/** The override label's name (github.overrideLabel), read straight from the root config; the default when unset. */
async function overrideLabelOf(configFile: string): Promise<string> {
  const raw = parse(await readFile(configFile, 'utf8')) as { github?: { overrideLabel?: unknown } } | null;
  const value = raw?.github?.overrideLabel;
  return typeof value === 'string' && value !== '' ? value : 'roster-override';
}

/**
 * Whether to mask emails, read straight from the root config: when the state does not validate
 * there is no organisation to ask. Unreadable config: mask, the safe side.
 */
async function maskOptionsOf(configFile: string): Promise<MaskOptions> {
  try {
    const raw = parse(await readFile(configFile, 'utf8')) as { github?: { maskEmails?: unknown } } | null;
    const value = raw?.github?.maskEmails;
    return { maskEmails: typeof value === 'boolean' ? value : false };
  } catch {
    return { maskEmails: true };
  }
}
