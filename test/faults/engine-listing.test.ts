import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyPlan } from '../../src/reconcile/apply.js';
import { writersOf } from '../../src/reconcile/target.js';
import { consistentListing } from '../../src/reconcile/plan.js';
import { thresholdViolations } from '../../src/reconcile/safety.js';
import { verifyAgainstLive } from '../../src/reconcile/saved-plan.js';
import { enerfloSandboxFixture } from '../../src/vendors/enerflo/fixture.js';
import { makeWorkspace, repoRoot, startHarness, type Harness, type Workspace } from '../helpers/workspace.js';

/**
 * The engine against a real Enerflo emulator whose data is made hostile: a user without an email, a
 * listing that repeats a user, an empty listing, duplicate and mistyped matches with prune on, and
 * manager chains whose head is refused.
 */
type EnerfloUser = Record<string, unknown> & { id: number; email?: string };

const people = {
  people: [
    { email: 'maria.gonzalez@sunpath.example', firstName: 'Maria', lastName: 'Gonzalez', roles: ['regional-manager'], office: 'austin', externalId: 'HR-1001' },
    { email: 'jake.thompson@sunpath.example', firstName: 'Jake', lastName: 'Thompson', roles: ['sales-rep'], office: 'austin', externalId: 'HR-1002', manager: 'maria.gonzalez@sunpath.example' },
    { email: 'chain.a@sunpath.example', firstName: 'Chain', lastName: 'Alpha', roles: ['regional-manager'], office: 'austin' },
    { email: 'chain.b@sunpath.example', firstName: 'Chain', lastName: 'Bravo', roles: ['sales-rep'], office: 'austin', manager: 'chain.a@sunpath.example' },
    { email: 'chain.c@sunpath.example', firstName: 'Chain', lastName: 'Charlie', roles: ['sales-rep'], office: 'austin', manager: 'chain.b@sunpath.example' },
  ],
};

let workspace: Workspace | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  await workspace?.remove();
  harness = undefined;
  workspace = undefined;
});

async function start(options: { policy?: Record<string, unknown>; pin?: string; users?: (users: EnerfloUser[]) => EnerfloUser[] } = {}) {
  const root = parse(await readFile(path.join(repoRoot, 'roster.yaml'), 'utf8'));
  const config = { ...root, vendors: { enerflo: { ...root.vendors.enerflo, policy: options.policy ?? {} } } };
  const declared = structuredClone(people);
  if (options.pin) Object.assign(declared.people[1], { vendors: { enerflo: { id: options.pin } } });
  workspace = await makeWorkspace(config, {
    'offices.yaml': await readFile(path.join(repoRoot, 'users/offices.yaml'), 'utf8'),
    'roles.yaml': await readFile(path.join(repoRoot, 'users/roles.yaml'), 'utf8'),
    'people.yaml': declared,
  });
  // The callbacks see the users as the fixture writes them (the emulator fills in the rest).
  const fixture = enerfloSandboxFixture() as { users: EnerfloUser[] };
  if (options.users) fixture.users = options.users(fixture.users);
  harness = await startHarness(workspace.configFile, { enerflo: fixture });
  return harness;
}

const emulator = (h: Harness) => h.sandbox.emulators.get('enerflo')!;

