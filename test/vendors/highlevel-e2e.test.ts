import { vendorModule } from '../../src/vendors/registry.js';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/reconcile/plan.js';
import { buildTargets } from '../../src/compose/targets.js';
import type { HighlevelEmulatorOptions, HighlevelState } from '../../src/vendors/highlevel/emulator.js';
import { highlevelPermissionDefaults } from '../../src/vendors/highlevel/permissions.js';
import { makeWorkspace, runCli, startHarness, type Harness, type Workspace } from '../helpers/workspace.js';
import { op, person, summary } from '../helpers/plans.js';

// End to end over real HTTP: YAML in a workspace, the loader, the engine's plan and apply, the
// HighLevel adapter and the HighLevel emulator seeded from its built-in fixture.
const fixture = vendorModule('highlevel').sandbox.fixture() as Record<string, unknown>;

const AUSTIN = 'aT4kW9nQ2rLx7VbP3mZs';
const SAN_MARCOS = 'sM5tQ8vW2xKp4LnR7bYc';
const PHOENIX = 'pH8xR3dK6wNq1YcJ5tGv';
const DENVER = 'dN2vB7mQ4sLk9XrW6hTa';

function configWith(instance: Record<string, unknown> = {}) {
  return {
    users: 'users',
    vendors: {
      highlevel: {
        kind: 'highlevel',
        baseUrl: 'https://services.leadconnectorhq.com',
        companyId: 'Rk7mQ2vX9pLs4TnB8cWd',
        credentials: { token: { env: 'HIGHLEVEL_TOKEN' } },
        ...instance,
      },
    },
  };
}

const offices = {
  offices: [
    { key: 'austin', name: 'Austin', timezone: 'America/Chicago', highlevel: { locationIds: [AUSTIN] } },
    { key: 'phoenix', name: 'Phoenix', timezone: 'America/Phoenix', highlevel: { locationIds: [PHOENIX] } },
    { key: 'denver', name: 'Denver', timezone: 'America/Denver', highlevel: { locationIds: [DENVER] } },
  ],
};

const roles = {
  roles: [
    {
      key: 'sales-rep',
      highlevel: { type: 'account', role: 'user', permissions: { contactsEnabled: true, assignedDataOnly: true } },
    },
    { key: 'regional-manager', highlevel: { type: 'account', role: 'admin' } },
    { key: 'office-admin', highlevel: { type: 'account', role: 'admin', scopes: ['contacts.write', 'campaigns.readonly'] } },
    { key: 'accounting' },
  ],
};


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

let workspace: Workspace | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  await workspace?.remove();
  harness = undefined;
  workspace = undefined;
});

async function setUp(
  options: { people?: unknown[]; offices?: unknown; roles?: unknown; instance?: Record<string, unknown>; emulator?: HighlevelEmulatorOptions } = {},
): Promise<{ harness: Harness; state: HighlevelState }> {
  workspace = await makeWorkspace(configWith(options.instance), {
    'offices.yaml': options.offices ?? offices,
    'roles.yaml': options.roles ?? roles,
    'people.yaml': { people: options.people ?? people },
  });
  harness = await startHarness(workspace.configFile, { highlevel: structuredClone(fixture) }, () => options.emulator ?? {});
  return { harness, state: harness.sandbox.emulators.get('highlevel')!.state as HighlevelState };
}

const byEmail = (state: HighlevelState, email: string) => state.users.find((u) => u.email.toLowerCase() === email && u.deletedAt === undefined);

