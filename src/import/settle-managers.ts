import type { DeclaredState, ImportedPerson } from './model.js';

/**
 * A manager stays when git will know them (imported now or declared already), is not the person, and
 * is not offboarded while the person is active; anything else is dropped with a comment saying why.
 */
export function settleManagers(people: ImportedPerson[], declared: DeclaredState): void {
  const imported = new Map(people.map((p) => [p.key, p]));
  for (const person of people) {
    const manager = person.manager;
    if (!manager) continue;
    const active = imported.get(manager)?.active ?? declared.activeByKey.get(manager);
    if (manager === person.key) dropManager(person, 'a person cannot be their own manager');
    else if (active === undefined) dropManager(person, 'not a person roster declares or imports');
    else if (person.active && !active) dropManager(person, 'the manager is inactive and this person is active');
  }
  breakCycles(people, imported);
}

/** A cycle (A manages B manages A) cannot be declared: the first person of it, by email, loses their manager. */
function breakCycles(people: ImportedPerson[], imported: Map<string, ImportedPerson>): void {
  for (const start of people) {
    const chain: string[] = [];
    let current: ImportedPerson | undefined = start;
    while (current?.manager && !chain.includes(current.key)) {
      chain.push(current.key);
      current = imported.get(current.manager);
    }
    if (current && chain.includes(current.key) && current.manager) {
      const cycle = chain.slice(chain.indexOf(current.key));
      dropManager(imported.get([...cycle].sort()[0])!, "the vendors' managers form a cycle");
    }
  }
}

/** The person loses their manager, with a comment on the entry that says why. */
function dropManager(person: ImportedPerson, why: string): void {
  const manager = person.manager!;
  person.manager = undefined;
  person.comments.set('email', [...(person.comments.get('email') ?? []), `manager ${manager} left out: ${why}`]);
}
