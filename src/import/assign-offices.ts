import { compare, entryFor, kindOf, moduleAndConfig, parsedOverrides, type EntriesByKey, type Entry } from './entry.js';
import type { DeclaredState, GeneratedOffice, ImportedPerson } from './model.js';
import { sameToVendor } from './oracle.js';

type OfficeFit = 'fits' | 'extends' | 'no';

/**
 * Offices: a person whose vendors name no office gets none. Otherwise the first declared office that
 * every vendor the person is in reads the same way, then a generated one (which takes a vendor's id it
 * did not have yet when this person is in the office by another vendor's id, and none of its people is
 * in that vendor), else a new generated office.
 */
export function assignOffices(people: ImportedPerson[], byKey: EntriesByKey, declared: DeclaredState): GeneratedOffice[] {
  const generated: GeneratedOffice[] = [];
  for (const person of people) {
    const entries = byKey.get(person.key)!;
    const mine = [...person.kinds].map((kind) => entryFor(entries, person, kind));
    if (!mine.some((e) => e.user.office)) continue;

    const declaredFit = declared.offices.find((o) => officeFit(person, mine, (kind) => o[kind]) === 'fits');
    if (declaredFit) {
      person.office = declaredFit;
      continue;
    }
    const fits = generated.map((o) => ({ o, how: officeFit(person, mine, (kind) => o.mappings.get(kind)?.parsed, o.members) }));
    const chosen = fits.find((f) => f.how === 'fits') ?? fits.find((f) => f.how === 'extends');
    const office: GeneratedOffice = chosen?.o ?? {
      key: '',
      name: '',
      timezone: 'UTC',
      placeholderTimezone: true,
      mappings: new Map(),
      members: [],
    };
    if (!chosen) generated.push(office);
    join(office, person, mine);
  }
  return generated;
}

/**
 * How an office with these mappings fits the person's entries (`mine`, one per kind): every vendor reads
 * it as the person's live office (or, without one, as no change). `members` is given for a generated
 * office, which may take an id for a vendor none of its people is in yet ('extends').
 */
function officeFit(person: ImportedPerson, mine: Entry[], mappings: (kind: string) => unknown, members?: ImportedPerson[]): OfficeFit {
  let missing = false;
  let matched = false;
  for (const entry of mine) {
    const kind = kindOf(entry.source);
    const [module, config] = moduleAndConfig(entry);
    const has = mappings(kind);
    const context = { role: entry.parsedRole, overrides: parsedOverrides(person, entry) };
    if (entry.user.office) {
      if (has === undefined) {
        if (!members || members.some((m) => m.kinds.has(kind))) return 'no';
        missing = true;
      } else if (sameToVendor(module, config, { ...context, office: has }, { ...context, office: entry.parsedOffice })) {
        matched = true;
      } else {
        return 'no';
      }
    } else if (has !== undefined && !sameToVendor(module, config, { ...context, office: has }, context)) {
      return 'no';
    }
  }
  // Taking a new vendor's id needs evidence that it is the same office: this person is in both.
  if (missing) return matched ? 'extends' : 'no';
  return 'fits';
}

/** The person joins a generated office, which takes the ids of the person's vendors it lacks. */
function join(office: GeneratedOffice, person: ImportedPerson, mine: Entry[]): void {
  for (const entry of mine) {
    if (!entry.user.office || office.mappings.has(kindOf(entry.source))) continue;
    office.mappings.set(kindOf(entry.source), {
      mapping: entry.user.office.mapping,
      parsed: entry.parsedOffice,
      id: entry.user.office.id,
      title: entry.source.module.title,
    });
  }
  office.members.push(person);
  person.office = office;
}

/**
 * A generated office takes its people's most common timezone (ties: alphabetical), or UTC as a marked
 * placeholder when none is known. A person states their own timezone only where it differs.
 */
export function settleTimezones(people: ImportedPerson[], offices: GeneratedOffice[]): void {
  for (const office of offices) {
    const counts = new Map<string, number>();
    for (const m of office.members) if (m.timezone) counts.set(m.timezone, (counts.get(m.timezone) ?? 0) + 1);
    const best = [...counts].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))[0];
    if (best) {
      office.timezone = best[0];
      office.placeholderTimezone = false;
    }
  }
  for (const person of people) {
    if (person.timezone && person.office && person.timezone === person.office.timezone) person.timezone = undefined;
  }
}
