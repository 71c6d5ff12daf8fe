import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/*
 * One full garbage collection between reading a large vendor and planning it (issue 26, memory).
 *
 * Reading 100,000 users leaves some 60 MB of garbage in V8's old generation (pages, their parsed JSON,
 * the desired records' scaffolding), which V8 collects only once the old generation reaches a limit it
 * sets as a multiple of the live heap, up to 4x on a machine with gigabytes free. Planning then adds its
 * own burst (matching maps, diffs) on top of both, and the process peaked at 338-347 MB. A collection at
 * that moment, where nearly all that garbage is dead and nothing is in flight, brought the same Enerflo
 * plan to 290 MB at the same plan time (1.62 s against 1.64 s, 100,000 people, `npm run bench`).
 *
 * Node gives code no collector call without `--expose-gc`; the flag can be set at run time, and then a new
 * context carries `gc` (the main context's globals stay as they are). Where either step fails, nothing is
 * collected and planning goes on as before.
 */

/** Below this many users read, a plan's garbage is small and a full collection would cost more than it saves. */
export const COLLECT_AFTER_USERS = 50_000;

let collector: (() => void) | null | undefined;

/** V8's full collection, or null where it cannot be had. */
function fullCollection(): (() => void) | null {
  if (collector !== undefined) return collector;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return (collector = exposed);
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    collector = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collector = null;
  }
  return collector;
}

/** PlanReading.settle for every plan: collect once after a read of at least COLLECT_AFTER_USERS users. */
export function collectAfterLargeReads(liveUsers: number): void {
  if (liveUsers >= COLLECT_AFTER_USERS) fullCollection()?.();
}
