import type { VendorModule } from '../types.js';
import { createPulseAdapter } from './adapter.js';
import { PULSE_RATE_LIMIT, startPulseEmulator } from './emulator.js';
import { pulseSandboxFixture, sandboxAccountId } from './fixture.js';
import { pulseImporter } from './import.js';
import { desiredPulseRecord } from './mapping.js';
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
  // Pulse documents no limit; 120 a minute per credential is our inferred budget (shared/vendors/README.md).
  rateLimit: PULSE_RATE_LIMIT,
  createAdapter: createPulseAdapter,
  importer: pulseImporter,
  sandbox: {
    start: startPulseEmulator,
    fixture: pulseSandboxFixture,
    credentials: sandboxCredentials,
    configFor: (fixture) => ({ accountId: sandboxAccountId(fixture, sandboxCredentials.apiKey) }),
  },
};
