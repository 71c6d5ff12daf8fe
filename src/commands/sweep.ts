import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DatedPlanning } from '../desired/dated.js';
import { desiredRecords } from '../desired/stage.js';
import { emptySweepState, pickShard, recordSweep, sweepLimit, sweepStatus, type SweepState } from '../reconcile/sweep.js';
import type { Plan } from '../reconcile/types.js';
import { colors, err } from './output.js';
import { progressText, readProgressLine } from './read-progress.js';
import { planSession, type Session } from './session.js';

/**
 * Where a sweep's state lives by default: `.roster/sweep.json` beside roster.yaml. It holds, per vendor
 * read by key, each person's key (their email, already in git), when they were last read and whether they
 * differed then; no vendor data. A scheduled job keeps it between runs with actions/cache (docs/bench.md).
 */
export function defaultSweepStateFile(configFile: string): string {
  return path.join(path.dirname(path.resolve(configFile)), '.roster', 'sweep.json');
}

export async function readSweepState(file: string): Promise<SweepState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return emptySweepState();
  }
  try {
    const state = JSON.parse(text) as SweepState;
    if (state?.version === 1 && state.vendors && typeof state.vendors === 'object') return state;
  } catch {
    // Falls through: a state that cannot be read is started again, never trusted.
  }
  err(`${colors.yellow('warning:')} ${file} is not a sweep state roster wrote; the sweep starts again`);
  return emptySweepState();
}

async function writeSweepState(file: string, state: SweepState): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(state));
  await rename(temporary, file);
}

/** A sweep run's plan, and per vendor the people this run did not read who differed from git when last read. */
export interface SweepRun {
  plan: Plan;
  driftedEarlier: Map<string, string[]>;
}

/**
 * Drift or the morning run over part of a vendor read by key: at most `budget` people per vendor (a number,
 * or a time at the vendor's documented rate), those seen longest ago first. A listing vendor is listed whole.
 */
export async function planSweep(session: Session, calendar: Partial<DatedPlanning>, budget: string, stateFile: string, now: () => Date = () => new Date()): Promise<SweepRun> {
  const state = await readSweepState(stateFile);
  const shards = new Map<string, { read: Set<string>; declared: string[] }>();
  const progress = readProgressLine((line) => err(colors.dim(line)));
  const plan = await planSession(session, calendar, session.targets, {
    progress,
    only: (target) => {
      if (target.reader?.mode !== 'byKey') return undefined;
      const declared = desiredRecords(session.org, target).map((record) => record.key);
      const read = pickShard(state, target.name, declared, sweepLimit(budget, target.module.rateLimit));
      shards.set(target.name, { read, declared });
      return read;
    },
  });
  const driftedEarlier = new Map<string, string[]>();
  for (const vendor of plan.vendors) {
    const shard = shards.get(vendor.vendor);
    if (!shard) continue;
    // A vendor that failed as a whole read nobody this run: what the last sweep saw stands.
    if (vendor.errors.some((e) => e.key === undefined)) continue;
    recordSweep(state, vendor, shard.read, now(), shard.declared);
    const status = sweepStatus(state, vendor.vendor, shard.declared, shard.read);
    driftedEarlier.set(vendor.vendor, status.driftedEarlier);
    err(
      `sweep ${vendor.vendor}: ${progressText('read this run', shard.read.size, shard.read.size, 0).replace(/, done in .*$/, '')}; ` +
        `${status.seen.toLocaleString('en-US')} of ${status.total.toLocaleString('en-US')} seen so far` +
        (status.oldest ? `, the longest ago at ${status.oldest}` : ', some never yet') +
        (status.driftedEarlier.length ? `; ${status.driftedEarlier.length} not read this run differed from git when last read` : ''),
    );
  }
  await writeSweepState(stateFile, state);
  return { plan, driftedEarlier };
}
