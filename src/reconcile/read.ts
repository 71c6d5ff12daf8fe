import { readKeyOf, type DesiredRecord, type LiveRecord, type VendorReader } from './records.js';
import type { PlanError } from './types.js';

/** What plan read of one vendor, ready for the pure planner. */
export interface LiveRead {
  mode: VendorReader['mode'];
  live: LiveRecord[];
  /** The desired records to plan: by key, a person whose user could not be read is left out... */
  desired: DesiredRecord[];
  /** ...and reported here instead, so nothing is created over a user roster could not read. */
  errors: PlanError[];
  /** People declared for this vendor; more than `desired` when only those a change touches were read. */
  declared: number;
}

/** Told after each read by key: how many of how many are done, for a progress line with an estimate. */
export type ReadProgress = (vendor: string, done: number, total: number) => void;

/**
 * Reads a vendor's live state: one listing, or, for a vendor read by key (SimplePin has no list endpoint,
 * shared/vendors/README.md), one read per declared person, offboarded ones included (so deactivation
 * works), with at most `concurrency` in flight; the adapter's HTTP client paces them under the vendor's
 * rate limit as it paces list pages. A read that fails after its retries fails the whole vendor, as a
 * listing does: planning on part of the truth would create people who exist.
 *
 * Read by key, `concurrency` workers take the next person in turn and keep only the record each read
 * returns: no promise or closure per person waits in a queue (100,000 of them were most of a 968 MB peak).
 */
export async function readLive(
  reader: VendorReader,
  desired: DesiredRecord[],
  concurrency: number,
  options: { declared?: number; progress?: ReadProgress; vendor?: string } = {},
): Promise<LiveRead> {
  const declared = options.declared ?? desired.length;
  if (reader.mode === 'list') return { mode: 'list', live: await reader.list(), desired, errors: [], declared };
  // A 404 means "absent" only where a known user reads back: otherwise every person would be planned as a create.
  if (reader.probe && !(await reader.read(reader.probe))) {
    throw new Error(
      `the probe ${reader.probe.key} (${reader.probe.setting}) was not found, so "not found" cannot be trusted to mean a person is absent; check baseUrl and the paths, or correct ${reader.probe.setting}`,
    );
  }
  const answers: (LiveRecord | undefined)[] = new Array<LiveRecord | undefined>(desired.length);
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < desired.length) {
      const index = next++;
      try {
        answers[index] = (await reader.read(readKeyOf(desired[index]))) ?? undefined;
      } catch (error) {
        failed = true;
        throw error;
      }
      options.progress?.(options.vendor ?? 'vendor', ++done, desired.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), Math.max(1, desired.length)) }, worker));
  const live: LiveRecord[] = [];
  const seen = new Set<string>();
  const unreadable = new Set<string>();
  const errors: PlanError[] = [];
  answers.forEach((record, index) => {
    if (!record) return;
    const want = desired[index];
    if (record.unreadable) {
      unreadable.add(want.key);
      errors.push({ key: want.key, message: `the live user ${record.vendorId} could not be read: ${record.unreadable}`, hint: 'nothing is planned for this person until the vendor answers readably' });
      return;
    }
    // Two people pinned to one key read the same user: the matcher reports the clash once it sees one record.
    if (seen.has(record.vendorId)) return;
    seen.add(record.vendorId);
    live.push(record);
  });
  return { mode: 'byKey', live, desired: desired.filter((want) => !unreadable.has(want.key)), errors, declared };
}
