import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { applyPlan, type ApplyReport, type OperationResult } from '../reconcile/apply.js';
import { thresholdViolations } from '../reconcile/safety.js';
import { consistentListing } from '../reconcile/plan.js';
import { redactKnownSecrets } from '../http/redact.js';
import { planOf, readSavedPlan, verifyAgainstLive, type SavedPlan } from '../reconcile/saved-plan.js';
import { hasChanges, type Plan, type VendorPlan } from '../reconcile/types.js';
import { renderText } from '../render/text.js';
import { planForLog, textForLog } from '../render/mask.js';
import type { VendorAdapter } from '../vendors/types.js';
import type { RegisterCommand } from './index.js';
import { colors, err, out } from './output.js';
import { addVendorOptions, openSession, planSession, type Session, type VendorCommandOptions } from './session.js';
// GitHub (issue 5): --expect-checksum, so a merge applies what was reviewed.
import { verifyChecksum } from '../reconcile/checksum.js';

export interface ApplyOptions extends VendorCommandOptions {
  yes?: boolean;
  report?: string | false;
  force?: boolean;
  expectChecksum?: string;
}

export const registerApply: RegisterCommand = (program) => {
  const command = new Command('apply')
    .description('Plan, show the plan, and make each vendor match git.')
    .argument('[planfile]', 'a plan saved by `roster plan --out`: only its operations run, and any whose live side changed is refused')
    .option('-y, --yes', 'apply without asking')
    .option('--force', 'apply even when the plan is over a safety threshold')
    .option('--expect-checksum <sha256>', 'refuse unless the plan computed now has this checksum (the reviewed plan\'s)')
    .option('--report <file>', 'where to write the machine-readable apply report', 'apply-report.json')
    .option('--no-report', 'do not write the apply report');
  addVendorOptions(command).action(async (planfile: string | undefined, options: ApplyOptions) => {
    const saved = planfile ? await readSavedPlan(planfile) : undefined;
    const only = options.vendor ?? saved?.plan.vendors.map((v) => v.vendor);
    const session = await openSession(program.opts().config, { ...options, vendor: only });
    try {
      process.exitCode = saved ? await applySaved(session, saved, options) : await planAndApply(session, options);
    } finally {
      await session.close();
    }
  });
  program.addCommand(command);
};

/** Plans, shows the plan, asks (or takes --yes), applies; returns the exit code. */
export async function planAndApply(session: Session, options: ApplyOptions): Promise<number> {
  const plan = await planSession(session);
  return showAndApply(session, plan, options);
}

/** Re-reads each vendor, keeps the saved operations whose live side is unchanged, and applies those. */
async function applySaved(session: Session, saved: SavedPlan, options: ApplyOptions): Promise<number> {
  const verified: VendorPlan[] = [];
  const refused: OperationResult[] = [];
  for (const vendorPlan of saved.plan.vendors) {
    const target = session.targets.find((t) => t.name === vendorPlan.vendor);
    if (!target?.adapter) {
      err(`${vendorPlan.vendor}: ${target?.setupError ?? 'not in the config any more'}; its saved operations are not applied`);
      refused.push(...vendorPlan.operations.map((op) => ({ vendor: vendorPlan.vendor, action: op.action, key: op.key, ok: false, error: 'vendor not available' })));
      continue;
    }
    // The same trust rules as a plan: a listing that changed while read is read once more, then this vendor alone is refused.
    let live;
    try {
      live = await consistentListing(target.adapter);
    } catch (error) {
      const why = redactKnownSecrets(error instanceof Error ? error.message : String(error));
      err(`${vendorPlan.vendor}: could not list users (${why}); its saved operations are not applied`);
      refused.push(...vendorPlan.operations.map((op) => ({ vendor: vendorPlan.vendor, action: op.action, key: op.key, ok: false, error: 'vendor could not be listed' })));
      continue;
    }
    const result = verifyAgainstLive(vendorPlan, live);
    verified.push(result.plan);
    refused.push(...result.refused);
  }
  // Personal data never reaches an Actions log unmasked (see planForLog).
  const log = (text: string) => textForLog(text, session.org.config.github);
  for (const r of refused) err(log(`${colors.yellow('refused')} ${r.vendor} ${r.action} ${r.key}: ${r.error}`));
  return showAndApply(session, planOf(verified), options, refused);
}

