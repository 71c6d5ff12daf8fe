import { expect } from 'vitest';
import type { Plan } from '../../reconcile/types.js';
import { op, person, summary } from '../../../test/helpers/plans.js';
import type { E2ERun, VendorE2E } from '../../../test/vendors/e2e-scenario.js';
import type { EnerfloState } from './emulator.js';

// Enerflo's end-to-end scenario (test code, not shipped): test/vendors/e2e.test.ts runs it against the
// Enerflo adapter and emulator, seeded from fixture.ts.

const maria = 'maria.gonzalez@sunpath.example';
const rachel = 'rachel.foster@sunpath.example';
const daniel = 'daniel.reyes@sunpath.example';

const people = [
  // Enerflo has no Optimus access for her: create-only (Update a User has no such field), so a notice.
  person(maria, 'Maria', 'Gonzalez', 'regional-manager', 'austin', { phone: '(512) 555-0101', externalId: 'HR-1001' }),
  // Enerflo has "Jake Thomson".
  person('jake.thompson@sunpath.example', 'Jake', 'Thompson', 'sales-rep', 'austin', { phone: '512.555.0102', manager: maria, externalId: 'HR-1002' }),
  // Same once phones and email case are normalised.
  person('priya.patel@sunpath.example', 'Priya', 'Patel', 'sales-rep', 'austin', { phone: '+1 512 555 0103', manager: maria, externalId: 'HR-1003' }),
  // Left the company; still active in Enerflo.
  person('diego.ramirez@sunpath.example', 'Diego', 'Ramirez', 'sales-rep', 'austin', { manager: maria, externalId: 'HR-1007', active: false }),
  person(daniel, 'Daniel', 'Reyes', 'regional-manager', 'phoenix', { phone: '+1-602-555-0121', externalId: 'HR-2001' }),
  // Also oversees Phoenix: an extra office on the Regional Manager role.
  person(rachel, 'Rachel', 'Foster', 'regional-manager', 'denver', { phone: '(720) 555-0141', externalId: 'HR-3001', vendors: { enerflo: { officeIds: [102] } } }),
  // Deactivated in Enerflo; back at work.
  person('noah.bennett@sunpath.example', 'Noah', 'Bennett', 'sales-rep', 'denver', { phone: '720.555.0142', manager: rachel, externalId: 'HR-3002' }),
  // New.
  person('aisha.khan@sunpath.example', 'Aisha', 'Khan', 'sales-rep', 'phoenix', { phone: '(602) 555-0122', manager: daniel, externalId: 'HR-2002' }),
  // A new manager and a new report: the manager is created first and the report gets her id.
  person('victoria.hale@sunpath.example', 'Victoria', 'Hale', 'regional-manager', 'denver'),
  person('zoe.price@sunpath.example', 'Zoe', 'Price', 'sales-rep', 'denver', { manager: 'victoria.hale@sunpath.example' }),
  // No Enerflo role: not in Enerflo at all.
  person('olivia.chen@sunpath.example', 'Olivia', 'Chen', 'office-admin', 'austin', { manager: maria }),
];

const stateOf = (run: E2ERun) => run.state as EnerfloState;
const user = (state: EnerfloState, email: string) => state.users.find((u) => u.email.toLowerCase() === email)!;

