import { describe, expect, it } from 'vitest';
import type { ResolvedPerson } from '../../src/config/model.js';
import { assignedOnlyScopesOf, comparablePhone, highlevelDesired, highlevelFields, highlevelRolesOf } from '../../src/vendors/highlevel/mapping.js';
import { fullPermissions, highlevelPermissionDefaults, sharedPermissions } from '../../src/vendors/highlevel/permissions.js';

const source = { file: 'users/x.yaml', line: 1, col: 1 };

const role = (key: string, highlevel?: Record<string, unknown>) => ({ key, source, ...(highlevel ? { highlevel } : {}) });

function person(roles: ReturnType<typeof role>[], over: Record<string, unknown> = {}): ResolvedPerson {
  return {
    key: 'jo@example.com',
    email: 'Jo@Example.com',
    firstName: 'Jo',
    lastName: 'Smith',
    active: true,
    roles,
    office: { key: 'austin', name: 'Austin', timezone: 'America/Chicago', source, highlevel: { locationIds: ['LocB', 'LocA'] } },
    source,
    ...over,
  };
}

describe('HighLevel mapping: desired', () => {
  it('is undefined when no role maps onto HighLevel', () => {
    expect(highlevelDesired(person([role('accounting')]))).toBeUndefined();
  });

  it('maps one role: account user, defaults, the office locations sorted', () => {
    const desired = highlevelDesired(person([role('rep', { type: 'account', role: 'user' })], { phone: '+15125550100' }))!;
    expect(desired).toMatchObject({ key: 'jo@example.com', email: 'Jo@Example.com', active: true, dependsOn: [] });
    expect(desired.pinnedId).toBeUndefined();
    expect(desired.fields).toEqual({
      firstName: 'Jo',
      lastName: 'Smith',
      phone: '+15125550100',
      type: 'account',
      role: 'user',
      locationIds: ['LocA', 'LocB'],
      permissions: highlevelPermissionDefaults,
    });
    // No role declares scopes: they are not managed, so no write sends [] (which disables them all).
    expect(desired.fields).not.toHaveProperty('scopes');
  });

  it('manages scopes once any role or the person declares them, an empty list included', () => {
    const declaredEmpty = highlevelDesired(person([role('rep', { type: 'account', role: 'user', scopes: [] }), role('other', { type: 'account', role: 'user' })]))!;
    expect(declaredEmpty.fields.scopes).toEqual([]);
    const own = highlevelDesired(person([role('rep', { type: 'account', role: 'user' })], { vendors: { highlevel: { scopes: ['funnels.write'] } } }))!;
    expect(own.fields.scopes).toEqual(['funnels.write']);
  });

  // One role alone and an office are shared by thousands: their lists are built once and shared (issue 26).
  it("gives people of one role and office the same lists, and a person's own scopes, locations and permissions on top", () => {
    const rep = role('rep', { type: 'account', role: 'user', scopes: ['b.write', 'a.read', 'b.write'], scopesAssignedToOnly: ['b.write'], permissions: { websitesEnabled: true } });
    const office = { key: 'austin', name: 'Austin', timezone: 'America/Chicago', source, highlevel: { locationIds: ['LocB', 'LocA', 'LocB'] } };
    const one = highlevelDesired(person([rep], { office }))!;
    const two = highlevelDesired(person([rep], { office, key: 'al@example.com' }))!;
    expect(one.fields).toMatchObject({ scopes: ['a.read', 'b.write'], scopesAssignedToOnly: ['b.write'], locationIds: ['LocA', 'LocB'] });
    expect((one.fields.permissions as Record<string, boolean>).websitesEnabled).toBe(true);
    for (const field of ['scopes', 'scopesAssignedToOnly', 'locationIds', 'permissions']) expect(two.fields[field]).toBe(one.fields[field]);
    const own = highlevelDesired(person([rep], { office, vendors: { highlevel: { scopes: ['c.read'], locationIds: ['LocC'], permissions: { websitesEnabled: false } } } }))!;
    expect(own.fields).toMatchObject({ scopes: ['a.read', 'b.write', 'c.read'], scopesAssignedToOnly: ['b.write'], locationIds: ['LocA', 'LocB', 'LocC'] });
    expect((own.fields.permissions as Record<string, boolean>).websitesEnabled).toBe(false);
    expect(highlevelDesired(person([rep], { office: undefined }))!.fields.locationIds).toEqual([]);
  });

  it('takes agency and admin when any role says so, and unions scopes', () => {
    const desired = highlevelDesired(
      person([
        role('rep', { type: 'account', role: 'user', scopes: ['contacts.write', 'campaigns.readonly'], scopesAssignedToOnly: ['contacts.write'] }),
        role('boss', { type: 'agency', role: 'admin', scopes: ['contacts.write', 'workflows.readonly'] }),
        role('accounting'),
      ]),
    )!;
    expect(desired.fields).toMatchObject({
      type: 'agency',
      role: 'admin',
      scopes: ['campaigns.readonly', 'contacts.write', 'workflows.readonly'],
    });
    // Write-only (not in UserSchema): in the record, so a create shows it, but a field plans never compare.
    expect(desired.fields.scopesAssignedToOnly).toEqual(['contacts.write']);
    expect(highlevelFields.find((field) => field.name === 'scopesAssignedToOnly')?.writeOnly).toBe(true);
    expect(assignedOnlyScopesOf(highlevelRolesOf(person([role('rep', { type: 'account', role: 'user' })])))).toBeUndefined();
  });

  it('overlays permissions: defaults, then the OR of the roles naming one, then the person', () => {
    const desired = highlevelDesired(
      person(
        [
          role('a', { type: 'account', role: 'user', permissions: { settingsEnabled: false, websitesEnabled: true, assignedDataOnly: false } }),
          role('b', { type: 'account', role: 'user', permissions: { assignedDataOnly: true, botService: false } }),
        ],
        { vendors: { highlevel: { permissions: { websitesEnabled: false, membershipEnabled: true } } } },
      ),
    )!;
    expect(desired.fields.permissions).toEqual({
      ...highlevelPermissionDefaults,
      // One role turns a default off when no other role grants it.
      settingsEnabled: false,
      // Any role granting wins.
      assignedDataOnly: true,
      botService: false,
      // The person's overrides come last, either way.
      websitesEnabled: false,
      membershipEnabled: true,
    });
    expect(Object.keys(desired.fields.permissions as object)).toHaveLength(38);
  });

  it('adds the person\'s own locations and scopes, and pins their id', () => {
    const desired = highlevelDesired(
      person([role('rep', { type: 'account', role: 'user', scopes: ['contacts.write'] })], {
        vendors: { highlevel: { id: 'Pinned00000000000001', locationIds: ['LocC', 'LocA'], scopes: ['funnels.write'] } },
      }),
    )!;
    expect(desired.pinnedId).toBe('Pinned00000000000001');
    expect(desired.fields.locationIds).toEqual(['LocA', 'LocB', 'LocC']);
    expect(desired.fields.scopes).toEqual(['contacts.write', 'funnels.write']);
  });

  it('leaves the phone unmanaged when git declares none, and keeps an offboarded person as inactive', () => {
    const desired = highlevelDesired(person([role('rep', { type: 'account', role: 'user' })], { active: false, office: undefined }))!;
    expect(desired.fields).not.toHaveProperty('phone');
    expect(desired.fields.locationIds).toEqual([]);
    expect(desired.active).toBe(false);
  });
});

describe('HighLevel mapping: phones', () => {
  it('reads HighLevel display formats as E.164', () => {
    expect(comparablePhone('+1 808-868-8888')).toBe('+18088688888');
    expect(comparablePhone('(512) 555-0100')).toBe('+15125550100');
    expect(comparablePhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(comparablePhone('')).toBeNull();
    expect(comparablePhone(undefined)).toBeNull();
    expect(comparablePhone('ext. 12')).toBe('12');
  });
});

describe('sharedPermissions', () => {
  it('gives one frozen object per distinct set, equal to what it was given', () => {
    const a = sharedPermissions(fullPermissions({ websitesEnabled: false }));
    const b = sharedPermissions(fullPermissions({ websitesEnabled: false }));
    const c = sharedPermissions(fullPermissions({ websitesEnabled: true }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toEqual(fullPermissions({ websitesEnabled: false }));
    expect(Object.isFrozen(a)).toBe(true);
  });
});