async function showAndApply(session: Session, plan: Plan, options: ApplyOptions, refused: OperationResult[] = []): Promise<number> {
  out(renderText(planForLog(plan, session.org.config.github)));
  if (options.expectChecksum && hasChanges(plan)) {
    const verdict = verifyChecksum(plan, options.expectChecksum);
    if (!verdict.ok) {
      err(`${colors.red('error:')} ${verdict.message}`);
      return 1;
    }
    err(colors.dim(verdict.message));
  }
  const violations = thresholdViolations(plan, session.org.config.vendors);
  if (violations.length > 0 && !options.force) {
    for (const v of violations) err(`${colors.red('error:')} ${v.message}`);
    err('Nothing was applied.');
    return 1;
  }
  if (!hasChanges(plan)) {
    out('Nothing to apply.');
    return plan.summary.errors > 0 || refused.length > 0 ? 1 : 0;
  }
  if (!options.yes && !(await confirm())) return 1;
  const applied = await applyWithProgress(session, plan);
  const report: ApplyReport = refused.length > 0 ? withResults(applied, refused) : applied;
  out(textForLog(renderResults(report), session.org.config.github));
  if (options.report) {
    await writeFile(options.report, `${JSON.stringify(report, null, 2)}\n`);
    err(colors.dim(`report written to ${options.report}`));
  }
  return report.summary.failed + report.summary.skipped > 0 || plan.summary.errors > 0 ? 1 : 0;
}

function withResults(report: ApplyReport, extra: OperationResult[]): ApplyReport {
  const results = [...report.results, ...extra];
  return {
    ...report,
    results,
    summary: {
      succeeded: results.filter((r) => r.ok).length,
      failed: results.filter((r) => !r.ok && !r.skipped).length,
      skipped: results.filter((r) => r.skipped).length,
    },
  };
}

async function confirm(): Promise<boolean> {
  if (!process.stdin.isTTY) {
    err('Refusing to apply: no terminal to ask for confirmation. Re-run with --yes to apply this plan.');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('Apply these changes? Only "yes" will be accepted: ');
    if (answer.trim() === 'yes') return true;
    err('Apply cancelled.');
    return false;
  } finally {
    rl.close();
  }
}

export async function applyWithProgress(session: Session, plan: Plan): Promise<ApplyReport> {
  const adapters = new Map<string, VendorAdapter>();
  const concurrency = new Map<string, number>();
  for (const target of session.targets) {
    if (target.adapter) adapters.set(target.name, target.adapter);
    concurrency.set(target.name, target.config.concurrency);
  }
  const tty = process.stderr.isTTY;
  let failed = 0;
  const report = await applyPlan(plan, {
    adapters,
    concurrency: (vendor) => concurrency.get(vendor) ?? 4,
    onResult: (result, done, total) => {
      if (!result.ok) failed++;
      if (tty) process.stderr.write(`\r${colors.dim(`applying: ${done}/${total} done, ${failed} failed`)}\x1b[K`);
    },
  });
  if (tty) process.stderr.write('\r\x1b[K');
  return report;
}

/** The final table: every operation, whether it succeeded, and why not. */
export function renderResults(report: ApplyReport): string {
  const rows = [...report.results].sort((a, b) => a.vendor.localeCompare(b.vendor) || a.key.localeCompare(b.key));
  const lines = [colors.bold('Apply results')];
  const width = (pick: (r: OperationResult) => string) => Math.max(0, ...rows.map((r) => pick(r).length));
  const vw = width((r) => r.vendor);
  const aw = width((r) => r.action);
  const kw = width((r) => r.key);
  for (const r of rows) {
    const status = r.ok ? colors.green('ok    ') : r.skipped ? colors.yellow('skipped') : colors.red('FAILED');
    const why = r.ok ? '' : `  ${r.error ?? ''}`;
    lines.push(`  ${status} ${r.vendor.padEnd(vw)}  ${r.action.padEnd(aw)}  ${r.key.padEnd(kw)}${why}`.trimEnd());
  }
  const { succeeded, failed, skipped } = report.summary;
  lines.push('', `Apply: ${succeeded} succeeded, ${failed} failed, ${skipped} skipped.`);
  return `${lines.join('\n')}\n`;
}
