import type { HighlevelFixture } from './emulator.js';

/**
 * The HighLevel emulator's built-in sandbox fixture (`roster sandbox`, `--sandbox`, the demo, the tests):
 * SunPath's agency (company) with one sub-account (location) per office plus San Marcos. Maria, Jake and
 * Daniel already match git; Priya drifted (an update); the agency owner and a marketing contractor are not
 * in git (unmanaged); everyone else is created. Deletions leave search 60 s after the DELETE.
 * A function, so every caller gets a fresh copy it may change.
 */
export function highlevelSandboxFixture(): HighlevelFixture {
  return {
    companyId: 'Rk7mQ2vX9pLs4TnB8cWd',
    deleteDelayMs: 60000,
    locations: [
      { id: 'aT4kW9nQ2rLx7VbP3mZs', name: 'SunPath Solar - Austin' },
      { id: 'sM5tQ8vW2xKp4LnR7bYc', name: 'SunPath Solar - San Marcos' },
      { id: 'pH8xR3dK6wNq1YcJ5tGv', name: 'SunPath Solar - Phoenix' },
      { id: 'dN2vB7mQ4sLk9XrW6hTa', name: 'SunPath Solar - Denver' },
    ],
    tokens: [
      { token: 'sandbox-highlevel-token', kind: 'agency', scopes: ['users.readonly', 'users.write'] },
      { token: 'sandbox-highlevel-austin-readonly', kind: 'location', locationId: 'aT4kW9nQ2rLx7VbP3mZs', scopes: ['users.readonly'] },
    ],
    users: [
      {
        id: 'Ag3nCyOwn3rXq7Lm2PzD',
        firstName: 'Sam',
        lastName: 'Whitfield',
        email: 'owner@sunpath.example',
        phone: '+1 512-555-0100',
        type: 'agency',
        role: 'admin',
        locationIds: [],
        scopes: ['contacts.write', 'campaigns.readonly', 'settings.write'],
      },
      {
        id: 'Mg0nZ4lezAu5tNx8RqWe',
        firstName: 'Maria',
        lastName: 'Gonzalez',
        email: 'maria.gonzalez@sunpath.example',
        phone: '+1 512-555-0101',
        type: 'account',
        role: 'admin',
        locationIds: ['sM5tQ8vW2xKp4LnR7bYc', 'aT4kW9nQ2rLx7VbP3mZs'],
      },
      {
        id: 'Jk7ThompsonAu2Lq9VbX',
        firstName: 'Jake',
        lastName: 'Thompson',
        email: 'jake.thompson@sunpath.example',
        phone: '+1 512-555-0102',
        type: 'account',
        role: 'user',
        locationIds: ['aT4kW9nQ2rLx7VbP3mZs'],
        permissions: { assignedDataOnly: true },
      },
      {
        id: 'Pr1yaPatelAu8Kd3NsWq',
        firstName: 'Priya',
        lastName: 'Patel-Shah',
        email: 'priya.patel@sunpath.example',
        phone: '+1 512-555-0103',
        type: 'account',
        role: 'user',
        locationIds: ['aT4kW9nQ2rLx7VbP3mZs'],
        permissions: { assignedDataOnly: false, websitesEnabled: true },
      },
      {
        id: 'Dn1elReyesPhx4Tg8HcM',
        firstName: 'Daniel',
        lastName: 'Reyes',
        email: 'daniel.reyes@sunpath.example',
        phone: '+1 602-555-0121',
        type: 'account',
        role: 'admin',
        locationIds: ['pH8xR3dK6wNq1YcJ5tGv'],
      },
      {
        id: 'Mk7tgContract0rZ2Ye5',
        firstName: 'Leah',
        lastName: 'Marsh',
        email: 'leah@brightsidemarketing.example',
        type: 'account',
        role: 'user',
        locationIds: ['aT4kW9nQ2rLx7VbP3mZs', 'pH8xR3dK6wNq1YcJ5tGv', 'dN2vB7mQ4sLk9XrW6hTa'],
        permissions: { websitesEnabled: true, socialPlanner: true },
        scopes: ['socialplanner/post.write', 'funnels.write'],
      },
    ],
  };
}
