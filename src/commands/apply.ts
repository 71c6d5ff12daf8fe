import { Command } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { applyPlan, type ApplyReport, type OperationResult } from '../reconcile/apply.js';
import { thresholdViolations } from '../reconcile/safety.js';
import { readTarget } from '../compose/plan.js';
import { redactKnownSecrets } from '../secrets/redact.js';
import { planOf, readSavedPlan, refuseWith, sealDifferences, verifyAgainstLive, verifyAgainstReplan, type SavedPlan, type SealDifference } from '../reconcile/saved-plan.js';
import { hasChanges, type Plan, type VendorPlan } from '../reconcile/types.js';
import { renderText } from '../render/text.js';
import { writersOf } from '../reconcile/target.js';
import { planForLog, textForLog } from '../render/mask.js';
import type { RegisterCommand } from './index.js';
import { colors, err, out } from './output.js';
import { addVendorOptions, openSession, planSession, type Session, type VendorCommandOptions } from './session.js';
// GitHub (issue 5): --expect-checksum, so a merge applies what was reviewed.
import { isChecksum, verifyChecksum } from '../reconcile/checksum.js';
// Dates (issue 18): --due applies only what a start or end made due.
import { dueOnly } from '../reconcile/due.js';
import { narrowToVendors } from '../reconcile/narrow.js';
import { datesSince, gitLastChanged, parseSince } from './calendar.js';
// Issue 22: what was reviewed is what runs (sealed plans, the schedule, the runner's clock).
import { datesTimezone, eventsBetween, describeEvent, organisationHasDates } from '../config/as-of.js';
import { localDay, type AsOf } from '../config/dates.js';
import { duration, judgeClock, maxClockSkewMinutes, runnerNow, watchVendorClocks, withoutDatedOperations } from './clock.js';
import { describeFellDue, matchReviewed, replayingTargets } from './reviewed.js';
import { declaredState, describeInstance, instanceIdentity } from './seal.js';
import { ApplyEstimate } from './apply-estimate.js';
// The reviewed seal (what the checksum is the hash of) names the part that differs; --base reads what the change touches.
import { decodeSeal, sealMismatch } from '../reconcile/checksum-seal.js';
import { describeDifferences } from '../reconcile/checksum-compare.js';
import type { SealParts } from '../reconcile/checksum.js';
import { readingFromBase, withBaseSeal } from './plan-base.js';

export interface ApplyOptions extends VendorCommandOptions {
  yes?: boolean;
  report?: string | false;
  force?: boolean;
  expectChecksum?: string;
  due?: boolean;
  since?: string;
  expectSeal?: string;
  base?: string;
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
    .option('--since <time>', 'with --due or --expect-checksum: count dated changes from this time instead of the last git change to users/')
    .option('--expect-seal <file>', 'with --expect-checksum: the reviewed seal (`roster github checksum --seal-out`), so a difference names its part')
    .option('--base <revision>', 'in vendors read person by person, read only the people the change from this git revision (or base checkout folder) touches, as `plan --base` did');
  addVendorOptions(command).action(async (planfile: string | undefined, options: ApplyOptions) => {
    if (options.due && (planfile || options.expectChecksum)) throw new Error('--due plans for itself: it takes no plan file and no --expect-checksum');
    if (options.base !== undefined && (planfile || options.due)) throw new Error('--base narrows a plan made now: a saved plan reads the people it changes, and --due reads everyone');
    if (options.expectSeal !== undefined && options.expectChecksum === undefined) throw new Error('--expect-seal names which part of the plan differs from the reviewed one: it goes with --expect-checksum');
    const since = parseSince(options.since);
    const saved = planfile ? await readSavedPlan(planfile) : undefined;
    const only = options.vendor ?? saved?.plan.vendors.map((v) => v.vendor);
    const session = await openSession(program.opts().config, { ...options, vendor: only });
    try {
      process.exitCode = options.due
        ? await applyDue(session, options, since)
        : saved
          ? await applySaved(session, saved, options)
          : await planAndApply(session, options, since);
    } finally {
      await session.close();
    }
  });
  program.addCommand(command);
};

/** How to learn which part of a sealed plan differs, when only its checksum was kept. */
const SAVED_PLAN_HINT =
  'To be told which part differs (declared files, vendor instance, the day, operation N), apply the reviewed saved plan: `roster apply FILE --expect-checksum SHA`.';

/** The vendors' clocks as seen while this run read them (clock.ts). */
type Clocks = ReturnType<typeof watchVendorClocks>;

/** Runs `work` while the vendors' Date headers are watched. */
async function watching<T>(work: (clocks: Clocks) => Promise<T>): Promise<T> {
  const clocks = watchVendorClocks();
  try {
    return await work(clocks);
  } finally {
    clocks.stop();
  }
}

