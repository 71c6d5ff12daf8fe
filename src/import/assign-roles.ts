import type { ResolvedRole } from '../config/model.js';
import { entryFor, moduleAndConfig, parsedOverrides, type EntriesByKey, type Entry } from './entry.js';
import type { DeclaredState, GeneratedRole, ImportedPerson } from './model.js';
import { sameToVendor } from './oracle.js';

/** A declared role import may reuse, with the kinds it maps onto and its place in git. */
interface Candidate {
  role: ResolvedRole;
  order: number;
  kinds: string[];
}

/**
 * A declared role is reused when every vendor it maps onto is one the person is in, and each of those
 * vendors makes the same user of it as of the person's live combination. Bigger roles first, then git's
 * order. What no declared role covers gets a generated role per kind, shared by everyone with the same
 * live combination.
 */
export function assignRoles(people: ImportedPerson[], byKey: EntriesByKey, declared: DeclaredState): GeneratedRole[] {
  const generated = new Map<string, GeneratedRole>();
  const kindsOf = (role: ResolvedRole) =>
    Object.keys(role).filter((k) => k !== 'key' && k !== 'description' && k !== 'source' && role[k] !== undefined);
  const candidates: Candidate[] = declared.roles
    .map((role, order) => ({ role, order, kinds: kindsOf(role) }))
    .filter((c) => c.kinds.length > 0)
    .sort((a, b) => b.kinds.length - a.kinds.length || a.order - b.order);

  for (const person of people) {
    const entries = byKey.get(person.key)!;
    const uncovered = new Set(person.kinds);
    for (const candidate of candidates) {
      if (!candidate.kinds.every((k) => uncovered.has(k))) continue;
      if (!candidate.kinds.every((kind) => fitsLive(candidate.role, kind, entryFor(entries, person, kind), person))) continue;
      person.roles.push(candidate.role);
      for (const k of candidate.kinds) uncovered.delete(k);
    }
    for (const kind of [...person.kinds].filter((k) => uncovered.has(k))) {
      const role = generatedRole(generated, kind, entryFor(entries, person, kind));
      role.people++;
      person.roles.push(role);
    }
  }
  return [...generated.values()];
}

/** Whether the vendor makes the same user of the declared role's mapping as of the live role. */
function fitsLive(role: ResolvedRole, kind: string, entry: Entry, person: ImportedPerson): boolean {
  const [module, config] = moduleAndConfig(entry);
  const context = { office: entry.parsedOffice, overrides: parsedOverrides(person, entry) };
  const mapping = role[kind];
  return sameToVendor(module, config, { ...context, role: mapping }, { ...context, role: entry.parsedRole });
}

/** The generated role of the entry's live combination, made on first use; it records the entry's vendor. */
function generatedRole(generated: Map<string, GeneratedRole>, kind: string, entry: Entry): GeneratedRole {
  const id = `${kind}\0${JSON.stringify(entry.user.role)}`;
  let role = generated.get(id);
  if (!role) {
    role = {
      key: '',
      kind,
      mapping: entry.user.role!,
      parsed: entry.parsedRole,
      label: entry.user.roleLabel || 'imported',
      vendors: new Set(),
      people: 0,
    };
    generated.set(id, role);
  }
  role.vendors.add(entry.source.name);
  return role;
}
