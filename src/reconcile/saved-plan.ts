import { chmod, readFile, writeFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import type { LiveRecord } from '../vendors/types.js';
import type { OperationResult } from './apply.js';
import { planChecksum } from './checksum.js';
import { planIntegrity, savedPlanSchema } from './saved-plan-schema.js';
import { summarise } from './plan.js';
import { readableRecords } from './readable.js';
import type { Operation, Plan, VendorPlan } from './types.js';

/**
 * A plan written by `roster plan --out`: every operation with the desired record it will send and the
 * live record it expects to find, so `roster apply FILE` can refuse whatever changed since review.
 */
export interface SavedPlan {
  format: 'roster-saved-plan';
  version: 1;
  createdAt: string;
  /** The plan's checksum (what `--expect-checksum` compares): what the reviewer approved. */
  checksum: string;
  /** A hash of `plan` as written, so an edited or damaged file is refused. */
  integrity: string;
  plan: Plan;
}

export async function writeSavedPlan(file: string, plan: Plan): Promise<void> {
  const saved: SavedPlan = {
    format: 'roster-saved-plan',
    version: 1,
    createdAt: new Date().toISOString(),
    checksum: planChecksum(plan),
    integrity: planIntegrity(plan),
    plan,
  };
  // Owner-only, like traces: a saved plan holds every field it sends, phone numbers in clear. The chmod
  // covers a file that already existed (the mode given to writeFile applies only to a new one).
  await writeFile(file, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
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
  const result = savedPlanSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : '(the file)';
    throw new Error(`${file} is damaged or was edited by hand: ${where}: ${issue.message}; make a new one with \`roster plan --out\``);
  }
  // The file as written (zod's output may order keys differently): validated above, hashed here.
  const saved = parsed as SavedPlan;
  if (planIntegrity(saved.plan) !== saved.integrity || planChecksum(saved.plan) !== saved.checksum) {
    throw new Error(`${file} was changed after \`roster plan --out\` wrote it (its hashes no longer match); make a new one and review it`);
  }
  return saved;
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
  const kept: Operation[] = [];
  const refused: OperationResult[] = [];
  for (const op of saved.operations) {
    const unreadable = (op.vendorId !== undefined && listing.blockedIds.has(op.vendorId)) || listing.blockedEmails.has(op.key);
    const problem = unreadable ? 'the live user cannot be read any more' : driftOf(op, byId, byEmail);
    if (problem) {
      refused.push({ vendor: saved.vendor, action: op.action, key: op.key, vendorId: op.vendorId, ok: false, error: `refused: ${problem} since the plan was made` });
    } else {
      kept.push(op);
    }
  }
  // Operations that waited on a refused one cannot run either, nor those waiting on them, to any depth
  // (a -> b -> c: a refused skips b, and b skipped skips c).
  const blockedKeys = new Set(refused.map((r) => r.key));
  let runnable = kept;
  for (let changed = true; changed; ) {
    changed = false;
    runnable = runnable.filter((op) => {
      const blocked = op.dependsOn.find((key) => blockedKeys.has(key));
      if (!blocked) return true;
      refused.push({ vendor: saved.vendor, action: op.action, key: op.key, vendorId: op.vendorId, ok: false, skipped: true, error: `skipped: ${blocked} was refused or skipped` });
      blockedKeys.add(op.key);
      changed = true;
      return false;
    });
  }
  return { plan: { ...saved, operations: runnable }, refused };
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
