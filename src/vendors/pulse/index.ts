import type { VendorModule } from '../types.js';
import { createPulseAdapter } from './adapter.js';
import { PULSE_RATE_LIMIT, startPulseEmulator } from './emulator.js';
import { sandboxAccountId } from './fixture.js';
import { pulseImporter } from './import.js';
import { desiredPulseRecord, pulseFields } from './mapping.js';
import { pulseConfigShape, pulseOfficeSchema, pulsePersonSchema, pulseRoleSchema } from './schema.js';

const sandboxCredentials = { apiKey: 'sandbox-pulse-key', apiSecret: 'sandbox-pulse-secret' };

export const pulse: VendorModule = {
  kind: 'pulse',
  title: 'Pulse',
  configShape: pulseConfigShape,
  roleSchema: pulseRoleSchema,
  officeSchema: pulseOfficeSchema,
  personSchema: pulsePersonSchema,
  credentialFields: ['apiKey', 'apiSecret'],
  desired: desiredPulseRecord,
  fields: pulseFields,
  // roster deactivates Pulse users (active: false) and never deletes them; an email is not changed in place.
  removal: 'flag',
  emailChange: () => 'refuse',
  // Pulse documents no limit; 120 a minute per credential is our inferred budget (shared/vendors/README.md).
  rateLimit: PULSE_RATE_LIMIT,
  createAdapter: createPulseAdapter,
  importer: pulseImporter,
  sandbox: {
    start: startPulseEmulator,
    credentials: sandboxCredentials,
    configFor: (fixture) => ({ accountId: sandboxAccountId(fixture, sandboxCredentials.apiKey) }),
  },
};
