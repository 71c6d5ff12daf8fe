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
import { buildPlan, readTarget } from '../src/compose/plan.js';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
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
  /** The users files the load read, for the parser floor (YamlFloorRequest). */
  files: string[];
  people: number;
  rssAfterLoadMB: number;
  /** The process's peak RSS once loaded: the floor under the plan's peak, which counts the load's too. */
  peakRssAfterLoadMB: number;
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
  /** Plan a second time in the same process, warm (false with --plan-only). */
  warm?: boolean;
  /** Plan as in a git checkout whose declared state last changed this many days ago (the calendar's `since`). */
  sinceDaysAgo?: number;
}

/** The calendar a plan runs with: `since` as a git checkout gives it, when the request says so. */
const calendarOf = (request: { sinceDaysAgo?: number }) => (request.sinceDaysAgo === undefined ? {} : { since: new Date(Date.now() - request.sinceDaysAgo * 86_400_000) });

/**
 * The network floor, cold: a fresh child reads the pages the plan read, one after another with a bare
 * client, as the first thing it does on the network. It pays what the plan paid before its first page
 * (loading the client, compiling it, opening connections), so cold plan and cold floor compare like
 * with like; the floor the plan's own process reads right after it (`floorMs` in PlannedMessage) is warm.
 * The bench reads it with both bare clients Node has, fetch and node:http, and keeps the lower: roster's
 * own choice of client must not make its floor easier.
 */
export interface FloorRequest {
  type: 'floor';
  pages: [string, Record<string, string>][];
  readByKey?: boolean;
  client?: FloorClient;
}

export type FloorClient = 'fetch' | 'node:http';

/**
 * The parser floor: a fresh child reads the same users files and parses each with js-yaml `load`,
 * nothing else. In its own process, cold as the load was, so the garbage of a second parse of every
 * file never counts in the plan's peak RSS (it did: 100 MB at 100,000 people).
 */
export interface YamlFloorRequest {
  type: 'yaml-floor';
  files: string[];
}

export interface YamlFlooredMessage {
  type: 'yaml-floored';
  jsYamlMs: number;
}

export interface FlooredMessage {
  type: 'floored';
  floorMs: number;
}

/**
 * A fresh child loads an organisation and plans it once, cold, as `roster plan` would: the timed plan
 * again, for a median of several cold plans (run.ts, --timed-runs), or, for an organisation that declares
 * nobody (generateWarmUpOrg), the emulator's warm-up before the timed plan. A vendor's servers are warm;
 * the emulator, started for this run, is not, and the floor (read after the plan) always met it warm.
 */
export interface ColdPlanRequest {
  type: 'cold-plan';
  configFile: string;
  vendor: string;
  env: Record<string, string>;
  override: Record<string, unknown>;
  budget: RateBudget;
  sinceDaysAgo?: number;
}

