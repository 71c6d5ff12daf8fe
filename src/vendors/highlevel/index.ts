import { defineVendor } from '../define.js';
import { HighlevelAdapter } from './adapter.js';
import { checkHighlevelPerson } from './checks.js';
import { webhookCommand } from './command.js';
import { HIGHLEVEL_RATE } from './documented.js';
import { startHighlevelEmulator } from './emulator.js';
import { highlevelSandboxFixture } from './fixture.js';
import { highlevelImporter } from './import.js';
import { highlevelDesired, highlevelFields } from './mapping.js';
import { highlevelConfigShape, highlevelParts } from './schema.js';

/** HighLevel (LeadConnector users API v2): everything the rest of roster knows about it goes through here. */
export const highlevel = defineVendor({
  kind: 'highlevel',
  title: 'HighLevel',
  configShape: highlevelConfigShape,
  parts: highlevelParts,
  credentialFields: ['token'],
  checkPerson: checkHighlevelPerson,
  desired: highlevelDesired,
  fields: highlevelFields,
  // No deactivation exists: removal is DELETE, and only when policy.allowDelete says so. Email cannot
  // change in place: the plan reports it, or deletes and re-creates the user with `emailChange: recreate`.
  removal: 'delete',
  emailChange: (config) => (config.emailChange === 'recreate' ? 'recreate' : 'refuse'),
  // "Burst: 100 requests per 10 seconds" per app and resource (enerflo-highlevel.md §2.5), in documented.ts.
  rateLimit: HIGHLEVEL_RATE,
  createAdapter: (options) => new HighlevelAdapter(options),
  importer: highlevelImporter,
  commands: [webhookCommand],
  sandbox: {
    start: startHighlevelEmulator,
    fixture: highlevelSandboxFixture,
    credentials: { token: 'sandbox-highlevel-token' },
    // The company the fixture holds; the token in `credentials` is an agency token of it.
    configFor: (fixture) => ({ companyId: (fixture as { companyId?: string } | undefined)?.companyId }),
  },
});
