import type { VendorParts } from '../config/schema.js';
import type { ImportedUser, LiveRecord, VendorModule } from '../vendors/types.js';
import { compare, type EntriesByKey, type Entry, type ParsedParts } from './entry.js';
import type { ImportSource, NotImported } from './model.js';
import { vendorIssues } from './oracle.js';

/** Why a live user cannot be declared: listed in the file's header, never dropped silently. */
interface Skip {
  skip: string;
}

/**
 * Every source's live users through their vendor's import hook and schemas, by lower-cased email; the
 * ones that cannot be declared go to `notImported` with the reason.
 */
export function readEntries(sources: ImportSource[], notImported: NotImported[]): EntriesByKey {
  const byKey: EntriesByKey = new Map();
  for (const source of sources) {
    const seen = new Set<string>();
    for (const live of [...source.live].sort((a, b) => compare(a.email, b.email) || compare(a.vendorId, b.vendorId))) {
      const key = live.email.trim().toLowerCase();
      const read = readEntry(source, live, key, seen);
      if ('skip' in read) {
        notImported.push({ vendor: source.name, vendorId: live.vendorId, email: live.email, reason: read.skip });
        continue;
      }
      const list = byKey.get(key);
      if (list) list.push(read);
      else byKey.set(key, [read]);
    }
  }
  return byKey;
}

/** One live user as an entry, or why it cannot be. `seen` holds the emails this source has given already. */
function readEntry(source: ImportSource, live: LiveRecord, key: string, seen: Set<string>): Entry | Skip {
  const importer = source.module.importer;
  if (!importer) return { skip: `${source.module.title} has no import support yet` };
  if (!key) return { skip: 'the live user has no email address' };
  // A user the vendor's policy.ignore names is no member of the organisation (an agency owner): not declared.
  const ignored = (source.config.policy?.ignore ?? []).map((entry) => entry.toLowerCase());
  if (ignored.includes(key) || ignored.includes(live.vendorId.toLowerCase())) return { skip: `vendors.${source.name}.policy.ignore names this user` };
  if (seen.has(key)) return { skip: `another ${source.module.title} user has the same email; resolve the duplicate in the vendor` };
  seen.add(key);
  const user = importer.fromLive(live, source.config);
  if (user.unrepresentable) return { skip: user.unrepresentable };
  if (!user.role) return { skip: `has no ${source.module.title} role roster can declare` };
  const parsed = parseParts(source.module, user);
  if ('error' in parsed) return { skip: parsed.error };
  const entry: Entry = { source, live, user, ...parsed, notes: [] };
  const refused = refusedByVendor(entry);
  return refused === undefined ? entry : { skip: refused };
}

/**
 * The vendor's own rules decide what can be declared: an office it refuses is left out of the entry (and
 * noted); anything else it refuses means the user cannot be declared, and the messages say why.
 */
function refusedByVendor(entry: Entry): string | undefined {
  const { source } = entry;
  const parts = () => ({ role: entry.parsedRole, office: entry.parsedOffice, overrides: entry.parsedOverrides });
  let issues = vendorIssues(source.module, source.config, parts());
  if (entry.user.office && issues.some((i) => i.path[0] === 'office')) {
    const refused = issues
      .filter((i) => i.path[0] === 'office')
      .map((i) => i.message.replace(/office "stand-in"/g, 'the office'))
      .join('; ');
    entry.notes.push({ field: 'office', text: `${source.name} ${entry.user.office.id.replace('-', ' ')} left out: ${refused}` });
    entry.user = { ...entry.user, office: undefined };
    entry.parsedOffice = undefined;
    issues = vendorIssues(source.module, source.config, parts());
  }
  return issues.length > 0 ? issues.map((i) => i.message).join('; ') : undefined;
}

/** The hook's role, office and overrides through the vendor's own schemas: what the loader will read. */
function parseParts(module: VendorModule, user: ImportedUser): ParsedParts | { error: string } {
  const check = (what: string, schema: VendorModule['roleSchema'], value: unknown): { data: unknown } | { error: string } => {
    const result = schema.safeParse(value);
    return result.success ? { data: result.data } : { error: `its ${what} is not valid in roster: ${result.error.issues.map((i) => i.message).join('; ')}` };
  };
  const role = check(`${module.title} role`, module.roleSchema, user.role);
  if ('error' in role) return role;
  const parts: ParsedParts = { parsedRole: role.data };
  if (user.office) {
    const office = check(`${module.title} office`, module.officeSchema, user.office.mapping);
    if ('error' in office) return office;
    parts.parsedOffice = office.data;
  }
  if (user.overrides) {
    const overrides = check(`${module.title} person settings`, module.personSchema, user.overrides);
    if ('error' in overrides) return overrides;
    parts.parsedOverrides = overrides.data as VendorParts;
  }
  return parts;
}
