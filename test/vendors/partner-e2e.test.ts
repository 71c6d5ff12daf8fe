import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../../src/sandbox/emulator-kit.js';
import type { PartnerEmulatorState } from '../../src/vendors/partner/emulator.js';
import { makeWorkspace, startHarness, type Harness, type Workspace } from '../helpers/workspace.js';
import { sandboxFixture, secretValues } from './partner-helpers.js';
import { op, person, summary } from '../helpers/plans.js';

// End to end over real HTTP: YAML in a workspace, the loader, the engine's plan and apply, the partner
// adapter and the partner emulator seeded from examples/sandbox/partner.json.

const config = {
  users: 'users',
  vendors: {
    partner: {
      kind: 'partner',
      baseUrl: 'https://partner-api.example.com',
      companyId: '1001',
      credentials: { token: { env: 'PARTNER_TOKEN' } },
    },
  },
};

const offices = {
  offices: [
    { key: 'austin', name: 'Austin', timezone: 'America/Chicago', partner: { addressSameAsCompany: true } },
    { key: 'denver', name: 'Denver', timezone: 'America/Denver' },
  ],
};

const roles = {
  roles: [
    { key: 'sales-rep' },
    { key: 'regional-manager', partner: { role: 'MANAGER' } },
    { key: 'customer-care', partner: { role: 'CUSTOMER_CARE' } },
    { key: 'accounting', partner: { role: 'ACCOUNTING' } },
  ],
};


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
  // Inactive in the partner portal, back at work: reactivated.
  person('former.bookkeeper@sunpath.example', 'Frank', 'Ledger', 'accounting', 'austin'),
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

let workspace: Workspace | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  await workspace?.remove();
  harness = undefined;
  workspace = undefined;
});

async function setUp(options: { people?: unknown[]; emulator?: EmulatorOptions; fixture?: unknown } = {}) {
  workspace = await makeWorkspace(config, {
    'offices.yaml': offices,
    'roles.yaml': roles,
    'people.yaml': { people: options.people ?? people },
  });
  harness = await startHarness(workspace.configFile, { partner: options.fixture ?? sandboxFixture() }, () => options.emulator ?? {});
  return { harness, state: harness.sandbox.emulators.get('partner')!.state as PartnerEmulatorState };
}


