import { describe, expect, it } from 'vitest';
import { addDays, localDay } from '../../src/config/dates.js';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { planSweep } from '../../src/commands/sweep.js';
import type { Plan, VendorPlan } from '../../src/reconcile/types.js';
import { harnessForTest, sampleConfig, sampleOfficesAndRoles } from '../helpers/workspace.js';

/**
 * Issue 24 point 3, for a vendor read by key: SimplePin (kind `partner`) publishes no user list, so the
 * engine reads only the keys of the desired records it is given. A person whose roles stop mapping onto it
 * must still get a desired record (inactive, with the user_code they were created with), so their user is
 * read and deactivated: a role edit and a role window give the same operations, as they do for the listing
 * vendors (desired-stage.test.ts). Real HTTP against the sandbox emulators; the SimplePin fixture holds
 * Robert (user_code HR-4004, ACCOUNTING, active).
 */
const yesterday = addDays(localDay(new Date(), 'America/Chicago'), -1);
const robert = 'robert.hayes@sunpath.example';
const newcomer = 'nia.new@sunpath.example';

/** `accounting` maps onto SimplePin only; `office-admin` onto HighLevel and Pulse, not SimplePin. */
const variants: Record<string, (string | object)[]> = {
  'still mapped': ['office-admin', 'accounting'],
  'role edit': ['office-admin'],
  'role window': ['office-admin', { role: 'accounting', from: '2020-01-01', until: yesterday }],
};


interface Run {
  plan: Plan;
  /** The user_codes SimplePin was asked for (GET /v2/user/get), in order. */
  reads: string[];
  /** What a second plan, after applying the first, still plans in SimplePin. */
  after: string[];
}

async function runWith(roles: (string | object)[]): Promise<Run> {
  const config = await sampleConfig();
  const person = (email: string, firstName: string, lastName: string, extra: object) => ({ email, firstName, lastName, office: 'austin', title: 'Controller', roles: structuredClone(roles), ...extra });
  const people = [person(robert, 'Robert', 'Hayes', { phone: '(512) 555-0164', externalId: 'HR-4004' }), person(newcomer, 'Nia', 'New', { phone: '(512) 555-0177' })];
  const { harness } = await harnessForTest({ ...config, users: 'users' }, { ...(await sampleOfficesAndRoles()), 'people.yaml': { people } });
  const plan = await harness.plan();
  const emulator = harness.sandbox.emulators.get('partner')!;
  const reads = emulator.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/user/get')).map((r) => String(r.query.user_code));
  await harness.apply(plan);
  const again = await harness.plan();
  const after = vendorOf(again, 'partner').operations.map((op) => `${op.action} ${op.key}`);
  return { plan, reads, after };
}

const vendorOf = (plan: Plan, name: string): VendorPlan => plan.vendors.find((v) => v.vendor === name)!;

/** Per vendor, the operations for one person, without the reason (a dated plan names the day). */
function operations(plan: Plan, key: string): Record<string, unknown[]> {
  return Object.fromEntries(
    plan.vendors.map((v) => [
      v.vendor,
      [
        ...v.operations.filter((op) => op.key === key).map((op) => ({ action: op.action, vendorId: 'vendorId' in op ? op.vendorId : undefined, changes: op.changes })),
        ...v.errors.filter((e) => e.key === key).map((e) => `error: ${e.message}`),
        ...v.unmanaged.filter((u) => u.email.toLowerCase() === key).map((u) => `unmanaged: ${u.reason}`),
      ],
    ]),
  );
}

describe('one desired stage, read by key: a role edit and a role window give the same SimplePin operations', () => {
  it('deactivates the user of a person whose roles stop mapping onto SimplePin, both ways, and settles after one apply', async () => {
    const runs: Record<string, Run> = {};
    for (const [name, roles] of Object.entries(variants)) runs[name] = await runWith(roles);
    const table = Object.fromEntries(Object.entries(runs).map(([name, run]) => [name, { robert: operations(run.plan, robert), newcomer: operations(run.plan, newcomer) }]));

    // Robert's SimplePin user, read by its user_code, is deactivated: nothing else is sent for him there.
    expect(table['role edit'].robert.partner).toEqual([{ action: 'deactivate', vendorId: 'HR-4004', changes: [{ field: 'active', before: true, after: false }] }]);
    // The same change made by a role window gives the same operations, vendor by vendor, for both people.
    expect(table['role window']).toEqual(table['role edit']);
    // Nia has no SimplePin user: read by key all the same (a 404), and nothing planned.
    expect(table['role edit'].newcomer.partner).toEqual([]);
    // While accounting still maps, Robert keeps his user: no deactivation.
    expect(table['still mapped'].robert.partner.map((op) => (op as { action: string }).action)).not.toContain('deactivate');

    // The person who no longer maps is read by the user_code roster created them with, in every variant.
    for (const run of Object.values(runs)) expect(run.reads).toContain('HR-4004');
    const reason = vendorOf(runs['role edit'].plan, 'partner').operations.find((op) => op.key === robert)?.reason;
    expect(reason).toBe('none of their roles maps onto partner');
    // Applied once, the next plan has nothing left to do in SimplePin for either variant.
    expect(runs['role edit'].after).toEqual([]);
    expect(runs['role window'].after).toEqual([]);
  });
});

describe('a sweep reads the people who no longer map onto a vendor read by key', () => {
  it('drift --sweep plans the deactivation a role edit calls for, as a full plan does', async () => {
    const config = await sampleConfig();
    const people = [{ email: robert, firstName: 'Robert', lastName: 'Hayes', office: 'austin', title: 'Controller', roles: variants['role edit'], phone: '(512) 555-0164', externalId: 'HR-4004' }];
    const { harness } = await harnessForTest({ ...config, users: 'users' }, { ...(await sampleOfficesAndRoles()), 'people.yaml': { people } });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'roster-sweep-unmapped-'));
    try {
      const session = { org: harness.org, targets: harness.targets, close: async () => undefined };
      const run = await planSweep(session, {}, '50', path.join(dir, 'sweep.json'));
      const ops = vendorOf(run.plan, 'partner').operations.map((op) => `${op.action} ${op.key}`);
      expect(ops).toEqual([`deactivate ${robert}`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
