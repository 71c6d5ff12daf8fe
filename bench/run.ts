/**
 * `npm run bench`: plans and applies generated organisations against the sandbox emulators over real
 * HTTP, and measures each against its floor (docs/bench.md says what is measured and how).
 *
 *   npm run bench -- --sizes 1000,10000 --vendors enerflo,pulse --out bench/results.json
 */
import { fork } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RootConfig } from '../src/config/schema.js';
import { startSandbox, type Sandbox } from '../src/compose/sandbox.js';
import { rosterSchemas } from '../src/compose/organisation.js';
import type { AppliedMessage, ChildMessage, FlooredMessage, LoadedMessage, ParentMessage, PlannedMessage, RateBudget, ColdPlannedMessage, YamlFlooredMessage } from './child.js';
import { generateOrg, generateWarmUpOrg } from './generate.js';
import { expectedCounts } from './people.js';
import { checkTargets, markdownTable, rateShare, round2, type BenchResults, type BenchRun, type RunDetail } from './report.js';
import type { BenchVendor } from './profile.js';
import { loadBenchVendors } from './vendors.js';
import { vendorModule } from '../src/vendors/registry.js';
import { accessReportTable, benchAccessReport, type AccessReportRun } from './access-report.js';

export interface BenchOptions {
  sizes: number[];
  vendors: BenchVendor[];
  /** Where generated organisations go (one folder per size). */
  dataDir: string;
  /** How long each apply should take at its budget, in seconds: the budget is sized from it. */
  applySeconds: number;
  /** The most requests per second any apply budget allows (what an emulator serves comfortably). */
  maxRate: number;
  log?: (line: string) => void;
  /** Node flags for the child that plans and applies, e.g. `--cpu-prof` to profile roster alone. */
  childArgs?: string[];
  /** `concurrency` of every vendor in the generated roster.yaml; roster's default (4) when unset. */
  concurrency?: number;
  /** One person in this many with an end date far ahead, so plans go through the calendar (GenerateOptions). */
  datedEvery?: number;
  /**
   * Plan only: no apply (and no warm second plan), for runs where the apply alone takes too long
   * (SimplePin at 100,000 people: 110,000 requests). The apply figures are then zero, with a floor of
   * zero, and the table says "plan only".
   */
  planOnly?: boolean;
  /**
   * Cold plans, and cold floors per bare client, timed for each vendor at up to TIMED_RUNS_UP_TO people,
   * each in a fresh process; the medians count (one run at 10,000 people moved by a third from run to run).
   */
  timedRuns?: number;
  /** Called after every run with everything so far, so a long run that stops keeps what it measured. */
  onRun?: (results: BenchResults, details: RunDetail[]) => Promise<void>;
}

/** Planning must not be paced: the emulator and the client get a budget nothing reaches. */
const UNPACED: RateBudget = { limit: 1_000_000, windowMs: 1_000 };
const APPLY_WINDOW_MS = 1_000;
/** A run that takes longer than this has hung. */
const RUN_TIMEOUT_MS = 15 * 60_000;

