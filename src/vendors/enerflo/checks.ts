import type { Organisation, ResolvedPerson } from '../../config/model.js';
import { personForVendor } from '../../config/overrides.js';
import { isValidTimezone } from '../../config/timezones.js';
import type { PersonIssue } from '../../config/schema.js';
import { DOCUMENTED_TIMEZONES } from './documented.js';
import { enerfloRoleNames, REGIONAL_MANAGER, SALES_REP } from './roles.js';
import { enerfloParts, type EnerfloConfig, type EnerfloRole } from './schema.js';

/** The Enerflo mapping of each of a person's roles that maps onto Enerflo. */
function enerfloRoles(person: ResolvedPerson): EnerfloRole[] {
  return person.roles.map(enerfloParts.role).filter((r): r is EnerfloRole => !!r);
}

/** The Enerflo Role Names a person gets: the union over their roles. */
export function enerfloRoleNamesOf(person: ResolvedPerson): string[] {
  return [...new Set(enerfloRoles(person).flatMap((r) => r.roles))];
}

/** A person exists in Enerflo when at least one of their roles maps onto it. */
export function isInEnerflo(person: ResolvedPerson): boolean {
  return enerfloRoles(person).length > 0;
}

/**
 * Enerflo keeps `manager_*` and `office_id` only on the Sales Rep role (enerflo-highlevel.md §1.4, and the
 * emulator decision in ../shared/vendors/README.md). `manager` and `office` are organisation facts that
 * other vendors use too, so the rule is about what would reach Enerflo:
 * - a manager is an Enerflo manager when the manager is in Enerflo as well;
 * - an office is an Enerflo office when it has an Enerflo `officeId`. Regional Managers may have one too,
 *   because Enerflo's update applies the first of `office_ids` to every role (Regional Manager included);
 * - extra `vendors.enerflo.officeIds` apply only to the Regional Manager role and are silently ignored
 *   otherwise.
 * Declaring what Enerflo cannot hold would leave a change in every plan that no apply can make.
 */
export function checkEnerfloPerson(person: ResolvedPerson, org: Organisation, instances: EnerfloConfig[]): PersonIssue[] {
  if (!isInEnerflo(person)) return [];
  const names = enerfloRoleNamesOf(person);
  const their = `their Enerflo roles are ${names.map((n) => `"${n}"`).join(', ')}`;
  const issues: PersonIssue[] = [];
  const isSalesRep = names.includes(SALES_REP);
  const isRegionalManager = names.includes(REGIONAL_MANAGER);

  const manager = person.manager ? org.peopleByKey.get(person.manager) : undefined;
  if (!isSalesRep && manager && isInEnerflo(manager)) {
    issues.push({
      path: ['manager'],
      message: `Enerflo keeps a manager only on Sales Reps, and ${their}`,
      hint: `give ${person.email} a role that maps to Enerflo "Sales Rep", or drop the manager (${manager.email} is in Enerflo, so it would be sent there)`,
    });
  }

  const officeId = enerfloParts.office(person.office)?.officeId;
  if (!isSalesRep && !isRegionalManager && person.office && officeId !== undefined) {
    issues.push({
      path: ['office'],
      message: `Enerflo keeps an office only on Sales Reps and Regional Managers, and ${their}; office "${person.office.key}" has Enerflo office id ${officeId}`,
      hint: `give ${person.email} a role that maps to Enerflo "Sales Rep", or leave out the office`,
    });
  }

  const extraOffices = enerfloParts.person(person)?.officeIds;
  if (extraOffices?.length && !isRegionalManager) {
    issues.push({
      path: ['vendors', 'enerflo', 'officeIds'],
      message: `Enerflo applies extra office ids only to the Regional Manager role, and ${their}`,
      hint: 'remove vendors.enerflo.officeIds, or give this person a role that maps to Enerflo "Regional Manager"',
    });
  }
  const timezone = timezoneIssue(person, instances);
  if (timezone) issues.push(timezone);
  const unknownRoles = names.filter((name) => !roleNamesOf(instances).has(name));
  if (unknownRoles.length > 0) {
    issues.push({
      path: ['roles'],
      message: `unknown Enerflo Role Name${unknownRoles.length === 1 ? '' : 's'} ${unknownRoles.map((n) => `"${n}"`).join(', ')}; expected one of: ${[...roleNamesOf(instances)].join(', ')}`,
      hint: `if Enerflo has ${unknownRoles.length === 1 ? 'this role' : 'these roles'} (a company's own), add ${unknownRoles.length === 1 ? 'it' : 'them'} to roleNames: [...] of the enerflo vendor in roster.yaml`,
    });
  }
  return issues;
}

/** What an Enerflo value may be: the documented list and every Enerflo instance's own additions, built once per set of instances. */
function acceptedBy(documented: Iterable<string>, added: (instance: EnerfloConfig) => string[]): (instances: EnerfloConfig[]) => Set<string> {
  const built = new WeakMap<object, Set<string>>();
  return (instances) => {
    let accepted = built.get(instances);
    if (!accepted) {
      accepted = new Set([...documented, ...instances.flatMap(added)]);
      built.set(instances, accepted);
    }
    return accepted;
  };
}

/** The Role Names Enerflo takes: the fixed list (documented.ts) and every Enerflo instance's `roleNames`. */
const roleNamesOf = acceptedBy(enerfloRoleNames, (v) => v.roleNames);

/** The timezones Enerflo takes: the documented ones and every Enerflo instance's `timezones`. */
const timezonesOf = acceptedBy(DOCUMENTED_TIMEZONES, (v) => v.timezones);

/**
 * `timezone` is an enum in Add a User (shared/vendors/published.md): a value outside it would fail at
 * create, so it is caught here. Names no runtime knows are reported by the loader already.
 */
function timezoneIssue(person: ResolvedPerson, instances: EnerfloConfig[]): PersonIssue | undefined {
  const timezone = personForVendor(person, 'enerflo').timezone;
  if (!timezone || timezonesOf(instances).has(timezone) || !isValidTimezone(timezone)) return undefined;
  const own = person.vendors?.enerflo?.timezone !== undefined;
  const fromOffice = !own && person.office?.timezone === timezone;
  return {
    path: own ? ['vendors', 'enerflo', 'timezone'] : fromOffice ? ['office'] : ['timezone'],
    message: `Enerflo's timezone list does not have "${timezone}"${fromOffice ? ` (the timezone of office "${person.office!.key}")` : ''}; it takes ${[...timezonesOf(instances)].join(', ')}`,
    hint: `if Enerflo lists "${timezone}" (its Add a User page has 16 values, 8 of them shown), add it to timezones: [...] of the enerflo vendor in roster.yaml; otherwise set vendors.enerflo.timezone for this person`,
  };
}