/**
 * Plans, shows the plan, asks (or takes --yes), applies; returns the exit code. With --expect-checksum,
 * the plan must be the reviewed one: as of now, or as of a moment since the declared state last
 * changed, when a scheduled change fell due in between (reviewed.ts); anything else is refused.
 */
export async function planAndApply(session: Session, options: ApplyOptions, since?: Date): Promise<number> {
  const expected = options.expectChecksum;
  if (expected !== undefined && !isChecksum(expected)) {
    err(`${colors.red('error:')} ${verifyChecksum(planOf([]), expected).message}`);
    return 1;
  }
  // The reviewed seal is checked before any vendor is read: its parts must hash to the reviewed checksum.
  const only = options.vendor?.length ? options.vendor : undefined;
  let reviewed: SealParts | undefined;
  if (expected !== undefined && options.expectSeal !== undefined) {
    reviewed = decodeSeal(await readFile(options.expectSeal, 'utf8'), `the reviewed seal ${options.expectSeal}`);
    const problem = sealMismatch(reviewed, expected, only);
    if (problem) {
      err(`${colors.red('error:')} the reviewed seal ${options.expectSeal} does not belong to the reviewed checksum (${problem}): it was edited, or comes from another plan; nothing was applied`);
      return 1;
    }
  }
  // plan --base read only what the change touches in vendors read by key; so does this apply, from the same base.
  const { reading, declared: baseDeclared } = await readingFromBase(session, options.base);
  const planAt = async (calendar: Parameters<typeof planSession>[1], targets = session.targets) => withBaseSeal(await planSession(session, calendar, targets, reading), baseDeclared);
  return watching(async (clocks) => {
    if (expected === undefined) return showAndApply(session, await planAt(undefined), options, [], clocks);
    const targets = replayingTargets(session.targets);
    const at = runnerNow();
    const plan = await planAt({ asOf: { instant: at } }, targets);
    if (!hasChanges(plan)) return showAndApply(session, plan, options, [], clocks);
    const wanted = expected.trim().toLowerCase();
    const from = (await datesSince(session.org, since)) ?? new Date(at.getTime() - 31 * 86_400_000);
    const match = await matchReviewed(
      session.org,
      { plan, at },
      (p) => verifyChecksum(p, wanted).ok,
      (instant) => planAt({ asOf: { instant } }, targets),
      from,
    );
    if (!match) {
      const log = (text: string) => textForLog(text, session.org.config.github);
      const named = reviewed ? describeDifferences(reviewed, plan, describeInstance, only) : [];
      for (const d of named) err(log(`${colors.red('differs:')} ${d.message}`));
      const what = named.length
        ? 'What differs is listed above: run `roster plan` to see the plan as it is now, and have it reviewed again.'
        : `Live users, the declared state or a vendor instance changed since the review: run \`roster plan\` to see the plan as it is now, and have it reviewed again. ${reviewed ? '' : SAVED_PLAN_HINT}`;
      const cause = organisationHasDates(session.org)
        ? `The day is not the cause: planned as of every moment since the declared state last changed (${from.toISOString()}), the checksum differs too. ${what}`
        : what;
      err(`${colors.red('error:')} ${verifyChecksum(plan, wanted, cause.trim()).message}`);
      return 1;
    }
    if (match.fellDue?.length) {
      err(
        colors.dim(
          `the plan matches the reviewed plan as of ${match.matchedAsOf!.toISOString()}; since then these changes reviewed as scheduled fell due, and are applied: ${textForLog(describeFellDue(match.fellDue), session.org.config.github)}`,
        ),
      );
    } else {
      err(colors.dim(verifyChecksum(plan, wanted).message));
    }
    return showAndApply(session, plan, options, [], clocks);
  });
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
  return watching(async (clocks) => {
    const { due, refused } = dueOnly(await planSession(session, { since: from }));
    for (const r of refused) err(`${colors.yellow('refused')} ${r.vendor} ${r.operation.action} ${r.operation.key}: not due to a date (${r.reason}); it waits for a pull request or the drift issue`);
    return showAndApply(session, due, options, [], clocks);
  });
}

/** The timezones the organisation's days are read in (and UTC). */
function timezonesOf(session: Session): string[] {
  return [...new Set(['UTC', ...session.org.people.map(datesTimezone)])];
}

/**
 * What the saved plan was made from, against what this run has: the reviewed checksum, the day, the
 * declared state, each vendor instance. Any difference refuses the whole plan before a vendor is read.
 */
