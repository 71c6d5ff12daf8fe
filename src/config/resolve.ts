import type { Declarations } from './declared.js';
import type { Diagnostic } from './diagnostics.js';
import { ItemDiagnostics } from './field-positions.js';
import type { Organisation } from './model.js';
import { resolveCatalog } from './resolve-catalog.js';
import { checkManagerChain } from './resolve-managers.js';
import { resolvePeople, type ResolvedPeople } from './resolve-people.js';
import type { RootConfig, VendorSchemas } from './schema.js';

// The loader and the importer read these from here; each is defined beside the checks that use it.
export type { Declarations, DeclaredItem } from './declared.js';
export { DEFAULT_PHONE_COUNTRY, normalisePhone } from './resolve-person.js';
export { isValidTimezone } from './timezones.js';

/**
 * Semantic checks across all files, and resolution into an Organisation: unique keys and emails,
 * references that exist, the manager chain, phones and timezones, and each configured vendor's own
 * rules. Without `config` (the root config was invalid) it still checks the users files.
 */
export function resolveOrganisation(
  declarations: Declarations,
  config: RootConfig | undefined,
  configFile: string,
  files: string[],
  vendors: readonly VendorSchemas[],
): { org?: Organisation; diagnostics: Diagnostic[] } {
  const found = new ItemDiagnostics();
  const org = checkAndResolve(declarations, config, configFile, files, vendors, found);
  const diagnostics = found.withPositions();
  return org && diagnostics.length === 0 ? { org, diagnostics } : { diagnostics };
}

function checkAndResolve(
  declarations: Declarations,
  config: RootConfig | undefined,
  configFile: string,
  files: string[],
  vendors: readonly VendorSchemas[],
  found: ItemDiagnostics,
): Organisation | undefined {
  const catalog = resolveCatalog(declarations, found);
  const resolved = resolvePeople(declarations.people, catalog, found);
  checkManagerChain(resolved, found);
  if (!config) return undefined;

  const { offices, roles } = catalog;
  const { people, peopleByKey } = resolved;
  const org: Organisation = { config, configFile, offices, roles, people, peopleByKey, files };
  checkVendorRules(org, resolved, vendors, found);
  return org;
}

/** Vendor rules that need no network call, for each kind of vendor the config uses. */
function checkVendorRules(org: Organisation, resolved: ResolvedPeople, vendors: readonly VendorSchemas[], found: ItemDiagnostics): void {
  const configuredKinds = new Set(Object.values(org.config.vendors).map((v) => v.kind));
  for (const vendor of vendors) {
    const checkPerson = vendor.checkPerson?.bind(vendor);
    if (!checkPerson || !configuredKinds.has(vendor.kind)) continue;
    resolved.people.forEach((person, i) => {
      if (resolved.incomplete.has(person)) return;
      for (const issue of checkPerson(person, org)) {
        found.at(resolved.personItem[i], issue.path, issue.message, issue.hint);
      }
    });
  }
}
