import type { PlanView } from '../reconcile/types.js';

/**
 * The JSON contract of `roster plan --format json` (documented in README.md). Desired and live
 * records stay out: they are inputs, and carry more personal data than a reviewer needs.
 */
export function planToJson(plan: PlanView, extra: Record<string, unknown> = {}): object {
  return {
    version: plan.version,
    ...extra,
    vendors: plan.vendors.map((v) => ({
      vendor: v.vendor,
      kind: v.kind,
      operations: v.operations.map((op) => ({
        action: op.action,
        key: op.key,
        vendorId: op.vendorId ?? null,
        changes: op.changes.map((c) => ({ field: c.field, before: c.before ?? null, after: c.after ?? null })),
        ...(op.dependsOn.length > 0 ? { dependsOn: op.dependsOn } : {}),
        ...(op.reason ? { reason: op.reason } : {}),
        ...(op.cause ? { cause: op.cause } : {}),
        ...(op.window ? { window: op.window } : {}),
      })),
      unmanaged: v.unmanaged,
      errors: v.errors,
      notices: v.notices ?? [],
      manual: v.manual ?? [],
      readMode: v.readMode ?? 'list',
      unchanged: v.unchanged,
    })),
    summary: plan.summary,
    ...(plan.asOf ? { asOf: plan.asOf, ...(plan.since ? { since: plan.since } : {}), upcoming: plan.upcoming ?? [] } : {}),
  };
}

export function renderJson(plan: PlanView, extra?: Record<string, unknown>): string {
  return `${JSON.stringify(planToJson(plan, extra), null, 2)}\n`;
}