describe('HighLevel end to end: plan and apply', () => {
  it('plans creates and an update, leaves users git does not describe alone, and never writes', async () => {
    const { harness } = await setUp();
    const plan = await harness.plan();
    const vendor = plan.vendors[0];
    expect(vendor.errors).toEqual([]);
    expect(summary(plan)).toEqual([
      'create grace.kim@sunpath.example',
      'create noah.bennett@sunpath.example',
      'update priya.patel@sunpath.example',
    ]);
    // Maria, Jake, Daniel; and Diego, who is off in git and absent in HighLevel.
    expect(vendor.unchanged).toBe(4);
    expect(vendor.unmanaged.map((u) => [u.email, u.reason])).toEqual([
      ['leah@brightsidemarketing.example', 'not described in git'],
      ['owner@sunpath.example', 'not described in git'],
    ]);
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
    expect(harness.writes()).toEqual([]);
  });

  it('applies the plan, and a second run finds nothing to do', async () => {
    const { harness, state } = await setUp();
    const report = await harness.apply();
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    expect(report.summary).toEqual({ succeeded: 3, failed: 0, skipped: 0 });
    const writes = harness.writes().map((w) => `${w.method} ${w.path}`);
    expect(writes.sort()).toEqual(['POST /users/', 'POST /users/', 'PUT /users/Pr1yaPatelAu8Kd3NsWq']);

    const grace = byEmail(state, 'grace.kim@sunpath.example')!;
    expect(grace).toMatchObject({ type: 'account', role: 'admin', locationIds: [PHOENIX], scopes: ['campaigns.readonly', 'contacts.write'], phone: '+16025550127' });
    expect(grace.id).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(byEmail(state, 'priya.patel@sunpath.example')).toMatchObject({ lastName: 'Patel' });
    expect(byEmail(state, 'priya.patel@sunpath.example')!.permissions).toEqual({ ...highlevelPermissionDefaults, assignedDataOnly: true });
    // The report names who was created; the generated passwords appear nowhere in it.
    for (const user of state.users.filter((u) => u.password)) expect(JSON.stringify(report)).not.toContain(user.password);

    const again = await harness.plan();
    expect(again.vendors[0].operations).toEqual([]);
    expect(again.vendors[0].errors).toEqual([]);
    // Six people in HighLevel, and Diego, off in git and absent there.
    expect(again.vendors[0].unchanged).toBe(7);
  });

  it('plans an offboarded person as a manual step (no error, no operation) while policy.allowDelete is off', async () => {
    const { harness } = await setUp({
      people: [...people.filter((p) => p.email !== 'jake.thompson@sunpath.example'), person('jake.thompson@sunpath.example', 'Jake', 'Thompson', 'sales-rep', 'austin', { active: false })],
    });
    const plan = await harness.plan();
    expect(op(plan, 'jake.thompson@sunpath.example')).toBeUndefined();
    expect(plan.vendors[0].errors).toEqual([]);
    expect(plan.vendors[0].manual).toEqual([
      expect.objectContaining({ key: 'jake.thompson@sunpath.example', vendorId: 'Jk7ThompsonAu2Lq9VbX', message: expect.stringContaining('by hand') }),
    ]);
  });

  it('deletes an offboarded person when policy.allowDelete is on; the queued delete does not come back', async () => {
    const { harness, state } = await setUp({
      instance: { policy: { allowDelete: true } },
      people: [...people.filter((p) => p.email !== 'jake.thompson@sunpath.example'), person('jake.thompson@sunpath.example', 'Jake', 'Thompson', 'sales-rep', 'austin', { active: false })],
    });
    const plan = await harness.plan();
    expect(op(plan, 'jake.thompson@sunpath.example')).toMatchObject({ action: 'delete', vendorId: 'Jk7ThompsonAu2Lq9VbX' });
    const report = await harness.apply(plan);
    expect(report.summary.failed).toBe(0);
    expect(harness.writes().filter((w) => w.method === 'DELETE')).toEqual([{ kind: 'highlevel', method: 'DELETE', path: '/users/Jk7ThompsonAu2Lq9VbX' }]);
    // Still in search (deleted: true) for a minute: the adapter leaves it out, so nothing is left to do.
    expect(state.users.find((u) => u.id === 'Jk7ThompsonAu2Lq9VbX')?.deletedAt).toBeDefined();
    const again = await harness.plan();
    expect(again.vendors[0].operations).toEqual([]);
    expect(again.vendors[0].errors).toEqual([]);
  });

  it('prunes users git does not describe only with prune and allowDelete', async () => {
    const { harness } = await setUp({ instance: { policy: { prune: true } } });
    const refused = await harness.plan();
    expect(refused.vendors[0].unmanaged.map((u) => u.reason)).toEqual([
      'not described in git; pruning it needs policy.allowDelete',
      'not described in git; pruning it needs policy.allowDelete',
    ]);
    await harness.close();
    await workspace?.remove();

    const { harness: pruning } = await setUp({ instance: { policy: { prune: true, allowDelete: true, ignore: ['owner@sunpath.example'] } } });
    const plan = await pruning.plan();
    expect(summary(plan)).toContain('delete leah@brightsidemarketing.example');
    expect(summary(plan)).not.toContain('delete owner@sunpath.example');
  });

  it('reports an email change as needing a person, or deletes and re-creates with emailChange: recreate', async () => {
    const renamed = [person('jake.t@sunpath.example', 'Jake', 'Thompson', 'sales-rep', 'austin', { phone: '512.555.0102', vendors: { highlevel: { id: 'Jk7ThompsonAu2Lq9VbX' } } })];
    const { harness } = await setUp({ people: renamed });
    const plan = await harness.plan();
    expect(plan.vendors[0].operations).toEqual([]);
    expect(plan.vendors[0].errors).toEqual([
      expect.objectContaining({ key: 'jake.t@sunpath.example', message: expect.stringMatching(/email would change from jake.thompson@sunpath.example to jake.t@sunpath.example/) }),
    ]);
    await harness.close();
    await workspace?.remove();

    const { harness: recreating, state } = await setUp({ people: renamed, instance: { emailChange: 'recreate' } });
    const recreate = await recreating.plan();
    expect(recreate.vendors[0].operations.map((o) => `${o.action} ${o.key}`)).toEqual(['create jake.t@sunpath.example', 'delete jake.t@sunpath.example']);
    const report = await recreating.apply(recreate);
    expect(report.summary.failed).toBe(0);
    // The old user is deleted only after the new one was created.
    expect(report.results.map((r) => r.action)).toEqual(['create', 'delete']);
    expect(state.users.find((u) => u.id === 'Jk7ThompsonAu2Lq9VbX')?.deletedAt).toBeDefined();
    expect(byEmail(state, 'jake.t@sunpath.example')).toMatchObject({ firstName: 'Jake', locationIds: [AUSTIN] });
  });

  it('surfaces vendor errors per person while the others apply', async () => {
    const { harness, state } = await setUp({
      offices: { offices: [...offices.offices, { key: 'tucson', name: 'Tucson', timezone: 'America/Phoenix', highlevel: { locationIds: ['NoSuchLocation000001'] } }] },
      roles: { roles: [...roles.roles, { key: 'wizard', highlevel: { type: 'account', role: 'user', scopes: ['wizardry.write'] } }] },
      people: [
        ...people,
        person('ghost.office@sunpath.example', 'Ghost', 'Office', 'sales-rep', 'tucson'),
        person('merlin@sunpath.example', 'Merlin', 'Ambrosius', 'wizard', 'denver'),
      ],
    });
    const report = await harness.apply();
    const failed = Object.fromEntries(report.results.filter((r) => !r.ok).map((r) => [r.key, r.error]));
    expect(Object.keys(failed).sort()).toEqual(['ghost.office@sunpath.example', 'merlin@sunpath.example']);
    expect(failed['ghost.office@sunpath.example']).toBe('highlevel: POST /users/ answered 422: locationIds contains an unknown location: NoSuchLocation000001');
    expect(failed['merlin@sunpath.example']).toMatch(/POST \/users\/ answered 422: each value in scopes must be one of the allowed scopes \(not "wizardry.write"\)/);
    expect(report.summary.succeeded).toBe(3);
    expect(byEmail(state, 'ghost.office@sunpath.example')).toBeUndefined();
  });

  it('fails the vendor on its own, with a clear message and no secret, when the token is refused', async () => {
    const { harness } = await setUp();
    const targets = buildTargets(harness.org, { env: { ...harness.sandbox.env, HIGHLEVEL_TOKEN: 'definitely-wrong-token' } });
    const plan = await buildPlan(harness.org, targets);
    const message = plan.vendors[0].errors[0]?.message ?? '';
    expect(message).toMatch(/could not list users: highlevel: GET \/users\/search answered 401: Invalid JWT \(check the token/);
    expect(message).not.toContain('definitely-wrong-token');
    expect(plan.vendors[0].operations).toEqual([]);
  });

  it('never creates anyone twice when writes are applied but their answers are lost', async () => {
    const many = Array.from({ length: 10 }, (_, i) => person(`rep${i}@sunpath.example`, `Rep${i}`, 'Lost', 'sales-rep', 'denver'));
    const { harness, state } = await setUp({ people: [...people, ...many], emulator: { faults: { lostWrite: 0.3, seed: 7 } } });
    const report = await harness.apply();
    const emulator = harness.sandbox.emulators.get('highlevel')!;
    expect(emulator.requests.some((r) => r.fault === 'lostWrite' && r.method === 'POST')).toBe(true);
    expect(report.summary.failed).toBe(0);
    const emails = state.users.filter((u) => u.deletedAt === undefined).map((u) => u.email.toLowerCase());
    expect(emails.length).toBe(new Set(emails).size);
    emulator.setFaults(undefined);
    expect((await harness.plan()).vendors[0].operations).toEqual([]);
  });

  it('paces itself under a tiny rate window and still applies everything', async () => {
    const many = Array.from({ length: 12 }, (_, i) => person(`rep${i}@sunpath.example`, `Rep${i}`, 'Paced', 'sales-rep', 'denver'));
    const { harness } = await setUp({ people: [...people, ...many], emulator: { rateLimit: { limit: 4, windowMs: 250 } } });
    const report = await harness.apply();
    expect(report.summary).toEqual({ succeeded: 15, failed: 0, skipped: 0 });
    expect((await harness.plan()).vendors[0].operations).toEqual([]);
  });
});

describe('HighLevel sandbox with the sample organisation', () => {
  it('shows creates, an update and unmanaged users for the users/ in this repository', async () => {
    const result = await runCli(['plan', '--sandbox', '--vendor', 'highlevel']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/\+ create grace\.kim@sunpath\.example/);
    expect(result.stdout).toMatch(/~ update priya\.patel@sunpath\.example \(id Pr1yaPatelAu8Kd3NsWq\)/);
    expect(result.stdout).toMatch(/\? unmanaged (Sam Whitfield <)?owner@sunpath\.example/);
    expect(result.stdout).not.toMatch(/update (maria\.gonzalez|jake\.thompson|daniel\.reyes)/);
  });
});
