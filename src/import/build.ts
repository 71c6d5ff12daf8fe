import { assignOffices, settleTimezones } from './assign-offices.js';
import { assignRoles } from './assign-roles.js';
import { compare } from './entry.js';
import { mergePerson } from './merge-person.js';
import type { DeclaredState, ImportedPerson, ImportResult, ImportSource, NotImported } from './model.js';
import { nameOffices, nameRoles } from './naming.js';
import { readEntries } from './read-entries.js';
import { settleManagers } from './settle-managers.js';

// The conflict rule lives with the merge that follows it; render.ts quotes it from here.
export { CONFLICT_RULE } from './merge-person.js';

/**
 * Live users from every source, merged into one person per email (case-insensitive), with offices and
 * roles reused from git where they mean the same to the vendor, and generated where nothing fits.
 * Pure: no I/O, and the same input gives the same output.
 *
 * The steps, each in its own module: read every live user through its vendor's hook and schemas
 * (read-entries), merge one person across vendors (merge-person, merge-fields), choose or generate roles
 * (assign-roles) and offices (assign-offices), settle timezones and managers, then name what was generated
 * (naming).
 */
export function buildImport(sources: ImportSource[], declared: DeclaredState): ImportResult {
  const notImported: NotImported[] = [];
  const byKey = readEntries(sources, notImported);
  const alreadyDeclared: string[] = [];
  const people: ImportedPerson[] = [];

  for (const key of [...byKey.keys()].sort()) {
    const entries = byKey.get(key)!;
    if (declared.people.has(key)) {
      alreadyDeclared.push(key);
      continue;
    }
    const person = mergePerson(key, entries, notImported);
    if (person) people.push(person);
  }

  const roles = assignRoles(people, byKey, declared);
  const offices = assignOffices(people, byKey, declared);
  settleTimezones(people, offices);
  settleManagers(people, declared);
  nameRoles(roles, declared);
  nameOffices(offices, declared);

  return {
    offices: offices.sort((a, b) => compare(a.key, b.key)),
    roles: roles.sort((a, b) => compare(a.key, b.key)),
    people,
    notImported: notImported.sort((a, b) => compare(a.email, b.email) || compare(a.vendor, b.vendor)),
    alreadyDeclared,
    vendors: sources.map((s) => s.name),
  };
}
