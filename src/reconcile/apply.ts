import pLimit from 'p-limit';
import { redactKnownSecrets } from '../secrets/redact.js';
import { diffFields, topField, undiffedFields } from './diff.js';
import type { ApplyContext, DeleteRemoval, FlagRemoval, VendorWriter } from './records.js';
import type { Action, CreateOperation, Operation, Plan, VendorPlan } from './types.js';

export interface OperationResult {
  vendor: string;
  action: Action;
  key: string;
  vendorId?: string;
  ok: boolean;
  /** Why it failed, in the vendor's words where it gave any. */
  error?: string;
  /** True when it never ran because something it depends on failed. */
  skipped?: boolean;
}

export interface ApplyReport {
  version: 1;
  startedAt: string;
  finishedAt: string;
  results: OperationResult[];
  /** Vendors that could not be applied at all (their plan had errors before any operation). */
  summary: { succeeded: number; failed: number; skipped: number };
  /** Set when the run was stopped (SIGINT, SIGTERM): operations not started are skipped, with that reason. */
  interrupted?: boolean;
}

export interface ApplyOptions {
  /** Each vendor instance's writer, by instance name: all apply writes through. */
  writers: Map<string, VendorWriter>;
  /** Concurrent operations per vendor; the adapter's rate limiter paces them further. */
  concurrency?: (vendor: string) => number;
  onResult?: (result: OperationResult, done: number, total: number) => void;
  /** Once aborted, no operation starts; those in flight finish and are recorded. */
  signal?: AbortSignal;
}

/**
 * Carries out a plan. Vendors run in parallel; within a vendor, operations run with bounded
 * concurrency, each waiting for the operations it depends on (a manager's create). One person's
 * failure is recorded and the rest go on.
 */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyReport> {
  const startedAt = new Date().toISOString();
  const total = plan.vendors.reduce((n, v) => n + v.operations.length, 0);
  const results: OperationResult[] = [];
  const record = (result: OperationResult) => {
    results.push(result);
    options.onResult?.(result, results.length, total);
  };

  await Promise.all(
    plan.vendors.map((vendorPlan) => {
      const writer = options.writers.get(vendorPlan.vendor);
      if (!writer) {
        for (const op of vendorPlan.operations) {
          record({ vendor: vendorPlan.vendor, action: op.action, key: op.key, vendorId: op.vendorId, ok: false, error: 'vendor is not available' });
        }
        return Promise.resolve();
      }
      return applyVendor(vendorPlan, writer, options.concurrency?.(vendorPlan.vendor) ?? 4, record, options.signal);
    }),
  );

  const summary = {
    succeeded: results.filter((r) => r.ok).length,
    failed: results.filter((r) => !r.ok && !r.skipped).length,
    skipped: results.filter((r) => r.skipped).length,
  };
  const interrupted = options.signal?.aborted ? { interrupted: true } : {};
  return { version: 1, startedAt, finishedAt: new Date().toISOString(), results, summary, ...interrupted };
}

async function applyVendor(
  vendorPlan: VendorPlan,
  writer: VendorWriter,
  concurrency: number,
  record: (result: OperationResult) => void,
  signal?: AbortSignal,
): Promise<void> {
  const limit = pLimit(concurrency);
  const ids = new Map(Object.entries(vendorPlan.ids));
  const ctx: ApplyContext = { vendorIdFor: (key) => ids.get(key) };
  const undiffed = undiffedFields(vendorPlan.fields);
  // The operation a key's dependants wait for: its create or reactivate.
  const arrivals = new Map<string, Promise<boolean>>();
  const runs: Promise<void>[] = [];

  for (const op of vendorPlan.operations) {
    // A dependency is met by its create or reactivate succeeding earlier in this plan, or by a user that
    // is known to exist already. One that is neither (a saved plan missing it) is not met: the dependant
    // would be created without its manager.
    const deps = op.dependsOn.map((key) => arrivals.get(key) ?? Promise.resolve(key !== op.key && ids.has(key)));
    const run = (async (): Promise<boolean> => {
      const depsOk = (await Promise.all(deps)).every(Boolean);
      const base = { vendor: vendorPlan.vendor, action: op.action, key: op.key, vendorId: op.vendorId };
      if (!depsOk) {
        const unmet = op.dependsOn.filter((key) => !arrivals.has(key) && !(key !== op.key && ids.has(key)));
        const why = unmet.length > 0 ? `${unmet.join(', ')} is neither in this plan nor known to exist` : `${op.dependsOn.join(', ')} did not succeed`;
        record({ ...base, ok: false, skipped: true, error: `skipped: ${why}` });
        return false;
      }
      return limit(async () => {
        if (signal?.aborted) {
          record({ ...base, ok: false, skipped: true, error: 'not started: the run was interrupted' });
          return false;
        }
        try {
          const vendorId = await execute(op, writer, ctx, undiffed);
          if (vendorId) ids.set(op.key, vendorId);
          record({ ...base, vendorId: vendorId ?? op.vendorId, ok: true });
          return true;
        } catch (error) {
          record({ ...base, ok: false, error: describe(error) });
          return false;
        }
      });
    })();
    if (op.action === 'create' || op.action === 'reactivate') arrivals.set(op.key, run);
    runs.push(run.then(() => undefined));
  }
  await Promise.all(runs);
}

