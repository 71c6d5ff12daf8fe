import type { VendorModule } from '../types.js';
import { enerfloConfigShape, enerfloOfficeSchema, enerfloPersonSchema, enerfloRoleSchema } from './schema.js';

// Placeholder until this vendor's adapter and emulator land: the schemas are real, the rest refuses.
function notYet(): never {
  throw new Error('the Enerflo adapter is not implemented yet');
}

export const enerflo: VendorModule = {
  kind: 'enerflo',
  title: 'Enerflo',
  configShape: enerfloConfigShape,
  roleSchema: enerfloRoleSchema,
  officeSchema: enerfloOfficeSchema,
  personSchema: enerfloPersonSchema,
  credentialFields: [],
  desired: () => undefined,
  rateLimit: { limit: 100, windowMs: 10_000 },
  createAdapter: notYet,
  sandbox: { start: notYet, credentials: {}, configFor: () => ({}) },
};
