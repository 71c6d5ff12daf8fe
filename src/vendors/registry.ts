import { enerflo } from './enerflo/index.js';
import { highlevel } from './highlevel/index.js';
import { partner } from './partner/index.js';
import { pulse } from './pulse/index.js';
import type { VendorModule } from './types.js';

/** Every vendor roster knows. Adding a vendor is adding its folder and one entry here. */
export const vendorModules: readonly VendorModule[] = [enerflo, highlevel, pulse, partner];

export function vendorModule(kind: string): VendorModule {
  const found = vendorModules.find((v) => v.kind === kind);
  if (!found) throw new Error(`unknown vendor kind "${kind}"`);
  return found;
}
