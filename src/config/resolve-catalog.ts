import { sourceRef, type Declarations, type DeclaredItem } from './declared.js';
import type { ItemDiagnostics } from './field-positions.js';
import type { ResolvedOffice, ResolvedRole } from './model.js';
import type { DeclaredOffice, DeclaredRole } from './schema.js';
import { isValidTimezone, timezoneHint, timezoneMessage } from './timezones.js';

/** The offices and roles of every users file, by key. */
export interface Catalog {
  offices: Map<string, ResolvedOffice>;
  roles: Map<string, ResolvedRole>;
  /**
   * The item that first declared each key, also when it failed the schema: a reference to a broken
   * office or role is not reported again as unknown.
   */
  officeItems: Map<string, DeclaredItem<DeclaredOffice>>;
  roleItems: Map<string, DeclaredItem<DeclaredRole>>;
}

/** Offices and roles: keys are unique across every file. */
export function resolveCatalog(declarations: Declarations, found: ItemDiagnostics): Catalog {
  const { offices, officeItems } = resolveOffices(declarations.offices, found);
  const { roles, roleItems } = resolveRoles(declarations.roles, found);
  return { offices, roles, officeItems, roleItems };
}

function resolveOffices(items: DeclaredItem<DeclaredOffice>[], found: ItemDiagnostics): Pick<Catalog, 'offices' | 'officeItems'> {
  const offices = new Map<string, ResolvedOffice>();
  const officeItems = new Map<string, DeclaredItem<DeclaredOffice>>();
  for (const item of items) {
    if (item.key === undefined) continue;
    const first = officeItems.get(item.key);
    if (first) {
      found.declaredTwice(item, first, ['key'], (other) => `office "${item.key}" is declared twice; the other one is at ${other}`, 'office keys are unique across all users files');
      continue;
    }
    officeItems.set(item.key, item);
    if (!item.value) continue;
    if (!isValidTimezone(item.value.timezone)) {
      found.at(item, ['timezone'], timezoneMessage(item.value.timezone), timezoneHint(item.value.timezone));
    }
    offices.set(item.key, { ...item.value, source: sourceRef(item) });
  }
  return { offices, officeItems };
}

function resolveRoles(items: DeclaredItem<DeclaredRole>[], found: ItemDiagnostics): Pick<Catalog, 'roles' | 'roleItems'> {
  const roles = new Map<string, ResolvedRole>();
  const roleItems = new Map<string, DeclaredItem<DeclaredRole>>();
  for (const item of items) {
    if (item.key === undefined) continue;
    const first = roleItems.get(item.key);
    if (first) {
      found.declaredTwice(item, first, ['key'], (other) => `role "${item.key}" is declared twice; the other one is at ${other}`, 'role keys are unique across all users files');
      continue;
    }
    roleItems.set(item.key, item);
    if (item.value) roles.set(item.key, { ...item.value, source: sourceRef(item) });
  }
  return { roles, roleItems };
}