export async function runBench(options: BenchOptions): Promise<{ results: BenchResults; details: RunDetail[] }> {
  const log = options.log ?? (() => undefined);
  const details: RunDetail[] = [];
  for (const size of options.sizes) {
    const started = Date.now();
    const org = await generateOrg(path.join(options.dataDir, String(size)), size, options.vendors, { concurrency: options.concurrency, datedEvery: options.datedEvery });
    log(`${size.toLocaleString('en-US')} people: generated ${org.configFile} in ${Date.now() - started} ms`);
    const expected = expectedCounts(org.people);
    const warmUpConfig = await generateWarmUpOrg(org);
    for (const vendor of options.vendors) {
      // One process per size and vendor, as `roster plan --vendor` would be: it loads the organisation,
      // plans, then applies, so a plan's peak RSS is its own and not an earlier vendor's apply.
      const child = startChild(options.childArgs);
      let detail: RunDetail;
      try {
        const loaded = { ...(await child.ask<LoadedMessage>({ type: 'load', configFile: org.configFile }, 'loaded')), jsYamlMs: 0 };
        loaded.jsYamlMs = await jsYamlFloor(loaded.files, options.childArgs);
        log(`  ${vendor.kind}: loaded ${loaded.people} people in ${Math.round(loaded.loadMs)} ms (js-yaml alone: ${Math.round(loaded.jsYamlMs)} ms), ${loaded.rssAfterLoadMB} MB RSS (peak ${loaded.peakRssAfterLoadMB} MB)`);
        detail = await runOne(child, size, vendor, loaded, org.fixtures[vendor.kind], expected, { org: org.configFile, warmUp: warmUpConfig }, options);
      } catch (error) {
        // One vendor that cannot run (an emulator or adapter mid-change) leaves the others measured.
        log(`  ${vendor.kind}: FAILED, left out of the results: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      } finally {
        child.stop();
      }
      details.push(detail);
      await options.onRun?.({ runs: details.map((d) => d.run) }, details);
      const { plan, apply } = detail.run;
      log(
        `  ${vendor.kind}: plan ${plan.requests}/${plan.floorRequests} requests, ${Math.round(plan.ms)} ms (warm ${detail.warmPlanMs ?? '–'} ms; floor ${Math.round(plan.floorMs)} ms cold, ${detail.warmFloorMs ?? '–'} ms warm), ` +
          `${plan.peakRssMB} MB; ` +
          (detail.planOnly
            ? 'no apply (plan only)'
            : `apply ${apply.requests}/${apply.floorRequests} requests, ${Math.round(apply.rateShare * 100)}% of ${detail.budget.limit}/s, ` +
          `${apply.http429} × 429, ${detail.applyPeakRssMB} MB`) +
          (detail.notes.length ? `\n    ${detail.notes.join('\n    ')}` : ''),
      );
    }
  }
  return { results: { runs: details.map((d) => d.run) }, details };
}

/** A config with just this vendor, for startSandbox to read credentials and kinds from. */
function sandboxConfig(vendor: BenchVendor): RootConfig {
  return rosterSchemas().rootConfig.parse({ vendors: { [vendor.kind]: { ...vendor.config, baseUrl: `https://${vendor.kind}.invalid` } } }) as RootConfig;
}

async function withSandbox<T>(vendor: BenchVendor, fixture: unknown, budget: RateBudget, use: (sandbox: Sandbox) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox(sandboxConfig(vendor), { fixtures: { [vendor.kind]: fixture }, emulatorOptions: () => ({ rateLimit: budget }) });
  try {
    return await use(sandbox);
  } finally {
    await sandbox.stop();
  }
}

/** A child process answering one message at a time. */
function startChild(execArgv: string[] = []) {
  // --expose-gc only for BENCH_MEMORY's own collections: otherwise the child runs as `roster plan` does,
  // and the plan's collection after a large read (src/compose/memory.ts) gets its collector the same way.
  const child = fork(new URL('./child.js', import.meta.url), [], { execArgv: [...(process.env.BENCH_MEMORY ? ['--expose-gc'] : []), ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`benchmark child exited (${code}) before answering`))));
  exited.catch(() => undefined);
  const ask = <T extends ChildMessage>(message: ParentMessage, type: T['type']): Promise<T> => {
    const answer = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`benchmark child did not answer within ${RUN_TIMEOUT_MS / 60_000} minutes`)), RUN_TIMEOUT_MS);
      child.once('message', (reply: ChildMessage) => {
        clearTimeout(timer);
        if (reply.type === 'error') reject(new Error(`benchmark child failed: ${reply.message}`));
        else if (reply.type !== type) reject(new Error(`benchmark child answered ${reply.type}, expected ${type}`));
        else resolve(reply as T);
      });
    });
    child.send(message);
    return Promise.race([answer, exited]);
  };
  // A clean exit lets --cpu-prof write its profile.
  return {
    ask,
    stop: () => {
      child.disconnect();
      setTimeout(() => child.kill(), 10_000).unref();
    },
  };
}

type Child = ReturnType<typeof startChild>;

/** A child for what is not roster's plan (floors, the emulator's warm-up, more cold plans): no --cpu-prof or --heap-prof, whose files would mix with the plan's. */
const startUnprofiledChild = (execArgv?: string[]) => startChild(execArgv?.filter((arg) => !arg.startsWith('--cpu-prof') && !arg.startsWith('--heap-prof')));

/** The load with the parser floor measured beside it, in its own process (YamlFloorRequest). */
type Loaded = LoadedMessage & { jsYamlMs: number };

