import { expect } from 'vitest';
import { op, person, summary } from '../../../test/helpers/plans.js';
import type { E2ERun, VendorE2E } from '../../../test/vendors/e2e-scenario.js';
import type { HighlevelState } from './emulator.js';
import { highlevelPermissionDefaults } from './permissions.js';

// HighLevel's end-to-end scenario (test code, not shipped): test/vendors/e2e.test.ts runs it against the
// HighLevel adapter and emulator, seeded from fixture.ts.

const AUSTIN = 'aT4kW9nQ2rLx7VbP3mZs';
const SAN_MARCOS = 'sM5tQ8vW2xKp4LnR7bYc';
const PHOENIX = 'pH8xR3dK6wNq1YcJ5tGv';
const DENVER = 'dN2vB7mQ4sLk9XrW6hTa';

const offices = [
  { key: 'austin', name: 'Austin', timezone: 'America/Chicago', highlevel: { locationIds: [AUSTIN] } },
  { key: 'phoenix', name: 'Phoenix', timezone: 'America/Phoenix', highlevel: { locationIds: [PHOENIX] } },
  { key: 'denver', name: 'Denver', timezone: 'America/Denver', highlevel: { locationIds: [DENVER] } },
];

const roles = [
  {
    key: 'sales-rep',
    highlevel: { type: 'account', role: 'user', permissions: { contactsEnabled: true, assignedDataOnly: true } },
  },
  { key: 'regional-manager', highlevel: { type: 'account', role: 'admin' } },
  { key: 'office-admin', highlevel: { type: 'account', role: 'admin', scopes: ['contacts.write', 'campaigns.readonly'] } },
  { key: 'accounting' },
];

const people = [
  // Already in HighLevel and the same once phones are E.164 and locations sorted.
  person('maria.gonzalez@sunpath.example', 'Maria', 'Gonzalez', 'regional-manager', 'austin', {
    phone: '(512) 555-0101',
    vendors: { highlevel: { locationIds: [SAN_MARCOS] } },
  }),
  person('jake.thompson@sunpath.example', 'Jake', 'Thompson', 'sales-rep', 'austin', { phone: '512.555.0102' }),
  person('daniel.reyes@sunpath.example', 'Daniel', 'Reyes', 'regional-manager', 'phoenix', { phone: '+1-602-555-0121' }),
  // HighLevel has "Patel-Shah", websites on and assigned-data-only off.
  person('priya.patel@sunpath.example', 'Priya', 'Patel', 'sales-rep', 'austin', { phone: '+1 512 555 0103' }),
  // New.
  person('grace.kim@sunpath.example', 'Grace', 'Kim', 'office-admin', 'phoenix', { phone: '(602) 555-0127' }),
  person('noah.bennett@sunpath.example', 'Noah', 'Bennett', 'sales-rep', 'denver'),
  // Left the company and never had a HighLevel user: nothing to do.
  person('diego.ramirez@sunpath.example', 'Diego', 'Ramirez', 'sales-rep', 'austin', { active: false }),
  // No HighLevel role: not in HighLevel at all.
  person('robert.hayes@sunpath.example', 'Robert', 'Hayes', 'accounting', 'austin'),
];

const stateOf = (run: E2ERun) => run.state as HighlevelState;
const byEmail = (state: HighlevelState, email: string) => state.users.find((u) => u.email.toLowerCase() === email && u.deletedAt === undefined);

