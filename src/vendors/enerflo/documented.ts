/*
 * Data only, no logic: what Enerflo's documents list, shared by the adapter side and the emulator so
 * neither has to copy a list by hand. Everything that interprets these values is written twice, once
 * on each side (shared/vendors/README.md, rule 2: the emulator is an independent witness).
 */

/**
 * The `timezone` enum of Add a User: 16 values, of which the page shows these eight
 * (shared/vendors/published.md, Enerflo `reference/add-a-user`). The other eight were not captured: a
 * tenant adds them with the instance setting `timezones`, and the emulator with its fixture's.
 */
export const DOCUMENTED_TIMEZONES: readonly string[] = Object.freeze([
  'Pacific/Honolulu',
  'America/Juneau',
  'America/Los_Angeles',
  'America/Phoenix',
  'America/Denver',
  'America/Chicago',
  'America/New_York',
  'Asia/Manila',
]);

/**
 * Role Names (what writes take) and their Role Slugs (what list filters take). The slugs are a
 * third-party catalogue (published.md, Enerflo [CLIENT]); which name each slug belongs to is inferred
 * from the words, except `agent` = Sales Rep, which a client uses (shared/vendors/README.md).
 */
export const ROLE_SLUGS: Readonly<Record<string, string>> = Object.freeze({
  'Super Admin': 'supercompany',
  'Company Admin': 'company',
  'Office Admin': 'officeadmin',
  'Regional Manager': 'regionalmanager',
  'Sales Rep': 'agent',
  Setter: 'setter',
  'Project Manager': 'projectmanager',
});

/** The fields `PUT /api/v3/users` documents, and nothing else (published.md, `reference/update-a-user`). */
export const UPDATE_FIELDS: readonly string[] = Object.freeze([
  'id',
  'manager_email',
  'first_name',
  'last_name',
  'phone',
  'email',
  'active',
  'roles',
  'office_ids',
]);

/**
 * The request budget: "300 requests per minute per api-key" (enerflo-highlevel.md §1.8; published.md,
 * Enerflo docs/api-rate-limits). The adapter paces to it and the emulator refuses beyond it.
 */
export const ENERFLO_RATE: Readonly<{ limit: number; windowMs: number }> = Object.freeze({ limit: 300, windowMs: 60_000 });
