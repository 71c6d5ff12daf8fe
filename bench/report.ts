import type { RequestLogEntry } from '../src/sandbox/emulator-kit.js';

/** One row of bench/results.json: the contract (issue 7). Nothing else goes into the file. */
export interface BenchRun {
  people: number;
  vendor: string;
  plan: { requests: number; floorRequests: number; ms: number; floorMs: number; peakRssMB: number };
  apply: { requests: number; floorRequests: number; rateShare: number; http429: number };
  /** Reading, validating and resolving the organisation, against js-yaml parsing the same files (issue 26). */
  load: { ms: number; jsYamlMs: number; ratio: number };
  /**
   * A pull request's plan changing 5 people (one a manager): people it touches, and requests it sent.
   * Read by key, only the touched people are read; a listing vendor lists everyone anyway.
   */
  pullRequest: { changed: number; touched: number; requests: number };
}

export interface BenchResults {
  runs: BenchRun[];
}

/** What the table shows beyond the contract, to explain it. */
export interface RunDetail {
  run: BenchRun;
  loadMs: number;
  rssAfterLoadMB: number;
  /** Peak RSS once the organisation was loaded, before the plan (older results files lack it): the plan's peak counts it. */
  loadPeakRssMB?: number;
  /** Peak RSS of the process once its apply is done (older results files lack it). */
  applyPeakRssMB?: number;
  /** The plan run again in the same process, after the floor (older results files lack it). */
  warmPlanMs?: number;
  /**
   * The floor read in the plan's own process right after the plan, warm; `run.plan.floorMs` is the floor
   * read cold, by a fresh process, as the plan was (older results files lack this, and their floorMs is warm).
   */
  warmFloorMs?: number;
  changes: number;
  /** Measured with --plan-only: the apply's figures are zeros, not a measurement. */
  planOnly?: boolean;
  /** The apply budget: requests per window. */
  budget: { limit: number; windowMs: number };
  notes: string[];
}

/**
 * Achieved request rate while applying, as a share of the budget: requests the vendor received per
 * complete window, from the first request after the apply started. A sliding-window limiter sends a
 * window's worth at the start of each window, so counting whole windows (and not the partial last
 * one) measures its steady rate without crediting the first burst. The first window is skipped too
 * when there are enough: the plan's list pages still occupy part of it. An apply within one window is
 * its requests against that window's budget.
 */
export function rateShare(log: RequestLogEntry[], applyStart: number, budget: { limit: number; windowMs: number }): number {
  const times = log.filter((e) => e.at >= applyStart).map((e) => e.at);
  if (times.length < 2) return 0;
  const first = times[0];
  const last = times[times.length - 1];
  const windows = Math.floor((last - first) / budget.windowMs);
  const allowedPerMs = budget.limit / budget.windowMs;
  // An apply shorter than one window used that share of a single window's budget: its rate over a few
  // hundred ms said 513% of a budget no window ever passed (SimplePin, 100 writes at 1,000 people).
  if (windows < 1) return round2(times.length / budget.limit);
  const skip = windows >= 3 ? 1 : 0;
  const from = first + skip * budget.windowMs;
  const to = first + windows * budget.windowMs;
  const counted = times.filter((t) => t >= from && t < to).length;
  return round2(counted / (to - from) / allowedPerMs);
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** The markdown table printed after a run and kept in docs/bench.md. */
export function markdownTable(details: RunDetail[]): string {
  const head = [
    '| people | vendor | plan requests / floor | plan ms / network floor (both cold) | warm plan ms / warm floor | plan peak RSS | load / js-yaml (not in plan ms) | 5-person PR plan: requests | apply requests / floor | apply rate / budget | 429s | apply peak RSS | notes |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  const rows = details.map(({ run, loadMs, loadPeakRssMB, applyPeakRssMB, warmPlanMs, warmFloorMs, changes, budget, notes, planOnly }) => {
    const { plan, apply } = run;
    const notApplied = planOnly === true;
    return [
      int(run.people),
      run.vendor,
      `${int(plan.requests)} / ${int(plan.floorRequests)}`,
      `${int(plan.ms)} / ${int(plan.floorMs)} (${ratio(plan.ms, plan.floorMs)})`,
      warmPlanMs === undefined
        ? '–'
        : warmFloorMs === undefined
          ? `${int(warmPlanMs)} (${ratio(warmPlanMs, plan.floorMs)})`
          : `${int(warmPlanMs)} / ${int(warmFloorMs)} (${ratio(warmPlanMs, warmFloorMs)})`,
      loadPeakRssMB === undefined ? `${plan.peakRssMB.toFixed(0)} MB` : `${plan.peakRssMB.toFixed(0)} MB (load ${loadPeakRssMB.toFixed(0)} MB)`,
      `${(loadMs / 1000).toFixed(1)} s / ${(run.load.jsYamlMs / 1000).toFixed(1)} s (${run.load.ratio.toFixed(2)}×)`,
      `${int(run.pullRequest.requests)} (${int(run.pullRequest.touched)} touched)`,
      notApplied ? `plan only (${int(changes)} changes)` : `${int(apply.requests)} / ${int(apply.floorRequests)} (${int(changes)} changes)`,
      notApplied ? '–' : `${(apply.rateShare * 100).toFixed(0)}% of ${budget.limit}/${budget.windowMs / 1000}s`,
      notApplied ? '–' : String(apply.http429),
      applyPeakRssMB === undefined ? '–' : `${applyPeakRssMB.toFixed(0)} MB`,
      notes.join('; ') || '',
    ].join(' | ');
  });
  return [...head, ...rows.map((r) => `| ${r} |`)].join('\n');
}