async function sealCheck(session: Session, saved: SavedPlan, options: ApplyOptions, now: Date): Promise<SealDifference[]> {
  const differences: SealDifference[] = [];
  if (options.expectChecksum !== undefined && saved.checksum !== options.expectChecksum.trim().toLowerCase()) {
    differences.push({
      part: 'reviewed checksum',
      message: `the saved plan's checksum ${saved.checksum} is not the reviewed plan's (${options.expectChecksum}): its operations, schedule, declared state or vendor instances differ from what was reviewed`,
    });
  }
  if ('day' in saved.asOf) {
    const { day } = saved.asOf;
    if (timezonesOf(session).some((tz) => localDay(now, tz) !== day)) {
      differences.push({ part: 'the day', message: `the plan was made --at ${day}; a plan made as of a day other than today can be shown and saved, never applied. Run \`roster plan --out\` without --at` });
    }
  } else {
    const made = new Date(saved.asOf.instant);
    const slack = maxClockSkewMinutes(session.org) * 60_000;
    if (made.getTime() > now.getTime() + slack) {
      differences.push({ part: 'the day', message: `the plan was made as of ${saved.asOf.instant}, ${duration(made.getTime() - now.getTime())} after the runner's clock now (${now.toISOString()})` });
    }
  }
  const declared = await declaredState(session.org);
  const instances = Object.fromEntries(session.targets.map((t) => [t.name, instanceIdentity(t.config)]));
  differences.push(...sealDifferences(saved.plan.seal!, { ...declared, instances }, describeInstance));
  return differences;
}

/**
 * Refuses each saved operation of a person whose start, end or role window took effect after the plan's
 * moment, and (narrow.ts) what waits for it: a report is not created without a manager the day held back.
 */
function refuseDatedSince(session: Session, vendor: VendorPlan, made: AsOf, now: Date): { plan: VendorPlan; refused: OperationResult[] } {
  return refuseWith(vendor, (op) => {
    const person = session.org.peopleByKey.get(op.key);
    const events = person ? eventsBetween(person, made, { instant: now }) : [];
    if (events.length === 0) return undefined;
    const what = events.map((e) => `${describeEvent(e)} (${e.timezone})`).join(', ');
    return `refused: the day: ${what} took effect after the plan was made`;
  });
}

/**
 * `apply FILE --vendor NAME`: the saved plan narrowed (narrow.ts) to the named instances, the others left
 * out whole and said so; the seal is then checked for those instances alone (the declared state and the
 * reviewed checksum still as a whole), so a matrix job applying one vendor needs no other vendor's settings.
 */
function narrowedToVendors(saved: SavedPlan, names: readonly string[] | undefined): SavedPlan {
  if (!names?.length) return saved;
  const { plan, leftOut } = narrowToVendors(saved.plan, names);
  const skipped = [...new Set(leftOut.map((l) => l.vendor))];
  for (const vendor of skipped) {
    const count = leftOut.filter((l) => l.vendor === vendor).length;
    err(colors.dim(`${vendor}: ${count} saved operation${count === 1 ? '' : 's'} not applied: vendor ${vendor} is not among --vendor ${names.join(', ')}`));
  }
  const instances = Object.fromEntries(Object.entries(saved.plan.seal?.instances ?? {}).filter(([name]) => names.includes(name)));
  return { ...saved, plan: { ...plan, ...(saved.plan.seal ? { seal: { ...saved.plan.seal, instances } } : {}) } };
}

/**
 * Checks the saved plan's seal (sealCheck), re-reads each vendor, keeps the saved operations whose live
 * side is unchanged and which the declared state plans exactly so, and applies those.
 */
async function applySaved(session: Session, whole: SavedPlan, options: ApplyOptions): Promise<number> {
  const now = runnerNow();
  const saved = narrowedToVendors(whole, options.vendor);
  const differences = await sealCheck(session, saved, options, now);
  if (differences.length > 0) {
    for (const d of differences) err(`${colors.red('error:')} ${d.part}: ${d.message}`);
    err('Nothing was applied: the saved plan is not what this run would apply. Make a new plan, and have it reviewed.');
    return 1;
  }
  return watching((clocks) => applySavedOperations(session, saved, options, now, clocks));
}

