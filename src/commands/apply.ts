import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { applyPlan, type ApplyReport, type OperationResult } from '../reconcile/apply.js';
import { thresholdViolations } from '../reconcile/safety.js';
import { readTarget } from '../reconcile/plan.js';
import { redactKnownSecrets } from '../secrets/redact.js';
import { planOf, readSavedPlan, verifyAgainstLive, type SavedPlan } from '../reconcile/saved-plan.js';
import { hasChanges, type Plan, type VendorPlan } from '../reconcile/types.js';
import { renderText } from '../render/text.js';
import { writersOf } from '../reconcile/target.js';
import { planForLog, textForLog } from '../render/mask.js';
import type { RegisterCommand } from './index.js';
import { colors, err, out } from './output.js';
import { addVendorOptions, openSession, planSession, type Session, type VendorCommandOptions } from './session.js';
// GitHub (issue 5): --expect-checksum, so a merge applies what was reviewed.
import { verifyChecksum } from '../reconcile/checksum.js';
// Dates (issue 18): --due applies only what a start or end made due.
import { dueOnly } from '../reconcile/due.js';
import { gitLastChanged, parseSince } from './calendar.js';

export interface ApplyOptions extends VendorCommandOptions {
  yes?: boolean;
  report?: string | false;
  force?: boolean;
  expectChecksum?: string;
  due?: boolean;
  since?: string;
}

