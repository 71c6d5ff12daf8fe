/**
 * The benchmark runs of one size and vendor, in their own process so the peak RSS is roster's alone
 * (the emulators live in the parent). Driven over IPC by run.ts:
 *
 *   parent → {type: 'load'}        child loads the organisation (timed, not part of plan time)
 *   child  → {type: 'loaded'}
 *   parent → {type: 'plan', ...}   child plans (timed), records the peak RSS, then reads the same
 *                                  pages with a bare fetch loop (the network floor)
 *   child  → {type: 'planned', ...}
 *   parent → {type: 'apply', ...}  against a fresh emulator with a short rate-limit window: plan + apply,
 *                                  as `roster apply` does
 *   child  → {type: 'applied', ...}
 */
import { readFile, writeFile } from 'node:fs/promises';
import { load as jsYamlLoad } from 'js-yaml';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { loadOrganisation } from '../src/compose/organisation.js';
import { applyPlan } from '../src/reconcile/apply.js';
import { buildPlan } from '../src/compose/plan.js';
import { touchedKeys } from '../src/desired/touched.js';
import { buildTargets } from '../src/compose/targets.js';
import type { TargetOptions } from '../src/compose/targets.js';
import type { SentRequest } from '../src/http/client.js';
import { writersOf } from '../src/reconcile/target.js';
import type { Organisation } from '../src/config/model.js';

export interface RateBudget {
  limit: number;
  windowMs: number;
}

export interface LoadRequest {
  type: 'load';
  configFile: string;
}

export interface LoadedMessage {
  type: 'loaded';
  loadMs: number;
  /** Reading the same users files and parsing each with js-yaml `load`, right after the load: the parser floor. */
  jsYamlMs: number;
  people: number;
  rssAfterLoadMB: number;
}

export interface PlanRequest {
  type: 'plan';
  /** Vendor instance name in roster.yaml (the benchmark names each instance after its kind). */
  vendor: string;
  env: Record<string, string>;
  /** Instance settings from the sandbox: baseUrl and the ids the fixture holds. */
  override: Record<string, unknown>;
  /** The list path of this vendor: only GETs on it are list pages. */
  listPath: string;
  /** Read by key: the GETs on listPath are one per declared person, and a 404 (not created yet) is an answer. */
  readByKey?: boolean;
  budget: RateBudget;
}

export interface ApplyRequest {
  type: 'apply';
  vendor: string;
  override: Record<string, unknown>;
  env: Record<string, string>;
  budget: RateBudget;
}

export interface PlannedMessage {
  type: 'planned';
  planMs: number;
  /** The same plan again in the same process: without the cold start (JIT, module loading, first connections). */
  warmPlanMs: number;
  floorMs: number;
  requests: number;
  /** Distinct list pages the plan read (the floor loop reads exactly these). */
  pages: number;
  peakRssMB: number;
  /** A 5-person pull request's plan (pullRequestPlan): people changed, touched, and requests it sent. */
  pullRequest: { changed: number; touched: number; requests: number };
  summary: Record<string, number>;
  errors: string[];
}

export interface AppliedMessage {
  type: 'applied';
  requests: number;
  operations: number;
  planStart: number;
  applyStart: number;
  applyEnd: number;
  succeeded: number;
  failed: number;
  failures: string[];
  /** Peak RSS of the whole child once the apply is done: load, plan, the apply's own plan and apply. */
  peakRssMB: number;
}

export type ParentMessage = LoadRequest | PlanRequest | ApplyRequest;
export type ChildMessage = LoadedMessage | PlannedMessage | AppliedMessage | { type: 'error'; message: string };

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
/** `maxRSS` is in kilobytes. */
const peakRss = () => Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())));
}

/**
 * Targets for one vendor against its emulator. The benchmark shrinks the emulator's rate-limit window
 * so a run takes seconds; the client paces to that same budget, as it would to the documented one
 * against the real vendor.
 */
function targetsFor(
  org: Organisation,
  vendor: string,
  override: Record<string, unknown>,
  env: Record<string, string>,
  budget: RateBudget,
  onRequest?: TargetOptions['onRequest'],
) {
  Object.assign(org.config.vendors[vendor], override);
  return buildTargets(org, { only: [vendor], env: { ...process.env, ...env }, rateLimit: () => budget, onRequest });
}

/** The GETs on the list path, with their headers, so the floor reads the very pages the plan read. */
function listPageRecorder(listPath: string): { pages: Map<string, Record<string, string>>; onRequest(_: string, r: SentRequest): void } {
  const pages = new Map<string, Record<string, string>>();
  return {
    pages,
    onRequest(_instance, { method, url, headers }) {
      if (method === 'GET' && url.pathname === listPath && !pages.has(url.href)) pages.set(url.href, { ...headers });
    },
  };
}

/** The network floor: the same pages, read one after another with nothing but fetch. */
async function readPages(pages: Map<string, Record<string, string>>, readByKey = false): Promise<number> {
  const started = performance.now();
  for (const [url, headers] of pages) {
    // Once more on a connection the emulator closed while the plan computed (its keep-alive timeout):
    // the floor is about reading pages, not about that race.
    const response = await fetch(url, { headers }).catch(() => fetch(url, { headers }));
    await response.text();
    if (!response.ok && !(readByKey && response.status === 404)) throw new Error(`floor: GET ${url} answered ${response.status}`);
  }
  return performance.now() - started;
}