async function applySavedOperations(session: Session, saved: SavedPlan, options: ApplyOptions, now: Date, clocks: Clocks): Promise<number> {
  const made: AsOf = 'day' in saved.asOf ? { day: saved.asOf.day } : { instant: new Date(saved.asOf.instant) };
  // Live users are read once: the plan as of the saved moment and the live check below share that read.
  const targets = replayingTargets(session.targets);
  const replanned = await planSession(session, { asOf: made }, targets);
  const verified: VendorPlan[] = [];
  const refused: OperationResult[] = [];
  for (const vendorPlan of saved.plan.vendors) {
    const target = targets.find((t) => t.name === vendorPlan.vendor);
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
    const exact = verifyAgainstReplan(result.plan, replanned.vendors.find((v) => v.vendor === vendorPlan.vendor));
    const day = refuseDatedSince(session, exact.plan, made, now);
    verified.push(day.plan);
    refused.push(...result.refused, ...exact.refused, ...day.refused);
  }
  // Personal data never reaches an Actions log unmasked (see planForLog).
  const log = (text: string) => textForLog(text, session.org.config.github);
  for (const r of refused) err(log(`${colors.yellow('refused')} ${r.vendor} ${r.action} ${r.key}: ${r.error}`));
  return showAndApply(session, planOf(verified), options, refused, clocks);
}

/**
 * The runner's clock decides who is due today: when it is off from a vendor's by more than
 * dates.maxClockSkewMinutes (or could not be checked), the dated operations are refused, by how much said.
 */
function clockGate(session: Session, plan: Plan, clocks: Clocks | undefined): { plan: Plan; refused: OperationResult[] } {
  if (!clocks || !organisationHasDates(session.org)) return { plan, refused: [] };
  const verdict = judgeClock(clocks.reading(), clocks.seen(), maxClockSkewMinutes(session.org));
  if (verdict.ok) return { plan, refused: [] };
  const { plan: kept, refused } = withoutDatedOperations(plan, session.org);
  if (refused.length === 0) return { plan, refused: [] };
  err(`${colors.red('error:')} ${verdict.message}: ${refused.length} dated operation${refused.length === 1 ? ' is' : 's are'} refused`);
  return {
    plan: kept,
    refused: refused.map(({ vendor, operation: op }) => ({
      vendor,
      action: op.action,
      key: op.key,
      vendorId: op.vendorId,
      ok: false,
      error: `refused: dated, and ${verdict.message}`,
    })),
  };
}

async function showAndApply(session: Session, planned: Plan, options: ApplyOptions, refusedBefore: OperationResult[] = [], clocks?: Clocks): Promise<number> {
  const gated = clockGate(session, planned, clocks);
  const plan = gated.plan;
  const refused = [...refusedBefore, ...gated.refused];
  const log = (text: string) => textForLog(text, session.org.config.github);
  for (const r of gated.refused) err(log(`${colors.yellow('refused')} ${r.vendor} ${r.action} ${r.key}: ${r.error}`));
  out(renderText(planForLog(plan, session.org.config.github)));
  const violations = thresholdViolations(plan, session.org.config.vendors);
  if (violations.length > 0 && !options.force) {
    for (const v of violations) err(`${colors.red('error:')} ${v.message}`);
    // A leaver the threshold holds back keeps access: say who, so the run is red for a reason a person can act on.
    for (const vendor of plan.vendors) {
      if (!violations.some((v) => v.vendor === vendor.vendor)) continue;
      for (const op of vendor.operations.filter((o) => o.action === 'deactivate' || o.action === 'delete')) {
        err(log(`${colors.red('leaver keeps access:')} ${op.key} in ${vendor.vendor} (${op.reason ?? 'offboarded in git'}): ${op.action} refused by the safety threshold`));
      }
    }
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
  const progress = new Progress(total, Boolean(process.stderr.isTTY), new ApplyEstimate(plan, session.targets));
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
      onResult: (result, done) => progress.result(result.ok, done, result.vendor),
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
    private readonly estimate?: ApplyEstimate,
  ) {}

  start(): void {
    if (!this.tty) err(`applying ${this.total} operation${this.total === 1 ? '' : 's'}`);
  }

  result(ok: boolean, done: number, vendor?: string): void {
    this.done = done;
    if (vendor !== undefined) this.estimate?.record(vendor);
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
    // Rate-limit waits included (apply-estimate.ts): the observed rate alone misses the waits ahead.
    const leftS = left > 0 ? (this.estimate ? this.estimate.secondsLeft(rate > 0 ? left / rate : undefined) : rate > 0 ? left / rate : undefined) : undefined;
    const eta = leftS !== undefined ? `, about ${seconds(leftS)} left` : '';
    return `${this.done}/${this.total} done, ${this.failed} failed, ${rate.toFixed(1)}/s${eta}`;
  }
}

function seconds(s: number): string {
  return s < 90 ? `${Math.round(s)}s` : `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
}

/** The final table: every operation, whether it succeeded, and why not. */
export function renderResults(report: ApplyReport): string {
  const rows = [...report.results].sort((a, b) => a.vendor.localeCompare(b.vendor, 'en') || a.key.localeCompare(b.key, 'en'));
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