export const e2e: VendorE2E = {
  instance: { baseUrl: 'https://enerflo.io', credentials: { apiKey: { env: 'ENERFLO_API_KEY' } } },
  offices: [
    { key: 'austin', name: 'Austin', timezone: 'America/Chicago', enerflo: { officeId: 101 } },
    { key: 'phoenix', name: 'Phoenix', timezone: 'America/Phoenix', enerflo: { officeId: 102 } },
    { key: 'denver', name: 'Denver', timezone: 'America/Denver', enerflo: { officeId: 103 } },
  ],
  roles: [
    { key: 'sales-rep', enerflo: { roles: ['Sales Rep'], sendWelcomeEmail: true } },
    { key: 'regional-manager', enerflo: { roles: ['Regional Manager'], optimusAccess: true } },
    { key: 'office-admin' },
  ],
  people,

  // Creates, updates, a deactivation and a reactivation; the hand-added user is left alone.
  firstPlan: {
    summary: [
      'create aisha.khan@sunpath.example',
      'create victoria.hale@sunpath.example',
      'create zoe.price@sunpath.example',
      'deactivate diego.ramirez@sunpath.example',
      'reactivate noah.bennett@sunpath.example',
      'update jake.thompson@sunpath.example',
      'update rachel.foster@sunpath.example',
    ],
    unchanged: 3,
    unmanaged: [['brandon.cole@sunpath.example', 'not described in git']],
    check(plan) {
      const vendor = plan.vendors[0];
      expect(op(plan, 'jake.thompson@sunpath.example')?.changes).toEqual([{ field: 'lastName', before: 'Thomson', after: 'Thompson' }]);
      expect(op(plan, maria)).toBeUndefined();
      expect(vendor.notices).toEqual([
        {
          key: maria,
          vendorId: '145010',
          field: 'optimusAccess',
          message: expect.stringMatching(/^optimusAccess differs \(false live, true in git\), and enerflo's API cannot change it after create/),
        },
      ]);
      // The welcome email a create sends is in the plan (and so in its checksum).
      expect(op(plan, 'aisha.khan@sunpath.example')?.changes).toContainEqual({ field: 'sendWelcomeEmail', after: true });
      expect(op(plan, 'victoria.hale@sunpath.example')?.changes).toContainEqual({ field: 'sendWelcomeEmail', after: false });
      expect(op(plan, rachel)?.changes).toEqual([{ field: 'officeIds', before: [], after: ['102'] }]);
      expect(op(plan, 'noah.bennett@sunpath.example')?.changes).toEqual([{ field: 'active', before: false, after: true }]);
      // The manager is created before her report.
      const order = vendor.operations.map((o) => o.key);
      expect(order.indexOf('victoria.hale@sunpath.example')).toBeLessThan(order.indexOf('zoe.price@sunpath.example'));
    },
  },

  apply: {
    summary: { succeeded: 7, failed: 0, skipped: 0 },
    unchanged: 10,
    check(_report, run) {
      const state = stateOf(run);
      const victoria = user(state, 'victoria.hale@sunpath.example');
      const zoe = user(state, 'zoe.price@sunpath.example');
      expect(zoe.manager_id).toBe(victoria.id);
      expect(victoria.office_ids).toEqual([103]);
      expect(user(state, 'aisha.khan@sunpath.example')).toMatchObject({ phone: '6025550122', office_ids: [102], timezone: 'America/Phoenix', external_user_id: 'HR-2002' });
      expect(user(state, rachel).office_ids).toEqual([103, 102]);
      expect(user(state, 'diego.ramirez@sunpath.example').active).toBe(false);
      expect(user(state, 'noah.bennett@sunpath.example').active).toBe(true);
      expect(user(state, 'jake.thompson@sunpath.example').last_name).toBe('Thompson');
      // Create-only: never sent on update, so Enerflo keeps what it has.
      expect(user(state, maria).allow_optimus).toBe(false);
      // Every write went to a documented path with documented names only.
      const sent = run.emulator.requests.filter((r) => r.method !== 'GET');
      expect(sent.filter((r) => r.method === 'POST').every((r) => r.path === '/api/v1/users')).toBe(true);
      expect(state.ignored.filter((i) => i.reason === 'not a field of Update a User')).toEqual([]);
      // Welcome emails for the two new Sales Reps; no password ever sent.
      expect(state.outbox.map((m) => m.to).sort()).toEqual(['aisha.khan@sunpath.example', 'zoe.price@sunpath.example']);
      expect(state.users.some((u) => u.has_password)).toBe(false);
      // The hand-added user is untouched.
      expect(user(state, 'brandon.cole@sunpath.example').updated_at).toBe('2025-10-14T18:22:09Z');
    },
    settled(plan) {
      // The create-only difference is still reported, and still no operation.
      expect(plan.vendors[0].notices.map((n) => [n.key, n.field])).toEqual([[maria, 'optimusAccess']]);
    },
  },

  offboard: [{ email: 'priya.patel@sunpath.example', action: 'deactivate', vendorId: '145012' }],

  refusedCredential: { env: 'ENERFLO_API_KEY', message: /could not list users: enerflo: GET \/api\/v3\/users answered 401/ },

  cases: [
    {
      name: "surfaces vendor rules that fail at apply as that person's error while the others apply",
      async run(ctx) {
        const run = await ctx.setUp({
          people: [
            ...people.filter((p) => p.email !== 'jake.thompson@sunpath.example'),
            // Jake has leads attributed to him: Enerflo will not take the Sales Rep role away.
            person('jake.thompson@sunpath.example', 'Jake', 'Thompson', 'regional-manager', 'austin', { phone: '512.555.0102', externalId: 'HR-1002' }),
            // Taken by a user of another company on Enerflo: invisible to our key.
            person('jordan.blake@brightpath.example', 'Jordan', 'Blake', 'sales-rep', 'austin'),
          ],
        });
        const { harness } = run;
        const state = stateOf(run);
        const report = await harness.apply();
        const failed = Object.fromEntries(report.results.filter((r) => !r.ok).map((r) => [r.key, r.error]));
        expect(Object.keys(failed).sort()).toEqual(['jake.thompson@sunpath.example', 'jordan.blake@brightpath.example']);
        expect(failed['jake.thompson@sunpath.example']).toMatch(
          /PUT \/api\/v3\/users answered 422: roles: The Sales Rep role cannot be removed while leads, surveys or appointments are attributed/,
        );
        expect(failed['jordan.blake@brightpath.example']).toMatch(/POST \/api\/v1\/users answered 422: email: The email has already been taken\./);
        expect(report.summary).toEqual({ succeeded: 6, failed: 2, skipped: 0 });
        expect(user(state, 'jake.thompson@sunpath.example').roles).toEqual(['Sales Rep']);

        // Once the leads are reassigned, the next run finishes the job.
        user(state, 'jake.thompson@sunpath.example').has_attributed_leads = false;
        const next = await harness.plan();
        expect(summary(next)).toEqual(['create jordan.blake@brightpath.example', 'update jake.thompson@sunpath.example']);
        const retry = await harness.apply(next);
        expect(retry.results.filter((r) => !r.ok).map((r) => r.key)).toEqual(['jordan.blake@brightpath.example']);
        expect(user(state, 'jake.thompson@sunpath.example')).toMatchObject({ roles: ['Regional Manager'], manager_id: null });
      },
    },
    {
      name: 'never creates anyone twice when the answer to a create is lost',
      async run(ctx) {
        const run = await ctx.setUp();
        const { harness, emulator } = run;
        const plan = await harness.plan();
        // The POST is carried out and its answer lost: the engine finds the user instead of creating again.
        emulator.setFaults({ lostWrite: 1 });
        const aishaOnly: Plan = { ...plan, vendors: [{ ...plan.vendors[0], operations: [op(plan, 'aisha.khan@sunpath.example')!] }] };
        const report = await harness.apply(aishaOnly);
        emulator.setFaults(undefined);
        expect(report.results.map((r) => [r.key, r.ok, r.error])).toEqual([['aisha.khan@sunpath.example', true, undefined]]);
        expect(emulator.requests.filter((r) => r.method === 'POST').map((r) => r.fault)).toEqual(['lostWrite']);
        expect(stateOf(run).users.filter((u) => u.email === 'aisha.khan@sunpath.example')).toHaveLength(1);
      },
    },
    {
      name: 'after a partial failure, the next apply finishes the job without creating anyone twice',
      async run(ctx) {
        const run = await ctx.setUp();
        const { harness, emulator } = run;
        emulator.setFaults({ lostWrite: 0.5, seed: 7 });
        await harness.apply();
        emulator.setFaults(undefined);
        expect(emulator.requests.some((r) => r.fault === 'lostWrite')).toBe(true);
        const report = await harness.apply();
        expect(report.results.filter((r) => !r.ok)).toEqual([]);
        expect((await harness.plan()).vendors[0].operations).toEqual([]);
        const emails = stateOf(run).users.map((u) => u.email.toLowerCase());
        expect(new Set(emails).size).toBe(emails.length);
      },
    },
    {
      name: 'paces itself under a shrunk budget instead of being refused',
      async run(ctx) {
        const { harness } = await ctx.setUp({ emulator: { rateLimit: { limit: 5, windowMs: 1_000 } } });
        const report = await harness.apply();
        expect(report.summary.failed).toBe(0);
        const again = await harness.plan();
        expect(again.vendors[0].operations).toEqual([]);
      },
    },
  ],
};
