import { isDeepStrictEqual } from 'node:util';
import type { ResolvedRole } from '../config/model.js';
import { isValidTimezone, normalisePhone } from '../config/resolve.js';
import { vendorPersonSchema, type VendorInstanceConfig, type VendorParts } from '../config/schema.js';
import type { ImportedUser, LiveRecord, VendorModule } from '../vendors/types.js';
import type { DeclaredState, GeneratedOffice, GeneratedRole, ImportedPerson, ImportResult, ImportSource, NotImported } from './model.js';
import { sameToVendor, vendorIssues } from './oracle.js';
import { vendorModules } from '../vendors/registry.js';

/**
 * The conflict rule, in one place: where vendors disagree about a person, the value of the first vendor
 * instance in roster.yaml order that has one wins, and the others are named in a comment on that line.
 */
export const CONFLICT_RULE =
  'the first vendor in roster.yaml order that has a value wins; another vendor\'s own name, phone,\n timezone or title is kept as its override under vendors.<kind>, and named in a comment on that line';

/** One live user read through its vendor's import hook. */
interface Entry {
  source: ImportSource;
  live: LiveRecord;
  user: ImportedUser;
  /** The role, office and overrides parsed by the vendor's schemas. */
  parsedRole: unknown;
  parsedOffice?: unknown;
  parsedOverrides?: VendorParts;
  /** Line comments this vendor's user adds to the person (`office`: why a vendor's office was left out). */
  notes: { field: string; text: string }[];
}

const kindOf = (source: ImportSource) => source.module.kind;
/** Code-point order: the same on every machine, whatever its locale. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const kindOrder = vendorModules.map((v) => v.kind);
const byKindOrder = (a: string, b: string) => kindOrder.indexOf(a) - kindOrder.indexOf(b) || compare(a, b);

/**
 * Live users from every source, merged into one person per email (case-insensitive), with offices and
 * roles reused from git where they mean the same to the vendor, and generated where nothing fits.
 * Pure: no I/O, and the same input gives the same output.
 */
export function buildImport(sources: ImportSource[], declared: DeclaredState): ImportResult {
  const notImported: NotImported[] = [];
  const byKey = readEntries(sources, notImported);
  const alreadyDeclared: string[] = [];
  const people: ImportedPerson[] = [];

  for (const key of [...byKey.keys()].sort()) {
    const entries = byKey.get(key)!;
    if (declared.people.has(key)) {
      alreadyDeclared.push(key);
      continue;
    }
    const person = mergePerson(key, entries, notImported);
    if (person) people.push(person);
  }

  const roles = assignRoles(people, byKey, declared);
  const offices = assignOffices(people, byKey, declared);
  settleTimezones(people, offices);
  settleManagers(people, declared);
  nameRoles(roles, declared);
  nameOffices(offices, declared);

  return {
    offices: offices.sort((a, b) => compare(a.key, b.key)),
    roles: roles.sort((a, b) => compare(a.key, b.key)),
    people,
    notImported: notImported.sort((a, b) => compare(a.email, b.email) || compare(a.vendor, b.vendor)),
    alreadyDeclared,
    vendors: sources.map((s) => s.name),
  };
}

// ------------------------------------------------------------------------------------------- reading

