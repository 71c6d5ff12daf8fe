import { ROLE_SLUGS } from './documented.js';

/** Enerflo Role Names (what writes take) and their slugs (what list filters take), from documented.ts. */
export const enerfloRoleSlugs: Readonly<Record<string, string>> = ROLE_SLUGS;

export const enerfloRoleNames = Object.keys(enerfloRoleSlugs);

/** The Role Name for a slug, for a hint when someone writes the slug. */
export function roleNameForSlug(slug: string): string | undefined {
  return enerfloRoleNames.find((name) => enerfloRoleSlugs[name] === slug);
}

export const SALES_REP = 'Sales Rep';
export const REGIONAL_MANAGER = 'Regional Manager';