export interface ColdPlannedMessage {
  type: 'cold-planned';
  planMs: number;
  requests: number;
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
  /** The same plan again in the same process: without the cold start (JIT, module loading, first connections). Unset when not asked for. */
  warmPlanMs?: number;
  /** The floor read in this process right after the plan: warm (fetch loaded, connections open). */
  floorMs: number;
  requests: number;
  /** Distinct list pages the plan read (the floor loop reads exactly these). */
  pages: number;
  /** Those pages with the headers they were sent with, for the cold floor (FloorRequest). */
  pageList: [string, Record<string, string>][];
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

export type ParentMessage = LoadRequest | PlanRequest | ApplyRequest | FloorRequest | YamlFloorRequest | ColdPlanRequest;
export type ChildMessage = LoadedMessage | PlannedMessage | AppliedMessage | FlooredMessage | YamlFlooredMessage | ColdPlannedMessage | { type: 'error'; message: string };

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

const headerSets = new Map<string, Record<string, string>>();
function sharedHeaders(headers: Record<string, string>): Record<string, string> {
  const text = JSON.stringify(headers);
  let shared = headerSets.get(text);
  if (!shared) headerSets.set(text, (shared = { ...headers }));
  return shared;
}

/** The GETs on the list path, with their headers, so the floor reads the very pages the plan read. */
function listPageRecorder(listPath: string): { pages: Map<string, Record<string, string>>; onRequest(_: string, r: SentRequest): void } {
  const pages = new Map<string, Record<string, string>>();
  return {
    pages,
    onRequest(_instance, { method, url, headers }) {
      // One copy of each distinct set of headers: read by key they are the same 100,000 times.
      if (method === 'GET' && url.pathname === listPath && !pages.has(url.href)) pages.set(url.href, sharedHeaders(headers));
    },
  };
}

/** The network floor: the same pages, read one after another with nothing but fetch. */
async function readPages(pages: Iterable<[string, Record<string, string>]>, readByKey = false, client: FloorClient = 'fetch'): Promise<number> {
  if (client === 'node:http') return readPagesWithHttp(pages, readByKey);
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

/** The same floor with node:http and a keep-alive agent: one GET after another, the body read whole. */
async function readPagesWithHttp(pages: Iterable<[string, Record<string, string>]>, readByKey: boolean): Promise<number> {
  const http = await import('node:http');
  const https = await import('node:https');
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
  const get = (url: string, headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const protocol = new URL(url).protocol as keyof typeof agents;
      const request = (protocol === 'https:' ? https.request : http.request)(url, { headers, agent: agents[protocol] }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          Buffer.concat(chunks).toString('utf8');
          resolve(response.statusCode ?? 0);
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end();
    });
  const started = performance.now();
  try {
    for (const [url, headers] of pages) {
      // Once more on a connection the emulator closed meanwhile, as the fetch floor does.
      const status = await get(url, headers).catch(() => get(url, headers));
      if ((status < 200 || status > 299) && !(readByKey && status === 404)) throw new Error(`floor: GET ${url} answered ${status}`);
    }
    return performance.now() - started;
  } finally {
    agents['http:'].destroy();
    agents['https:'].destroy();
  }
}

let org: Organisation | undefined;

/**
 * With BENCH_MEMORY=1, the child says on stderr what it holds at each stage: RSS, the heap in use, and
 * the heap in use once collected (what is live), with the peak RSS so far. `keep` stays reachable across
 * the collection, so what the plan result itself holds counts.
 */
function memoryStage(stage: string, keep?: unknown): void {
  if (!process.env.BENCH_MEMORY) return;
  const before = process.memoryUsage();
  // Each heap space as committed before the collection: where an RSS above the heap in use sits.
  const spaces = getHeapSpaceStatistics()
    .filter((space) => space.space_size > 1024 * 1024)
    .map((space) => `${space.space_name.replace(/_space$/, '')} ${mb(space.space_size)}`)
    .join(', ');
  (globalThis as { gc?: () => void }).gc?.();
  const after = process.memoryUsage();
  const held = keep === undefined ? '' : ' (the plan result kept)';
  process.stderr.write(
    `    memory ${stage}: rss ${mb(before.rss)} MB, heap used ${mb(before.heapUsed)} of ${mb(before.heapTotal)} MB (${spaces}), live after gc ${mb(after.heapUsed)} MB${held}, external ${mb(after.external)} MB, peak rss ${peakRss()} MB\n`,
  );
}

/**
 * With BENCH_PLAN_PROFILE=<dir>, a CPU profile of the plan alone (not the load, floor or apply) is
 * written there per size and vendor, for Chrome DevTools.
 */
async function startProfile(): Promise<{ stop(name: string): Promise<void> } | undefined> {
  const dir = process.env.BENCH_PLAN_PROFILE;
  if (!dir) return startAllocationProfile();
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

/**
 * With BENCH_ALLOCATIONS=<dir>, a sampling heap profile of the plan alone that keeps what the collector
 * freed too (every allocation, not only what survived), for Chrome DevTools: where a plan's garbage comes from.
 */
async function startAllocationProfile(): Promise<{ stop(name: string): Promise<void> } | undefined> {
  const dir = process.env.BENCH_ALLOCATIONS;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 64 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return {
    async stop(name) {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      session.disconnect();
      await writeFile(path.join(dir, `${name}.heapprofile`), JSON.stringify(profile));
    },
  };
}

/**
 * With BENCH_HEAP_SNAPSHOT=<dir>, a heap snapshot while the live read of the vendor (its listing and the
 * desired records beside it, what the planner gets) is held: what a plan keeps at its peak, by type.
 */
async function heapSnapshotOfRead(loaded: Organisation, request: PlanRequest): Promise<void> {
  const dir = process.env.BENCH_HEAP_SNAPSHOT;
  if (!dir && !process.env.BENCH_MEMORY) return;
  const [target] = targetsFor(loaded, request.vendor, request.override, request.env, request.budget);
  if (!target.reader) return;
  const read = await readTarget(loaded, { ...target, reader: target.reader });
  memoryStage('holding the live read (listing and desired records)', read);
  if (dir) writeHeapSnapshot(path.join(dir, `read-${loaded.people.length}-${request.vendor}.heapsnapshot`));
}

async function load(request: LoadRequest): Promise<LoadedMessage> {
  const started = performance.now();
  org = await loadOrganisation(request.configFile);
  const loadMs = performance.now() - started;
  const rssAfterLoadMB = mb(process.memoryUsage().rss);
  return { type: 'loaded', loadMs, files: org.files, people: org.people.length, rssAfterLoadMB, peakRssAfterLoadMB: peakRss() };
}

/** One cold plan in a fresh child, timed as the plan in PlanRequest is (ColdPlanRequest). */
async function coldPlan(request: ColdPlanRequest): Promise<ColdPlannedMessage> {
  const loaded = await loadOrganisation(request.configFile);
  const targets = targetsFor(loaded, request.vendor, request.override, request.env, request.budget);
  const started = performance.now();
  await buildPlan(loaded, targets, calendarOf(request));
  return { type: 'cold-planned', planMs: performance.now() - started, requests: targets[0].counter.requests };
}

/** Reading every users file and parsing it with js-yaml, nothing else (YamlFloorRequest). */
async function jsYamlFloor(files: readonly string[]): Promise<number> {
  const started = performance.now();
  for (const file of files) jsYamlLoad(await readFile(file, 'utf8'));
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
  // No collection before the plan: `roster plan` loads and plans in one go, and so does this child, so
  // the peak RSS is what a user's process reaches (a forced collection here took 10-20 MB off it).
  memoryStage('before the plan');
  const recorder = listPageRecorder(request.listPath);
  const targets = targetsFor(org, request.vendor, request.override, request.env, request.budget, recorder.onRequest);
  const profiler = await startProfile();
  const started = performance.now();
  const result = await buildPlan(org, targets, calendarOf(request));
  const planMs = performance.now() - started;
  await profiler?.stop(`plan-${org.people.length}-${request.vendor}`);
  const peakRssMB = peakRss();
  memoryStage('after the plan', result);
  const vendorPlan = result.vendors[0];
  const errors = [...(targets[0].setupError ? [targets[0].setupError] : []), ...vendorPlan.errors.map((e) => `${e.key ?? ''} ${e.message}`.trim())];

  await heapSnapshotOfRead(org, request);
  // Warm, with node:http as roster's own client sends (the cold floors take the lower of both clients).
  const floorMs = await readPages(recorder.pages, request.readByKey, 'node:http');
  let warmPlanMs: number | undefined;
  if (request.warm !== false) {
    const again = performance.now();
    await buildPlan(org, targetsFor(org, request.vendor, request.override, request.env, request.budget));
    warmPlanMs = performance.now() - again;
  }
  const pullRequest = await pullRequestPlan(org, request);
  return {
    pullRequest,
    type: 'planned',
    planMs,
    warmPlanMs,
    floorMs,
    requests: targets[0].counter.requests,
    pages: recorder.pages.size,
    pageList: [...recorder.pages],
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
  const work =
    message.type === 'load'
      ? load(message)
      : message.type === 'plan'
        ? plan(message)
        : message.type === 'floor'
          ? readPages(message.pages, message.readByKey, message.client).then((floorMs): FlooredMessage => ({ type: 'floored', floorMs }))
          : message.type === 'yaml-floor'
            ? jsYamlFloor(message.files).then((jsYamlMs): YamlFlooredMessage => ({ type: 'yaml-floored', jsYamlMs }))
            : message.type === 'cold-plan'
              ? coldPlan(message)
              : apply(message);
  work.then(send, (error: unknown) => send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
});
