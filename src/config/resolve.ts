import { checkPersonDates, managerLeavesFirst, roleKeyOf, roleWindowOf, type DayWindow } from './dates.js';
import type { Diagnostic } from './diagnostics.js';
import type { Organisation, ResolvedOffice, ResolvedPerson, ResolvedRole, SourceRef } from './model.js';
import { toE164 } from './phone.js';
import type { DeclaredOffice, DeclaredPerson, DeclaredRole, RootConfig, VendorSchemas } from './schema.js';
import { closeMatches, didYouMean } from './suggest.js';
import { formatPath } from './yaml-source.js';
import type { FieldPath, SourceFile } from './yaml-source.js';

/** One office, role or person as declared, with where it sits. `value` is unset when it failed the schema. */
export interface DeclaredItem<T> {
  /** Its file, by name: the file's YAML tree is not kept (see SourceFile). */
  source: SourceFile;
  /** Where in its file: `people` and 3 for the path `['people', 3]` (two fields, not an array per item). */
  section: 'offices' | 'roles' | 'people';
  index: number;
  /** Where the item starts (1-based), located while its file was read. */
  line: number;
  col: number;
  value?: T;
  /** For an item that failed the schema: its fields that are valid on their own (people only). */
  partial?: Partial<T>;
  /** The key (offices, roles) or email (people) as written, when there is one. */
  key?: string;
}

export interface Declarations {
  offices: DeclaredItem<DeclaredOffice>[];
  roles: DeclaredItem<DeclaredRole>[];
  people: DeclaredItem<DeclaredPerson>[];
}

/** A person's fields that resolution replaces (role keys by roles, ...) rather than copies. */
const resolvedFields = new Set(['roles', 'office', 'manager', 'phone', 'timezone']);

/** Phone numbers without a country code are read as this country's. */
export const DEFAULT_PHONE_COUNTRY = 'US';

const knownTimezones = (): string[] => Intl.supportedValuesOf('timeZone');

/** An IANA timezone name the runtime knows (aliases such as `UTC` included). */
export function isValidTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * A phone number in E.164 (`+15125550100`), or undefined when it cannot be read as a real number.
 * Through toE164, so a plan reading the same number back from a vendor need not parse it again.
 */
export function normalisePhone(phone: string): string | undefined {
  return toE164(phone, DEFAULT_PHONE_COUNTRY);
}

function sourceRef(item: DeclaredItem<unknown>): SourceRef {
  return { file: item.source.file, line: item.line, col: item.col };
}

/** The path of `sub` inside `item` in its file: `['people', 3, 'roles', 0]`. */
function pathIn(item: DeclaredItem<unknown>, sub: FieldPath): FieldPath {
  return [item.section, item.index, ...sub];
}

/**
 * Positions of fields inside declared items, looked up once every check has run. Each item knows
 * where it starts; a diagnostic about one of its fields needs the file's tree, which the loader let go,
 * so each file that any diagnostic points into is parsed again, once, one file at a time. A valid
 * organisation looks nothing up.
 */
class FieldPositions {
  private readonly wanted = new Map<SourceFile, { item: DeclaredItem<unknown>; sub: FieldPath; set: (line: number, col: number) => void }[]>();

  /** Calls `set` with the position of `sub` inside `item`, at once for the item itself, else on `lookUp`. */
  want(item: DeclaredItem<unknown>, sub: FieldPath, set: (line: number, col: number) => void): void {
    if (sub.length === 0) return set(item.line, item.col);
    const inFile = this.wanted.get(item.source) ?? [];
    if (inFile.length === 0) this.wanted.set(item.source, inFile);
    inFile.push({ item, sub, set });
  }

  lookUp(): void {
    for (const [file, wanted] of this.wanted) {
      const source = file.reparse();
      for (const { item, sub, set } of wanted) {
        // A file that changed since it was read: the item's own position is the best still known.
        const { line, col } = source ? source.locate(pathIn(item, sub)) : item;
        set(line, col);
      }
    }
    this.wanted.clear();
  }
}

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
  const positions = new FieldPositions();
  const result = checkAndResolve(declarations, config, configFile, files, vendors, positions);
  positions.lookUp();
  return result;
}

