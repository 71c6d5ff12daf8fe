/**
 * Enerflo Role Names (what writes take) and their slugs (what list filters take). Only `agent` is
 * confirmed; the rest are placeholders kept as data (../shared/vendors/README.md).
 */
export const enerfloRoleSlugs: Record<string, string> = {
  'Super Admin': 'super_admin',
  'Company Admin': 'company_admin',
  'Office Admin': 'office_admin',
  'Regional Manager': 'regional_manager',
  'Sales Rep': 'agent',
  Setter: 'setter',
  'Project Manager': 'project_manager',
};

export const enerfloRoleNames = Object.keys(enerfloRoleSlugs);

/** The Role Name for a slug, for a hint when someone writes the slug. */
export function roleNameForSlug(slug: string): string | undefined {
  return enerfloRoleNames.find((name) => enerfloRoleSlugs[name] === slug);
}

export const SALES_REP = 'Sales Rep';
export const REGIONAL_MANAGER = 'Regional Manager';
