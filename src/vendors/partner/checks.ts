import type { Organisation, ResolvedPerson } from '../../config/model.js';
import type { PersonIssue } from '../types.js';
import { partnerParts } from './schema.js';

/**
 * A partner user has exactly one role, so a person's roles must not map onto different partner roles.
 * (`ACCOUNT_OWNER` is refused by the role schema itself: it comes with the company.)
 */
export function checkPartnerPerson(person: ResolvedPerson, _org: Organisation): PersonIssue[] {
  const mapped = person.roles.flatMap((r) => {
    const mapping = partnerParts.role(r);
    return mapping ? [{ key: r.key, role: mapping.role }] : [];
  });
  if (new Set(mapped.map((m) => m.role)).size <= 1) return [];
  return [
    {
      path: ['roles'],
      message: `roles ${mapped.map((m) => `"${m.key}" (${m.role})`).join(', ')} map to different partner roles; a partner user has one role`,
      hint: 'give this person only one of these roles, or make the roles agree on partner.role',
    },
  ];
}