function readEntries(sources: ImportSource[], notImported: NotImported[]): Map<string, Entry[]> {
  const byKey = new Map<string, Entry[]>();
  for (const source of sources) {
    const importer = source.module.importer;
    const seen = new Set<string>();
    const skip = (live: LiveRecord, reason: string) =>
      notImported.push({ vendor: source.name, vendorId: live.vendorId, email: live.email, reason });
    for (const live of [...source.live].sort((a, b) => compare(a.email, b.email) || compare(a.vendorId, b.vendorId))) {
      const key = live.email.trim().toLowerCase();
      if (!importer) {
        skip(live, `${source.module.title} has no import support yet`);
        continue;
      }
      if (!key) {
        skip(live, 'the live user has no email address');
        continue;
      }
      if (seen.has(key)) {
        skip(live, `another ${source.module.title} user has the same email; resolve the duplicate in the vendor`);
        continue;
      }
      seen.add(key);
      const user = importer.fromLive(live, source.config);
      if (user.unrepresentable) {
        skip(live, user.unrepresentable);
        continue;
      }
      if (!user.role) {
        skip(live, `has no ${source.module.title} role roster can declare`);
        continue;
      }
      const parsed = parseParts(source.module, user);
      if ('error' in parsed) {
        skip(live, parsed.error);
        continue;
      }
      const entry: Entry = { source, live, user, ...parsed, notes: [] };
      // The vendor's own rules decide what can be declared: an office it refuses is left out (and
      // noted); anything else it refuses means the user cannot be declared.
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
      if (issues.length > 0) {
        skip(live, issues.map((i) => i.message).join('; '));
        continue;
      }
      const list = byKey.get(key);
      if (list) list.push(entry);
      else byKey.set(key, [entry]);
    }
  }
  return byKey;
}

