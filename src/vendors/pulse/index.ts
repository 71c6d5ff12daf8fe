import { defineVendor } from '../define.js';
import { createPulseAdapter } from './adapter.js';
import { PULSE_RATE_LIMIT } from './documented.js';
import { startPulseEmulator } from './emulator.js';
import { sandboxAccountId } from './emulator-fixture.js';
import { pulseSandboxFixture } from './fixture.js';
import { pulseImporter } from './import.js';
import { desiredPulseRecord, pulseFields } from './mapping.js';
import { pulseConfigShape, pulseParts } from './schema.js';

const sandboxCredentials = { apiKey: 'sandbox-pulse-key', apiSecret: 'sandbox-pulse-secret' };

export const pulse = defineVendor({
  kind: 'pulse',
  title: 'Pulse',
  configShape: pulseConfigShape,
  parts: pulseParts,
  credentialFields: ['apiKey', 'apiSecret'],
  desired: desiredPulseRecord,
  fields: pulseFields,
  // roster deactivates Pulse users (active: false) and never deletes them; an email is not changed in place
  // (the seed page documents no email change on a user).
  removal: 'flag',
  emailChange: () => 'refuse',
  // Pulse documents no limit: our inferred budget, with its source, is in documented.ts.
  rateLimit: PULSE_RATE_LIMIT,
  createAdapter: createPulseAdapter,
  importer: pulseImporter,
  sandbox: {
    start: startPulseEmulator,
    fixture: pulseSandboxFixture,
    credentials: sandboxCredentials,
    configFor: (fixture) => ({ accountId: sandboxAccountId(fixture, sandboxCredentials.apiKey) }),
  },
});
