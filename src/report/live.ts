import type { Organisation } from '../config/model.js';
import { readTarget } from '../compose/plan.js';
import { desiredRecords } from '../desired/stage.js';
import { matchRecords } from '../reconcile/match.js';
import { readableRecords } from '../reconcile/readable.js';
import type { PlanTarget } from '../compose/targets.js';
import type { DesiredRecord, LiveRecord, ReadKey } from '../vendors/types.js';

/*
 * What each vendor holds now, paired with git the way plan pairs them: the same readers (a listing that
 * must be consistent, or a read by key per declared person for a vendor without a list) and the engine's
 * matching (pinned id, external id, email). Nothing here writes.
 */

export interface VendorLive {
  vendor: string;
  kind: string;
  mode: 'list' | 'byKey';
  /** Set when the vendor could not be read at all: every row of it is `unreadable`. */
  failure?: string;
  desired: DesiredRecord[];
  /** Declared key → the live user it matched. */
  matched: Map<string, LiveRecord>;
  /** Declared key → why it could not be matched or read (ambiguous match, unreadable user). */
  problems: Map<string, string>;
  /** Live users git does not describe (a listing only). */
  unmatched: LiveRecord[];
  /** Live users the vendor sent that cannot be read, with why. */
  unreadable: { email?: string; vendorId?: string; message: string }[];
  /** Extra keys read by key (people removed from git, for a vendor without a list): key → user or none. */
  extra: Map<string, LiveRecord | undefined>;
}

/**
 * Reads one vendor. `extraKeys` are people git no longer describes (a promise while the history is still
 * being replayed): a listing shows them anyway; a vendor read by key is asked for each, so a leaver removed
 * from git is still checked there.
 */
export async function readVendor(org: Organisation, target: PlanTarget, extraKeys: ReadKey[] | Promise<ReadKey[]>): Promise<VendorLive> {
  const base: VendorLive = {
    vendor: target.name,
    kind: target.config.kind,
    mode: target.reader?.mode ?? 'list',
    desired: [],
    matched: new Map(),
    problems: new Map(),
    unmatched: [],
    unreadable: [],
    extra: new Map(),
  };
  const reader = target.reader;
  // A vendor that cannot be read still has its declared people: each is a row, `unreadable`.
  if (!reader) return { ...base, desired: desiredRecords(org, target), failure: target.setupError ?? 'not configured' };
  let read;
  try {
    read = await readTarget(org, { ...target, reader });
  } catch (error) {
    return { ...base, desired: desiredRecords(org, target), failure: `could not ${reader.mode === 'byKey' ? 'read' : 'list'} users: ${error instanceof Error ? error.message : String(error)}` };
  }
  const listing = readableRecords(read.live);
  const { matched, unmatched, errors } = matchRecords(read.desired, listing.readable);
  const problems = new Map<string, string>();
  for (const e of [...read.errors, ...errors]) if (e.key) problems.set(e.key, e.message);
  const unreadable = listing.errors.map((e) => ({ ...(e.key ? { email: e.key } : {}), message: e.message }));
  for (const e of listing.errors) if (e.key && read.desired.some((d) => d.key === e.key)) problems.set(e.key, e.message);
  const desiredAll = [...read.desired, ...desiredLeftOut(read.desired, org, target)];
  const extra = new Map<string, LiveRecord | undefined>();
  if (reader.mode === 'byKey') {
    for (const key of await extraKeys) {
      try {
        const record = await reader.read(key);
        extra.set(key.key, record && !record.unreadable ? record : undefined);
        if (record?.unreadable) problems.set(key.key, record.unreadable);
      } catch (error) {
        problems.set(key.key, `could not read: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return { ...base, mode: read.mode, desired: desiredAll, matched, problems, unmatched, unreadable, extra };
}

/** Declared people readTarget left out (an unreadable user by key): still rows, marked unreadable. */
function desiredLeftOut(kept: DesiredRecord[], org: Organisation, target: PlanTarget): DesiredRecord[] {
  const have = new Set(kept.map((d) => d.key));
  return desiredRecords(org, target).filter((d) => !have.has(d.key));
}