export interface TargetCheck {
  target: string;
  ok: boolean;
  detail: string;
}

/** The targets of issue 7, checked against a run's figures. */
export function checkTargets(details: RunDetail[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const { run, changes, budget } of details) {
    const at = `${int(run.people)} ${run.vendor}`;
    if (run.plan.requests !== run.plan.floorRequests) {
      checks.push({ target: 'plan requests = floor', ok: false, detail: `${at}: ${run.plan.requests} for a floor of ${run.plan.floorRequests} (+${run.plan.requests - run.plan.floorRequests})` });
    }
    // An apply floor of zero is a run measured with --plan-only: there is no apply to check.
    const applied = run.apply.floorRequests > 0;
    if (applied && run.apply.requests !== run.apply.floorRequests) {
      checks.push({ target: 'apply requests = floor', ok: false, detail: `${at}: ${run.apply.requests} for a floor of ${run.apply.floorRequests} (+${run.apply.requests - run.apply.floorRequests})` });
    }
    // An apply whose writes fit in one window of its budget is never held back by pacing: its share says
    // how much of that window it used, not how close to the budget it ran.
    const paced = changes >= budget.limit;
    if (applied && ((paced && run.apply.rateShare < 0.9) || run.apply.rateShare > 1.05 || run.apply.http429 > 0)) {
      checks.push({
        target: 'apply ≥ 90% of the budget, no 429',
        ok: false,
        detail: `${at}: ${(run.apply.rateShare * 100).toFixed(0)}% of the budget, ${run.apply.http429} × 429`,
      });
    }
    if (run.people === 10_000 && run.plan.ms > 1.5 * run.plan.floorMs) {
      checks.push({ target: 'plan ≤ 1.5× network floor at 10,000', ok: false, detail: `${at}: ${ratio(run.plan.ms, run.plan.floorMs)} of the floor` });
    }
    if (run.people === 100_000 && run.load.ratio > 2) {
      checks.push({ target: 'load ≤ 2× js-yaml at 100,000', ok: false, detail: `${at}: ${run.load.ratio.toFixed(2)}× (${int(run.load.ms)} ms against ${int(run.load.jsYamlMs)} ms)` });
    }
    if (run.people === 100_000 && run.plan.peakRssMB >= 300) {
      checks.push({ target: 'plan peak RSS < 300 MB at 100,000', ok: false, detail: `${at}: ${run.plan.peakRssMB.toFixed(0)} MB` });
    }
    if (run.people === 100_000) {
      const base = details.map((d) => d.run).find((r) => r.people === 10_000 && r.vendor === run.vendor);
      // Linear growth from 10,000 allows 10× the time; 10% on top for noise on a shared machine.
      if (base && run.plan.ms > 11 * base.plan.ms) {
        checks.push({
          target: 'plan time linear from 10,000 to 100,000',
          ok: false,
          detail: `${run.vendor}: ${int(base.plan.ms)} ms → ${int(run.plan.ms)} ms (${(run.plan.ms / base.plan.ms).toFixed(1)}× for 10× the people)`,
        });
      }
    }
  }
  return checks;
}
