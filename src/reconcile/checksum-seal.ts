import { z } from 'zod';
import { checksumOfParts, leavesRoot, sealParts, type SealParts } from './checksum.js';
import type { PlanView } from './types.js';

/*
 * The seal's parts as the plan comment carries them (issue 22): the reviewed checksum alone cannot say
 * which part of a plan differs, so the marker also carries what the checksum is the hash of (checksum.ts):
 * the declared state's hash, the base's, and per vendor instance its identity (kind, base URL, tenant ids,
 * a settings hash: never a secret), its schedule's hash, its operations' root hash and count and, for small
 * plans, one leaf hash per operation with short part tags. No value of a person is in it: hashes, field
 * names and vendor settings only.
 *
 * Size: a vendor costs about 400 characters; operation leaves are carried only while the whole plan has at
 * most MARKER_OPERATIONS operations (about 500 characters each), so the marker stays under about 15 KB of
 * the comment's 65,536 whatever the plan's size. A larger plan is compared vendor by vendor (instance,
 * schedule, operations as a whole), and the saved plan artifact names the operation.
 */

/** Above this many operations in the plan, the marker carries each vendor's operations root, not its leaves. */
export const MARKER_OPERATIONS = 25;

/** The parts a plan comment's marker carries for this plan. */
export function markerSeal(plan: PlanView): SealParts {
  return sealParts(plan, { leaves: MARKER_OPERATIONS });
}

/** The parts as marker text: base64 of their JSON (no `-`, so no `-->` can close the comment early). */
export function encodeSeal(parts: SealParts): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64');
}

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const fieldValue: z.ZodType = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string()), z.record(z.string(), fieldValue)]));
const sealSchema = z
  .object({
    version: z.literal(1),
    declared: sha256.nullable(),
    base: sha256.nullable(),
    vendors: z.record(
      z.string().regex(/^[^\s=]+$/),
      z
        .object({
          kind: z.string().min(1),
          instance: z.object({ kind: z.string().min(1), baseUrl: z.string().optional(), ids: z.record(z.string(), fieldValue), settings: sha256 }).strict().nullable(),
          schedule: sha256,
          operations: sha256,
          count: z.number().int().nonnegative(),
          leaves: z.array(z.object({ hash: sha256, tags: z.string().max(2_000) }).strict()).optional(),
        })
        .strict(),
    ),
  })
  .strict();

/** The parts from marker text or a seal file, checked for shape; throws naming what is wrong. */
export function decodeSeal(text: string, where = 'the reviewed seal'): SealParts {
  let json: unknown;
  try {
    const trimmed = text.trim();
    json = JSON.parse(trimmed.startsWith('{') ? trimmed : Buffer.from(trimmed, 'base64').toString('utf8'));
  } catch {
    throw new Error(`${where} is not a roster plan seal (base64 of JSON, as the plan comment's marker carries it)`);
  }
  const result = sealSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${where} is damaged or was edited: ${issue.path.join('.') || '(the seal)'}: ${issue.message}`);
  }
  return json as SealParts;
}

/**
 * Why the parts are not the seal of `checksum` (for the vendor instances in `only`, a narrowed apply), or
 * undefined when they hash to it: listed leaves that do not hash to their vendor's operations, a count that
 * is not theirs, or parts that hash to another checksum. A marker edited by hand fails here.
 */
export function sealMismatch(parts: SealParts, checksum: string, only?: readonly string[]): string | undefined {
  for (const [name, vendor] of Object.entries(parts.vendors)) {
    if (!vendor.leaves) continue;
    if (vendor.leaves.length !== vendor.count || leavesRoot(vendor.leaves) !== vendor.operations) {
      return `its operation hashes at ${name} do not hash to that vendor's operations`;
    }
  }
  const actual = checksumOfParts(parts, only);
  if (actual !== checksum.trim().toLowerCase()) return `its parts hash to ${actual}, not to the reviewed checksum ${checksum.trim().toLowerCase()}`;
  return undefined;
}