export const registerApply: RegisterCommand = (program) => {
  const command = new Command('apply')
    .description('Plan, show the plan, and make each vendor match git.')
    .argument('[planfile]', 'a plan saved by `roster plan --out`: only its operations run, and any whose live side changed is refused')
    .option('-y, --yes', 'apply without asking')
    .option('--force', 'apply even when the plan is over a safety threshold')
    .option('--expect-checksum <sha256>', 'refuse unless the plan computed now has this checksum (the reviewed plan\'s)')
    .option('--report <file>', 'where to write the machine-readable apply report', 'apply-report.json')
    .option('--no-report', 'do not write the apply report')
    .option('--due', 'apply only what a startDate, endDate or role window reached since git last changed made due; refuse the rest')
    .option('--since <time>', 'with --due: count from this time instead of the last git change to users/');
  addVendorOptions(command).action(async (planfile: string | undefined, options: ApplyOptions) => {
    if (options.due && (planfile || options.expectChecksum)) throw new Error('--due plans for itself: it takes no plan file and no --expect-checksum');
    const since = parseSince(options.since);
    const saved = planfile ? await readSavedPlan(planfile) : undefined;
    const only = options.vendor ?? saved?.plan.vendors.map((v) => v.vendor);
    const session = await openSession(program.opts().config, { ...options, vendor: only });
    try {
      process.exitCode = options.due
        ? await applyDue(session, options, since)
        : saved
          ? await applySaved(session, saved, options)
          : await planAndApply(session, options);
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

/**
 * The scheduled run: plans now, keeps the operations a start or end reached since git last changed made
 * due, and applies those. Everything else (a hand-made change, a merge not applied) is refused and
 * listed: it waits for a pull request or the drift issue, and does not fail this run.
 */
export async function applyDue(session: Session, options: ApplyOptions, since?: Date): Promise<number> {
  const from = since ?? (await gitLastChanged(session.org));
  if (!from) {
    err(`${colors.red('error:')} --due counts from when git last changed the declared state, and no commit was found; run it in the git checkout, or pass --since`);
    return 1;
  }
  err(colors.dim(`applying what dates made due since ${from.toISOString()}`));
  const { due, refused } = dueOnly(await planSession(session, { since: from }));
  for (const r of refused) err(`${colors.yellow('refused')} ${r.vendor} ${r.operation.action} ${r.operation.key}: not due to a date (${r.reason}); it waits for a pull request or the drift issue`);
  return showAndApply(session, due, options);
}

/** Re-reads each vendor, keeps the saved operations whose live side is unchanged, and applies those. */
async function applySaved(session: Session, saved: SavedPlan, options: ApplyOptions): Promise<number> {
  const verified: VendorPlan[] = [];
  const refused: OperationResult[] = [];
  for (const vendorPlan of saved.plan.vendors) {
    const target = session.targets.find((t) => t.name === vendorPlan.vendor);
    if (!target?.reader) {
      err(`${vendorPlan.vendor}: ${target?.setupError ?? 'not in the config any more'}; its saved operations are not applied`);
      refused.push(...vendorPlan.operations.map((op) => ({ vendor: vendorPlan.vendor, action: op.action, key: op.key, ok: false, error: 'vendor not available' })));
      continue;
    }
    // Read as plan reads, with the same trust rules: a vendor read by key (SimplePin) is read person by
    // person; a listing that changed while read is read once more, then this vendor alone is refused.
    let live;
    try {
      // Apply reads what it writes: read by key, only the people the saved plan changes.
      ({ live } = await readTarget(session.org, { ...target, reader: target.reader }, { only: new Set(vendorPlan.operations.map((op) => op.key)) }));
    } catch (error) {
      const why = redactKnownSecrets(error instanceof Error ? error.message : String(error));
      err(`${vendorPlan.vendor}: could not read users (${why}); its saved operations are not applied`);
      refused.push(...vendorPlan.operations.map((op) => ({ vendor: vendorPlan.vendor, action: op.action, key: op.key, ok: false, error: 'vendor could not be read' })));
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
  if (report.interrupted) {
    err(interruptedLine(report));
    // 128 + the signal's number, as a shell reports a process the signal ended.
    return interruptedBy === 'SIGTERM' ? 143 : 130;
  }
  return report.summary.failed + report.summary.skipped > 0 || plan.summary.errors > 0 ? 1 : 0;
}

/** `Interrupted: 57 of 200 operations applied, 2 failed, 141 not started.` */
function interruptedLine(report: ApplyReport): string {
  const total = report.results.length;
  const notStarted = report.results.filter((r) => r.skipped && r.error?.includes('interrupted')).length;
  const failed = report.summary.failed;
  return (
    `${colors.red('Interrupted:')} ${report.summary.succeeded} of ${total} operations applied, ${failed} failed, ${notStarted} not started. ` +
    'Run apply again to finish: it re-plans from what the vendors have now.'
  );
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

/** How the last interrupted apply was stopped (for the exit code). */
let interruptedBy: NodeJS.Signals | undefined;

/**
 * Applies, and talks while it does: on a terminal one line rewritten in place; without one (CI) a line
 * when it starts, at least every `progressInterval` ms, and at the end. SIGINT or SIGTERM stop new
 * operations from starting; those in flight finish and the report says what was and was not applied.
 */
export async function applyWithProgress(session: Session, plan: Plan, progressInterval = progressIntervalMs()): Promise<ApplyReport> {
  const concurrency = new Map<string, number>();
  for (const target of session.targets) concurrency.set(target.name, target.config.concurrency);
  const total = plan.vendors.reduce((n, v) => n + v.operations.length, 0);
  const progress = new Progress(total, Boolean(process.stderr.isTTY));
  const stop = new AbortController();
  interruptedBy = undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      err(`${signal} again: exiting now; the operations in flight may or may not have happened, and no report is written.`);
      process.exit(signal === 'SIGTERM' ? 143 : 130);
    }
    interruptedBy = signal;
    progress.clear();
    err(`${signal}: stopping. No new operation starts; waiting for those in flight, then writing the report (${signal} again exits at once).`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  progress.start();
  const timer = progress.tty ? undefined : setInterval(() => progress.line(), progressInterval);
  try {
    return await applyPlan(plan, {
      writers: writersOf(session.targets),
      concurrency: (vendor) => concurrency.get(vendor) ?? 4,
      signal: stop.signal,
      onResult: (result, done) => progress.result(result.ok, done),
    });
  } finally {
    if (timer) clearInterval(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.end();
  }
}

/** Every 10 seconds at most between progress lines in CI; ROSTER_PROGRESS_INTERVAL_MS tunes it. */
function progressIntervalMs(): number {
  const value = Number(process.env.ROSTER_PROGRESS_INTERVAL_MS);
  return Number.isFinite(value) && value > 0 ? Math.min(value, 10_000) : 10_000;
}

/** Done/total, failures, rate and time left, as one line. */
class Progress {
  private done = 0;
  private failed = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly total: number,
    readonly tty: boolean,
  ) {}

  start(): void {
    if (!this.tty) err(`applying ${this.total} operation${this.total === 1 ? '' : 's'}`);
  }

  result(ok: boolean, done: number): void {
    this.done = done;
    if (!ok) this.failed++;
    if (this.tty) process.stderr.write(`\r${colors.dim(this.text())}\x1b[K`);
  }

  line(): void {
    err(this.text());
  }

  clear(): void {
    if (this.tty) process.stderr.write('\r\x1b[K');
  }

  end(): void {
    this.clear();
    if (!this.tty) err(`applied: ${this.text()} in ${seconds((Date.now() - this.startedAt) / 1000)}`);
  }

  private text(): string {
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const left = this.total - this.done;
    const eta = rate > 0 && left > 0 ? `, about ${seconds(left / rate)} left` : '';
    return `${this.done}/${this.total} done, ${this.failed} failed, ${rate.toFixed(1)}/s${eta}`;
  }
}

function seconds(s: number): string {
  return s < 90 ? `${Math.round(s)}s` : `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
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
