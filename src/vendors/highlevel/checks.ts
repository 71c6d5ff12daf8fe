import type { Organisation, ResolvedPerson } from '../../config/model.js';
import type { PersonIssue } from '../../config/schema.js';
import { highlevelParts, type HighlevelRole } from './schema.js';

function highlevelRoles(person: ResolvedPerson): { key: string; mapping: HighlevelRole }[] {
  return person.roles.flatMap((r) => {
    const mapping = highlevelParts.role(r);
    return mapping ? [{ key: r.key, mapping }] : [];
  });
}

/** The person's HighLevel locations: their office's, then their own extra ones. */
export function highlevelLocationIdsOf(person: ResolvedPerson): string[] {
  const fromOffice = highlevelParts.office(person.office)?.locationIds ?? [];
  const own = highlevelParts.person(person)?.locationIds ?? [];
  return [...new Set([...fromOffice, ...own])];
}

/**
 * HighLevel's CreateUserDto takes one `type` per user, and an `account` (sub-account) user must have at
 * least one location (enerflo-highlevel.md §2, "non-empty locationIds for account users").
 */
export function checkHighlevelPerson(person: ResolvedPerson, _org: Organisation): PersonIssue[] {
  const mapped = highlevelRoles(person);
  if (mapped.length === 0) return [];
  const issues: PersonIssue[] = [];
  const types = [...new Set(mapped.map((m) => m.mapping.type))];
  if (types.length > 1) {
    issues.push({
      path: ['roles'],
      message: `roles ${mapped.map((m) => `"${m.key}" (${m.mapping.type})`).join(', ')} give different HighLevel user types; a HighLevel user has one type`,
      hint: 'make the roles agree on highlevel.type, or give this person only one of them',
    });
  }
  if (types.includes('account') && highlevelLocationIdsOf(person).length === 0) {
    const officeKey = person.office?.key;
    issues.push({
      path: officeKey ? ['office'] : [],
      message: officeKey
        ? `a HighLevel account user needs a location, and office "${officeKey}" has no highlevel.locationIds`
        : 'a HighLevel account user needs a location, and this person has no office',
      hint: 'give the office highlevel.locationIds, or set vendors.highlevel.locationIds on the person',
    });
  }
  return issues;
}
