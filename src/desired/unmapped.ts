import type { ResolvedPerson } from '../config/model.js';
import type { DesiredRecord } from '../vendors/types.js';

/**
 * The inactive record of a person none of whose roles maps onto a vendor: matched by email alone, nothing
 * to send. The planner offboards a live account of theirs and counts no account as nothing at all.
 */
export function unmappedRecord(person: ResolvedPerson): DesiredRecord {
  return { key: person.key, email: person.email, active: false, fields: {}, dependsOn: [], name: `${person.firstName} ${person.lastName}`, unmapped: true };
}

