import type { DeclaredItem } from './declared.js';
import type { ItemDiagnostics } from './field-positions.js';
import type { ResolvedPerson } from './model.js';
import type { Catalog } from './resolve-catalog.js';
import { resolvePerson, type PersonContext } from './resolve-person.js';
import type { DeclaredPerson } from './schema.js';

/** The people resolved, in declaration order, and what the checks after them need to know. */
export interface ResolvedPeople {
  people: ResolvedPerson[];
  peopleByKey: Map<string, ResolvedPerson>;
  /** `people[i]` was declared by `personItem[i]`. */
  personItem: DeclaredItem<DeclaredPerson>[];
  /**
   * People whose declaration is broken somewhere (their own fields, a role, their office) get the
   * checks that do not depend on the broken part, but no vendor checks: those would guess.
   */
  incomplete: Set<ResolvedPerson>;
  /** Every lower-cased email declared, also by an item that failed the schema. */
  personItems: Map<string, DeclaredItem<DeclaredPerson>>;
}

/** Every person declared once, checked and resolved against the catalog, in declaration order. */
export function resolvePeople(items: DeclaredItem<DeclaredPerson>[], catalog: Catalog, found: ItemDiagnostics): ResolvedPeople {
  const personItems = uniqueEmails(items, found);
  const resolved: ResolvedPeople = { people: [], peopleByKey: new Map(), personItem: [], incomplete: new Set(), personItems };
  const context: PersonContext = { catalog, found, roleLists: new Map() };
  for (const [key, item] of personItems) {
    const value = (item.value ?? item.partial) as DeclaredPerson | undefined;
    if (!value) continue;
    const { person, broken } = resolvePerson(key, item, value, context);
    resolved.people.push(person);
    resolved.peopleByKey.set(key, person);
    resolved.personItem.push(item);
    if (broken) resolved.incomplete.add(person);
  }
  return resolved;
}

/** People: the lower-cased email is the identity, unique across every file. */
function uniqueEmails(items: DeclaredItem<DeclaredPerson>[], found: ItemDiagnostics): Map<string, DeclaredItem<DeclaredPerson>> {
  const personItems = new Map<string, DeclaredItem<DeclaredPerson>>();
  for (const item of items) {
    if (item.key === undefined) continue;
    const key = item.key.toLowerCase();
    const first = personItems.get(key);
    if (first) {
      found.declaredTwice(item, first, ['email'], (other) => `${item.key} is declared twice (emails compare case-insensitively); the other one is at ${other}`, 'each person is declared once; merge the two entries');
      continue;
    }
    personItems.set(key, item);
  }
  return personItems;
}
