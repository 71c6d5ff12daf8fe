import { readFile } from 'node:fs/promises';
import { writeOwnerOnly } from '../secrets/owner-only.js';
import { isDeepStrictEqual } from 'node:util';
import type { LiveRecord } from './records.js';
import type { OperationResult } from './apply.js';
import { canonicalOperation, differingParts, planChecksum } from './checksum.js';
import { planIntegrity, savedPlanSchema } from './saved-plan-schema.js';
import { narrowVendorPlan } from './narrow.js';
import { summarise } from './plan.js';
import { readableRecords } from './readable.js';
import type { InstanceIdentity, Operation, Plan, PlanSeal, VendorPlan } from './types.js';

/**
 * A plan written by `roster plan --out`: a sealed statement (issue 22). Every operation with the record it
 * will send and the live user it expects, the declared state and vendor instances it was made from
 * (`plan.seal`), the schedule, and the moment it was made as of; `roster apply FILE` refuses whatever
 * differs from that, naming the part.
 */
export interface SavedPlan {
  format: 'roster-saved-plan';
  version: 2;
  createdAt: string;
  /** The moment the plan was made as of: an instant (now), or a day (`--at`, never applied). */
  asOf: { instant: string } | { day: string };
  /** The plan's checksum (what `--expect-checksum` compares): what the reviewer approved. */
  checksum: string;
  /** A hash of `asOf`, `checksum` and `plan` as written, so an edited or damaged file is refused. */
  integrity: string;
  plan: Plan;
}

/** Writes the saved plan readable by its owner alone (mode 0600): it holds personal data. */
export async function writeSavedPlan(file: string, plan: Plan, asOf: SavedPlan['asOf'], createdAt = new Date()): Promise<void> {
  if (!plan.seal) throw new Error('a plan is saved with its seal (declared state and vendor instances)');
  const checksum = planChecksum(plan);
  const saved: SavedPlan = {
    format: 'roster-saved-plan',
    version: 2,
    createdAt: createdAt.toISOString(),
    asOf,
    checksum,
    integrity: planIntegrity({ asOf, checksum, plan }),
    plan,
  };
  // Owner-only: a saved plan holds real values (apply sends them), unlike anything printed in CI.
  await writeOwnerOnly(file, `${JSON.stringify(saved, null, 2)}\n`);
}

export async function readSavedPlan(file: string): Promise<SavedPlan> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not a saved plan: ${(error as Error).message}`);
  }
  const format = (parsed as { format?: unknown } | null)?.format;
  if (format !== 'roster-saved-plan') throw new Error(`${file} is not a saved plan written by \`roster plan --out\``);
  const version = (parsed as { version?: unknown }).version;
  if (version === 1) throw new Error(`${file} was written by an older roster and seals neither the declared state nor the vendor instances; make a new one with \`roster plan --out\` and review it`);
  const result = savedPlanSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : '(the file)';
    throw new Error(`${file} is damaged or was edited by hand: ${where}: ${issue.message}; make a new one with \`roster plan --out\``);
  }
  // The file as written (zod's output may order keys differently): validated above, hashed here.
  const saved = parsed as SavedPlan;
  if (planIntegrity({ asOf: saved.asOf, checksum: saved.checksum, plan: saved.plan }) !== saved.integrity || planChecksum(saved.plan) !== saved.checksum) {
    throw new Error(`${file} was changed after \`roster plan --out\` wrote it (its hashes no longer match); make a new one and review it`);
  }
  return saved;
}

/** A difference between a saved plan's seal and what apply finds now, for one vendor or the whole plan. */
export interface SealDifference {
  part: 'declared state' | 'vendor instance' | 'the day' | 'reviewed checksum';
  /** Set when it concerns one vendor instance alone. */
  vendor?: string;
  message: string;
}

/**
 * The declared state and each vendor instance now, against the saved plan's seal: a plan made from
 * another checkout or against another tenant is refused as a whole, naming the files or the instance.
 */
export function sealDifferences(saved: PlanSeal, now: { declared: string; files?: Record<string, string>; instances: Record<string, InstanceIdentity | undefined> }, describe: (i: InstanceIdentity | undefined) => string): SealDifference[] {
  const differences: SealDifference[] = [];
  if (saved.declared !== now.declared) {
    const files = new Set([...Object.keys(saved.files ?? {}), ...Object.keys(now.files ?? {})]);
    const changed = [...files].sort().filter((f) => saved.files?.[f] !== now.files?.[f]);
    const which = changed.length
      ? changed.map((f) => `${f} ${saved.files?.[f] === undefined ? 'was added' : now.files?.[f] === undefined ? 'was removed' : 'changed'}`).join(', ')
      : 'its files differ';
    differences.push({ part: 'declared state', message: `the declared state differs from the one the plan was made from (${which})` });
  }
  for (const [vendor, identity] of Object.entries(saved.instances).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const current = now.instances[vendor];
    if (isDeepStrictEqual(identity, current)) continue;
    const what = !current
      ? 'is not configured now'
      : identity.kind !== current.kind || identity.baseUrl !== current.baseUrl || !isDeepStrictEqual(identity.ids, current.ids)
        ? `is ${describe(current)} now`
        : 'has other settings now (paths, headers or mappings)';
    differences.push({ part: 'vendor instance', vendor, message: `${vendor}: the plan was made against ${describe(identity)}, and the instance ${what}` });
  }
  return differences;
}

