import { isListingChangedError, ListingChangedError } from '../errors/listing.js';
import { checkUserCount, DEFAULT_MAX_USERS, type UserLimit } from '../errors/user-limit.js';
import type { DesiredRecord, ListReader, LiveRecord, VendorReader } from './records.js';
import { redactKnownSecrets } from '../secrets/redact.js';
import { planVendor, type VendorPlanInput } from './plan-vendor.js';
import { readLive, type LiveRead, type ReadProgress } from './read.js';
import type { PlanTarget, VendorTraits } from './target.js';
import type { Plan, PlanSummary, VendorPlan, VendorPlanView } from './types.js';

type StageTarget<M extends VendorTraits> = Pick<PlanTarget<M>, 'name' | 'module' | 'config'>;

/**
 * What the desired stage (src/desired, in front of the engine) hands the engine: the desired records of
 * each target as of a day, built from the resolved organisation. The engine reads and plans from them and
 * never sees config itself.
 */
export interface DesiredStage<M extends VendorTraits = VendorTraits> {
  /** The desired records of a target its reader reads live users for: read by key, only these keys are read. */
  records(target: Pick<PlanTarget<M>, 'module' | 'config'>): DesiredRecord[];
  /**
   * The same records, built a slice at a time: it yields between slices, and returns them all. A listing
   * plan builds them while its pages travel, and gives the event loop a turn at each yield, so the first
   * request leaves and each page that arrives is read (and the next ones asked for) in between.
   */
  recordsInTurns?(target: Pick<PlanTarget<M>, 'module' | 'config'>): Generator<void, DesiredRecord[]>;
  /**
   * Plans one target from what was read (the calendar's way, desired/dated.ts); unset: planVendor on the records
   * read. `desired` is the stage's own records as read (by key: those whose users could be read), and `keep`
   * says which people they are, for records of another day.
   */
  plan?(target: StageTarget<M>, input: Omit<VendorPlanInput, 'desired'>, keep: (key: string) => boolean, desired: DesiredRecord[]): VendorPlan;
  /** Completes the whole plan (the calendar: as of when, since when, what is coming). */
  finish?(plan: Plan, targets: StageTarget<M>[]): Plan;
}

/**
 * Plans every target from the desired stage's records. Planning gets each target without its writer, only
 * its VendorReader: it can list (or read by key), never write.
 * Vendors plan in parallel; one that is down or misconfigured fails on its own with a clear message.
 */
export async function planTargets<M extends VendorTraits>(targets: PlanTarget<M>[], stage: DesiredStage<M>, reading: PlanReading<M> = {}): Promise<Plan> {
  const vendors = await Promise.all(targets.map((target) => planTarget(stage, target, reading)));
  const plan: Plan = { version: 1, vendors, summary: summarise(vendors) };
  return stage.finish ? stage.finish(plan, targets) : plan;
}

/**
 * How a plan reads vendors read by key: `only` the people a change touches (touched.ts), with `progress`
 * told of every read. A listing vendor is listed whole either way.
 */
export interface PlanReading<M extends VendorTraits = VendorTraits> {
  /** The keys to read in a vendor read by key; undefined: every declared person. */
  only?: (target: PlanTarget<M>) => ReadonlySet<string> | undefined;
  progress?: ReadProgress;
  /**
   * Told once a vendor's users are read and before they are planned, with how many were read: the
   * reading's garbage is all behind it, and planning is one burst of work on top of what it holds.
   */
  settle?: (liveUsers: number) => void;
}

async function planTarget<M extends VendorTraits>(stage: DesiredStage<M>, target: PlanTarget<M>, reading: PlanReading<M>): Promise<VendorPlan> {
  const failed = (message: string): VendorPlan => ({
    vendor: target.name,
    kind: target.config.kind,
    operations: [],
    unmanaged: [],
    errors: [{ message: redactKnownSecrets(message) }],
    notices: [],
    readMode: 'list',
    unchanged: 0,
    liveCount: 0,
    activeCount: 0,
    fields: target.module.fields,
    ids: {},
  });
  const reader = target.reader;
  if (!reader) return failed(target.setupError ?? 'not configured');
  const mode = reader.mode;
  let read;
  try {
    read = await readForPlan({ ...target, reader }, stage, { only: reading.only?.(target), progress: reading.progress });
  } catch (error) {
    const what = isListingChangedError(error)
      ? 'the listing of users could not be trusted, twice'
      : `could not ${mode === 'byKey' ? 'read' : 'list'} users`;
    return { ...failed(`${what}: ${error instanceof Error ? error.message : String(error)}`), readMode: mode };
  }
  const input = {
    vendor: target.name,
    kind: target.config.kind,
    // Read by key, every live user seen is a declared person's: there is nothing git does not describe to prune.
    policy: read.mode === 'byKey' ? { ...target.config.policy, prune: false } : target.config.policy,
    // What the vendor module declares: nothing here needs the adapter's writer.
    removal: target.module.removal,
    emailChange: target.module.emailChange(target.config),
    fields: target.module.fields,
    offboarding: target.config.offboarding,
    live: read.live,
  };
  reading.settle?.(read.live.length);
  const plan = stage.plan ? stage.plan(target, input, keepOf(read), read.desired) : planVendor({ ...input, desired: read.desired });
  if (read.mode !== 'byKey') return plan;
  const scope = read.declared === read.desired.length + read.errors.length ? [] : [{ key: target.name, message: `read ${read.desired.length + read.errors.length} of the ${read.declared} people declared for ${target.name}; the others were not read this run (plan --base reads those a change touches, drift --sweep those seen longest ago)` }];
  return { ...plan, readMode: 'byKey', errors: [...read.errors, ...plan.errors], notices: [...scope, ...plan.notices] };
}

