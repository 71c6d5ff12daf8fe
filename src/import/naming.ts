import { vendorModules } from '../vendors/registry.js';
import { compare } from './entry.js';
import type { DeclaredState, GeneratedOffice, GeneratedRole } from './model.js';

const kindOrder = vendorModules.map((v) => v.kind);
const byKindOrder = (a: string, b: string) => kindOrder.indexOf(a) - kindOrder.indexOf(b) || compare(a, b);

/** A key the schema accepts: lower-case letters, digits, dots, dashes, underscores. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[^a-z0-9]+|-+$/g, '') || 'imported'
  );
}

function uniqueKey(base: string, taken: Set<string>): string {
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  taken.add(key);
  return key;
}

/** `enerflo-sales-rep-setter`; a second combination with the same label gets `-2`, in a stable order. */
export function nameRoles(roles: GeneratedRole[], declared: DeclaredState): void {
  const taken = new Set(declared.roles.map((r) => r.key));
  const ordered = [...roles].sort(
    (a, b) => compare(a.kind, b.kind) || compare(a.label, b.label) || b.people - a.people || compare(JSON.stringify(a.mapping), JSON.stringify(b.mapping)),
  );
  for (const role of ordered) role.key = uniqueKey(slug(`${role.kind}-${role.label}`), taken);
}

/**
 * `enerflo-office-101` after the first vendor's id; when two offices share it, the next vendor's id
 * tells them apart (`enerflo-office-101-pulse-team-12`). The name lists every vendor's id in words.
 */
export function nameOffices(offices: GeneratedOffice[], declared: DeclaredState): void {
  const taken = new Set(declared.offices.map((o) => o.key));
  const described = offices.map((office) => {
    const parts = [...office.mappings].sort((a, b) => byKindOrder(a[0], b[0]));
    return {
      office,
      parts: parts.map(([kind, m]) => slug(`${kind}-${m.id}`)),
      name: parts.map(([, m]) => `${m.title} ${m.id.replace(/-/, ' ')}`).join(', '),
    };
  });
  described.sort((a, b) => compare(a.parts.join('-'), b.parts.join('-')));
  const firsts = new Map<string, number>();
  for (const d of described) firsts.set(d.parts[0], (firsts.get(d.parts[0]) ?? 0) + 1);
  for (const d of described) {
    // Shared first ids take every part, so the keys of one group do not depend on each other's order.
    const base = firsts.get(d.parts[0])! > 1 || taken.has(d.parts[0]) ? d.parts.join('-') : d.parts[0];
    d.office.key = uniqueKey(base, taken);
    d.office.name = d.name;
  }
}
