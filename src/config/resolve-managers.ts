import { managerLeavesFirst } from './dates.js';
import type { DeclaredItem } from './declared.js';
import type { ItemDiagnostics } from './field-positions.js';
import type { ResolvedPerson } from './model.js';
import type { ResolvedPeople } from './resolve-people.js';
import type { DeclaredPerson } from './schema.js';
import { closeMatches } from './suggest.js';

/** The manager chain: exists, not oneself, not offboarded while the report is active, no cycles. */
export function checkManagerChain(resolved: ResolvedPeople, found: ItemDiagnostics): void {
  resolved.people.forEach((person, i) => checkManager(person, resolved.personItem[i], resolved, found));
  findManagerCycles(resolved, found);
}

function checkManager(person: ResolvedPerson, item: DeclaredItem<DeclaredPerson>, { peopleByKey, personItems }: ResolvedPeople, found: ItemDiagnostics): void {
  if (!person.manager) return;
  if (person.manager === person.key) {
    found.at(item, ['manager'], 'a person cannot be their own manager');
    return;
  }
  const manager = peopleByKey.get(person.manager);
  if (!manager) {
    if (!personItems.has(person.manager)) {
      // Never the person themself: "did you mean" yourself is no help, and not allowed anyway.
      const close = closeMatches(person.manager, [...personItems.keys()].filter((key) => key !== person.key));
      found.at(item, ['manager'], `manager ${person.manager} is not declared in any users file`, close.length ? `did you mean ${close.join(' or ')}?` : 'the manager must be a person declared under people');
    }
    return;
  }
  person.manager = manager.key; // the same text: one copy of it for all of a manager's reports
  if (person.active && !manager.active) {
    found.at(item, ['manager'], `manager ${manager.email} is offboarded (active: false), but ${person.email} is active`, 'give them a current manager before offboarding the old one');
  }
  const leavesFirst = managerLeavesFirst(person, manager);
  if (leavesFirst) found.at(item, ['manager'], leavesFirst, 'give them a manager who stays, or an endDate no later than their manager\'s');
}

function findManagerCycles({ people, peopleByKey, personItem }: ResolvedPeople, found: ItemDiagnostics): void {
  // The walk (by its start's index) that first reached each person. A walk that reaches a person an
  // earlier walk reached stops there, since whatever lies beyond was reported then: each person is
  // walked over once, each cycle found once, and the check stays linear in the number of people.
  const reachedBy = new Map<ResolvedPerson, number>();
  let indexOf: Map<ResolvedPerson, number> | undefined;
  people.forEach((start, walk) => {
    const chain: ResolvedPerson[] = [];
    let current: ResolvedPerson | undefined = start;
    while (current && !reachedBy.has(current) && current.manager !== current.key) {
      chain.push(current);
      reachedBy.set(current, walk);
      current = current.manager ? peopleByKey.get(current.manager) : undefined;
    }
    if (!current || reachedBy.get(current) !== walk) return;
    const cycle = chain.slice(chain.indexOf(current));
    // Reported at the person of the cycle declared first.
    indexOf ??= new Map(people.map((person, i) => [person, i]));
    const firstIndex = cycle.reduce((lowest, person) => Math.min(lowest, indexOf!.get(person)!), Infinity);
    const first = people[firstIndex];
    const ordered = [...cycle.slice(cycle.indexOf(first)), ...cycle.slice(0, cycle.indexOf(first))];
    found.at(personItem[firstIndex], ['manager'], `manager cycle: ${[...ordered, first].map((p) => p.email).join(' → ')}`, 'somebody in this chain needs a different manager (or none)');
  });
}
