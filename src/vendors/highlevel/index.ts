import type { VendorModule } from '../types.js';
import { highlevelConfigShape, highlevelOfficeSchema, highlevelPersonSchema, highlevelRoleSchema } from './schema.js';

// Placeholder until this vendor's adapter and emulator land: the schemas are real, the rest refuses.
function notYet(): never {
  throw new Error('the HighLevel adapter is not implemented yet');
}

export const highlevel: VendorModule = {
  kind: 'highlevel',
  title: 'HighLevel',
  configShape: highlevelConfigShape,
  roleSchema: highlevelRoleSchema,
  officeSchema: highlevelOfficeSchema,
  personSchema: highlevelPersonSchema,
  credentialFields: [],
  desired: () => undefined,
  rateLimit: { limit: 100, windowMs: 10_000 },
  createAdapter: notYet,
  sandbox: { start: notYet, credentials: {}, configFor: () => ({}) },
};
