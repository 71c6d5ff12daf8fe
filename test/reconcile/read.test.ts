import { describe, expect, it } from 'vitest';
import type { Organisation, ResolvedPerson } from '../../src/config/model.js';
import { policySchema, type VendorInstanceConfig } from '../../src/config/schema.js';
import { buildPlan } from '../../src/compose/plan.js';
import { readLive } from '../../src/reconcile/read.js';
import type { PlanTarget } from '../../src/reconcile/target.js';
import type { DesiredRecord, KeyReader, LiveRecord, ReadKey, VendorModule } from '../../src/vendors/types.js';

// The engine's second way of reading (issue 13): a vendor that cannot list is read one declared person at a
// time. A tiny in-memory vendor stands in for the adapter, as the planner's table tests do; the HTTP side
// is covered end to end in test/vendors/partner-e2e.test.ts.

function want(email: string, extra: Partial<DesiredRecord> = {}): DesiredRecord {
  return { key: email, email, active: true, fields: { firstName: 'Ann' }, dependsOn: [], externalId: `code-${email}`, ...extra };
}

function user(code: string, email: string, extra: Partial<LiveRecord> = {}): LiveRecord {
  return { vendorId: code, email, externalId: code, active: true, fields: { firstName: 'Ann' }, ...extra };
}

/** A vendor that answers by code from a map, after a tick, and records what it was asked and how many at once. */
function byKeyVendor(users: LiveRecord[]) {
  const asked: ReadKey[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const reader: KeyReader = {
    mode: 'byKey',
    async read(key) {
      asked.push(key);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      if (key.code === 'boom') throw new Error('vendor down');
      return users.find((u) => u.vendorId === (key.pinned ?? key.code));
    },
  };
  return { reader, asked, maxInFlight: () => maxInFlight };
}

describe('readLive', () => {
  it('passes a listing through untouched', async () => {
    const listed = [user('1', 'a@x')];
    const read = await readLive({ mode: 'list', list: async () => listed }, [want('a@x')], 4);
    expect(read).toEqual({ mode: 'list', live: listed, desired: [want('a@x')], errors: [], declared: 1 });
  });

  it('reads every declared person, offboarded ones too, by the pinned key first, at most `concurrency` at once', async () => {
    const vendor = byKeyVendor([user('code-a@x', 'a@x'), user('HAND-1', 'b@x'), user('code-c@x', 'c@x', { active: true })]);
    const desired = [want('a@x'), want('b@x', { pinnedId: 'HAND-1' }), want('c@x', { active: false }), ...Array.from({ length: 7 }, (_, i) => want(`n${i}@x`))];
    const read = await readLive(vendor.reader, desired, 3);
    expect(read.mode).toBe('byKey');
    expect(vendor.asked.map((k) => k.key).sort()).toEqual(desired.map((d) => d.key).sort());
    expect(vendor.asked.find((k) => k.key === 'b@x')).toEqual({ key: 'b@x', email: 'b@x', code: 'code-b@x', pinned: 'HAND-1' });
    expect(vendor.maxInFlight()).toBe(3);
    // 404s (undefined) are simply absent: those people will be created.
    expect(read.live.map((r) => r.vendorId)).toEqual(['code-a@x', 'HAND-1', 'code-c@x']);
    expect(read.desired).toEqual(desired);
    expect(read.errors).toEqual([]);
  });

  it('keeps a person whose user cannot be read out of the plan, with an error for them alone', async () => {
    const vendor = byKeyVendor([user('code-a@x', 'a@x', { unreadable: 'user code-a@x has no email' }), user('code-b@x', 'b@x')]);
    const read = await readLive(vendor.reader, [want('a@x'), want('b@x')], 2);
    expect(read.desired.map((d) => d.key)).toEqual(['b@x']);
    expect(read.live.map((r) => r.vendorId)).toEqual(['code-b@x']);
    expect(read.errors).toEqual([{ key: 'a@x', message: 'the live user code-a@x could not be read: user code-a@x has no email', hint: expect.any(String) }]);
  });

  it('reads one user once when two people are pinned to it', async () => {
    const vendor = byKeyVendor([user('SAME', 'a@x')]);
    const read = await readLive(vendor.reader, [want('a@x', { pinnedId: 'SAME' }), want('b@x', { pinnedId: 'SAME' })], 2);
    expect(read.live).toHaveLength(1);
  });

  it('fails the whole read when one person cannot be read at all', async () => {
    const vendor = byKeyVendor([]);
    await expect(readLive(vendor.reader, [want('a@x'), want('b@x', { externalId: 'boom' })], 2)).rejects.toThrow('vendor down');
  });
});

describe('buildPlan with a vendor read by key', () => {
  const person = (email: string, active = true) => ({ key: email, email, active }) as unknown as ResolvedPerson;

  function target(users: LiveRecord[], policy: object): { target: PlanTarget; asked: ReadKey[] } {
    const vendor = byKeyVendor(users);
    const module = {
      kind: 'keyed',
      fields: [{ name: 'firstName' }],
      removal: 'flag',
      emailChange: () => 'inPlace',
      desired: (p: ResolvedPerson) => want(p.email, { active: p.active }),
    } as unknown as VendorModule;
    const config = { kind: 'keyed', policy: policySchema.parse(policy), concurrency: 2 } as unknown as VendorInstanceConfig;
    // A reader by key and no writer: planning needs nothing else.
    return { target: { name: 'keyed', config, module, reader: vendor.reader, counter: { requests: 0 } }, asked: vendor.asked };
  }

  it('plans from what was read, says it read by key, never prunes, and deactivates an offboarded person', async () => {
    const org = { people: [person('a@x'), person('gone@x', false), person('new@x')] } as unknown as Organisation;
    const { target: t, asked } = target([user('code-a@x', 'a@x', { fields: { firstName: 'Old' } }), user('code-gone@x', 'gone@x')], { prune: true });
    const plan = await buildPlan(org, [t]);
    const vendor = plan.vendors[0];
    expect(vendor.readMode).toBe('byKey');
    expect(asked).toHaveLength(3);
    expect(vendor.operations.map((op) => `${op.action} ${op.key}`)).toEqual(['create new@x', 'update a@x', 'deactivate gone@x']);
    expect(vendor.unmanaged).toEqual([]);
    expect(vendor.errors).toEqual([]);
  });

  it('never prunes a user it read under a declared person\'s key, even with policy.prune', async () => {
    const org = { people: [person('a@x')] } as unknown as Organisation;
    // The code roster would use for a@x belongs to someone else: that user is seen, but it is not git's to prune.
    const { target: t } = target([user('code-a@x', 'stranger@x', { externalId: undefined })], { prune: true });
    const vendor = (await buildPlan(org, [t])).vendors[0];
    expect(vendor.operations.map((op) => `${op.action} ${op.key}`)).toEqual(['create a@x']);
    expect(vendor.unmanaged).toMatchObject([{ vendorId: 'code-a@x', email: 'stranger@x' }]);
  });

  it('fails the vendor alone with a clear message when reading fails', async () => {
    const org = { people: [person('a@x')] } as unknown as Organisation;
    const { target: t } = target([], {});
    (t.module as unknown as { desired: unknown }).desired = (p: ResolvedPerson) => want(p.email, { externalId: 'boom' });
    const plan = await buildPlan(org, [t]);
    expect(plan.vendors[0]).toMatchObject({ readMode: 'byKey', operations: [], errors: [{ message: 'could not read users: vendor down' }] });
  });
});