let org: Organisation | undefined;

/**
 * With BENCH_PLAN_PROFILE=<dir>, a CPU profile of the plan alone (not the load, floor or apply) is
 * written there per size and vendor, for Chrome DevTools.
 */
async function startProfile(): Promise<{ stop(name: string): Promise<void> } | undefined> {
  const dir = process.env.BENCH_PLAN_PROFILE;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(name) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      await writeFile(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    },
  };
}

async function load(request: LoadRequest): Promise<LoadedMessage> {
  const started = performance.now();
  org = await loadOrganisation(request.configFile);
  const loadMs = performance.now() - started;
  const rssAfterLoadMB = mb(process.memoryUsage().rss);
  // The floor runs second, so js-yaml is already compiled and the files are in the page cache: if
  // anything, it favours the floor.
  const jsYamlMs = await jsYamlFloor(org);
  return { type: 'loaded', loadMs, jsYamlMs, people: org.people.length, rssAfterLoadMB };
}

/** Reading every users file and parsing it with js-yaml, nothing else. */
async function jsYamlFloor(loaded: Organisation): Promise<number> {
  const started = performance.now();
  for (const file of loaded.files) jsYamlLoad(await readFile(file, 'utf8'));
  return performance.now() - started;
}

/**
 * A pull request's plan: five people renamed, one of them a manager (every 50th person manages the 49
 * after), planned with only the people that change touches read (touchedKeys). Read by key, that is the
 * five and the manager's reports; a listing vendor lists everything anyway.
 */
async function pullRequestPlan(loaded: Organisation, request: PlanRequest): Promise<{ changed: number; touched: number; requests: number }> {
  const renamed = new Set([3, 17, 50, 60, 120].map((i) => loaded.people[i % loaded.people.length].key));
  const people = loaded.people.map((p) => (renamed.has(p.key) ? { ...p, lastName: `${p.lastName}-Renamed` } : p));
  const head: Organisation = { ...loaded, people, peopleByKey: new Map(people.map((p) => [p.key, p])) };
  const targets = targetsFor(head, request.vendor, request.override, request.env, request.budget);
  let touched = 0;
  await buildPlan(head, targets, {}, {
    only: (target) => {
      const keys = touchedKeys(loaded, head, target);
      touched = keys?.size ?? head.people.length;
      return keys;
    },
  });
  return { changed: renamed.size, touched, requests: targets[0].counter.requests };
}

async function plan(request: PlanRequest): Promise<PlannedMessage> {
  if (!org) throw new Error('plan before load');
  // The load's garbage is collected first, so what the plan adds to the peak RSS is the plan's own use
  // on top of the loaded organisation (the load's own peak is in maxRSS whatever happens here).
  (globalThis as { gc?: () => void }).gc?.();
  const recorder = listPageRecorder(request.listPath);
  const targets = targetsFor(org, request.vendor, request.override, request.env, request.budget, recorder.onRequest);
  const profiler = await startProfile();
  const started = performance.now();
  const result = await buildPlan(org, targets);
  const planMs = performance.now() - started;
  await profiler?.stop(`plan-${org.people.length}-${request.vendor}`);
  const peakRssMB = peakRss();
  const vendorPlan = result.vendors[0];
  const errors = [...(targets[0].setupError ? [targets[0].setupError] : []), ...vendorPlan.errors.map((e) => `${e.key ?? ''} ${e.message}`.trim())];

  const floorMs = await readPages(recorder.pages, request.readByKey);
  const again = performance.now();
  await buildPlan(org, targetsFor(org, request.vendor, request.override, request.env, request.budget));
  const warmPlanMs = performance.now() - again;
  const pullRequest = await pullRequestPlan(org, request);
  return {
    pullRequest,
    type: 'planned',
    planMs,
    warmPlanMs,
    floorMs,
    requests: targets[0].counter.requests,
    pages: recorder.pages.size,
    peakRssMB,
    summary: { ...result.summary, live: vendorPlan.liveCount, unmanaged: vendorPlan.unmanaged.length },
    errors: errors.slice(0, 5),
  };
}

async function apply(request: ApplyRequest): Promise<AppliedMessage> {
  if (!org) throw new Error('apply before load');
  const targets = targetsFor(org, request.vendor, request.override, request.env, request.budget);
  const planStart = Date.now();
  const result = await buildPlan(org, targets);
  const applyStart = Date.now();
  const report = await applyPlan(result, { writers: writersOf(targets), concurrency: (name) => org!.config.vendors[name].concurrency ?? 4 });
  const applyEnd = Date.now();
  const failures = report.results.filter((r) => !r.ok).map((r) => `${r.action} ${r.key}: ${r.error ?? 'failed'}`);
  return {
    type: 'applied',
    requests: targets[0].counter.requests,
    operations: result.vendors[0].operations.length,
    planStart,
    applyStart,
    applyEnd,
    succeeded: report.summary.succeeded,
    failed: report.summary.failed + report.summary.skipped,
    failures: [...result.vendors[0].errors.map((e) => `plan: ${e.key ?? ''} ${e.message}`), ...failures].slice(0, 5),
    peakRssMB: peakRss(),
  };
}

process.on('message', (message: ParentMessage) => {
  const work = message.type === 'load' ? load(message) : message.type === 'plan' ? plan(message) : apply(message);
  work.then(send, (error: unknown) => send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
});
