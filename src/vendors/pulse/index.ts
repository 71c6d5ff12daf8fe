import type { VendorModule } from '../types.js';
import { pulseConfigShape, pulseOfficeSchema, pulsePersonSchema, pulseRoleSchema } from './schema.js';

// Placeholder until this vendor's adapter and emulator land: the schemas are real, the rest refuses.
function notYet(): never {
  throw new Error('the Pulse adapter is not implemented yet');
}

export const pulse: VendorModule = {
  kind: 'pulse',
  title: 'Pulse',
  configShape: pulseConfigShape,
  roleSchema: pulseRoleSchema,
  officeSchema: pulseOfficeSchema,
  personSchema: pulsePersonSchema,
  credentialFields: [],
  desired: () => undefined,
  rateLimit: { limit: 100, windowMs: 10_000 },
  createAdapter: notYet,
  sandbox: { start: notYet, credentials: {}, configFor: () => ({}) },
};
