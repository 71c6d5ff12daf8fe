import type { VendorInstanceConfig } from '../config/schema.js';
import type { PlanView, VendorPlanView } from './types.js';

export interface ThresholdViolation {
  vendor: string;
  message: string;
}

/** What the thresholds divide by: the vendor's active live users (an inactive user can be neither updated away nor switched off). */
export function activeLiveUsers(vendor: Pick<VendorPlanView, 'liveCount' | 'activeCount'>): number {
  return vendor.activeCount ?? vendor.liveCount;
}

/**
 * The largest share of a vendor's active live users one run may update or deactivate (octoDNS's safety
 * thresholds): a bad merge must not rewrite or switch off half the sales team. Counted only when the
 * vendor has at least `minUsers` active live users, where a share means something. The plan owns this:
 * every count and denominator is read from the plan, in this one place.
 */
export function thresholdViolations(plan: PlanView, configs: Record<string, VendorInstanceConfig>): ThresholdViolation[] {
  const violations: ThresholdViolation[] = [];
  for (const vendor of plan.vendors) {
    const config = configs[vendor.vendor];
    if (!config) continue;
    const { update, deactivate, minUsers } = config.policy.thresholds;
    const createViolation = createThresholdViolation(vendor, config.policy.thresholds.create ?? DEFAULT_CREATE_THRESHOLD, minUsers);
    if (createViolation) violations.push(createViolation);
    const active = activeLiveUsers(vendor);
    if (active < minUsers || active === 0) continue;
    const count = (actions: string[]) => vendor.operations.filter((op) => actions.includes(op.action)).length;
    const checks: [string, number, number][] = [
      ['update', count(['update', 'reactivate']), update],
      ['deactivate', count(['deactivate', 'delete']), deactivate],
    ];
    for (const [what, n, limit] of checks) {
      const share = n / active;
      if (share > limit) {
        violations.push({
          vendor: vendor.vendor,
          message:
            `${vendor.vendor}: the plan would ${what} ${n} of ${active} live users (${percent(share)}), ` +
            `over the ${percent(limit)} threshold (policy.thresholds.${what}); re-run with --force if this is intended` +
            inactiveNote(vendor),
        });
      }
    }
  }
  return violations;
}

/** At most this many creates per active live user (or per declared person found, read by key), by default. */
export const DEFAULT_CREATE_THRESHOLD = 3;

/**
 * A vendor that answers with no users (a wrong account, a broken filter, an outage answered 200) makes
 * every declared person look missing. So creates are counted against what was seen: more than `limit`
 * creates per active live user, once there are at least `minUsers` creates, needs --force. A vendor read
 * by key (SimplePin) sees only declared people: there creates are counted against the declared people
 * that were found, so a base URL that answers 404 to every path (nobody found) trips it like an empty listing.
 */
function createThresholdViolation(vendor: VendorPlanView, limit: number, minUsers: number): ThresholdViolation | undefined {
  const creates = vendor.operations.filter((op) => op.action === 'create').length;
  if (creates < Math.max(1, minUsers)) return undefined;
  const byKey = vendor.readMode === 'byKey';
  // Read by key, any user found proves a 404 means "absent" there, active or not.
  const seen = byKey ? vendor.liveCount : activeLiveUsers(vendor);
  if (seen > 0 && creates / seen <= limit) return undefined;
  const inactive = vendor.liveCount - seen;
  const against = byKey
    ? seen === 0
      ? 'none of the declared people was found by key (every read said "not found")'
      : `only ${seen} of the declared people were found by key`
    : seen === 0
      ? inactive > 0
        ? `the vendor listed no active users (only ${inactive} inactive)`
        : 'the vendor listed no users at all'
      : `the vendor listed only ${seen} live users${inactiveNote(vendor)}`;
  const per = byKey ? 'declared person found' : 'live user';
  return {
    vendor: vendor.vendor,
    message:
      `${vendor.vendor}: the plan would create ${creates} users and ${against}, over the threshold of ${limit} creates per ${per} ` +
      `(policy.thresholds.create); check the vendor's ${byKey ? 'baseUrl, paths' : 'account'} and credentials${byKey ? ' (roster doctor reads the probe key)' : ''}, or re-run with --force for a first rollout`,
  };
}

/** Says how many inactive users the share leaves out, where any were. */
function inactiveNote(vendor: VendorPlanView): string {
  const inactive = vendor.liveCount - activeLiveUsers(vendor);
  return inactive > 0 ? ` (active users only: ${inactive} inactive not counted)` : '';
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