describe('engine under hostile listings (Enerflo emulator)', () => {
  it('a live user without an email is an error naming its id; the rest of the vendor plans', async () => {
    const h = await start({ users: (users) => users.map((u) => (u.id === 145010 ? { ...u, email: undefined } : u)) });
    const plan = await h.plan();
    const [vendor] = plan.vendors;
    // The adapter marks the record (its own words), or the engine finds it without an email: one error either way.
    expect(vendor.errors).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/^live user 145010 cannot be read: .*no email/) }));
    // Maria's external id points at the unreadable user: she is not created a second time.
    expect(vendor.operations.map((op) => op.key)).not.toContain('maria.gonzalez@sunpath.example');
    expect(vendor.operations.filter((op) => op.action === 'create').map((op) => op.key)).toEqual(['chain.a@sunpath.example', 'chain.b@sunpath.example', 'chain.c@sunpath.example']);
    // Applying the rest works around it: only Jake fails, since his manager is the user Enerflo has
    // without an email (the vendor refuses that manager_email), and the next plan keeps the same errors.
    const report = await h.apply(plan);
    expect(report.results.filter((r) => !r.ok).map((r) => r.key)).toEqual(['jake.thompson@sunpath.example']);
    expect(report.summary.succeeded).toBe(3);
    const again = (await h.plan()).vendors[0];
    expect(again.operations.map((op) => op.key)).toEqual(['jake.thompson@sunpath.example']);
    // The unreadable user, and Maria, whose external id points at it: nothing is planned for her.
    expect(again.errors.map((e) => e.key ?? null)).toEqual([null, 'maria.gonzalez@sunpath.example']);
  });

  it('prune never touches live users involved in a match error (a duplicated email, a mistyped pinned id)', async () => {
    const h = await start({
      policy: { prune: true },
      pin: '999999',
      users: (users) => [...users, { ...users.find((u) => u.id === 145010)!, id: 145099, external_id: null }],
    });
    const [vendor] = (await h.plan()).vendors;
    expect(vendor.errors.map((e) => e.key).sort()).toEqual(['jake.thompson@sunpath.example', 'maria.gonzalez@sunpath.example']);
    const removed = vendor.operations.filter((op) => op.action === 'deactivate').map((op) => op.vendorId);
    // Prune is on (Priya, not declared here, goes) but Maria's two accounts and Jake's stay.
    expect(removed).toContain('145012');
    expect(removed).not.toContain('145010');
    expect(removed).not.toContain('145099');
    expect(removed).not.toContain('145011');
    expect(vendor.unmanaged.filter((u) => /match error/.test(u.reason)).map((u) => u.vendorId).sort()).toEqual(['145010', '145011', '145099']);
  });

  it('a listing that repeats a vendor id is read once more, then fails', async () => {
    // Each adapter refuses a repeat it sees on the wire (tested against lying servers in test/vendors);
    // this is the engine's own net for an adapter that does not.
    let reads = 0;
    const user = (id: string) => ({ vendorId: id, email: `${id}@sunpath.example`, active: true, fields: {} });
    const repeating = { list: async () => (reads++, [user('145011'), user('145012'), user('145011')]) };
    await expect(consistentListing(repeating)).rejects.toThrow(/vendor id 145011 appeared more than once/);
    expect(reads).toBe(2);
  });

  it('a vendor that lists no users trips the create threshold; a normal plan does not', async () => {
    const thresholds = { minUsers: 3 };
    const normal = await start({ policy: { thresholds } });
    expect(thresholdViolations(await normal.plan(), normal.org.config.vendors)).toEqual([]);
    await harness!.close();
    await workspace!.remove();

    const empty = await start({ policy: { thresholds }, users: () => [] });
    const plan = await empty.plan();
    expect(plan.vendors[0].operations.filter((op) => op.action === 'create')).toHaveLength(5);
    expect(thresholdViolations(plan, empty.org.config.vendors).map((v) => v.message)).toEqual([
      expect.stringMatching(/^enerflo: the plan would create 5 users and the vendor listed no users at all, over the threshold of 3 creates per live user \(policy\.thresholds\.create\)/),
    ]);
  });

  it('a saved plan skips every dependant of a refused create, to any depth (a -> b -> c)', async () => {
    const h = await start();
    const [vendor] = (await h.plan()).vendors;
    const { reader, writer } = h.targets[0];
    if (reader?.mode !== 'list' || !writer) throw new Error('Enerflo is read by listing, and written');
    // Someone creates chain.a by hand between review and apply: its saved create is refused.
    const a = vendor.operations.find((op) => op.key === 'chain.a@sunpath.example')!;
    await writer.create(a.desired!, { vendorIdFor: () => undefined });
    const { plan, refused } = verifyAgainstLive(vendor, await reader.list());
    expect(refused.map((r) => [r.key, r.skipped ?? false])).toEqual([
      ['chain.a@sunpath.example', false],
      ['chain.b@sunpath.example', true],
      ['chain.c@sunpath.example', true],
    ]);
    expect(plan.operations.map((op) => op.key)).not.toContain('chain.c@sunpath.example');
  });

  it('apply does not treat a dependency missing from the plan as met: the dependants are skipped, not created without a manager', async () => {
    const h = await start();
    const full = await h.plan();
    const vendor = { ...full.vendors[0], operations: full.vendors[0].operations.filter((op) => op.key !== 'chain.a@sunpath.example') };
    const posts = () => emulator(h).requests.filter((r) => r.method === 'POST').length;
    const before = posts();
    const report = await applyPlan({ ...full, vendors: [vendor] }, { writers: writersOf(h.targets) });
    const byKey = Object.fromEntries(report.results.map((r) => [r.key, r]));
    expect(byKey['chain.b@sunpath.example']).toMatchObject({ ok: false, skipped: true, error: 'skipped: chain.a@sunpath.example is neither in this plan nor known to exist' });
    expect(byKey['chain.c@sunpath.example']).toMatchObject({ ok: false, skipped: true });
    expect(posts()).toBe(before);
  });
});
