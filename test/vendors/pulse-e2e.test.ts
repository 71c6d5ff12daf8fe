import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/reconcile/apply.js';
import { writersOf } from '../../src/reconcile/target.js';
import { buildPlan } from '../../src/reconcile/plan.js';
import { buildTargets } from '../../src/compose/targets.js';
import type { PulseEmulatorOptions, PulseState } from '../../src/vendors/pulse/emulator.js';
import { makeWorkspace, startHarness, type Harness, type Workspace } from '../helpers/workspace.js';
import { op, person, summary } from '../helpers/plans.js';

// End to end over real HTTP: YAML in a workspace, the loader, the engine's plan and apply, the Pulse
// adapter and the Pulse emulator seeded from examples/sandbox/pulse.json.
const fixture = JSON.parse(readFileSync(new URL('../../examples/sandbox/pulse.json', import.meta.url), 'utf8')) as Record<string, unknown>;

const config = {
  users: 'users',
  vendors: {
    pulse: {
      kind: 'pulse',
      baseUrl: 'https://api.pulse.example',
      accountId: '6591739253089529',
      credentials: { apiKey: { env: 'PULSE_API_KEY' }, apiSecret: { env: 'PULSE_API_SECRET' } },
    },
  },
};

const offices = {
  offices: [
    { key: 'austin', name: 'Austin', timezone: 'America/Chicago', pulse: { teamId: 11 } },
    { key: 'phoenix', name: 'Phoenix', timezone: 'America/Phoenix', pulse: { teamId: 12 } },
    { key: 'denver', name: 'Denver', timezone: 'America/Denver', pulse: { teamId: 13 } },
  ],
};

const roles = {
  roles: [
    { key: 'sales-rep', pulse: { roles: ['salesRep'] } },
    { key: 'regional-manager', pulse: { roles: ['salesManager'] } },
    { key: 'office-admin', pulse: { roles: ['officeAdmin'] } },
    { key: 'customer-care', pulse: { roles: ['support'] } },
    { key: 'accounting' },
  ],
};


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

let workspace: Workspace | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  await workspace?.remove();
  harness = undefined;
  workspace = undefined;
});

async function setUp(
  options: { people?: unknown[]; offices?: unknown; roles?: unknown; emulator?: PulseEmulatorOptions; settings?: Record<string, unknown> } = {},
): Promise<{ harness: Harness; state: PulseState }> {
  const instance = { ...config.vendors.pulse, ...options.settings };
  workspace = await makeWorkspace({ ...config, vendors: { pulse: instance } }, {
    'offices.yaml': options.offices ?? offices,
    'roles.yaml': options.roles ?? roles,
    'people.yaml': { people: options.people ?? people },
  });
  harness = await startHarness(workspace.configFile, { pulse: structuredClone(fixture) }, () => options.emulator ?? {});
  return { harness, state: harness.sandbox.emulators.get('pulse')!.state as PulseState };
}


