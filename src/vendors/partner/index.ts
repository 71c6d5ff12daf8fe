import { defineVendor } from '../define.js';
import { checkPartnerPerson } from './checks.js';
import { PartnerAdapter } from './adapter.js';
import { PARTNER_RATE_LIMIT } from './documented.js';
import { LIST_PATH, startPartnerEmulator, type PartnerFixture } from './emulator.js';
import { partnerSandboxFixture } from './fixture.js';
import { partnerImporter } from './import.js';
import { partnerFields } from './fields.js';
import { partnerDesired, partnerUnmappedKeys } from './mapping.js';
import { partnerConfigShape, partnerParts } from './schema.js';

/** The two company keys the sandbox fixture's first company has (fixture.ts). */
const sandboxCredentials = { authorizationKey: 'sandbox-simplepin-authorization-key', token: 'sandbox-simplepin-token' };

/** SimplePin API v2.0, "the company-partner API" of the seed page. The kind stays `partner`. */
export const partner = defineVendor({
  kind: 'partner',
  title: 'SimplePin',
  configShape: partnerConfigShape,
  parts: partnerParts,
  checkPerson: checkPartnerPerson,
  credentialFields: ['authorizationKey', 'token'],
  desired: partnerDesired,
  unmappedKeys: partnerUnmappedKeys,
  fields: partnerFields,
  // No delete: leaving is `state: INACTIVE`. The update model carries `email`, and the user stays
  // addressed by its user_code, so an email changes in place.
  removal: 'flag',
  emailChange: () => 'inPlace',
  // SimplePin documents no limit: our inferred budget, with its source, is in documented.ts.
  rateLimit: PARTNER_RATE_LIMIT,
  createAdapter: (options) => new PartnerAdapter(options),
  importer: partnerImporter,
  sandbox: {
    start: startPartnerEmulator,
    fixture: partnerSandboxFixture,
    credentials: sandboxCredentials,
    // The company is whichever the two keys identify. A fixture that turns on a list endpoint gets listPath;
    // otherwise the first company's account owner is the probe a 404 is trusted after (probeUserCode).
    configFor: (fixture) => {
      const f = fixture as Partial<PartnerFixture> | undefined;
      if (f?.options?.listEndpoint) return { listPath: LIST_PATH };
      const owner = f?.companies?.[0]?.owner?.user_code;
      return owner ? { probeUserCode: owner } : {};
    },
  },
});