async function jsYamlFloor(files: string[], childArgs?: string[]): Promise<number> {
  const floorChild = startUnprofiledChild(childArgs);
  try {
    return (await floorChild.ask<YamlFlooredMessage>({ type: 'yaml-floor', files }, 'yaml-floored')).jsYamlMs;
  } finally {
    floorChild.stop();
  }
}

async function runOne(
  child: Child,
  people: number,
  vendor: BenchVendor,
  loaded: Loaded,
  fixture: unknown,
  expected: Record<'match' | 'update' | 'new', number>,
  configs: { org: string; warmUp: string },
  options: BenchOptions,
): Promise<RunDetail> {
  const notes: string[] = [];
  // Read by key, the floor is one GET per declared person (every generated person is in every vendor).
  const floorPages = vendor.readByKey ? people : Math.max(1, Math.ceil(vendor.liveUsers(fixture) / vendor.pageSize));
  // The plan's floor: those pages, and the reads the vendor's API requires of every plan (a login, a probe).
  const planFloor = floorPages + (vendor.requiredReads?.count ?? 0);
  const planned = await withSandbox(vendor, fixture, UNPACED, async (sandbox) => {
    const coldPlanIn = (configFile: string) => coldPlan(sandbox, vendor, configFile, options);
    // The emulator's warm-up: a plan of nobody, reading the same listing (ColdPlanRequest in child.ts).
    await coldPlanIn(configs.warmUp);
    const answer = await child.ask<PlannedMessage>(
      {
        type: 'plan',
        vendor: vendor.kind,
        env: sandbox.env,
        override: sandbox.overrides[vendor.kind],
        listPath: vendor.listPath,
        readByKey: vendor.readByKey,
        budget: UNPACED,
        warm: !options.planOnly,
        sinceDaysAgo: datedSince(options),
      },
      'planned',
    );
    // More cold plans, each in a fresh process that loads the organisation again: the median counts.
    const runs = people <= TIMED_RUNS_UP_TO ? Math.max(1, options.timedRuns ?? 3) : 1;
    const planRuns = [answer.planMs];
    for (let run = 1; run < runs; run++) planRuns.push((await coldPlanIn(configs.org)).planMs);
    // The same pages again from a fresh process per bare client and run, cold as the plan was; per client
    // the median, and the lower of the two counts (FloorRequest in child.ts).
    const floors: number[] = [];
    for (const client of ['fetch', 'node:http'] as const) {
      const clientRuns: number[] = [];
      for (let run = 0; run < runs; run++) {
        const floorChild = startUnprofiledChild(options.childArgs);
        try {
          clientRuns.push((await floorChild.ask<FlooredMessage>({ type: 'floor', pages: answer.pageList, readByKey: vendor.readByKey, client }, 'floored')).floorMs);
        } finally {
          floorChild.stop();
        }
      }
      floors.push(median(clientRuns));
    }
    return { ...answer, planMs: median(planRuns), planRuns, warmFloorMs: answer.floorMs, floorMs: Math.min(...floors), floorsMs: floors, pageList: [] };
  });
  const s = planned.summary;
  const runsNote = planned.planRuns.length > 1 ? ` (medians of ${planned.planRuns.length} runs each)` : '';
  notes.push(`cold network floor: fetch ${Math.round(planned.floorsMs[0])} ms, node:http ${Math.round(planned.floorsMs[1])} ms${runsNote}; the lower counts`);
  if (planned.planRuns.length > 1) notes.push(`cold plans: ${planned.planRuns.map((ms) => Math.round(ms)).join(', ')} ms, the median counts`);
  if (s.create !== expected.new || s.update !== expected.update || s.unchanged !== expected.match) {
    notes.push(`plan: ${s.create} creates, ${s.update} updates, ${s.unchanged} unchanged; generated ${expected.new}, ${expected.update}, ${expected.match}`);
  }
  notes.push(...planned.errors.map((e) => `plan error: ${e}`));
  const changes = s.create + s.update + s.deactivate + s.reactivate + s.delete;

  if (options.planOnly) return planOnlyDetail(people, vendor, loaded, planned, floorPages, planFloor, changes, notes);

  // Sized so the apply takes about applySeconds at its budget.
  const limit = Math.min(options.maxRate, Math.max(10, Math.ceil((floorPages + changes) / options.applySeconds)));
  const budget: RateBudget = { limit, windowMs: APPLY_WINDOW_MS };
  const { applied, log } = await withSandbox(vendor, fixture, budget, async (sandbox) => {
    const emulator = sandbox.emulators.get(vendor.kind)!;
    const answer = await child.ask<AppliedMessage>({ type: 'apply', vendor: vendor.kind, override: sandbox.overrides[vendor.kind], env: sandbox.env, budget }, 'applied');
    return { applied: answer, log: [...emulator.requests] };
  });
  if (applied.failed > 0) notes.push(`apply: ${applied.failed} of ${applied.operations} operations failed, e.g. ${applied.failures[0]}`);
  const unexpected = new Map<number, number>();
  // Read by key, a 404 on the per-person GET is how a person not created yet answers.
  const expected404 = (e: { status: number; path: string }) => vendor.readByKey === true && e.status === 404 && e.path === vendor.listPath;
  for (const e of log) if (e.status >= 400 && e.status !== 429 && !expected404(e)) unexpected.set(e.status, (unexpected.get(e.status) ?? 0) + 1);
  if (unexpected.size > 0) notes.push(`the emulator answered ${[...unexpected].map(([status, n]) => `${n} × ${status}`).join(', ')} during the apply`);

  const run: BenchRun = {
    people,
    vendor: vendor.kind,
    plan: {
      requests: planned.requests,
      floorRequests: planFloor,
      ms: Math.round(planned.planMs),
      floorMs: Math.round(planned.floorMs),
      peakRssMB: planned.peakRssMB,
    },
    apply: {
      requests: applied.requests,
      // The apply's own plan, then one write per operation, and the vendor's extra writes per create.
      floorRequests: planFloor + applied.operations + s.create * ((vendor.writesPerCreate?.count ?? 1) - 1),
      rateShare: rateShare(log, applied.applyStart, budget),
      http429: log.filter((e) => e.status === 429).length,
    },
    load: { ms: Math.round(loaded.loadMs), jsYamlMs: Math.round(loaded.jsYamlMs), ratio: round2(loaded.loadMs / loaded.jsYamlMs) },
    pullRequest: planned.pullRequest,
  };
  if (planned.pages !== floorPages) notes.push(`plan read ${planned.pages} distinct pages; ${floorPages} hold every user`);
  if (vendor.readByKey) notes.push(byKeyNote(vendor.kind, floorPages));
  notes.push(...floorReasons(vendor, s.create > 0));
  if ((run.plan.requests > run.plan.floorRequests || run.apply.requests > run.apply.floorRequests) && vendor.overFloorReason) {
    notes.push(vendor.overFloorReason);
  }
  return { run, loadMs: loaded.loadMs, rssAfterLoadMB: loaded.rssAfterLoadMB, loadPeakRssMB: loaded.peakRssAfterLoadMB, applyPeakRssMB: applied.peakRssMB, warmPlanMs: planned.warmPlanMs === undefined ? undefined : Math.round(planned.warmPlanMs), warmFloorMs: Math.round(planned.warmFloorMs), changes, budget, notes };
}

