import { expect } from 'vitest';
import type { Harness } from '../../../test/helpers/workspace.js';
import { op, person, summary } from '../../../test/helpers/plans.js';
import type { E2ERun, VendorE2E } from '../../../test/vendors/e2e-scenario.js';
import { secretValues } from '../../../test/vendors/partner-helpers.js';
import type { PartnerEmulatorState } from './emulator.js';
import { partnerSandboxFixture } from './fixture.js';
import { userCodeFromEmail } from './mapping.js';

// SimplePin's end-to-end scenario (test code, not shipped): test/vendors/e2e.test.ts runs it against the
// SimplePin adapter and emulator, seeded from fixture.ts. SimplePin lists no users: plan reads each declared
// person by user_code.

const people = [
  // The partner has "Regional Manager"; git says "Regional Manager, Texas". Same phone once both are E.164.
  person('maria.gonzalez@sunpath.example', 'Maria', 'Gonzalez', 'regional-manager', 'austin', {
    title: 'Regional Manager, Texas',
    phone: '(512) 555-0101',
    externalId: 'HR-1001',
  }),
  // Exactly as the partner has her.
  person('samantha.ortiz@sunpath.example', 'Samantha', 'Ortiz', 'customer-care', 'austin', {
    title: 'Customer Care Lead',
    phone: '(512) 555-0161',
    externalId: 'HR-4001',
  }),
  // Left the company: deactivated.
  person('robert.hayes@sunpath.example', 'Robert', 'Hayes', 'accounting', 'austin', { title: 'Controller', externalId: 'HR-4004', active: false }),
  // Made by hand in SimplePin under user_code FL-0001, inactive, back at work: pinned in git, reactivated.
  person('former.bookkeeper@sunpath.example', 'Frank', 'Ledger', 'accounting', 'austin', { vendors: { partner: { userCode: 'FL-0001' } } }),
  // New: created.
  person('kevin.brown@sunpath.example', 'Kevin', 'Brown', 'customer-care', 'austin', { phone: '512.555.0162' }),
  person('emily.davis@sunpath.example', 'Emily', 'Davis', 'accounting', undefined, {
    title: 'Commissions Analyst',
    timezone: 'America/New_York',
    externalId: 'HR-4005',
  }),
  // No partner role: not in the partner API at all.
  person('jake.thompson@sunpath.example', 'Jake', 'Thompson', 'sales-rep', 'austin'),
];

/** What every plan of the built-in fixture shows, read by user_code or listed. */
const FIRST_PLAN = [
  'create emily.davis@sunpath.example',
  'create kevin.brown@sunpath.example',
  'deactivate robert.hayes@sunpath.example',
  'reactivate former.bookkeeper@sunpath.example',
  'update maria.gonzalez@sunpath.example',
];

const kevinCode = userCodeFromEmail('kevin.brown@sunpath.example');
const stateOf = (run: E2ERun) => run.state as PartnerEmulatorState;
const getsOf = (harness: Harness) => harness.sandbox.emulators.get('partner')!.requests.filter((r) => r.method === 'GET');