/**
 * Who the stage's own planning keeps: read by key, the people whose users were read; a listing read
 * everyone the stage gave, so nobody is left out (and no set of every key is built for it).
 */
function keepOf(read: LiveRead): (key: string) => boolean {
  if (read.mode !== 'byKey') return () => true;
  const readable = new Set<string>();
  for (let i = 0; i < read.desired.length; i++) readable.add(read.desired[i].key);
  return (key) => readable.has(key);
}

/**
 * What plan reads of a target, as readTarget reads it. A listing is started before the desired records are
 * built, and they are built while its first pages travel: the records are a person at a time of pure CPU,
 * and nothing else was done while the first request went out and the vendor prepared its first pages
 * (issue 26). Read by key, the records are the keys to read, so they come first.
 */
async function readForPlan<M extends VendorTraits>(
  target: Pick<PlanTarget<M>, 'module' | 'config'> & { reader: VendorReader; name?: string },
  stage: DesiredStage<M>,
  options: { only?: ReadonlySet<string>; progress?: ReadProgress },
): Promise<LiveRead> {
  const { reader } = target;
  if (reader.mode !== 'list') return readTarget(target, stage.records(target), options);
  const listing = trustedListing(target, reader)();
  // Should the records fail, the listing's own failure is not left unhandled: the records' error is the one reported.
  listing.catch(() => undefined);
  const desired = await inTurns(stage, target);
  return { mode: 'list', live: await listing, desired, errors: [], declared: desired.length };
}

/**
 * The stage's records, built with a turn of the event loop (setImmediate: after the I/O waiting) before
 * and between slices, so the connection opens and the first request leaves before they take the CPU.
 * A single turn was not enough: the connection opened only once all the records were built.
 */
async function inTurns<M extends VendorTraits>(stage: DesiredStage<M>, target: Pick<PlanTarget<M>, 'module' | 'config'>): Promise<DesiredRecord[]> {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  await turn();
  if (!stage.recordsInTurns) return stage.records(target);
  const building = stage.recordsInTurns(target);
  for (let step = building.next(); ; step = building.next()) {
    if (step.done) return step.value;
    await turn();
  }
}

/** A listing under the plan's trust rules: the vendor's user limit, and read once more if it changed while read (consistentListing). */
function trustedListing(target: Pick<PlanTarget, 'config'> & { name?: string }, reader: ListReader): () => Promise<LiveRecord[]> {
  const limit = { maxUsers: target.config.policy?.maxUsers ?? DEFAULT_MAX_USERS, vendor: target.name ?? target.config.kind };
  return () => consistentListing(reader, limit);
}

/**
 * A vendor's live state as plan and `apply PLANFILE` read it, under the same trust rules: a vendor read
 * by key is read person by person (the desired stage's records: the declared people, offboarded ones
 * too); a listing must be consistent, or it is read once more (consistentListing).
 */
export function readTarget(
  target: Pick<PlanTarget, 'module' | 'config'> & { reader: VendorReader; name?: string },
  desired: DesiredRecord[],
  options: { only?: ReadonlySet<string>; progress?: ReadProgress } = {},
): Promise<LiveRead> {
  const { reader } = target;
  const trusted: VendorReader = reader.mode === 'list' ? { mode: 'list', list: trustedListing(target, reader) } : reader;
  const { only } = options;
  const wanted = only && reader.mode === 'byKey' ? desired.filter((record) => only.has(record.key)) : desired;
  return readLive(trusted, wanted, target.config.concurrency ?? 4, { declared: desired.length, progress: options.progress, vendor: target.name ?? target.config.kind });
}

/**
 * A listing the plan may rely on: the adapter found it consistent (each reaches its vendor's total, or
 * throws ListingChangedError) and no vendor id appears twice (a user repeated between pages means
 * another one was missed). A listing that changed while it was read is read once more; a second bad
 * one fails the vendor, since planning from it would create people who exist or drop an offboarding.
 */
export async function consistentListing(reader: Pick<ListReader, 'list'>, limit?: UserLimit): Promise<LiveRecord[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const live = await reader.list({ limit });
      // An adapter whose vendor gives no total is checked here, once its listing is in (the pages helper's limit bounds it).
      checkUserCount(live.length, 'the listing', limit);
      const repeated = repeatedIds(live);
      if (repeated.length > 0) {
        throw new ListingChangedError(
          `vendor id${repeated.length > 1 ? 's' : ''} ${repeated.slice(0, 5).join(', ')}${repeated.length > 5 ? ', ...' : ''} appeared more than once, so users moved between pages while they were read`,
        );
      }
      return live;
    } catch (error) {
      if (!isListingChangedError(error) || attempt >= 2) throw error;
    }
  }
}

function repeatedIds(live: LiveRecord[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const record of live) {
    const id = (record as Partial<LiveRecord> | undefined)?.vendorId;
    if (typeof id !== 'string') continue;
    if (seen.has(id)) repeated.add(id);
    seen.add(id);
  }
  return [...repeated];
}

export function summarise(vendors: VendorPlanView[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, deactivate: 0, reactivate: 0, delete: 0, unchanged: 0, errors: 0 };
  for (const vendor of vendors) {
    for (const op of vendor.operations) summary[op.action]++;
    summary.unchanged += vendor.unchanged;
    summary.errors += vendor.errors.length;
  }
  return summary;
}
