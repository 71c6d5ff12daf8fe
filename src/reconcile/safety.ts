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
    const createViolation = createThresholdViolation(vendor, config.policy.thresholds.create ?? DEFAULT_CREATE_THRESHOLD, minUsers);
    if (createViolation) violations.push(createViolation);
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

/** At most this many creates per live user, by default: a first rollout into a few users passes, an empty listing does not. */
export const DEFAULT_CREATE_THRESHOLD = 3;

/**
 * A vendor that answers with no users (a wrong account, a broken filter, an outage answered 200) makes
 * every declared person look missing. So creates are counted against live users too: more than
 * `limit` creates per live user, once there are at least `minUsers` creates, needs --force. An
 * empty listing with that many people declared always trips it.
 */
function createThresholdViolation(vendor: Plan['vendors'][number], limit: number, minUsers: number): ThresholdViolation | undefined {
  const creates = vendor.operations.filter((op) => op.action === 'create').length;
  if (creates < Math.max(1, minUsers) || vendor.readMode === 'byKey') return undefined;
  if (vendor.liveCount > 0 && creates / vendor.liveCount <= limit) return undefined;
  const against = vendor.liveCount === 0 ? 'the vendor listed no users at all' : `the vendor listed only ${vendor.liveCount} live users`;
  return {
    vendor: vendor.vendor,
    message:
      `${vendor.vendor}: the plan would create ${creates} users and ${against}, over the threshold of ${limit} creates per live user ` +
      `(policy.thresholds.create); check the vendor's account and credentials, or re-run with --force for a first rollout`,
  };
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