export const e2e: VendorE2E = {
  instance: {
    baseUrl: 'https://api.simplepin.com',
    credentials: { authorizationKey: { env: 'PARTNER_AUTHORIZATION_KEY' }, token: { env: 'PARTNER_TOKEN' } },
  },
  offices: [
    { key: 'austin', name: 'Austin', timezone: 'America/Chicago', partner: { addressSameAsCompany: true } },
    { key: 'denver', name: 'Denver', timezone: 'America/Denver' },
  ],
  roles: [
    { key: 'sales-rep' },
    { key: 'regional-manager', partner: { role: 'MANAGER' } },
    { key: 'customer-care', partner: { role: 'CUSTOMER_CARE' } },
    { key: 'accounting', partner: { role: 'ACCOUNTING' } },
  ],
  people,

  // Creates, an update, a deactivation and a reactivation with one GET per declared person.
  firstPlan: {
    readMode: 'byKey',
    summary: FIRST_PLAN,
    unchanged: 1,
    // The account owner and any user git does not describe cannot be seen without a list endpoint.
    unmanaged: [],
    check(plan, run) {
      expect(op(plan, 'maria.gonzalez@sunpath.example')?.changes).toEqual([
        { field: 'title', before: 'Regional Manager', after: 'Regional Manager, Texas' },
      ]);
      expect(op(plan, 'former.bookkeeper@sunpath.example')?.changes).toEqual([{ field: 'active', before: false, after: true }]);
      expect(op(plan, 'emily.davis@sunpath.example')?.changes).toEqual([
        { field: 'email', after: 'emily.davis@sunpath.example' },
        { field: 'firstName', after: 'Emily' },
        { field: 'lastName', after: 'Davis' },
        { field: 'role', after: 'ACCOUNTING' },
        { field: 'title', after: 'Commissions Analyst' },
        // Write-only (SimplePin never answers it): shown with the create, and in the plan's checksum.
        { field: 'timezone', after: 'America/New_York' },
      ]);
      // One GET for the probe (the account owner, probeUserCode: a 404 is trusted only once it reads back), then
      // one per declared person, the offboarded Robert included, by code. Jake has no SimplePin role and is read
      // too, by the code he would have: were his role edited away, his user would be deactivated (issue 24).
      const gets = getsOf(run.harness);
      expect(gets.map((r) => `${r.path}?user_code=${r.query.user_code}`).sort()).toEqual(
        ['OWNER-1001', 'FL-0001', 'HR-1001', 'HR-4001', 'HR-4004', 'HR-4005', kevinCode, userCodeFromEmail('jake.thompson@sunpath.example')].map((code) => `/v2/user/get?user_code=${code}`).sort(),
      );
      // Write-only personal data never reaches the plan.
      const text = JSON.stringify(plan, (key, value: unknown) => (key === 'person' ? undefined : value));
      for (const secret of secretValues(partnerSandboxFixture())) expect(text).not.toContain(secret);
    },
  },

  // Whole-model writes; the next plan finds everyone again by user_code.
  apply: {
    summary: { succeeded: 5, failed: 0, skipped: 0 },
    unchanged: 6,
    check(report, run) {
      const state = stateOf(run);
      const writes = run.harness.writes().map((w) => `${w.method} ${w.path}`);
      expect(writes.sort()).toEqual(['POST /v2/user/add', 'POST /v2/user/add', 'POST /v2/user/update', 'POST /v2/user/update', 'POST /v2/user/update']);

      const byEmail = (email: string) => state.users.find((u) => u.email === email)!;
      expect(byEmail('kevin.brown@sunpath.example')).toMatchObject({
        user_code: kevinCode,
        company_id: 1001,
        role: 'CUSTOMER_CARE',
        state: 'ACTIVE',
        phone: '+15125550162',
        time_zone_id: 'America/Chicago',
        address_same_as_company: true,
      });
      expect(byEmail('emily.davis@sunpath.example')).toMatchObject({ user_code: 'HR-4005', role: 'ACCOUNTING', time_zone_id: 'America/New_York', account_title: 'Commissions Analyst' });
      expect(byEmail('maria.gonzalez@sunpath.example').account_title).toBe('Regional Manager, Texas');
      expect(byEmail('robert.hayes@sunpath.example')).toMatchObject({ state: 'INACTIVE', first_name: 'Robert', role: 'ACCOUNTING' });
      expect(byEmail('former.bookkeeper@sunpath.example')).toMatchObject({ user_code: 'FL-0001', state: 'ACTIVE' });
      expect(state.invitesSent).toEqual([]);
      // Users are addressed by user_code only: no request carries company_id or user_id.
      for (const r of run.emulator.requests) {
        expect(Object.keys(r.query)).not.toContain('company_id');
        expect(Object.keys(r.query)).not.toContain('user_id');
      }
      expect(report.results.find((r) => r.key === 'kevin.brown@sunpath.example')?.vendorId).toBe(kevinCode);
    },
  },

  offboard: [
    {
      email: 'samantha.ortiz@sunpath.example',
      action: 'deactivate',
      vendorId: 'HR-4001',
      check(run) {
        expect(stateOf(run).users.find((u) => u.company_id === 1001 && u.user_code === 'HR-4001')).toMatchObject({ state: 'INACTIVE' });
      },
    },
  ],

  refusedCredential: { env: 'PARTNER_TOKEN', message: /could not read users: .*401: Invalid API keys/ },

  cases: [
    {
      name: 'matches a hand-made user by the userCode pinned in git, and updates it',
      async run(ctx) {
        const fixture = partnerSandboxFixture();
        fixture.users!.push({ company_id: 1001, user_code: 'HAND-77', email: 'kevin.brown@sunpath.example', first_name: 'Kev', last_name: 'Brown', role: 'CUSTOMER_CARE', state: 'ACTIVE' });
        const run = await ctx.setUp({
          fixture,
          people: [person('kevin.brown@sunpath.example', 'Kevin', 'Brown', 'customer-care', 'austin', { phone: '512.555.0162', vendors: { partner: { userCode: 'HAND-77' } } })],
        });
        const { harness } = run;
        const plan = await harness.plan();
        expect(summary(plan)).toEqual(['update kevin.brown@sunpath.example']);
        expect(op(plan, 'kevin.brown@sunpath.example')?.vendorId).toBe('HAND-77');
        expect(op(plan, 'kevin.brown@sunpath.example')?.changes.map((c) => c.field)).toEqual(['firstName', 'phone']);
        expect((await harness.apply(plan)).summary.failed).toBe(0);
        expect(stateOf(run).users.filter((u) => u.email === 'kevin.brown@sunpath.example')).toMatchObject([{ user_code: 'HAND-77', first_name: 'Kevin', phone: '+15125550162' }]);
        expect((await harness.plan()).vendors[0].operations).toEqual([]);
      },
    },
    {
      name: 'reports a pinned userCode that does not exist as an error for that person, and creates nothing',
      async run(ctx) {
        const { harness } = await ctx.setUp({
          people: [person('kevin.brown@sunpath.example', 'Kevin', 'Brown', 'customer-care', 'austin', { vendors: { partner: { userCode: 'NOPE-1' } } })],
        });
        const plan = await harness.plan();
        expect(plan.vendors[0].operations).toEqual([]);
        expect(plan.vendors[0].errors).toMatchObject([{ key: 'kevin.brown@sunpath.example', message: expect.stringMatching(/NOPE-1 does not exist/) }]);
      },
    },
    {
      name: 'surfaces vendor errors per person while the others apply',
      async run(ctx) {
        const run = await ctx.setUp();
        const plan = await run.harness.plan();
        // Someone adds Kevin by hand between plan and apply, under a code of their own: the add is refused with 409.
        stateOf(run).users.push({ user_code: 'HAND-9', company_id: 1001, creation_date: '2026-01-01T00:00:00.000+0000', seq: 9001, email: 'kevin.brown@sunpath.example', first_name: 'Kevin', last_name: 'Brown', role: 'CUSTOMER_CARE', state: 'ACTIVE' });
        const report = await run.harness.apply(plan);
        const failed = report.results.filter((r) => !r.ok);
        expect(failed.map((r) => r.key)).toEqual(['kevin.brown@sunpath.example']);
        expect(failed[0].error).toMatch(/POST \/v2\/user\/add answered 409: A user with email kevin.brown@sunpath.example already exists/);
        expect(failed[0].error).not.toContain('sandbox-simplepin');
        expect(report.summary).toEqual({ succeeded: 4, failed: 1, skipped: 0 });
      },
    },
    {
      name: 'reports a person pinned to the account owner as an error, and never writes the owner',
      async run(ctx) {
        const { harness } = await ctx.setUp({
          people: [person('owner@sunpath.example', 'Sam', 'Pathak', 'regional-manager', 'austin', { title: 'CEO', vendors: { partner: { userCode: 'OWNER-1001' } } })],
        });
        const plan = await harness.plan();
        expect(plan.vendors[0].operations).toEqual([]);
        expect(plan.vendors[0].errors).toHaveLength(1);
        expect(plan.vendors[0].errors[0]).toMatchObject({ key: 'owner@sunpath.example' });
        expect(plan.vendors[0].errors[0].message).toMatch(/ACCOUNT_OWNER/);
        await harness.apply(plan);
        expect(harness.writes()).toEqual([]);
      },
    },
    {
      name: 'changes an email in place: the user stays addressed by its user_code',
      async run(ctx) {
        const run = await ctx.setUp({
          people: [person('maria.g@sunpath.example', 'Maria', 'Gonzalez', 'regional-manager', 'austin', { title: 'Regional Manager', phone: '(512) 555-0101', externalId: 'HR-1001' })],
        });
        const plan = await run.harness.plan();
        expect(summary(plan)).toEqual(['update maria.g@sunpath.example']);
        expect(op(plan, 'maria.g@sunpath.example')?.changes).toEqual([{ field: 'email', before: 'maria.gonzalez@sunpath.example', after: 'maria.g@sunpath.example' }]);
        const report = await run.harness.apply(plan);
        expect(report.summary.failed).toBe(0);
        expect(stateOf(run).users.find((u) => u.company_id === 1001 && u.user_code === 'HR-1001')!.email).toBe('maria.g@sunpath.example');
      },
    },
    {
      name: 'fails the SimplePin vendor alone, with a clear message, when its keys are regenerated',
      async run(ctx) {
        const run = await ctx.setUp();
        // The company's keys are regenerated in SimplePin: the configured pair no longer identifies it.
        stateOf(run).companyByKeys.clear();
        const plan = await run.harness.plan();
        expect(plan.vendors[0].operations).toEqual([]);
        expect(plan.vendors[0].errors).toHaveLength(1);
        expect(plan.vendors[0].errors[0].message).toMatch(/could not read users: .*401: Invalid API keys/);
        expect(plan.vendors[0].errors[0].message).not.toContain('sandbox-simplepin');
      },
    },
    {
      name: 'does not create twice when the answer to a create is lost: it looks the person up by user_code',
      async run(ctx) {
        const run = await ctx.setUp({ people: [people[4]] });
        const { harness, emulator } = run;
        const plan = await harness.plan();
        expect(summary(plan)).toEqual(['create kevin.brown@sunpath.example']);
        const from = emulator.requests.length;
        emulator.setFaults({ lostWrite: 1 });
        const report = await harness.apply(plan);
        emulator.setFaults(undefined);
        expect(report.summary).toEqual({ succeeded: 1, failed: 0, skipped: 0 });
        expect(stateOf(run).users.filter((u) => u.email === 'kevin.brown@sunpath.example')).toHaveLength(1);
        expect(report.results[0].vendorId).toBe(kevinCode);
        // The look-up was a GET by the code the create sent, never a listing.
        const after = emulator.requests.slice(from);
        expect(after.some((r) => r.method === 'GET' && r.path === '/v2/user/get' && r.query.user_code === kevinCode)).toBe(true);
        expect(after.some((r) => r.path.endsWith('/list'))).toBe(false);
      },
    },
    {
      name: 'rides out injected 429s and still converges',
      async run(ctx) {
        const { harness, emulator } = await ctx.setUp({ emulator: { faults: { rate429: 0.25, seed: 3 } } });
        const report = await harness.apply();
        expect(report.summary.failed).toBe(0);
        expect(emulator.requests.some((r) => r.fault === '429')).toBe(true);
        const again = await harness.plan();
        expect(again.vendors[0].operations).toEqual([]);
      },
    },
    {
      name: 'with a list endpoint (listPath), lists every user, so the account owner and users git does not describe are seen',
      async run(ctx) {
        const fixture = { ...partnerSandboxFixture(), options: { listEndpoint: true } };
        const { harness } = await ctx.setUp({ fixture });
        const plan = await harness.plan();
        const vendor = plan.vendors[0];
        expect(vendor.readMode).toBe('list');
        expect(summary(plan)).toEqual(FIRST_PLAN);
        expect(vendor.unmanaged).toMatchObject([{ vendorId: 'OWNER-1001', email: 'owner@sunpath.example', reason: expect.stringMatching(/ACCOUNT_OWNER/) }]);
        expect(getsOf(harness).map((r) => r.path)).toEqual(['/v2/user/list']);
        expect((await harness.apply(plan)).summary.failed).toBe(0);
        expect((await harness.plan()).vendors[0].operations).toEqual([]);
      },
    },
  ],
};