describe('Pulse end to end: plan and apply', () => {
  it('reaches a tenant on other paths through the path settings in roster.yaml, and settles after one apply', async () => {
    const { harness } = await setUp({
      emulator: { prefix: '/crm/v1', paths: { login: '/session/login', users: '/members', userRoles: '/members/{id}/role-set', teams: '/groups' } },
      settings: { loginPath: '/session/login', usersPath: '/members', rolesPath: '/members/{id}/role-set', teamsPath: '/groups' },
    });
    const plan = await harness.plan();
    expect(plan.vendors[0].errors).toEqual([]);
    expect(summary(plan)).toHaveLength(6);
    const report = await harness.apply(plan);
    expect(report.summary.failed).toBe(0);
    const settled = await harness.plan();
    expect(settled.vendors[0].errors).toEqual([]);
    expect(settled.vendors[0].operations).toEqual([]);
    const paths = new Set(harness.sandbox.emulators.get('pulse')!.requests.map((r) => r.path.replace(/\/\d+/g, '/{id}')));
    expect([...paths].sort()).toEqual(['/crm/v1/members', '/crm/v1/members/{id}', '/crm/v1/members/{id}/role-set', '/crm/v1/session/login']);
  });

  it('plans creates, updates, a deactivation and a reactivation; leaves unknown users alone', async () => {
    const { harness } = await setUp();
    const plan = await harness.plan();
    const vendor = plan.vendors[0];
    expect(vendor.errors).toEqual([]);
    expect(summary(plan)).toEqual([
      'create kevin.brown@sunpath.example',
      'create noah.bennett@sunpath.example',
      'deactivate diego.ramirez@sunpath.example',
      'reactivate aisha.khan@sunpath.example',
      'update daniel.reyes@sunpath.example',
      'update jake.thompson@sunpath.example',
    ]);
    expect(vendor.unchanged).toBe(5);
    expect(vendor.unmanaged.map((u) => [u.email, u.reason])).toEqual([
      ['it@sunpath.example', 'not described in git'],
      ['summer.intern@gmail.example', 'not described in git'],
    ]);
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
    // Planning never writes.
    expect(harness.writes()).toEqual([]);
  });

  it('applies the plan, and a second run finds nothing to do', async () => {
    const { harness, state } = await setUp();
    const report = await harness.apply();
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    expect(report.summary).toEqual({ succeeded: 6, failed: 0, skipped: 0 });

    const writes = harness.writes().map((w) => `${w.method} ${w.path}`);
    expect(writes.filter((w) => w.startsWith('POST'))).toEqual(['POST /api/users', 'POST /api/users']);
    // Roles are written for the two creates and for Daniel only.
    expect(writes.filter((w) => w.startsWith('PUT')).sort()).toEqual(
      ['PUT /api/users/1007/roles', 'PUT /api/users/1012/roles', `PUT /api/users/${state.userByEmail('noah.bennett@sunpath.example')!.id}/roles`].sort(),
    );
    expect(writes.filter((w) => w.startsWith('PATCH')).sort()).toEqual([
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

    const again = await harness.plan();
    expect(again.vendors[0].operations).toEqual([]);
    expect(again.vendors[0].errors).toEqual([]);
    expect(again.vendors[0].unchanged).toBe(11);
  });

  it('logs in again once when the token expires between plan and apply', async () => {
    const { harness, state } = await setUp();
    const plan = await harness.plan();
    expect(state.logins).toBe(1);
    state.expireAllTokens();
    const report = await harness.apply(plan);
    expect(report.summary.failed).toBe(0);
    expect(state.logins).toBe(2);
  });

  it('surfaces vendor errors per person while the others apply', async () => {
    const { harness, state } = await setUp({
      offices: { offices: [...offices.offices, { key: 'tucson', name: 'Tucson', timezone: 'America/Phoenix', pulse: { teamId: 99 } }] },
      roles: { roles: [...roles.roles, { key: 'wizard', pulse: { roles: ['wizard'] } }] },
      people: [
        ...people,
        person('ghost.team@sunpath.example', 'Ghost', 'Team', 'sales-rep', 'tucson'),
        person('half.done@sunpath.example', 'Half', 'Done', 'wizard', 'denver'),
      ],
    });
    const report = await harness.apply();
    const failed = Object.fromEntries(report.results.filter((r) => !r.ok).map((r) => [r.key, r.error]));
    expect(Object.keys(failed).sort()).toEqual(['ghost.team@sunpath.example', 'half.done@sunpath.example']);
    expect(failed['ghost.team@sunpath.example']).toMatch(/POST \/users answered 422: Unprocessable Entity: Team 99 does not exist/);
    expect(failed['half.done@sunpath.example']).toMatch(/created Pulse user \d+ .* but setting the roles failed: .*Unknown role "wizard"/);
    expect(report.summary.succeeded).toBe(6);
    expect(state.userByEmail('ghost.team@sunpath.example')).toBeUndefined();

    // The half-created user exists: the next plan shows the roles step as an update, not a second create.
    const next = await harness.plan();
    expect(summary(next)).toEqual(['create ghost.team@sunpath.example', 'update half.done@sunpath.example']);
    expect(op(next, 'half.done@sunpath.example')?.changes).toEqual([{ field: 'roles', before: [], after: ['wizard'] }]);
  });

  it('fails the vendor on its own, with a clear message and no secret, when the credentials are refused', async () => {
    const { harness } = await setUp();
    const targets = buildTargets(harness.org, { env: { ...harness.sandbox.env, PULSE_API_SECRET: 'definitely-wrong-secret' } });
    const plan = await buildPlan(harness.org, targets);
    const message = plan.vendors[0].errors[0]?.message ?? '';
    expect(message).toMatch(/could not list users: logging in to Pulse failed: pulse: POST \/auth\/login answered 401/);
    expect(message).not.toContain('definitely-wrong-secret');
    expect(message).not.toContain('sandbox-pulse-key');
    expect(plan.vendors[0].operations).toEqual([]);
  });

  it('refuses an account the key cannot reach as a vendor error', async () => {
    const { harness } = await setUp();
    // The sandbox points the instance at the key's own account; point it at another ISO's.
    harness.org.config.vendors.pulse.accountId = '4820015577310046';
    const targets = buildTargets(harness.org, { env: harness.sandbox.env });
    const plan = await buildPlan(harness.org, targets);
    expect(plan.vendors[0].errors[0]?.message).toMatch(/403: Forbidden: Account 4820015577310046 is not available/);
  });

  it('matches a person pinned to a Pulse id even when the email differs, and reports the email change as needing a person', async () => {
    const { harness } = await setUp({
      people: [person('jake.t@sunpath.example', 'Jake', 'Thompson', 'sales-rep', 'austin', { vendors: { pulse: { id: 1003 } } })],
    });
    const plan = await harness.plan();
    expect(plan.vendors[0].operations).toEqual([]);
    expect(plan.vendors[0].errors).toEqual([
      expect.objectContaining({ key: 'jake.t@sunpath.example', message: expect.stringMatching(/email would change from jake.thompson@sunpath.example/) }),
    ]);
  });

  it('converges under injected faults (5xx, dropped connections, lost answers) without creating anyone twice', async () => {
    const { harness, state } = await setUp();
    const emulator = harness.sandbox.emulators.get('pulse')!;
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
    const created = state.audit.filter((a) => a.event === 'user_created').length;
    expect(created).toBe(1); // Noah; Kevin was attached, not created
    expect(state.audit.filter((a) => a.event === 'user_added_to_account')).toHaveLength(2);
  }, 60_000);

  it('paces itself under a small rate limit, and a refusal at the window edge is retried', async () => {
    const { harness } = await setUp({ emulator: { rateLimit: { limit: 4, windowMs: 250 } } });
    const started = Date.now();
    const report = await applyPlan(await harness.plan(), { writers: writersOf(harness.targets), concurrency: () => 8 });
    expect(report.summary.failed).toBe(0);
    const requests = harness.sandbox.emulators.get('pulse')!.requests.filter((r) => r.path !== '/api/auth/login');
    expect(requests.length).toBeGreaterThanOrEqual(9);
    // Paced by the client: 4 a window means at least two full windows for ten requests.
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    // Client and server clocks differ by the network hop, so the odd edge refusal can happen; it is retried.
    const refused = requests.filter((r) => r.status === 429);
    expect(refused.length).toBeLessThanOrEqual(2);
    for (const r of refused) expect(requests.some((later) => later.at >= r.at && later.path === r.path && later.status < 300)).toBe(true);
  });
});