/** The hook's role, office and overrides through the vendor's own schemas: what the loader will read. */
function parseParts(module: VendorModule, user: ImportedUser): Omit<Entry, 'source' | 'live' | 'user' | 'notes'> | { error: string } {
  const check = (what: string, schema: VendorModule['roleSchema'], value: unknown): { data: unknown } | { error: string } => {
    const result = schema.safeParse(value);
    return result.success ? { data: result.data } : { error: `its ${what} is not valid in roster: ${result.error.issues.map((i) => i.message).join('; ')}` };
  };
  const role = check(`${module.title} role`, module.roleSchema, user.role);
  if ('error' in role) return role;
  const parts: Omit<Entry, 'source' | 'live' | 'user' | 'notes'> = { parsedRole: role.data };
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

// ------------------------------------------------------------------------------------------- merging

const describe = (entry: Entry) => entry.source.name;
const quote = (value: string) => JSON.stringify(value);

/**
 * One person from every vendor that has them. Values follow CONFLICT_RULE. A person active anywhere
 * is active; a vendor where they are inactive gets no role (so roster leaves that user off, as it is).
 */
function mergePerson(key: string, all: Entry[], notImported: NotImported[]): ImportedPerson | undefined {
  const comments = new Map<string, string[]>();
  const comment = (field: string, text: string) => comments.set(field, [...(comments.get(field) ?? []), text]);

  const active = all.some((e) => e.live.active);
  let entries = all;
  if (active) {
    const inactive = all.filter((e) => !e.live.active);
    entries = all.filter((e) => e.live.active);
    if (inactive.length > 0) comment('roles', `inactive in ${inactive.map(describe).join(', ')}: no role there, so roster leaves that user off`);
  }

  // One entry per kind: two instances of one kind share role mappings, so the first decides.
  const byKind = new Map<string, Entry>();
  for (const entry of entries) {
    const kind = kindOf(entry.source);
    const first = byKind.get(kind);
    if (!first) byKind.set(kind, entry);
    else if (!isDeepStrictEqual(first.parsedRole, entry.parsedRole)) {
      comment('roles', `${describe(entry)} has a different ${entry.source.module.title} role than ${describe(first)}; kept ${describe(first)}'s`);
    }
  }

  // Names travel together: the first vendor with a first name gives both, so a name is never half one
  // vendor's and half another's.
  const named = entries.find((e) => e.user.firstName && e.user.lastName) ?? entries.find((e) => e.user.firstName);
  const firstName = named?.user.firstName;
  const lastName = named?.user.lastName ?? entries.find((e) => e.user.lastName)?.user.lastName;
  if (!firstName || !lastName) {
    for (const e of all) {
      notImported.push({
        vendor: e.source.name,
        vendorId: e.live.vendorId,
        email: e.live.email,
        reason: `no ${!firstName ? 'first' : 'last'} name in any vendor; roster needs both (declare this person by hand)`,
      });
    }
    return undefined;
  }
  // A vendor that decides its kind keeps its own value as an override (vendors.<kind>.lastName), so the
  // file describes every vendor as it is and the first plan changes nothing.
  const decides = (e: Entry) => byKind.get(kindOf(e.source)) === e;
  const overrides: [Entry, Record<string, unknown>][] = [];
  const fullName = `${firstName} ${lastName}`;
  for (const e of entries) {
    if (e === named || !e.user.firstName) continue;
    const theirs = [e.user.firstName, e.user.lastName].filter(Boolean).join(' ');
    if (theirs === fullName) continue;
    if (decides(e)) {
      const own: Record<string, unknown> = {};
      if (e.user.firstName !== firstName) own.firstName = e.user.firstName;
      if (e.user.lastName && e.user.lastName !== lastName) own.lastName = e.user.lastName;
      overrides.push([e, own]);
      comment('firstName', `${describe(e)} has ${quote(theirs)}; kept as its override under vendors.${kindOf(e.source)}`);
    } else {
      comment('firstName', `${describe(e)} has ${quote(theirs)}; kept ${describe(named)}'s`);
    }
  }

  const person: ImportedPerson = {
    key,
    email: (entries.find((e) => e.live.email.trim()) ?? entries[0]).live.email.trim(),
    firstName,
    lastName,
    active,
    roles: [],
    vendors: {},
    kinds: new Set(byKind.keys()),
    comments,
    from: entries.map(describe),
  };

  for (const [e, own] of overrides) addOverrides(person, kindOf(e.source), own);
  const keepOwn = (field: string) => (e: Entry, value: string) => {
    if (!decides(e)) return false;
    addOverrides(person, kindOf(e.source), { [field]: value });
    return true;
  };
  pick(entries, comment, 'phone', (u) => u.phone, (value, e) => {
    const e164 = normalisePhone(value);
    if (!e164) comment('phone', `${describe(e)} has ${quote(value)}, which is not a phone number roster can read; left out`);
    return e164;
  }, (v) => (person.phone = v), keepOwn('phone'));
  if (person.phone) {
    // A vendor without a phone keeps none: roster would otherwise fill it in on the first apply.
    for (const [kind, e] of byKind) {
      if (e.user.phone) continue;
      addOverrides(person, kind, { unmanaged: ['phone'] });
      comment('phone', `${describe(e)} has no phone; vendors.${kind}.unmanaged: [phone] leaves it so`);
    }
  }
  pick(entries, comment, 'timezone', (u) => u.timezone, (value, e) => {
    if (isValidTimezone(value)) return value;
    comment('timezone', `${describe(e)} has ${quote(value)}, which is not an IANA timezone; left out`);
    return undefined;
  }, (v) => (person.timezone = v), keepOwn('timezone'));
  pick(entries, comment, 'title', (u) => u.title, (v) => v, (v) => (person.title = v), keepOwn('title'));
  pick(entries, comment, 'manager', (u) => u.manager, (v) => v.toLowerCase(), (v) => (person.manager = v));

  // An external id a vendor can keep as its own (partner user_code) is an override, not a conflict.
  const withId = entries.filter((e) => e.user.externalId);
  if (withId.length > 0) {
    person.externalId = withId[0].user.externalId;
    for (const e of withId.slice(1)) {
      if (e.user.externalId === person.externalId) continue;
      const own = e.source.module.importer?.ownValue?.('externalId', e.user.externalId!);
      if (own && byKind.get(kindOf(e.source)) === e) addOverrides(person, kindOf(e.source), own);
      else comment('externalId', `${describe(e)} has ${quote(e.user.externalId!)}; kept ${describe(withId[0])}'s`);
    }
  }

  for (const [kind, entry] of byKind) {
    if (entry.user.overrides) addOverrides(person, kind, entry.user.overrides);
    for (const note of entry.notes) comment(note.field, note.text);
  }
  return person;
}

/**
 * First usable value by vendor order. Every other differing value is kept as that vendor's override
 * where `keepOwn` can (the vendor decides its kind), and becomes a comment on the line either way.
 */
function pick(
  entries: Entry[],
  comment: (field: string, text: string) => void,
  field: string,
  read: (user: ImportedUser) => string | undefined,
  usable: (value: string, entry: Entry) => string | undefined,
  set: (value: string) => void,
  keepOwn?: (entry: Entry, value: string) => boolean,
): void {
  let chosen: { value: string; entry: Entry } | undefined;
  for (const entry of entries) {
    const raw = read(entry.user);
    if (!raw) continue;
    const value = usable(raw, entry);
    if (!value) continue;
    if (!chosen) {
      chosen = { value, entry };
      set(value);
    } else if (value !== chosen.value) {
      if (keepOwn?.(entry, value)) comment(field, `${describe(entry)} has ${quote(raw)}; kept as its override under vendors.${kindOf(entry.source)}`);
      else comment(field, `${describe(entry)} has ${quote(raw)}; kept ${describe(chosen.entry)}'s`);
    }
  }
}

function addOverrides(person: ImportedPerson, kind: string, overrides: Record<string, unknown>): void {
  person.vendors[kind] = { ...(person.vendors[kind] ?? {}), ...overrides };
}

// --------------------------------------------------------------------------------------------- roles

function moduleAndConfig(entry: Entry): [VendorModule, VendorInstanceConfig] {
  return [entry.source.module, entry.source.config];
}

/** The entry that decides a person's kind (the first active one of that kind). */
function entryFor(entries: Entry[], person: ImportedPerson, kind: string): Entry {
  const pool = person.active ? entries.filter((e) => e.live.active) : entries;
  return pool.find((e) => kindOf(e.source) === kind)!;
}

function parsedOverrides(person: ImportedPerson, entry: Entry): VendorParts | undefined {
  const own = person.vendors[kindOf(entry.source)];
  if (!own) return undefined;
  const parsed = vendorPersonSchema(entry.source.module).safeParse(own);
  return parsed.success ? parsed.data : own;
}

/**
 * A declared role is reused when every vendor it maps onto is one the person is in, and each of those
 * vendors makes the same user of it as of the person's live combination. Bigger roles first, then git's
 * order. What no declared role covers gets a generated role per kind, shared by everyone with the same
 * live combination.
 */
function assignRoles(people: ImportedPerson[], byKey: Map<string, Entry[]>, declared: DeclaredState): GeneratedRole[] {
  const generated = new Map<string, GeneratedRole>();
  const kindsOf = (role: ResolvedRole) =>
    Object.keys(role).filter((k) => k !== 'key' && k !== 'description' && k !== 'source' && role[k] !== undefined);
  const candidates = declared.roles
    .map((role, order) => ({ role, order, kinds: kindsOf(role) }))
    .filter((c) => c.kinds.length > 0)
    .sort((a, b) => b.kinds.length - a.kinds.length || a.order - b.order);

  for (const person of people) {
    const entries = byKey.get(person.key)!;
    const uncovered = new Set(person.kinds);
    for (const candidate of candidates) {
      if (!candidate.kinds.every((k) => uncovered.has(k))) continue;
      const fits = candidate.kinds.every((kind) => {
        const entry = entryFor(entries, person, kind);
        const [module, config] = moduleAndConfig(entry);
        const context = { office: entry.parsedOffice, overrides: parsedOverrides(person, entry) };
        const mapping = candidate.role[kind];
        return sameToVendor(module, config, { ...context, role: mapping }, { ...context, role: entry.parsedRole });
      });
      if (!fits) continue;
      person.roles.push(candidate.role);
      for (const k of candidate.kinds) uncovered.delete(k);
    }
    for (const kind of [...person.kinds].filter((k) => uncovered.has(k))) {
      const entry = entryFor(entries, person, kind);
      const id = `${kind}\0${JSON.stringify(entry.user.role)}`;
      let role = generated.get(id);
      if (!role) {
        role = {
          key: '',
          kind,
          mapping: entry.user.role!,
          parsed: entry.parsedRole,
          label: entry.user.roleLabel || 'imported',
          vendors: new Set(),
          people: 0,
        };
        generated.set(id, role);
      }
      role.vendors.add(entry.source.name);
      role.people++;
      person.roles.push(role);
    }
  }
  return [...generated.values()];
}

// ------------------------------------------------------------------------------------------- offices

type OfficeFit = 'fits' | 'extends' | 'no';

/**
 * Offices: a person whose vendors name no office gets none. Otherwise the first declared office that
 * every vendor the person is in reads the same way, then a generated one (which takes a vendor's id it
 * did not have yet when this person is in the office by another vendor's id, and none of its people is
 * in that vendor), else a new generated office.
 */
function assignOffices(people: ImportedPerson[], byKey: Map<string, Entry[]>, declared: DeclaredState): GeneratedOffice[] {
  const generated: GeneratedOffice[] = [];
  for (const person of people) {
    const entries = byKey.get(person.key)!;
    const mine = [...person.kinds].map((kind) => entryFor(entries, person, kind));
    if (!mine.some((e) => e.user.office)) continue;

    const fit = (mappings: (kind: string) => unknown, members?: ImportedPerson[]): OfficeFit => {
      let missing = false;
      let matched = false;
      for (const entry of mine) {
        const kind = kindOf(entry.source);
        const [module, config] = moduleAndConfig(entry);
        const has = mappings(kind);
        const context = { role: entry.parsedRole, overrides: parsedOverrides(person, entry) };
        if (entry.user.office) {
          if (has === undefined) {
            if (!members || members.some((m) => m.kinds.has(kind))) return 'no';
            missing = true;
          } else if (sameToVendor(module, config, { ...context, office: has }, { ...context, office: entry.parsedOffice })) {
            matched = true;
          } else {
            return 'no';
          }
        } else if (has !== undefined && !sameToVendor(module, config, { ...context, office: has }, context)) {
          return 'no';
        }
      }
      // Taking a new vendor's id needs evidence that it is the same office: this person is in both.
      if (missing) return matched ? 'extends' : 'no';
      return 'fits';
    };

    const declaredFit = declared.offices.find((o) => fit((kind) => o[kind]) === 'fits');
    if (declaredFit) {
      person.office = declaredFit;
      continue;
    }
    const fits = generated.map((o) => ({ o, how: fit((kind) => o.mappings.get(kind)?.parsed, o.members) }));
    const chosen = fits.find((f) => f.how === 'fits') ?? fits.find((f) => f.how === 'extends');
    const office: GeneratedOffice = chosen?.o ?? {
      key: '',
      name: '',
      timezone: 'UTC',
      placeholderTimezone: true,
      mappings: new Map(),
      members: [],
    };
    if (!chosen) generated.push(office);
    for (const entry of mine) {
      if (!entry.user.office || office.mappings.has(kindOf(entry.source))) continue;
      office.mappings.set(kindOf(entry.source), {
        mapping: entry.user.office.mapping,
        parsed: entry.parsedOffice,
        id: entry.user.office.id,
        title: entry.source.module.title,
      });
    }
    office.members.push(person);
    person.office = office;
  }
  return generated;
}

/**
 * A generated office takes its people's most common timezone (ties: alphabetical), or UTC as a marked
 * placeholder when none is known. A person states their own timezone only where it differs.
 */
function settleTimezones(people: ImportedPerson[], offices: GeneratedOffice[]): void {
  for (const office of offices) {
    const counts = new Map<string, number>();
    for (const m of office.members) if (m.timezone) counts.set(m.timezone, (counts.get(m.timezone) ?? 0) + 1);
    const best = [...counts].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))[0];
    if (best) {
      office.timezone = best[0];
      office.placeholderTimezone = false;
    }
  }
  for (const person of people) {
    if (person.timezone && person.office && person.timezone === person.office.timezone) person.timezone = undefined;
  }
}

