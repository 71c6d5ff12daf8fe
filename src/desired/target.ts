import type { Organisation, ResolvedPerson } from '../config/model.js';
import { personForVendor } from '../config/overrides.js';
import type { PlanTarget } from '../reconcile/target.js';
import type { DesiredRecord, VendorModule } from '../vendors/types.js';

/** A target as the desired stage reads it: its instance and its whole vendor module (the engine sees only the module's traits). */
export type ModuleTarget = Pick<PlanTarget<VendorModule>, 'name' | 'module' | 'config'>;

/** A person's desired record in a vendor instance (their overrides for that vendor applied), or undefined when none of their roles maps onto it. */
export function desiredOf(person: ResolvedPerson, org: Organisation, target: Pick<ModuleTarget, 'module' | 'config'>): DesiredRecord | undefined {
  return target.module.desired(personForVendor(person, target.module.kind), org, target.config);
}
