import type { VendorModule } from '../types.js';
import { HIGHLEVEL_RATE, HighlevelAdapter } from './adapter.js';
import { checkHighlevelPerson } from './checks.js';
import { startHighlevelEmulator } from './emulator.js';
import { highlevelImporter } from './import.js';
import { highlevelDesired, highlevelFields } from './mapping.js';
import { highlevelConfigShape, highlevelOfficeSchema, highlevelPersonSchema, highlevelRoleSchema } from './schema.js';

/** HighLevel (LeadConnector users API v2): everything the rest of roster knows about it goes through here. */
export const highlevel: VendorModule = {
  kind: 'highlevel',
  title: 'HighLevel',
  configShape: highlevelConfigShape,
  roleSchema: highlevelRoleSchema,
  officeSchema: highlevelOfficeSchema,
  personSchema: highlevelPersonSchema,
  credentialFields: ['token'],
  checkPerson: checkHighlevelPerson,
  desired: highlevelDesired,
  fields: highlevelFields,
  // No deactivation exists: removal is DELETE, and only when policy.allowDelete says so. Email cannot
  // change in place: the plan reports it, or deletes and re-creates the user with `emailChange: recreate`.
  removal: 'delete',
  emailChange: (config) => (config.emailChange === 'recreate' ? 'recreate' : 'refuse'),
  // "Burst: 100 requests per 10 seconds" per app and resource (enerflo-highlevel.md §2.5).
  rateLimit: HIGHLEVEL_RATE,
  createAdapter: (options) => new HighlevelAdapter(options),
  importer: highlevelImporter,
  sandbox: {
    start: startHighlevelEmulator,
    credentials: { token: 'sandbox-highlevel-token' },
    // The company the fixture holds; the token in `credentials` is an agency token of it.
    configFor: (fixture) => ({ companyId: (fixture as { companyId?: string } | undefined)?.companyId }),
  },
};
