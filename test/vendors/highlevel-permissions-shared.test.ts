import { describe, expect, it } from 'vitest';
import { fullPermissions, sharedPermissions, sharedPermissionsOf } from '../../src/vendors/highlevel/permissions.js';
import { highlevelPermissionNames } from '../../src/vendors/highlevel/schema.js';

/** The listing's shortcut (issue 26) must give exactly what the long way gives, for any answer a vendor sends. */
describe('sharedPermissionsOf', () => {
  const overlays: (Record<string, unknown> | undefined)[] = [
    undefined,
    {},
    { websitesEnabled: true },
    { campaignsEnabled: false, exportPaymentsEnabled: false },
    // Not booleans, unknown names: ignored, as fullPermissions ignores them.
    { websitesEnabled: 'true', contactsEnabled: 0, somethingNew: true, botService: null },
    Object.fromEntries(highlevelPermissionNames.map((name) => [name, true])),
    Object.fromEntries(highlevelPermissionNames.map((name) => [name, false])),
    // The last name alone differs: the highest bit counts.
    { exportPaymentsEnabled: false },
    { campaignsEnabled: false },
  ];

  it('is the shared full object of the same overlay, and the same object each time', () => {
    for (const overlay of overlays) {
      const long = sharedPermissions(fullPermissions(overlay));
      expect(sharedPermissionsOf(overlay)).toBe(long);
      expect(sharedPermissionsOf(overlay ? { ...overlay } : undefined)).toBe(long);
    }
  });

  it('tells every single permission apart from the defaults', () => {
    const seen = new Set(highlevelPermissionNames.map((name) => sharedPermissionsOf({ [name]: !fullPermissions()[name] })));
    seen.add(sharedPermissionsOf({}));
    expect(seen.size).toBe(highlevelPermissionNames.length + 1);
    for (const name of highlevelPermissionNames) expect(sharedPermissionsOf({ [name]: !fullPermissions()[name] })[name]).toBe(!fullPermissions()[name]);
  });
});
