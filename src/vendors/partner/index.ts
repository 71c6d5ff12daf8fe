import type { VendorModule } from '../types.js';
import { checkPartnerPerson } from './checks.js';
import { PartnerAdapter } from './adapter.js';
import { PARTNER_RATE_LIMIT, startPartnerEmulator, type PartnerFixture } from './emulator.js';
import { partnerImporter } from './import.js';
import { partnerDesired } from './mapping.js';
import { partnerConfigShape, partnerOfficeSchema, partnerPersonSchema, partnerRoleSchema } from './schema.js';

const sandboxCredentials = { token: 'sandbox-partner-token' };

/** The first company in a fixture that the sandbox token's partner owns. */
function sandboxCompanyId(fixture: unknown): string | undefined {
  const f = (fixture ?? {}) as Partial<PartnerFixture>;
  const partnerId = f.partners?.find((p) => p.tokens?.includes(sandboxCredentials.token))?.id;
  const company = f.companies?.find((c) => c.partner_id === partnerId);
  return company ? String(company.id) : undefined;
}

export const partner: VendorModule = {
  kind: 'partner',
  title: 'Partner',
  configShape: partnerConfigShape,
  roleSchema: partnerRoleSchema,
  officeSchema: partnerOfficeSchema,
  personSchema: partnerPersonSchema,
  checkPerson: checkPartnerPerson,
  credentialFields: ['token'],
  desired: partnerDesired,
  // The API documents no limit; 120 a minute per token is our inferred budget (shared/vendors/README.md).
  rateLimit: PARTNER_RATE_LIMIT,
  createAdapter: (options) => new PartnerAdapter(options),
  importer: partnerImporter,
  sandbox: {
    start: startPartnerEmulator,
    credentials: sandboxCredentials,
    configFor: (fixture) => {
      const companyId = sandboxCompanyId(fixture);
      return companyId === undefined ? {} : { companyId };
    },
  },
};