/**
 * A manager stays when git will know them (imported now or declared already), is not the person, and
 * is not offboarded while the person is active; anything else is dropped with a comment saying why.
 */
function settleManagers(people: ImportedPerson[], declared: DeclaredState): void {
  const imported = new Map(people.map((p) => [p.key, p]));
  for (const person of people) {
    const manager = person.manager;
    if (!manager) continue;
    const drop = (why: string) => {
      person.manager = undefined;
      person.comments.set('email', [...(person.comments.get('email') ?? []), `manager ${manager} left out: ${why}`]);
    };
    const active = imported.get(manager)?.active ?? declared.activeByKey.get(manager);
    if (manager === person.key) drop('a person cannot be their own manager');
    else if (active === undefined) drop('not a person roster declares or imports');
    else if (person.active && !active) drop('the manager is inactive and this person is active');
  }
  // A cycle (A manages B manages A) cannot be declared: the first person of it, by email, loses their manager.
  for (const start of people) {
    const chain: string[] = [];
    let current: ImportedPerson | undefined = start;
    while (current?.manager && !chain.includes(current.key)) {
      chain.push(current.key);
      current = imported.get(current.manager);
    }
    if (current && chain.includes(current.key) && current.manager) {
      const cycle = chain.slice(chain.indexOf(current.key));
      const first = imported.get([...cycle].sort()[0])!;
      const manager = first.manager!;
      first.manager = undefined;
      first.comments.set('email', [...(first.comments.get('email') ?? []), `manager ${manager} left out: the vendors' managers form a cycle`]);
    }
  }
}

