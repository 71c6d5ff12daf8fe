import type { VendorModule } from '../types.js';
import { checkEnerfloPerson } from './checks.js';
import { EnerfloAdapter } from './adapter.js';
import { startEnerfloEmulator } from './emulator.js';
import { enerfloImporter } from './import.js';
import { enerfloDesired, enerfloFields } from './mapping.js';
import { enerfloConfigShape, enerfloOfficeSchema, enerfloPersonSchema, enerfloRoleSchema } from './schema.js';

/** Enerflo (legacy REST v3 users): everything the rest of roster knows about it goes through here. */
export const enerflo: VendorModule = {
  kind: 'enerflo',
  title: 'Enerflo',
  configShape: enerfloConfigShape,
  roleSchema: enerfloRoleSchema,
  officeSchema: enerfloOfficeSchema,
  personSchema: enerfloPersonSchema,
  checkPerson: checkEnerfloPerson,
  credentialFields: ['apiKey'],
  desired: enerfloDesired,
  fields: enerfloFields,
  // No delete endpoint: leaving is `active: false` (shared/vendors/README.md); Update a User carries `email`.
  removal: 'flag',
  emailChange: () => 'inPlace',
  // "300 requests per minute per api-key" (enerflo-highlevel.md §1.8).
  rateLimit: { limit: 300, windowMs: 60_000 },
  createAdapter: (options) => new EnerfloAdapter(options),
  importer: enerfloImporter,
  sandbox: {
    start: startEnerfloEmulator,
    credentials: { apiKey: 'sandbox-enerflo-key' },
    // The key decides the company, so the sandbox needs no instance options.
    configFor: () => ({}),
  },
};
