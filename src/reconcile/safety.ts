import type { VendorInstanceConfig } from '../config/schema.js';
import type { Plan } from './types.js';

export interface ThresholdViolation {
  vendor: string;
  message: string;
}

/**
 * The largest share of a vendor's live users one run may update or deactivate (octoDNS's safety
 * thresholds): a bad merge must not rewrite or switch off half the sales team. Counted only when the
 * vendor has at least `minUsers` live users, where a share means something.
 */
export function thresholdViolations(plan: Plan, configs: Record<string, VendorInstanceConfig>): ThresholdViolation[] {
  const violations: ThresholdViolation[] = [];
  for (const vendor of plan.vendors) {
    const config = configs[vendor.vendor];
    if (!config) continue;
    const { update, deactivate, minUsers } = config.policy.thresholds;
    if (vendor.liveCount < minUsers) continue;
    const count = (actions: string[]) => vendor.operations.filter((op) => actions.includes(op.action)).length;
    const checks: [string, number, number][] = [
      ['update', count(['update', 'reactivate']), update],
      ['deactivate', count(['deactivate', 'delete']), deactivate],
    ];
    for (const [what, n, limit] of checks) {
      const share = n / vendor.liveCount;
      if (share > limit) {
        violations.push({
          vendor: vendor.vendor,
          message:
            `${vendor.vendor}: the plan would ${what} ${n} of ${vendor.liveCount} live users (${percent(share)}), ` +
            `over the ${percent(limit)} threshold (policy.thresholds.${what}); re-run with --force if this is intended`,
        });
      }
    }
  }
  return violations;
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
