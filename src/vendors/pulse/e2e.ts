import { expect } from 'vitest';
import { applyPlan } from '../../reconcile/apply.js';
import { buildPlan } from '../../compose/plan.js';
import { buildTargets } from '../../compose/targets.js';
import { writersOf } from '../../reconcile/target.js';
import { op, person, summary } from '../../../test/helpers/plans.js';
import type { E2ERun, VendorE2E } from '../../../test/vendors/e2e-scenario.js';
import type { PulseState } from './emulator.js';
import { pulse } from './index.js';

// Pulse's end-to-end scenario (test code, not shipped): test/vendors/e2e.test.ts runs it against the Pulse
// adapter and emulator, seeded from fixture.ts.

const offices = [
  { key: 'austin', name: 'Austin', timezone: 'America/Chicago', pulse: { teamId: 11 } },
  { key: 'phoenix', name: 'Phoenix', timezone: 'America/Phoenix', pulse: { teamId: 12 } },
  { key: 'denver', name: 'Denver', timezone: 'America/Denver', pulse: { teamId: 13 } },
];

const roles = [
  { key: 'sales-rep', pulse: { roles: ['salesRep'] } },
  { key: 'regional-manager', pulse: { roles: ['salesManager'] } },
  { key: 'office-admin', pulse: { roles: ['officeAdmin'] } },
  { key: 'customer-care', pulse: { roles: ['support'] } },
  { key: 'accounting' },
];

const people = [
  // Same as Pulse once both phones are E.164.
  person('maria.gonzalez@sunpath.example', 'Maria', 'Gonzalez', 'regional-manager', 'austin', { phone: '(512) 555-0101' }),
  person('olivia.chen@sunpath.example', 'Olivia', 'Chen', 'office-admin', 'austin', { phone: '(512) 555-0108' }),
  person('samantha.ortiz@sunpath.example', 'Samantha', 'Ortiz', 'customer-care', 'austin', { phone: '512.555.0161' }),
  person('rachel.foster@sunpath.example', 'Rachel', 'Foster', 'regional-manager', 'denver', { phone: '(720) 555-0141' }),
  // Pulse has her as "Priya.Patel@": still the same person.
  person('priya.patel@sunpath.example', 'Priya', 'Patel', 'sales-rep', 'austin', { phone: '+1 512 555 0103' }),
  // Pulse has "Jake Thomson" and no phone.
  person('jake.thompson@sunpath.example', 'Jake', 'Thompson', 'sales-rep', 'austin', { phone: '512.555.0102' }),
  // Left the company; active in Pulse.
  person('diego.ramirez@sunpath.example', 'Diego', 'Ramirez', 'sales-rep', 'austin', { active: false }),
  // Inactive in Pulse; back at work.
  person('aisha.khan@sunpath.example', 'Aisha', 'Khan', 'sales-rep', 'phoenix', { phone: '(602) 555-0122' }),
  // Moved to Phoenix and promoted; Pulse still has the Austin team and his old salesRep role.
  person('daniel.reyes@sunpath.example', 'Daniel', 'Reyes', 'regional-manager', 'phoenix', { phone: '+1-602-555-0121' }),
  // A Pulse identity already (in another account): the create attaches it to this one.
  person('kevin.brown@sunpath.example', 'Kevin', 'Brown', 'customer-care', 'austin', { phone: '512.555.0162' }),
  // New, no phone declared.
  person('noah.bennett@sunpath.example', 'Noah', 'Bennett', 'sales-rep', 'denver'),
  // No Pulse role: not in Pulse at all.
  person('robert.hayes@sunpath.example', 'Robert', 'Hayes', 'accounting', 'austin'),
];

const stateOf = (run: E2ERun) => run.state as PulseState;

