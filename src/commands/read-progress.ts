import type { ReadProgress } from '../reconcile/read.js';

/**
 * A progress line for reads by key, with an estimate: SimplePin is read one GET a person at about 120 a
 * minute (shared/vendors/published.md), so reading 10,000 people takes well over an hour, and a run that
 * says nothing looks hung. At most one line per `everyMs`, and one when a vendor that took longer is done;
 * the clock is injected so tests need no timing.
 */
export function readProgressLine(write: (line: string) => void, options: { everyMs?: number; now?: () => number } = {}): ReadProgress {
  const now = options.now ?? (() => Date.now());
  const everyMs = options.everyMs ?? 10_000;
  const started = new Map<string, { at: number; lastLine: number; wrote: boolean }>();
  return (vendor, done, total) => {
    const at = now();
    let state = started.get(vendor);
    if (!state) started.set(vendor, (state = { at, lastLine: at, wrote: false }));
    // A read done before the first interval is over says nothing; a long one ends with its total.
    if (done < total ? at - state.lastLine < everyMs : !state.wrote) return;
    state.lastLine = at;
    state.wrote = true;
    write(progressText(vendor, done, total, at - state.at));
  };
}

/** `partner: read 1,200 of 10,000 people (12%), about 1 h 13 min left`. */
export function progressText(vendor: string, done: number, total: number, elapsedMs: number): string {
  const share = total === 0 ? 100 : Math.floor((done / total) * 100);
  const head = `${vendor}: read ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} people (${share}%)`;
  if (done >= total) return `${head}, done in ${duration(elapsedMs)}`;
  if (done === 0 || elapsedMs <= 0) return head;
  return `${head}, about ${duration((elapsedMs / done) * (total - done))} left`;
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
