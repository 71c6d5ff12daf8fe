import { highlevelPermissionNames } from './schema.js';

export type HighlevelPermissionName = (typeof highlevelPermissionNames)[number];
export type HighlevelPermissions = Record<HighlevelPermissionName, boolean>;

/** PermissionsDto defaults from highlevel-users.openapi.json (a test checks they stay equal). */
export const highlevelPermissionDefaults: Readonly<HighlevelPermissions> = Object.freeze({
  campaignsEnabled: true,
  campaignsReadOnly: false,
  contactsEnabled: true,
  workflowsEnabled: true,
  workflowsReadOnly: false,
  triggersEnabled: true,
  funnelsEnabled: true,
  websitesEnabled: false,
  opportunitiesEnabled: true,
  dashboardStatsEnabled: true,
  bulkRequestsEnabled: true,
  appointmentsEnabled: true,
  reviewsEnabled: true,
  onlineListingsEnabled: true,
  phoneCallEnabled: true,
  conversationsEnabled: true,
  assignedDataOnly: false,
  adwordsReportingEnabled: false,
  membershipEnabled: false,
  facebookAdsReportingEnabled: false,
  attributionsReportingEnabled: false,
  settingsEnabled: true,
  tagsEnabled: true,
  leadValueEnabled: true,
  marketingEnabled: true,
  agentReportingEnabled: true,
  botService: false,
  socialPlanner: true,
  bloggingEnabled: true,
  invoiceEnabled: true,
  affiliateManagerEnabled: true,
  contentAiEnabled: true,
  refundsEnabled: true,
  recordPaymentEnabled: true,
  cancelSubscriptionEnabled: true,
  paymentsEnabled: true,
  communitiesEnabled: true,
  exportPaymentsEnabled: true,
});

const permissionNames: ReadonlySet<string> = new Set(highlevelPermissionNames);

export function isPermissionName(name: string): name is HighlevelPermissionName {
  return permissionNames.has(name);
}

/**
 * The full 38-key object: defaults, then each overlay in order. Unknown keys and non-boolean values
 * are ignored, so what comes back is always comparable key for key.
 */
export function fullPermissions(...overlays: (Record<string, unknown> | undefined)[]): HighlevelPermissions {
  const result: HighlevelPermissions = { ...highlevelPermissionDefaults };
  // By the 38 names rather than the overlay's entries: no array of pairs per user of a long listing.
  for (const overlay of overlays) {
    if (!overlay) continue;
    for (const name of highlevelPermissionNames) {
      const value = overlay[name];
      if (typeof value === 'boolean') result[name] = value;
    }
  }
  return result;
}

/** One frozen object per distinct set, by its set bits (bit i for the i-th name): see sharedPermissions. */
const shared = new Map<number, Readonly<HighlevelPermissions>>();

/**
 * The set as a number, bit i for the i-th of the 38 names: the key both sharing functions look sets up by.
 * `isOn(i)` says whether the i-th is on. Kept in two small integers (the first 30 names, then the rest)
 * and joined once, the same number as a sum of powers of two: no heap number per name while it is built.
 */
function setBits(isOn: (index: number) => boolean): number {
  let low = 0;
  let high = 0;
  for (let i = 0; i < names.length; i++) {
    if (!isOn(i)) continue;
    if (i < LOW_BITS) low |= 1 << i;
    else high |= 1 << (i - LOW_BITS);
  }
  return high * 2 ** LOW_BITS + low;
}

const LOW_BITS = 30;
const names: readonly HighlevelPermissionName[] = highlevelPermissionNames;

/**
 * One frozen object per distinct set of permissions. Every listed user and every desired record
 * carries all 38 keys, and nearly all of them carry one of a few sets: at 100,000 people, sharing
 * them saves two objects of 38 properties per person.
 */
export function sharedPermissions(permissions: HighlevelPermissions): HighlevelPermissions {
  const bits = setBits((i) => permissions[names[i]]);
  let found = shared.get(bits);
  if (!found) {
    found = Object.freeze({ ...permissions });
    shared.set(bits, found);
  }
  return found;
}

/**
 * `sharedPermissions(fullPermissions(overlay))` without building either on the way: the 38 values are
 * read straight into the set's number, and the full object is built only the first time a set is seen.
 * A listing reads one per user, so this is most of what listing HighLevel costs (issue 26).
 */
export function sharedPermissionsOf(overlay: Record<string, unknown> | undefined): HighlevelPermissions {
  const bits = setBits((i) => {
    const value = overlay?.[names[i]];
    return typeof value === 'boolean' ? value : highlevelPermissionDefaults[names[i]];
  });
  return shared.get(bits) ?? sharedPermissions(fullPermissions(overlay));
}