export const e2e: VendorE2E = {
  instance: {
    baseUrl: 'https://api.pulse.example',
    accountId: '6591739253089529',
    credentials: { apiKey: { env: 'PULSE_API_KEY' }, apiSecret: { env: 'PULSE_API_SECRET' } },
  },
  offices,
  roles,
  people,

  // Creates, updates, a deactivation and a reactivation; unknown users are left alone.
  firstPlan: {
    summary: [
      'create kevin.brown@sunpath.example',
      'create noah.bennett@sunpath.example',
      'deactivate diego.ramirez@sunpath.example',
      'reactivate aisha.khan@sunpath.example',
      'update daniel.reyes@sunpath.example',
      'update jake.thompson@sunpath.example',
    ],
    unchanged: 5,
    unmanaged: [
      ['it@sunpath.example', 'not described in git'],
      ['summer.intern@gmail.example', 'not described in git'],
    ],
    check(plan) {
      expect(op(plan, 'jake.thompson@sunpath.example')?.changes).toEqual([
        { field: 'name', before: 'Jake Thomson', after: 'Jake Thompson' },
        { field: 'phone', before: null, after: '+15125550102' },
      ]);
      expect(op(plan, 'daniel.reyes@sunpath.example')?.changes).toEqual([
        { field: 'roles', before: ['salesManager', 'salesRep'], after: ['salesManager'] },
        { field: 'team', before: '11', after: '12' },
      ]);
      expect(op(plan, 'aisha.khan@sunpath.example')?.changes).toEqual([{ field: 'active', before: false, after: true }]);
      expect(op(plan, 'noah.bennett@sunpath.example')?.changes).toEqual([
        { field: 'email', after: 'noah.bennett@sunpath.example' },
        { field: 'name', after: 'Noah Bennett' },
        { field: 'roles', after: ['salesRep'] },
        { field: 'team', after: '13' },
      ]);
    },
  },

  apply: {
    summary: { succeeded: 6, failed: 0, skipped: 0 },
    unchanged: 11,
    check(_report, run) {
      const state = stateOf(run);
      const writes = run.harness.writes().map((w) => `${w.method} ${w.path}`);
      expect(writes.filter((w) => w.startsWith('POST'))).toEqual(['POST /api/users', 'POST /api/users']);
      // Roles are written for the two creates and for Daniel only.
      expect(writes.filter((w) => w.startsWith('PUT')).sort()).toEqual(
        ['PUT /api/users/1007/roles', 'PUT /api/users/1012/roles', `PUT /api/users/${state.userByEmail('noah.bennett@sunpath.example')!.id}/roles`].sort(),
      );
      // Each create sets name, phone and team with a PATCH after POST {email} (the seed page's create body).
      const created = ['kevin.brown@sunpath.example', 'noah.bennett@sunpath.example'].map((email) => `PATCH /api/users/${state.userByEmail(email)?.id}`);
      for (const patch of created) expect(writes.filter((w) => w === patch)).toHaveLength(1);
      expect(writes.filter((w) => w.startsWith('PATCH') && !created.includes(w)).sort()).toEqual([
        'PATCH /api/users/1003',
        'PATCH /api/users/1006',
        'PATCH /api/users/1007',
        'PATCH /api/users/1008',
      ]);
      expect(writes).not.toContain('DELETE /api/users/1006');

      const kevin = state.userByEmail('kevin.brown@sunpath.example')!;
      expect(kevin.memberships.map((m) => [m.accountId, m.roles, m.teamId])).toEqual([
        ['4820015577310046', ['support'], 21],
        ['6591739253089529', ['support'], 11],
      ]);
      expect(state.membership(state.userByEmail('diego.ramirez@sunpath.example')!, '6591739253089529')?.active).toBe(false);
      expect(state.membership(state.userByEmail('aisha.khan@sunpath.example')!, '6591739253089529')?.active).toBe(true);
      // The hand-added user is untouched.
      expect(state.userByEmail('summer.intern@gmail.example')?.updatedAt).toBe('2025-06-30T12:00:00.000Z');
    },
  },

  offboard: [
    {
      email: 'samantha.ortiz@sunpath.example',
      action: 'deactivate',
      vendorId: '1009',
      check(run) {
        const state = stateOf(run);
        expect(state.membership(state.userByEmail('samantha.ortiz@sunpath.example')!, '6591739253089529')?.active).toBe(false);
      },
    },
  ],

  refusedCredential: { env: 'PULSE_API_SECRET', message: /could not list users: logging in to Pulse failed: pulse: POST \/auth\/login answered 401/ },

  cases: [
    {
      name: 'reaches a tenant on other paths through the path settings in roster.yaml, and settles after one apply',
      async run(ctx) {
        const { harness, emulator } = await ctx.setUp({
          emulator: { prefix: '/crm/v1', paths: { login: '/session/login', users: '/members', userRoles: '/members/{id}/role-set', teams: '/groups' } },
          instance: { loginPath: '/session/login', usersPath: '/members', rolesPath: '/members/{id}/role-set', teamsPath: '/groups' },
        });
        const plan = await harness.plan();
        expect(plan.vendors[0].errors).toEqual([]);
        expect(summary(plan)).toHaveLength(6);
        const report = await harness.apply(plan);
        expect(report.summary.failed).toBe(0);
        const settled = await harness.plan();
        expect(settled.vendors[0].errors).toEqual([]);
        expect(settled.vendors[0].operations).toEqual([]);
        const paths = new Set(emulator.requests.map((r) => r.path.replace(/\/\d+/g, '/{id}')));
        expect([...paths].sort()).toEqual(['/crm/v1/members', '/crm/v1/members/{id}', '/crm/v1/members/{id}/role-set', '/crm/v1/session/login']);
      },
    },
    {
      name: 'logs in again once when the token expires between plan and apply',
      async run(ctx) {
        const run = await ctx.setUp();
        const state = stateOf(run);
        const plan = await run.harness.plan();
        expect(state.logins).toBe(1);
        state.expireAllTokens();
        const report = await run.harness.apply(plan);
        expect(report.summary.failed).toBe(0);
        expect(state.logins).toBe(2);
      },
    },
    {
      name: 'surfaces vendor errors per person while the others apply',
      async run(ctx) {
        const run = await ctx.setUp({
          offices: [...offices, { key: 'tucson', name: 'Tucson', timezone: 'America/Phoenix', pulse: { teamId: 99 } }],
          roles: [...roles, { key: 'wizard', pulse: { roles: ['wizard'] } }],
          people: [
            ...people,
            person('ghost.team@sunpath.example', 'Ghost', 'Team', 'sales-rep', 'tucson'),
            person('half.done@sunpath.example', 'Half', 'Done', 'wizard', 'denver'),
          ],
        });
        const report = await run.harness.apply();
        const failed = Object.fromEntries(report.results.filter((r) => !r.ok).map((r) => [r.key, r.error]));
        expect(Object.keys(failed).sort()).toEqual(['ghost.team@sunpath.example', 'half.done@sunpath.example']);
        // The create sends {email} (the seed page), so the unknown team is refused by the PATCH that follows it.
        expect(failed['ghost.team@sunpath.example']).toMatch(/created Pulse user \d+ .* but setting name, teamId failed: .*PATCH \/users\/\d+ answered 422: Unprocessable Entity: Team 99 does not exist/);
        expect(failed['half.done@sunpath.example']).toMatch(/created Pulse user \d+ .* but setting the roles failed: .*Unknown role "wizard"/);
        expect(report.summary.succeeded).toBe(6);
        const ghost = stateOf(run).userByEmail('ghost.team@sunpath.example');
        expect(ghost?.memberships.map((m) => m.teamId)).toEqual([null]);

        // The half-created users exist: the next plan shows the steps left as updates, never a second create.
        const next = await run.harness.plan();
        expect(summary(next)).toEqual(['update ghost.team@sunpath.example', 'update half.done@sunpath.example']);
        expect(op(next, 'half.done@sunpath.example')?.changes).toEqual([{ field: 'roles', before: [], after: ['wizard'] }]);
      },
    },
    {
      name: 'refuses an account the key cannot reach as a vendor error',
      async run(ctx) {
        const { harness } = await ctx.setUp();
        // The sandbox points the instance at the key's own account; point it at another ISO's.
        pulse.configOf(harness.org.config.vendors.pulse).accountId = '4820015577310046';
        const targets = buildTargets(harness.org, { env: harness.sandbox.env });
        const plan = await buildPlan(harness.org, targets);
        expect(plan.vendors[0].errors[0]?.message).toMatch(/403: Forbidden: Account 4820015577310046 is not available/);
      },
    },
    {
      name: 'matches a person pinned to a Pulse id even when the email differs, and reports the email change as needing a person',
      async run(ctx) {
        const { harness } = await ctx.setUp({
          people: [person('jake.t@sunpath.example', 'Jake', 'Thompson', 'sales-rep', 'austin', { vendors: { pulse: { id: 1003 } } })],
        });
        const plan = await harness.plan();
        expect(plan.vendors[0].operations).toEqual([]);
        expect(plan.vendors[0].errors).toEqual([
          expect.objectContaining({ key: 'jake.t@sunpath.example', message: expect.stringMatching(/email would change from jake.thompson@sunpath.example/) }),
        ]);
      },
    },
    {
      name: 'converges under injected faults (5xx, dropped connections, lost answers) without creating anyone twice',
      timeout: 60_000,
      async run(ctx) {
        const run = await ctx.setUp();
        const { harness, emulator } = run;
        emulator.setFaults({ rate500: 0.1, rate503: 0.1, drop: 0.05, lostWrite: 0.15, seed: 42 });
        for (let round = 0; round < 4; round++) {
          const plan = await harness.plan();
          if (plan.vendors[0].errors.length === 0 && plan.vendors[0].operations.length === 0) break;
          if (plan.vendors[0].errors.length === 0) await harness.apply(plan);
        }
        emulator.setFaults(undefined);
        const last = await harness.plan();
        if (last.vendors[0].operations.length > 0) await harness.apply(last);
        const settled = await harness.plan();
        expect(settled.vendors[0].errors).toEqual([]);
        expect(settled.vendors[0].operations).toEqual([]);
        expect(emulator.requests.some((r) => r.fault !== undefined)).toBe(true);
        const state = stateOf(run);
        const created = state.audit.filter((a) => a.event === 'user_created').length;
        expect(created).toBe(1); // Noah; Kevin was attached, not created
        expect(state.audit.filter((a) => a.event === 'user_added_to_account')).toHaveLength(2);
      },
    },
    {
      name: 'paces itself under a small rate limit, and a refusal at the window edge is retried',
      async run(ctx) {
        const { harness, emulator } = await ctx.setUp({ emulator: { rateLimit: { limit: 4, windowMs: 250 } } });
        const started = Date.now();
        const report = await applyPlan(await harness.plan(), { writers: writersOf(harness.targets), concurrency: () => 8 });
        expect(report.summary.failed).toBe(0);
        const requests = emulator.requests.filter((r) => r.path !== '/api/auth/login');
        expect(requests.length).toBeGreaterThanOrEqual(9);
        // Paced by the client: 4 a window means at least two full windows for ten requests.
        expect(Date.now() - started).toBeGreaterThanOrEqual(500);
        // Client and server clocks differ by the network hop, so the odd edge refusal can happen; it is retried.
        const refused = requests.filter((r) => r.status === 429);
        expect(refused.length).toBeLessThanOrEqual(2);
        for (const r of refused) expect(requests.some((later) => later.at >= r.at && later.path === r.path && later.status < 300)).toBe(true);
      },
    },
  ],
};