/**
 * Each saved operation against the same operation planned again now from the declared state and live
 * users: one the declared state does not plan, or plans otherwise (a role raised, an email or a
 * user_code changed in the file with its hashes recomputed), is refused, naming operation N and what differs.
 */
export function verifyAgainstReplan(saved: VendorPlan, replanned: VendorPlan | undefined): { plan: VendorPlan; refused: OperationResult[] } {
  const planned = new Map<string, ReturnType<typeof canonicalOperation>>();
  for (const op of replanned?.operations ?? []) planned.set(`${op.action} ${op.key}`, canonicalOperation(op, replanned!.ids));
  return refuseWith(saved, (op) => {
    const i = saved.operations.indexOf(op);
    const now = planned.get(`${op.action} ${op.key}`);
    const label = `operation ${i + 1} of ${saved.vendor} (${op.action} ${op.key})`;
    const parts = now ? differingParts(canonicalOperation(op, saved.ids), now) : [];
    const problem = !now
      ? `${label} is not what the declared state and live users plan now`
      : parts.length > 0
        ? `${label} differs from what the declared state plans: ${parts.join(', ')}`
        : undefined;
    return problem && `refused: ${problem}`;
  });
}

/**
 * Checks a saved vendor plan against what the vendor has now. Operations whose live side is as the
 * plan expected are kept; the rest are refused with the reason, and never run.
 */
export function verifyAgainstLive(saved: VendorPlan, live: LiveRecord[]): { plan: VendorPlan; refused: OperationResult[] } {
  // A record that cannot be read now refuses whatever would touch it (its id or email), below.
  const listing = readableRecords(live);
  const byId = new Map(listing.readable.map((r) => [r.vendorId, r]));
  const byEmail = new Map(listing.readable.map((r) => [r.email.toLowerCase(), r]));
  return refuseWith(saved, (op) => {
    const unreadable = (op.vendorId !== undefined && listing.blockedIds.has(op.vendorId)) || listing.blockedEmails.has(op.key);
    const problem = unreadable ? 'the live user cannot be read any more' : driftOf(op, byId, byEmail);
    return problem && `refused: ${problem} since the plan was made`;
  });
}

/**
 * Refuses the saved operations `problemOf` names, and, through the one narrowing rule (narrow.ts), every
 * operation that waits for one of them, to any depth (a -> b -> c: a refused skips b, and b skipped skips c).
 */
export function refuseWith(saved: VendorPlan, problemOf: (op: Operation) => string | undefined): { plan: VendorPlan; refused: OperationResult[] } {
  const { plan, leftOut } = narrowVendorPlan(saved, problemOf);
  const refused: OperationResult[] = leftOut.map(({ operation: op, reason, waitsFor }) => ({
    vendor: saved.vendor,
    action: op.action,
    key: op.key,
    vendorId: op.vendorId,
    ok: false,
    ...(waitsFor !== undefined ? { skipped: true, error: `skipped: ${reason}` } : { error: reason }),
  }));
  return { plan, refused };
}

function driftOf(op: Operation, byId: Map<string, LiveRecord>, byEmail: Map<string, LiveRecord>): string | undefined {
  if (op.action === 'create') {
    const existing = byEmail.get(op.key);
    return existing ? `a user with this email now exists (id ${existing.vendorId})` : undefined;
  }
  const expected = op.live;
  const now = byId.get(op.vendorId);
  if (!now) return `user ${op.vendorId} no longer exists`;
  const changed: string[] = [];
  if (now.email.toLowerCase() !== expected.email.toLowerCase()) changed.push('email');
  if (now.active !== expected.active) changed.push('active');
  const fields = new Set([...Object.keys(expected.fields), ...Object.keys(now.fields)]);
  for (const field of [...fields].sort()) {
    if (!isDeepStrictEqual(expected.fields[field] ?? null, now.fields[field] ?? null)) changed.push(field);
  }
  return changed.length > 0 ? `the live user changed (${changed.join(', ')})` : undefined;
}

/** A plan made of the verified vendor plans. */
export function planOf(vendors: VendorPlan[]): Plan {
  return { version: 1, vendors, summary: summarise(vendors) };
}
