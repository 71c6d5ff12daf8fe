import type { VendorModule } from '../types.js';
import { partnerConfigShape, partnerOfficeSchema, partnerPersonSchema, partnerRoleSchema } from './schema.js';

// Placeholder until this vendor's adapter and emulator land: the schemas are real, the rest refuses.
function notYet(): never {
  throw new Error('the Partner adapter is not implemented yet');
}

export const partner: VendorModule = {
  kind: 'partner',
  title: 'Partner',
  configShape: partnerConfigShape,
  roleSchema: partnerRoleSchema,
  officeSchema: partnerOfficeSchema,
  personSchema: partnerPersonSchema,
  credentialFields: [],
  desired: () => undefined,
  rateLimit: { limit: 100, windowMs: 10_000 },
  createAdapter: notYet,
  sandbox: { start: notYet, credentials: {}, configFor: () => ({}) },
};
