import type { Organisation, ResolvedPerson } from '../config/model.js';
import type { ModuleTarget } from './target.js';
import type { DesiredRecord } from '../vendors/types.js';

/**
 * The inactive record of a person none of whose roles maps onto a vendor: matched by email (and, where the
 * vendor module gives them, the keys a by-key reader finds the person under: SimplePin's user_code),
 * nothing to send. The planner offboards a live account of theirs and counts no account as nothing at all.
 */
export function unmappedRecord(person: ResolvedPerson, org: Organisation, target: Pick<ModuleTarget, 'module' | 'config'>): DesiredRecord {
  const record: DesiredRecord = { key: person.key, email: person.email, active: false, fields: {}, dependsOn: [], name: `${person.firstName} ${person.lastName}`, unmapped: true };
  const keys = target.module.unmappedKeys?.(person, org, target.config);
  if (keys?.externalId !== undefined) record.externalId = keys.externalId;
  if (keys?.pinnedId !== undefined) record.pinnedId = keys.pinnedId;
  return record;
}