/** What the floor counts beside the pages holding users, and why (BenchVendor.requiredReads, writesPerCreate). */
function floorReasons(vendor: BenchVendor, creates: boolean): string[] {
  const reasons: string[] = [];
  if (vendor.requiredReads) reasons.push(`the floor counts ${vendor.requiredReads.count} more read${vendor.requiredReads.count > 1 ? 's' : ''}: ${vendor.requiredReads.why}`);
  if (creates && vendor.writesPerCreate) reasons.push(`the apply floor counts ${vendor.writesPerCreate.count} writes per create: ${vendor.writesPerCreate.why}`);
  return reasons;
}

/**
 * An organisation with dates plans as it would in a git checkout (the plan workflow's): its declared state
 * last changed 30 days ago, so the calendar also plans as of then (src/desired/dated.ts).
 */
const datedSince = (options: BenchOptions) => (options.datedEvery ? 30 : undefined);

/** Sizes up to which the plan and its floors are timed several times (BenchOptions.timedRuns). */
const TIMED_RUNS_UP_TO = 10_000;

/** One cold plan of `configFile` in a fresh child against the sandbox's emulator (ColdPlanRequest in child.ts). */
async function coldPlan(sandbox: Sandbox, vendor: BenchVendor, configFile: string, options: BenchOptions): Promise<ColdPlannedMessage> {
  const planChild = startUnprofiledChild(options.childArgs);
  try {
    return await planChild.ask<ColdPlannedMessage>(
      { type: 'cold-plan', configFile, vendor: vendor.kind, env: sandbox.env, override: sandbox.overrides[vendor.kind], budget: UNPACED, sinceDaysAgo: datedSince(options) },
      'cold-planned',
    );
  } finally {
    planChild.stop();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** A run measured with --plan-only: the apply's figures are zero against a floor of zero (not measured). */
function planOnlyDetail(people: number, vendor: BenchVendor, loaded: Loaded, planned: PlannedMessage & { warmFloorMs: number }, floorPages: number, planFloor: number, changes: number, notes: string[]): RunDetail {
  notes.push(...floorReasons(vendor, false));
  const run: BenchRun = {
    people,
    vendor: vendor.kind,
    plan: { requests: planned.requests, floorRequests: planFloor, ms: Math.round(planned.planMs), floorMs: Math.round(planned.floorMs), peakRssMB: planned.peakRssMB },
    apply: { requests: 0, floorRequests: 0, rateShare: 0, http429: 0 },
    load: { ms: Math.round(loaded.loadMs), jsYamlMs: Math.round(loaded.jsYamlMs), ratio: round2(loaded.loadMs / loaded.jsYamlMs) },
    pullRequest: planned.pullRequest,
  };
  if (planned.pages !== floorPages) notes.push(`plan read ${planned.pages} distinct pages; ${floorPages} hold every user`);
  if (vendor.readByKey) notes.push(byKeyNote(vendor.kind, floorPages));
  notes.push('plan only (--plan-only): no apply');
  return { run, loadMs: loaded.loadMs, rssAfterLoadMB: loaded.rssAfterLoadMB, loadPeakRssMB: loaded.peakRssAfterLoadMB, warmFloorMs: Math.round(planned.warmFloorMs), changes, budget: { limit: 0, windowMs: APPLY_WINDOW_MS }, notes, planOnly: true };
}

/**
 * The by-key floor at the allowed rate: one GET per declared person, paced under the vendor's budget. The
 * benchmark's emulators run unpaced, so this is what a plan against the real vendor cannot beat.
 */
function byKeyNote(kind: string, gets: number): string {
  const { limit, windowMs } = vendorModule(kind).rateLimit;
  const minutes = (gets / limit) * (windowMs / 60_000);
  const time = minutes < 1 ? `${Math.ceil(minutes * 60)} s` : minutes < 120 ? `${Math.ceil(minutes)} min` : `${(minutes / 60).toFixed(1)} h`;
  return `${vendorModule(kind).title}: read by key (no list endpoint), one GET per declared person: ${gets.toLocaleString('en-US')} GETs, at least ${time} at the allowed ${limit} per ${windowMs / 1000} s against the real vendor`;
}

// --------------------------------------------------------------------------------------------- CLI

const TABLE_START = '<!-- bench:table:start -->';
const TABLE_END = '<!-- bench:table:end -->';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000,10000,100000' },
      vendors: { type: 'string' },
      out: { type: 'string', default: 'bench/results.json' },
      data: { type: 'string', default: 'bench/data' },
      'apply-seconds': { type: 'string', default: '6' },
      'max-rate': { type: 'string', default: '500' },
      concurrency: { type: 'string' },
      'dated-every': { type: 'string', description: 'one person in N gets an end date far ahead, so every plan goes through the calendar (memory of an organisation with dates)' },
      'child-args': { type: 'string', description: 'Node flags for the child process, e.g. "--cpu-prof --cpu-prof-dir=bench/profiles"' },
      'plan-only': { type: 'boolean', default: false, description: 'plan (and its floor) only: no apply, no warm second plan' },
      'timed-runs': { type: 'string', default: '3', description: 'cold plans and cold floors per client timed at up to 10,000 people, each in a fresh process; the medians count' },
      merge: { type: 'boolean', default: false, description: 'keep the runs already in --out that this run does not repeat' },
      docs: { type: 'string', description: 'markdown files, comma-separated, whose table (between bench:table markers) is replaced' },
      report: { type: 'boolean', default: false, description: 'also time `roster report access` against a plan at each size (bench/access-report.ts)' },
    },
  });
  const sizes = values.sizes.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  if (sizes.some((n) => !Number.isInteger(n) || n < 20)) throw new Error(`--sizes: whole numbers of at least 20, e.g. 1000,10000 (got ${values.sizes})`);
  const benchVendors = await loadBenchVendors();
  const wanted = values.vendors?.split(',').map((s) => s.trim());
  const unknown = (wanted ?? []).filter((k) => !benchVendors.some((v) => v.kind === k));
  if (unknown.length) throw new Error(`--vendors: unknown ${unknown.join(', ')}; known: ${benchVendors.map((v) => v.kind).join(', ')}`);
  const vendors = wanted ? benchVendors.filter((v) => wanted.includes(v.kind)) : benchVendors;

  const started = Date.now();
  await mkdir(path.dirname(values.out), { recursive: true });
  // Details (notes, load times) sit beside the results so a later --merge can redraw the whole table.
  const detailsFile = values.out.replace(/\.json$/, '') + '.details.json';
  const earlier: RunDetail[] = values.merge ? JSON.parse(await readFile(detailsFile, 'utf8').catch(() => '[]')) : [];
  const merged = (fresh: RunDetail[]) => {
    const same = (a: RunDetail, b: RunDetail) => a.run.people === b.run.people && a.run.vendor === b.run.vendor;
    const kept = earlier.filter((old) => !fresh.some((d) => same(d, old)));
    return [...kept, ...fresh].sort((a, b) => a.run.people - b.run.people || order(a.run.vendor) - order(b.run.vendor));
  };
  const order = (kind: string) => benchVendors.findIndex((v) => v.kind === kind);
  let reports: AccessReportRun[] | undefined;
  const save = async (all: RunDetail[]) => {
    await writeFile(values.out, JSON.stringify({ runs: all.map((d) => d.run), ...(reports ? { report: reports } : {}) }, null, 2) + '\n');
    await writeFile(detailsFile, JSON.stringify(all, null, 2) + '\n');
  };
  const { details: freshDetails } = await runBench({
    sizes,
    vendors,
    dataDir: values.data,
    applySeconds: Number(values['apply-seconds']),
    maxRate: Number(values['max-rate']),
    concurrency: values.concurrency === undefined ? undefined : Number(values.concurrency),
    datedEvery: values['dated-every'] === undefined ? undefined : Number(values['dated-every']),
    planOnly: values['plan-only'],
    timedRuns: Number(values['timed-runs']),
    log: (line) => console.error(line),
    childArgs: values['child-args']?.split(' ').filter(Boolean),
    onRun: async (_partial, sofar) => save(merged(sofar)),
  });
  const details = merged(freshDetails);
  if (values.report) {
    reports = [];
    for (const size of sizes) reports.push(await benchAccessReport(values.data, size, vendors, (line) => console.error(line)));
  }
  await save(details);

  const table = markdownTable(details) + (reports ? `\n\n${accessReportTable(reports)}` : '');
  const checks = checkTargets(details);
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? "unknown CPU"}), ${Math.round(os.totalmem() / 1024 ** 3)} GB, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at the end`;
  const summary = [
    table,
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}; the whole run took ${round2((Date.now() - started) / 1000)} s.`,
    '',
    details.length === 0
      ? 'Nothing was measured: every run failed (see above).'
      : checks.length === 0
        ? 'Every target is met.'
        : ['Targets missed:', ...checks.map((c) => `- ${c.target} — ${c.detail}`)].join('\n'),
  ].join('\n');
  console.log(summary);
  console.error(`wrote ${values.out}`);
  for (const file of values.docs?.split(',').map((f) => f.trim()).filter(Boolean) ?? []) {
    const doc = await readFile(file, 'utf8');
    const from = doc.indexOf(TABLE_START);
    const to = doc.indexOf(TABLE_END);
    if (from === -1 || to < from) throw new Error(`${file} has no ${TABLE_START} … ${TABLE_END} markers`);
    await writeFile(file, `${doc.slice(0, from + TABLE_START.length)}\n${summary}\n${doc.slice(to)}`);
    console.error(`updated the table in ${file}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