export const e2e: VendorE2E = {
  instance: {
    baseUrl: 'https://services.leadconnectorhq.com',
    companyId: 'Rk7mQ2vX9pLs4TnB8cWd',
    credentials: { token: { env: 'HIGHLEVEL_TOKEN' } },
  },
  offices,
  roles,
  people,

  // Creates and an update; users git does not describe are left alone.
  firstPlan: {
    summary: ['create grace.kim@sunpath.example', 'create noah.bennett@sunpath.example', 'update priya.patel@sunpath.example'],
    // Maria, Jake, Daniel; and Diego, who is off in git and absent in HighLevel.
    unchanged: 4,
    unmanaged: [
      ['leah@brightsidemarketing.example', 'not described in git'],
      ['owner@sunpath.example', 'not described in git'],
    ],
    check(plan) {
      expect(op(plan, 'priya.patel@sunpath.example')?.changes).toEqual([
        { field: 'lastName', before: 'Patel-Shah', after: 'Patel' },
        { field: 'permissions.assignedDataOnly', before: false, after: true },
        { field: 'permissions.websitesEnabled', before: true, after: false },
      ]);
      const grace = op(plan, 'grace.kim@sunpath.example')!;
      expect(grace.changes).toEqual(
        expect.arrayContaining([
          { field: 'type', after: 'account' },
          { field: 'role', after: 'admin' },
          { field: 'locationIds', after: [PHOENIX] },
          { field: 'scopes', after: ['campaigns.readonly', 'contacts.write'] },
          { field: 'phone', after: '+16025550127' },
        ]),
      );
    },
  },

  apply: {
    summary: { succeeded: 3, failed: 0, skipped: 0 },
    // Six people in HighLevel, and Diego, off in git and absent there.
    unchanged: 7,
    check(report, run) {
      const state = stateOf(run);
      const writes = run.harness.writes().map((w) => `${w.method} ${w.path}`);
      expect(writes.sort()).toEqual(['POST /users/', 'POST /users/', 'PUT /users/Pr1yaPatelAu8Kd3NsWq']);

      const grace = byEmail(state, 'grace.kim@sunpath.example')!;
      expect(grace).toMatchObject({ type: 'account', role: 'admin', locationIds: [PHOENIX], scopes: ['campaigns.readonly', 'contacts.write'], phone: '+16025550127' });
      expect(grace.id).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(byEmail(state, 'priya.patel@sunpath.example')).toMatchObject({ lastName: 'Patel' });
      expect(byEmail(state, 'priya.patel@sunpath.example')!.permissions).toEqual({ ...highlevelPermissionDefaults, assignedDataOnly: true });
      // The report names who was created; the generated passwords appear nowhere in it.
      for (const user of state.users.filter((u) => u.password)) expect(JSON.stringify(report)).not.toContain(user.password);
    },
  },

  offboard: [
    // HighLevel cannot deactivate: while policy.allowDelete is off, a step for a person (no error, no operation).
    { email: 'jake.thompson@sunpath.example', action: 'manual', vendorId: 'Jk7ThompsonAu2Lq9VbX' },
    // With policy.allowDelete on it is deleted, and the queued delete does not come back.
    {
      email: 'jake.thompson@sunpath.example',
      action: 'delete',
      vendorId: 'Jk7ThompsonAu2Lq9VbX',
      instance: { policy: { allowDelete: true } },
      check(run) {
        expect(run.harness.writes().filter((w) => w.method === 'DELETE')).toEqual([{ kind: 'highlevel', method: 'DELETE', path: '/users/Jk7ThompsonAu2Lq9VbX' }]);
        // Still in search (deleted: true) for a minute: the adapter leaves it out, so nothing is left to do.
        expect(stateOf(run).users.find((u) => u.id === 'Jk7ThompsonAu2Lq9VbX')?.deletedAt).toBeDefined();
      },
    },
  ],

  refusedCredential: { env: 'HIGHLEVEL_TOKEN', message: /could not list users: highlevel: GET \/users\/search answered 401: Invalid JWT \(check the token/ },

  cases: [
    {
      name: 'prunes users git does not describe only with prune and allowDelete',
      async run(ctx) {
        const first = await ctx.setUp({ instance: { policy: { prune: true } } });
        const refused = await first.harness.plan();
        expect(refused.vendors[0].unmanaged.map((u) => u.reason)).toEqual([
          'not described in git; pruning it needs policy.allowDelete',
          'not described in git; pruning it needs policy.allowDelete',
        ]);
        await first.close();

        const { harness: pruning } = await ctx.setUp({ instance: { policy: { prune: true, allowDelete: true, ignore: ['owner@sunpath.example'] } } });
        const plan = await pruning.plan();
        expect(summary(plan)).toContain('delete leah@brightsidemarketing.example');
        expect(summary(plan)).not.toContain('delete owner@sunpath.example');
      },
    },
    {
      name: 'reports an email change as needing a person, or deletes and re-creates with emailChange: recreate',
      async run(ctx) {
        const renamed = [person('jake.t@sunpath.example', 'Jake', 'Thompson', 'sales-rep', 'austin', { phone: '512.555.0102', vendors: { highlevel: { id: 'Jk7ThompsonAu2Lq9VbX' } } })];
        const first = await ctx.setUp({ people: renamed });
        const plan = await first.harness.plan();
        expect(plan.vendors[0].operations).toEqual([]);
        expect(plan.vendors[0].errors).toEqual([
          expect.objectContaining({ key: 'jake.t@sunpath.example', message: expect.stringMatching(/email would change from jake.thompson@sunpath.example to jake.t@sunpath.example/) }),
        ]);
        await first.close();

        const run = await ctx.setUp({ people: renamed, instance: { emailChange: 'recreate' } });
        const recreate = await run.harness.plan();
        expect(recreate.vendors[0].operations.map((o) => `${o.action} ${o.key}`)).toEqual(['create jake.t@sunpath.example', 'delete jake.t@sunpath.example']);
        const report = await run.harness.apply(recreate);
        expect(report.summary.failed).toBe(0);
        // The old user is deleted only after the new one was created.
        expect(report.results.map((r) => r.action)).toEqual(['create', 'delete']);
        const state = stateOf(run);
        expect(state.users.find((u) => u.id === 'Jk7ThompsonAu2Lq9VbX')?.deletedAt).toBeDefined();
        expect(byEmail(state, 'jake.t@sunpath.example')).toMatchObject({ firstName: 'Jake', locationIds: [AUSTIN] });
      },
    },
    {
      name: 'surfaces vendor errors per person while the others apply',
      async run(ctx) {
        const run = await ctx.setUp({
          offices: [...offices, { key: 'tucson', name: 'Tucson', timezone: 'America/Phoenix', highlevel: { locationIds: ['NoSuchLocation000001'] } }],
          roles: [...roles, { key: 'wizard', highlevel: { type: 'account', role: 'user', scopes: ['wizardry.write'] } }],
          people: [
            ...people,
            person('ghost.office@sunpath.example', 'Ghost', 'Office', 'sales-rep', 'tucson'),
            person('merlin@sunpath.example', 'Merlin', 'Ambrosius', 'wizard', 'denver'),
          ],
        });
        const report = await run.harness.apply();
        const failed = Object.fromEntries(report.results.filter((r) => !r.ok).map((r) => [r.key, r.error]));
        expect(Object.keys(failed).sort()).toEqual(['ghost.office@sunpath.example', 'merlin@sunpath.example']);
        expect(failed['ghost.office@sunpath.example']).toBe('highlevel: POST /users/ answered 422: locationIds contains an unknown location: NoSuchLocation000001');
        expect(failed['merlin@sunpath.example']).toMatch(/POST \/users\/ answered 422: each value in scopes must be one of the allowed scopes \(not "wizardry.write"\)/);
        expect(report.summary.succeeded).toBe(3);
        expect(byEmail(stateOf(run), 'ghost.office@sunpath.example')).toBeUndefined();
      },
    },
    {
      name: 'never creates anyone twice when writes are applied but their answers are lost',
      async run(ctx) {
        const many = Array.from({ length: 10 }, (_, i) => person(`rep${i}@sunpath.example`, `Rep${i}`, 'Lost', 'sales-rep', 'denver'));
        const run = await ctx.setUp({ people: [...people, ...many], emulator: { faults: { lostWrite: 0.3, seed: 7 } } });
        const { harness, emulator } = run;
        const report = await harness.apply();
        expect(emulator.requests.some((r) => r.fault === 'lostWrite' && r.method === 'POST')).toBe(true);
        expect(report.summary.failed).toBe(0);
        const emails = stateOf(run).users.filter((u) => u.deletedAt === undefined).map((u) => u.email.toLowerCase());
        expect(emails.length).toBe(new Set(emails).size);
        emulator.setFaults(undefined);
        expect((await harness.plan()).vendors[0].operations).toEqual([]);
      },
    },
    {
      name: 'paces itself under a tiny rate window and still applies everything',
      async run(ctx) {
        const many = Array.from({ length: 12 }, (_, i) => person(`rep${i}@sunpath.example`, `Rep${i}`, 'Paced', 'sales-rep', 'denver'));
        const { harness } = await ctx.setUp({ people: [...people, ...many], emulator: { rateLimit: { limit: 4, windowMs: 250 } } });
        const report = await harness.apply();
        expect(report.summary).toEqual({ succeeded: 15, failed: 0, skipped: 0 });
        expect((await harness.plan()).vendors[0].operations).toEqual([]);
      },
    },
    {
      name: 'shows creates, an update and unmanaged users for the sample organisation in users/ (roster plan --sandbox)',
      async run(ctx) {
        const result = await ctx.cli(['plan', '--sandbox', '--vendor', 'highlevel']);
        expect(result.stderr).toBe('');
        expect(result.stdout).toMatch(/\+ create grace\.kim@sunpath\.example/);
        expect(result.stdout).toMatch(/~ update priya\.patel@sunpath\.example \(id Pr1yaPatelAu8Kd3NsWq\)/);
        expect(result.stdout).toMatch(/\? unmanaged (Sam Whitfield <)?owner@sunpath\.example/);
        expect(result.stdout).not.toMatch(/update (maria\.gonzalez|jake\.thompson|daniel\.reyes)/);
      },
    },
  ],
};
