import type { Organisation } from '../config/model.js';

/**
 * Vendor ids of offices and roles, with the roster keys they stand for, so a reviewer reads
 * `phoenix (102)` instead of `102`: vendor instance name → vendor value → roster key.
 */
export type VendorLabels = Record<string, Record<string, string>>;

/** Fields whose values are office or role ids in some vendor (office, officeIds, locationIds, teamId, role, roles). */
export const LABELLED_FIELD = /office|location|team|role/i;

/**
 * Labels from the declared offices and roles: every id under `offices[].<kind>` names its office, and
 * every role name under `roles[].<kind>.roles|role` names its role, unless two roster keys share it
 * (HighLevel's `role: user`), where a label would be a guess.
 */
export function labelsOf(org: Pick<Organisation, 'config' | 'offices' | 'roles'>): VendorLabels {
  const labels: VendorLabels = {};
  for (const [instance, config] of Object.entries(org.config.vendors)) {
    const found = new Map<string, Set<string>>();
    const add = (value: unknown, key: string) => {
      if (typeof value !== 'string' && typeof value !== 'number') return;
      const set = found.get(String(value)) ?? new Set<string>();
      set.add(key);
      found.set(String(value), set);
    };
    for (const office of org.offices.values()) {
      const mapping = office[config.kind];
      if (!mapping || typeof mapping !== 'object') continue;
      for (const [field, value] of Object.entries(mapping)) {
        if (!/id/i.test(field)) continue;
        for (const v of Array.isArray(value) ? value : [value]) add(v, office.key);
      }
    }
    for (const role of org.roles.values()) {
      const mapping = role[config.kind];
      if (!mapping || typeof mapping !== 'object') continue;
      for (const [field, value] of Object.entries(mapping)) {
        if (field !== 'roles' && field !== 'role') continue;
        for (const v of Array.isArray(value) ? value : [value]) add(v, role.key);
      }
    }
    labels[instance] = Object.fromEntries([...found].filter(([, keys]) => keys.size === 1).map(([value, keys]) => [value, [...keys][0]]));
  }
  return labels;
}