// ------------------------------------------------------------------------------------------- naming

/** A key the schema accepts: lower-case letters, digits, dots, dashes, underscores. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[^a-z0-9]+|-+$/g, '') || 'imported'
  );
}

function uniqueKey(base: string, taken: Set<string>): string {
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  taken.add(key);
  return key;
}

/** `enerflo-sales-rep-setter`; a second combination with the same label gets `-2`, in a stable order. */
function nameRoles(roles: GeneratedRole[], declared: DeclaredState): void {
  const taken = new Set(declared.roles.map((r) => r.key));
  const ordered = [...roles].sort(
    (a, b) => compare(a.kind, b.kind) || compare(a.label, b.label) || b.people - a.people || compare(JSON.stringify(a.mapping), JSON.stringify(b.mapping)),
  );
  for (const role of ordered) role.key = uniqueKey(slug(`${role.kind}-${role.label}`), taken);
}

/**
 * `enerflo-office-101` after the first vendor's id; when two offices share it, the next vendor's id
 * tells them apart (`enerflo-office-101-pulse-team-12`). The name lists every vendor's id in words.
 */
function nameOffices(offices: GeneratedOffice[], declared: DeclaredState): void {
  const taken = new Set(declared.offices.map((o) => o.key));
  const described = offices.map((office) => {
    const parts = [...office.mappings].sort((a, b) => byKindOrder(a[0], b[0]));
    return {
      office,
      parts: parts.map(([kind, m]) => slug(`${kind}-${m.id}`)),
      name: parts.map(([, m]) => `${m.title} ${m.id.replace(/-/, ' ')}`).join(', '),
    };
  });
  described.sort((a, b) => compare(a.parts.join('-'), b.parts.join('-')));
  const firsts = new Map<string, number>();
  for (const d of described) firsts.set(d.parts[0], (firsts.get(d.parts[0]) ?? 0) + 1);
  for (const d of described) {
    // Shared first ids take every part, so the keys of one group do not depend on each other's order.
    const base = firsts.get(d.parts[0])! > 1 || taken.has(d.parts[0]) ? d.parts.join('-') : d.parts[0];
    d.office.key = uniqueKey(base, taken);
    d.office.name = d.name;
  }
}

