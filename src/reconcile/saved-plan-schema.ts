import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Operation } from './types.js';

/*
 * What `roster apply FILE` accepts from a saved plan, checked before anything runs. The shape of each
 * operation follows its action (a create carries the record to send and no vendor id; an update or a
 * reactivation carries both; a removal carries the vendor id and the live user it expects), so a
 * damaged or hand-edited file is refused with the path of what is wrong instead of failing halfway.
 */

const fieldValue: z.ZodType = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string()), z.record(z.string(), fieldValue)]));
const change = z.object({ field: z.string().min(1), before: fieldValue.optional(), after: fieldValue.optional() }).passthrough();
const record = z.object({ email: z.string(), active: z.boolean(), fields: z.record(z.string(), fieldValue) }).passthrough();
const desired = record.extend({ key: z.string().min(1), dependsOn: z.array(z.string()) });
const live = record.extend({ vendorId: z.string().min(1) });
const common = { key: z.string().min(1), changes: z.array(change), dependsOn: z.array(z.string()), reason: z.string().optional() };

const operation = z.discriminatedUnion('action', [
  z.object({ action: z.literal('create'), ...common, vendorId: z.undefined().optional(), desired }).passthrough(),
  z.object({ action: z.literal('update'), ...common, vendorId: z.string().min(1), desired, live }).passthrough(),
  z.object({ action: z.literal('reactivate'), ...common, vendorId: z.string().min(1), desired, live }).passthrough(),
  z.object({ action: z.literal('deactivate'), ...common, vendorId: z.string().min(1), live }).passthrough(),
  z.object({ action: z.literal('delete'), ...common, vendorId: z.string().min(1), live }).passthrough(),
]);

/*
 * The schema and the engine's Operation agree on what each action carries (a vendor id, the record to
 * send, the live user expected): checked when the project type-checks, so neither drifts from the other.
 */
type Part = 'vendorId' | 'desired' | 'live';
/** The keys an object type names (a loose schema's index signature left out). */
type Named<T> = keyof { [K in keyof T as string extends K ? never : K]: T[K] };
type Carries<T, K extends Part> = K extends Named<T> ? ([T[K]] extends [undefined] ? 'never' : undefined extends T[K] ? 'maybe' : 'always') : 'never';
type OfAction<Op, A> = Op extends { action: infer Actions } ? (A extends Actions ? Op : never) : never;
type Shape<Op extends { action: string }> = { [A in Op['action']]: { [K in Part]: Carries<OfAction<Op, A>, K> } };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type _SavedOperationsAgree = Holds<Same<Shape<z.output<typeof operation>>, Shape<Operation>>>;

const vendorPlan = z
  .object({
    vendor: z.string().min(1),
    kind: z.string().min(1),
    operations: z.array(operation),
    unmanaged: z.array(z.unknown()),
    errors: z.array(z.object({ message: z.string() }).passthrough()),
    ids: z.record(z.string(), z.string()),
    // Apply reads the create-only fields from here when it finishes a create that may have happened.
    fields: z.array(z.object({ name: z.string().min(1), createOnly: z.boolean().optional(), writeOnly: z.boolean().optional() }).passthrough()),
  })
  .passthrough();

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { error: 'a SHA-256 in hex' });

/** What the plan was made from: the declared state's hash (and each file's) and each vendor instance, no secret. */
const seal = z
  .object({
    declared: sha256,
    files: z.record(z.string(), sha256).optional(),
    instances: z.record(
      z.string(),
      z.object({ kind: z.string().min(1), baseUrl: z.string().optional(), ids: z.record(z.string(), fieldValue), settings: sha256 }).strict(),
    ),
    base: sha256.optional(),
  })
  .strict();

export const savedPlanSchema = z
  .object({
    format: z.literal('roster-saved-plan'),
    version: z.literal(2),
    createdAt: z.string(),
    /** The moment the plan was made as of: `--at` gives a day, which is never applied. */
    asOf: z.union([z.object({ instant: z.iso.datetime() }).strict(), z.object({ day: z.iso.date() }).strict()]),
    checksum: sha256,
    /** A hash of `asOf`, `checksum` and `plan` exactly as written: any edit of the file after `roster plan --out` shows. */
    integrity: sha256,
    plan: z.object({ version: z.literal(1), vendors: z.array(vendorPlan), summary: z.object({}).passthrough(), seal }).passthrough(),
  })
  .strict();

/** The hash written into a saved plan and checked when it is read. */
export function planIntegrity(sealed: unknown): string {
  return createHash('sha256').update(JSON.stringify(sealed)).digest('hex');
}
