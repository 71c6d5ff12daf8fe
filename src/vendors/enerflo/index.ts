import { defineVendor } from '../define.js';
import { checkEnerfloPerson } from './checks.js';
import { EnerfloAdapter } from './adapter.js';
import { startEnerfloEmulator } from './emulator.js';
import { ENERFLO_RATE } from './documented.js';
import { enerfloSandboxFixture } from './fixture.js';
import { enerfloImporter } from './import.js';
import { enerfloDesired, enerfloFields } from './mapping.js';
import { enerfloConfigShape, enerfloParts } from './schema.js';

/** Enerflo (legacy REST v3 users): everything the rest of roster knows about it goes through here. */
export const enerflo = defineVendor({
  kind: 'enerflo',
  title: 'Enerflo',
  configShape: enerfloConfigShape,
  parts: enerfloParts,
  checkPerson: checkEnerfloPerson,
  credentialFields: ['apiKey'],
  desired: enerfloDesired,
  fields: enerfloFields,
  // No delete endpoint: leaving is `active: false` (shared/vendors/README.md); Update a User carries `email`,
  // so the user keeps its id when an email changes.
  removal: 'flag',
  emailChange: () => 'inPlace',
  // "300 requests per minute per api-key" (enerflo-highlevel.md §1.8), in documented.ts.
  rateLimit: ENERFLO_RATE,
  createAdapter: (options) => new EnerfloAdapter(options),
  importer: enerfloImporter,
  sandbox: {
    start: startEnerfloEmulator,
    fixture: enerfloSandboxFixture,
    credentials: { apiKey: 'sandbox-enerflo-key' },
    // The key decides the company, so the sandbox needs no instance options.
    configFor: () => ({}),
  },
});
