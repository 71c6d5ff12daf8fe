import { isDeepStrictEqual } from 'node:util';
import type { Organisation, ResolvedOffice, ResolvedPerson, ResolvedRole, SourceRef } from '../config/model.js';
import type { VendorInstanceConfig, VendorParts } from '../config/schema.js';
import type { FieldValue, PersonIssue, VendorModule } from '../vendors/types.js';

/**
 * Whether two declarations mean the same thing to a vendor is the vendor's own mapping's call: import
 * builds a stand-in person with each candidate and compares what `desired()` makes of them. So a
 * declared role written with defaults spelled out, or ids as numbers instead of strings, still
 * counts as the live combination, and no vendor rule is copied here.
 */
export interface Candidate {
  /** A parsed `roles[].<kind>` value. */
  role?: unknown;
  /** A parsed `offices[].<kind>` value. */
  office?: unknown;
  /** A parsed `people[].vendors.<kind>` value. */
  overrides?: VendorParts;
}

const nowhere: SourceRef = { file: '(roster import)', line: 1, col: 1 };
const STAND_IN = 'stand-in@roster-import.invalid';

/** The fields the vendor would want for a stand-in person with these parts; undefined when it wants none. */
export function desiredFieldsFor(
  module: VendorModule,
  config: VendorInstanceConfig,
  parts: Candidate,
): Record<string, FieldValue> | undefined {
  const { person, org } = standIn(module, config, parts);
  try {
    return module.desired(person, org, config)?.fields;
  } catch {
    return undefined;
  }
}

/** The vendor's own pre-network rules (checkPerson) for a stand-in person with these parts. */
export function vendorIssues(module: VendorModule, config: VendorInstanceConfig, parts: Candidate): PersonIssue[] {
  if (!module.checkPerson) return [];
  const { person, org } = standIn(module, config, parts);
  return module.checkPerson(person, org);
}

function standIn(module: VendorModule, config: VendorInstanceConfig, parts: Candidate): { person: ResolvedPerson; org: Organisation } {
  const kind = module.kind;
  const role: ResolvedRole = { key: 'stand-in', source: nowhere, ...(parts.role !== undefined ? { [kind]: parts.role } : {}) };
  const office =
    parts.office !== undefined
      ? ({ key: 'stand-in', name: 'stand-in', timezone: 'UTC', source: nowhere, [kind]: parts.office } satisfies ResolvedOffice)
      : undefined;
  const person: ResolvedPerson = {
    key: STAND_IN,
    email: STAND_IN,
    firstName: 'Stand',
    lastName: 'In',
    // No timezone of their own, and the office's is not copied onto them (the loader would), so a
    // timezone never enters the comparison nor a vendor's timezone rules (Enerflo's enum).
    active: true,
    roles: [role],
    ...(office ? { office } : {}),
    ...(parts.overrides !== undefined ? { vendors: { [kind]: parts.overrides } } : {}),
    source: nowhere,
  };
  const org: Organisation = {
    config: { users: 'users', vendors: { [config.kind]: config }, dates: { upcomingDays: 14 }, github: { maskEmails: false, overrideLabel: 'roster-override' } },
    configFile: '(roster import)',
    offices: new Map(office ? [[office.key, office]] : []),
    roles: new Map([[role.key, role]]),
    people: [person],
    peopleByKey: new Map([[person.key, person]]),
    files: [],
  };
  return { person, org };
}

/** True when the vendor makes the same user of both: same fields, and it wants the user at all. */
export function sameToVendor(module: VendorModule, config: VendorInstanceConfig, a: Candidate, b: Candidate): boolean {
  const left = desiredFieldsFor(module, config, a);
  const right = desiredFieldsFor(module, config, b);
  return left !== undefined && right !== undefined && isDeepStrictEqual(left, right);
}