async function execute(op: Operation, writer: VendorWriter, ctx: ApplyContext, undiffed: ReadonlySet<string>): Promise<string | undefined> {
  const changed = [...new Set(op.changes.map((c) => topField(c.field)))].filter((field) => field !== 'active');
  switch (op.action) {
    case 'create':
      return createOnce(op, writer, ctx, undiffed);
    case 'update':
      await writer.update(op.vendorId, op.desired, changed, ctx, op.live);
      return op.vendorId;
    case 'reactivate':
      await flagRemoval(writer, op.action).reactivate(op.vendorId, op.desired, changed, ctx, op.live);
      return op.vendorId;
    case 'deactivate':
      await flagRemoval(writer, op.action).deactivate(op.vendorId, op.live);
      return op.vendorId;
    case 'delete':
      await deleteRemoval(writer).delete(op.vendorId, op.live);
      return undefined;
  }
}

/*
 * A plan asks only for the removal its vendor module declares, and each writer offers exactly that one
 * (the conformance test checks it); an operation for the other kind fails here, before any request.
 */
function flagRemoval(writer: VendorWriter, action: 'deactivate' | 'reactivate'): FlagRemoval {
  if (writer.removal.kind === 'flag') return writer.removal;
  throw new Error(`cannot ${action}: this vendor has no deactivation, its users can only be deleted`);
}

function deleteRemoval(writer: VendorWriter): DeleteRemoval {
  if (writer.removal.kind === 'delete') return writer.removal;
  throw new Error('cannot delete: roster never deletes users of this vendor, it deactivates them');
}

/**
 * A create is never blindly repeated: after an ambiguous failure (timeout, reset, 5xx) the vendor
 * may have created the user anyway, so look the person up first and create again only if absent.
 */
async function createOnce(op: CreateOperation, writer: VendorWriter, ctx: ApplyContext, undiffed: ReadonlySet<string>): Promise<string> {
  const { desired } = op;
  const maxAttempts = 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return (await writer.create(desired, ctx)).vendorId;
    } catch (error) {
      if (!mayHaveHappened(error) || attempt >= maxAttempts) throw error;
      // A vendor read by key is looked up by the key the create sent (SimplePin's user_code), not by listing.
      const existing = await writer.lookup(desired);
      if (existing) {
        // The create went through before the failure; finish it if it landed incomplete.
        const changed = [...new Set(diffFields(desired, existing, undiffed).map((c) => topField(c.field)))];
        if (changed.length > 0) await writer.update(existing.vendorId, desired, changed, ctx);
        return existing.vendorId;
      }
    }
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactKnownSecrets(message);
}

/**
 * A write that failed without a clear answer (the connection died, the vendor answered 5xx) may have
 * happened. Adapters' errors say so with `ambiguous: true` (the HTTP client's errors do), so the engine
 * can tell without importing HTTP.
 */
function mayHaveHappened(error: unknown): boolean {
  return error instanceof Error && (error as Error & { ambiguous?: unknown }).ambiguous === true;
}