function checkAndResolve(
  declarations: Declarations,
  config: RootConfig | undefined,
  configFile: string,
  files: string[],
  vendors: readonly VendorSchemas[],
  positions: FieldPositions,
): { org?: Organisation; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];

  /** A diagnostic about `sub` inside `item`; its line and column are filled in by `positions.lookUp`. */
  const at = (item: DeclaredItem<unknown>, sub: FieldPath, message: string, hint?: string): Diagnostic => {
    const diagnostic: Diagnostic = { file: item.source.file, line: 1, col: 1, path: formatPath(pathIn(item, sub)), message, ...(hint ? { hint } : {}) };
    positions.want(item, sub, (line, col) => Object.assign(diagnostic, { line, col }));
    return diagnostic;
  };
  /** `item` repeats the key `first` declared: the message names the other place, once it is known. */
  const declaredTwice = (item: DeclaredItem<unknown>, first: DeclaredItem<unknown>, sub: FieldPath, message: (otherPlace: string) => string, hint: string): Diagnostic => {
    const diagnostic = at(item, sub, message('?'), hint);
    positions.want(first, sub, (line, col) => (diagnostic.message = message(`${first.source.file}:${line}:${col}`)));
    return diagnostic;
  };

  // Offices and roles: keys are unique across every file.
  const offices = new Map<string, ResolvedOffice>();
  const officeItems = new Map<string, DeclaredItem<DeclaredOffice>>();
  for (const item of declarations.offices) {
    if (item.key === undefined) continue;
    const first = officeItems.get(item.key);
    if (first) {
      diagnostics.push(declaredTwice(item, first, ['key'], (other) => `office "${item.key}" is declared twice; the other one is at ${other}`, 'office keys are unique across all users files'));
      continue;
    }
    officeItems.set(item.key, item);
    if (!item.value) continue;
    if (!isValidTimezone(item.value.timezone)) {
      diagnostics.push(at(item, ['timezone'], `unknown timezone "${item.value.timezone}"`, timezoneHint(item.value.timezone)));
    }
    offices.set(item.key, { ...item.value, source: sourceRef(item) });
  }

  const roles = new Map<string, ResolvedRole>();
  const roleItems = new Map<string, DeclaredItem<DeclaredRole>>();
  for (const item of declarations.roles) {
    if (item.key === undefined) continue;
    const first = roleItems.get(item.key);
    if (first) {
      diagnostics.push(declaredTwice(item, first, ['key'], (other) => `role "${item.key}" is declared twice; the other one is at ${other}`, 'role keys are unique across all users files'));
      continue;
    }
    roleItems.set(item.key, item);
    if (item.value) roles.set(item.key, { ...item.value, source: sourceRef(item) });
  }

  // People: the lower-cased email is the identity, unique across every file.
  const personItems = new Map<string, DeclaredItem<DeclaredPerson>>();
  for (const item of declarations.people) {
    if (item.key === undefined) continue;
    const key = item.key.toLowerCase();
    const first = personItems.get(key);
    if (first) {
      diagnostics.push(declaredTwice(item, first, ['email'], (other) => `${item.key} is declared twice (emails compare case-insensitively); the other one is at ${other}`, 'each person is declared once; merge the two entries'));
      continue;
    }
    personItems.set(key, item);
  }

  const people: ResolvedPerson[] = [];
  const peopleByKey = new Map<string, ResolvedPerson>();
  /** `people[i]` was declared by `personItem[i]`. */
  const personItem: DeclaredItem<DeclaredPerson>[] = [];
  /** One list of roles for everybody who holds the same ones (frozen: people share it). */
  const roleLists = new Map<string, ResolvedRole[]>();
  // People whose declaration is broken somewhere (their own fields, a role, their office) get the
  // checks that do not depend on the broken part, but no vendor checks: those would guess.
  const incomplete = new Set<ResolvedPerson>();
  for (const [key, item] of personItems) {
    const value = (item.value ?? item.partial) as DeclaredPerson | undefined;
    if (!value) continue;
    const { roles: roleEntries = [], office: officeKey, manager, phone, timezone } = value;
    let broken = !item.value;

    let personRoles: ResolvedRole[] = [];
    let roleWindows: Record<string, DayWindow> | undefined;
    roleEntries.forEach((entry, i) => {
      const roleKey = roleKeyOf(entry);
      const window = roleWindowOf(entry);
      if (window) (roleWindows ??= {})[roleKey] = window;
      const role = roles.get(roleKey);
      if (role) {
        if (personRoles.includes(role)) diagnostics.push(at(item, ['roles', i], `role "${roleKey}" is listed twice`));
        else personRoles.push(role);
      } else if (roleItems.has(roleKey)) {
        broken = true;
      } else {
        diagnostics.push(at(item, ['roles', i], `unknown role "${roleKey}"`, didYouMean(roleKey, roleItems.keys()) ?? listHint('roles', roleItems.keys())));
      }
    });

    const roleList = personRoles.map((role) => role.key).join(' ');
    const sameRoles = roleLists.get(roleList);
    if (sameRoles) personRoles = sameRoles;
    else roleLists.set(roleList, Object.freeze(personRoles) as ResolvedRole[]);

    let office: ResolvedOffice | undefined;
    if (officeKey !== undefined) {
      office = offices.get(officeKey);
      if (!office && officeItems.has(officeKey)) broken = true;
      else if (!office) {
        diagnostics.push(at(item, ['office'], `unknown office "${officeKey}"`, didYouMean(officeKey, officeItems.keys()) ?? listHint('offices', officeItems.keys())));
      }
    }

    let e164: string | undefined;
    if (phone !== undefined) {
      e164 = normalisePhone(phone);
      if (!e164) {
        diagnostics.push(at(item, ['phone'], `"${phone}" is not a phone number roster can read`, 'write it with its area code, e.g. (512) 555-0100, or in international form, e.g. +44 20 7946 0958'));
      }
    }

    for (const issue of checkPersonDates(value)) diagnostics.push(at(item, issue.path, issue.message, issue.hint));

    if (timezone !== undefined && !isValidTimezone(timezone)) {
      diagnostics.push(at(item, ['timezone'], `unknown timezone "${timezone}"`, timezoneHint(timezone)));
    }

    // Per-vendor overrides of the person's own fields get the same checks, and phones the same E.164.
    const vendors = value.vendors ? { ...value.vendors } : undefined;
    for (const [kind, own] of Object.entries(vendors ?? {})) {
      const overrides = own as Record<string, unknown> | undefined;
      if (!overrides) continue;
      if (typeof overrides.phone === 'string') {
        const normalised = normalisePhone(overrides.phone);
        if (normalised) vendors![kind] = { ...overrides, phone: normalised };
        else diagnostics.push(at(item, ['vendors', kind, 'phone'], `"${overrides.phone}" is not a phone number roster can read`, 'write it with its area code, e.g. (512) 555-0100, or list phone under unmanaged to leave this vendor\'s phone alone'));
      }
      if (typeof overrides.timezone === 'string' && !isValidTimezone(overrides.timezone)) {
        diagnostics.push(at(item, ['vendors', kind, 'timezone'], `unknown timezone "${overrides.timezone}"`, timezoneHint(overrides.timezone)));
      }
    }

    // Field by field, not `{ ...rest, key, ... }`: V8 gives each object built from a spread its own
    // hidden class (some 400 bytes), 40 MB at 100,000 people. The declared fields first, as declared.
    const fields: Partial<ResolvedPerson> & Record<string, unknown> = {};
    for (const [field, declared] of Object.entries(value)) {
      if (!resolvedFields.has(field)) fields[field] = declared;
    }
    if (vendors) fields.vendors = vendors;
    fields.key = key;
    if (e164) fields.phone = e164;
    if (timezone ?? office?.timezone) fields.timezone = timezone ?? office?.timezone;
    fields.active = value.active ?? true;
    fields.roles = personRoles;
    if (roleWindows) fields.roleWindows = roleWindows;
    if (office) fields.office = office;
    if (manager) fields.manager = manager.toLowerCase();
    fields.source = sourceRef(item);
    // Every field a ResolvedPerson needs is set just above.
    const person = fields as ResolvedPerson;
    people.push(person);
    peopleByKey.set(key, person);
    personItem.push(item);
    if (broken) incomplete.add(person);
  }

  // The manager chain: exists, not oneself, not offboarded while the report is active, no cycles.
  people.forEach((person, i) => {
    if (!person.manager) return;
    const item = personItem[i];
    if (person.manager === person.key) {
      diagnostics.push(at(item, ['manager'], 'a person cannot be their own manager'));
      return;
    }
    const manager = peopleByKey.get(person.manager);
    if (!manager) {
      if (!personItems.has(person.manager)) {
        const close = closeMatches(person.manager, personItems.keys());
        diagnostics.push(at(item, ['manager'], `manager ${person.manager} is not declared in any users file`, close.length ? `did you mean ${close.join(' or ')}?` : 'the manager must be a person declared under people'));
      }
      return;
    }
    person.manager = manager.key; // the same text: one copy of it for all of a manager's reports
    if (person.active && !manager.active) {
      diagnostics.push(at(item, ['manager'], `manager ${manager.email} is offboarded (active: false), but ${person.email} is active`, 'give them a current manager before offboarding the old one'));
    }
    const leavesFirst = managerLeavesFirst(person, manager);
    if (leavesFirst) diagnostics.push(at(item, ['manager'], leavesFirst, 'give them a manager who stays, or an endDate no later than their manager\'s'));
  });
  // The walk (by its start's index) that first reached each person. A walk that reaches a person an
  // earlier walk reached stops there, since whatever lies beyond was reported then: each person is
  // walked over once, each cycle found once, and the check stays linear in the number of people.
  const reachedBy = new Map<ResolvedPerson, number>();
  let indexOf: Map<ResolvedPerson, number> | undefined;
  people.forEach((start, walk) => {
    const chain: ResolvedPerson[] = [];
    let current: ResolvedPerson | undefined = start;
    while (current && !reachedBy.has(current) && current.manager !== current.key) {
      chain.push(current);
      reachedBy.set(current, walk);
      current = current.manager ? peopleByKey.get(current.manager) : undefined;
    }
    if (!current || reachedBy.get(current) !== walk) return;
    const cycle = chain.slice(chain.indexOf(current));
    // Reported at the person of the cycle declared first.
    indexOf ??= new Map(people.map((person, i) => [person, i]));
    const firstIndex = cycle.reduce((lowest, person) => Math.min(lowest, indexOf!.get(person)!), Infinity);
    const first = people[firstIndex];
    const ordered = [...cycle.slice(cycle.indexOf(first)), ...cycle.slice(0, cycle.indexOf(first))];
    diagnostics.push(at(personItem[firstIndex], ['manager'], `manager cycle: ${[...ordered, first].map((p) => p.email).join(' → ')}`, 'somebody in this chain needs a different manager (or none)'));
  });

  if (!config) return { diagnostics };

  const org: Organisation = { config, configFile, offices, roles, people, peopleByKey, files };

  // Vendor rules that need no network call, for each kind of vendor the config uses.
  const configuredKinds = new Set(Object.values(config.vendors).map((v) => v.kind));
  for (const vendor of vendors) {
    const checkPerson = vendor.checkPerson?.bind(vendor);
    if (!checkPerson || !configuredKinds.has(vendor.kind)) continue;
    people.forEach((person, i) => {
      if (incomplete.has(person)) return;
      for (const issue of checkPerson(person, org)) {
        diagnostics.push(at(personItem[i], issue.path, issue.message, issue.hint));
      }
    });
  }

  return diagnostics.length === 0 ? { org, diagnostics } : { diagnostics };
}

function timezoneHint(name: string): string {
  const close = closeMatches(name, knownTimezones());
  return close.length ? `did you mean ${close.join(' or ')}?` : 'use an IANA name such as America/Chicago';
}

function listHint(what: string, keys: Iterable<string>): string | undefined {
  const all = [...keys];
  return all.length ? `declared ${what}: ${all.join(', ')}` : `no ${what} are declared`;
}