describe('partner end to end: plan and apply', () => {
  it('plans creates, an update, a deactivation and a reactivation; the account owner is unmanaged', async () => {
    const { harness } = await setUp();
    const plan = await harness.plan();
    const vendor = plan.vendors[0];
    expect(vendor.errors).toEqual([]);
    expect(summary(plan)).toEqual([
      'create emily.davis@sunpath.example',
      'create kevin.brown@sunpath.example',
      'deactivate robert.hayes@sunpath.example',
      'reactivate former.bookkeeper@sunpath.example',
      'update maria.gonzalez@sunpath.example',
    ]);
    expect(vendor.unchanged).toBe(1);
    expect(vendor.unmanaged).toHaveLength(1);
    expect(vendor.unmanaged[0]).toMatchObject({ vendorId: '5001', email: 'owner@sunpath.example' });
    expect(vendor.unmanaged[0].reason).toMatch(/ACCOUNT_OWNER/);
    expect(op(plan, 'maria.gonzalez@sunpath.example')?.changes).toEqual([
      { field: 'title', before: 'Regional Manager', after: 'Regional Manager, Texas' },
    ]);
    expect(op(plan, 'former.bookkeeper@sunpath.example')?.changes).toEqual([{ field: 'active', before: false, after: true }]);
    expect(op(plan, 'emily.davis@sunpath.example')?.changes).toEqual([
      { field: 'email', after: 'emily.davis@sunpath.example' },
      { field: 'firstName', after: 'Emily' },
      { field: 'lastName', after: 'Davis' },
      { field: 'role', after: 'ACCOUNTING' },
      { field: 'timezone', after: 'America/New_York' },
      { field: 'title', after: 'Commissions Analyst' },
    ]);
    // Planning never writes, and write-only personal data never reaches the plan.
    expect(harness.writes()).toEqual([]);
    const text = JSON.stringify(plan, (key, value) => (key === 'person' ? undefined : value));
    for (const secret of secretValues(sandboxFixture())) expect(text).not.toContain(secret);
  });

  it('applies the plan, and a second run finds nothing to do', async () => {
    const { harness, state } = await setUp();
    const report = await harness.apply();
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    expect(report.summary).toEqual({ succeeded: 5, failed: 0, skipped: 0 });
    const writes = harness.writes().map((w) => `${w.method} ${w.path}`);
    expect(writes.sort()).toEqual([
      'POST /v2/user/add',
      'POST /v2/user/add',
      'POST /v2/user/update',
      'POST /v2/user/update',
      'POST /v2/user/update',
    ]);

    const byEmail = (email: string) => state.users.find((u) => u.email === email)!;
    expect(byEmail('kevin.brown@sunpath.example')).toMatchObject({
      company_id: 1001,
      role: 'CUSTOMER_CARE',
      state: 'ACTIVE',
      phone: '+15125550162',
      time_zone_id: 'America/Chicago',
      address_same_as_company: true,
    });
    expect(byEmail('emily.davis@sunpath.example')).toMatchObject({ role: 'ACCOUNTING', time_zone_id: 'America/New_York', account_title: 'Commissions Analyst', user_code: 'HR-4005' });
    expect(byEmail('maria.gonzalez@sunpath.example').account_title).toBe('Regional Manager, Texas');
    expect(byEmail('robert.hayes@sunpath.example').state).toBe('INACTIVE');
    expect(byEmail('former.bookkeeper@sunpath.example').state).toBe('ACTIVE');
    expect(state.invitesSent).toEqual([]);
    // The owner was never written.
    const emulator = harness.sandbox.emulators.get('partner')!;
    expect(emulator.requests.filter((r) => r.method === 'POST' && r.query.user_id === '5001')).toEqual([]);

    const again = await harness.plan();
    expect(again.vendors[0].operations).toEqual([]);
    expect(again.vendors[0].errors).toEqual([]);
    expect(again.vendors[0].unchanged).toBe(6);
    expect(again.vendors[0].unmanaged.map((u) => u.email)).toEqual(['owner@sunpath.example']);
  });

  it('surfaces vendor errors per person while the others apply', async () => {
    const { harness, state } = await setUp();
    const plan = await harness.plan();
    // Someone adds Kevin by hand between plan and apply: the vendor refuses the create with 409.
    state.users.push({ id: 9001, company_id: 1001, email: 'kevin.brown@sunpath.example', first_name: 'Kevin', last_name: 'Brown', role: 'CUSTOMER_CARE', state: 'ACTIVE' });
    const report = await harness.apply(plan);
    const failed = report.results.filter((r) => !r.ok);
    expect(failed.map((r) => r.key)).toEqual(['kevin.brown@sunpath.example']);
    expect(failed[0].error).toMatch(/POST \/v2\/user\/add answered 409: A user with email kevin.brown@sunpath.example already exists/);
    expect(failed[0].error).not.toContain('sandbox-partner-token');
    expect(report.summary).toEqual({ succeeded: 4, failed: 1, skipped: 0 });

    // The next plan matches the hand-added user and plans what git adds to it.
    const next = await harness.plan();
    expect(summary(next)).toEqual(['update kevin.brown@sunpath.example']);
    expect(op(next, 'kevin.brown@sunpath.example')?.changes.map((c) => c.field).sort()).toEqual(['phone', 'timezone']);
  });

  it('reports a person pinned to the account owner as an error, and never writes the owner', async () => {
    const { harness } = await setUp({
      people: [person('owner@sunpath.example', 'Sam', 'Pathak', 'regional-manager', 'austin', { title: 'CEO' })],
    });
    const plan = await harness.plan();
    expect(plan.vendors[0].operations).toEqual([]);
    expect(plan.vendors[0].errors).toHaveLength(1);
    expect(plan.vendors[0].errors[0]).toMatchObject({ key: 'owner@sunpath.example' });
    expect(plan.vendors[0].errors[0].message).toMatch(/ACCOUNT_OWNER/);
    await harness.apply(plan);
    expect(harness.writes()).toEqual([]);
  });

  it('changes an email in place when a pinned id points at the user', async () => {
    const { harness, state } = await setUp({
      people: [
        person('maria.g@sunpath.example', 'Maria', 'Gonzalez', 'regional-manager', 'austin', {
          title: 'Regional Manager',
          phone: '(512) 555-0101',
          externalId: 'HR-1001',
          vendors: { partner: { id: 5002 } },
        }),
      ],
    });
    const plan = await harness.plan();
    expect(summary(plan)).toEqual(['update maria.g@sunpath.example']);
    expect(op(plan, 'maria.g@sunpath.example')?.changes).toEqual([{ field: 'email', before: 'maria.gonzalez@sunpath.example', after: 'maria.g@sunpath.example' }]);
    const report = await harness.apply(plan);
    expect(report.summary.failed).toBe(0);
    expect(state.users.find((u) => u.id === 5002)!.email).toBe('maria.g@sunpath.example');
  });

  it('fails the partner vendor alone, with a clear message, when the token cannot reach the company', async () => {
    const { harness, state } = await setUp();
    // The company moves to another partner: the sandbox token no longer reaches it.
    state.companies.get(1001)!.partnerId = 'other-partner';
    const plan = await harness.plan();
    expect(plan.vendors[0].operations).toEqual([]);
    expect(plan.vendors[0].errors).toHaveLength(1);
    expect(plan.vendors[0].errors[0].message).toMatch(/could not list users: .*403: Access to company 1001 is denied/);
    expect(plan.vendors[0].errors[0].message).not.toContain('sandbox-partner-token');
  });

  it('does not create twice when the answer to a create is lost', async () => {
    const { harness, state } = await setUp({ people: [people[4]] });
    const emulator = harness.sandbox.emulators.get('partner')!;
    const plan = await harness.plan();
    expect(summary(plan)).toEqual(['create kevin.brown@sunpath.example']);
    emulator.setFaults({ lostWrite: 1 });
    const report = await harness.apply(plan);
    emulator.setFaults(undefined);
    expect(report.summary).toEqual({ succeeded: 1, failed: 0, skipped: 0 });
    expect(state.users.filter((u) => u.email === 'kevin.brown@sunpath.example')).toHaveLength(1);
    expect(report.results[0].vendorId).toBe(String(state.users.find((u) => u.email === 'kevin.brown@sunpath.example')!.id));
  });

  it('rides out injected 429s and still converges', async () => {
    const { harness } = await setUp({ emulator: { faults: { rate429: 0.25, seed: 3 } } });
    const report = await harness.apply();
    expect(report.summary.failed).toBe(0);
    const emulator = harness.sandbox.emulators.get('partner')!;
    expect(emulator.requests.some((r) => r.fault === '429')).toBe(true);
    const again = await harness.plan();
    expect(again.vendors[0].operations).toEqual([]);
  });
});
