import { describe, expect, it } from 'vitest';
import { policySchema, vendorInstanceSchema } from '../../src/config/schema.js';
import { highlevel as highlevelModule } from '../../src/vendors/highlevel/index.js';
import { planVendor, type VendorPlanInput } from '../../src/reconcile/plan-vendor.js';
import type { DesiredRecord, FieldValue, LiveRecord } from '../../src/vendors/types.js';

/** A vendor with an active flag whose emails change in place (Enerflo), and one that only deletes and refuses them (HighLevel). */
const flag = { removal: 'flag', emailChange: 'inPlace' } as const satisfies Pick<VendorPlanInput, 'removal' | 'emailChange'>;
const deleteOnly = { removal: 'delete', emailChange: 'refuse' } as const satisfies Pick<VendorPlanInput, 'removal' | 'emailChange'>;

function want(email: string, fields: Record<string, FieldValue> = {}, extra: Partial<DesiredRecord> = {}): DesiredRecord {
  return {
    key: email.toLowerCase(),
    email,
    active: true,
    fields: { firstName: 'Ann', ...fields },
    dependsOn: [],
    ...extra,
  };
}

function live(vendorId: string, email: string, fields: Record<string, FieldValue> = {}, extra: Partial<LiveRecord> = {}): LiveRecord {
  return { vendorId, email, active: true, fields: { firstName: 'Ann', ...fields }, ...extra };
}

function plan(desired: DesiredRecord[], liveRecords: LiveRecord[], overrides: Omit<Partial<VendorPlanInput>, 'policy'> & { policy?: object } = {}) {
  return planVendor({
    vendor: 'acme',
    kind: 'test',
    ...flag,
    fields: [{ name: 'firstName' }],
    desired,
    live: liveRecords,
    ...overrides,
    policy: policySchema.parse(overrides.policy ?? {}),
  });
}

const actions = (p: ReturnType<typeof plan>) => p.operations.map((op) => `${op.action} ${op.key}`);

describe('planVendor', () => {
  it('creates people who are missing, with every field as a change', () => {
    const p = plan([want('New@Acme.com', { phone: '+15125550100' })], []);
    expect(actions(p)).toEqual(['create new@acme.com']);
    expect(p.operations[0].changes).toEqual([
      { field: 'email', after: 'New@Acme.com' },
      { field: 'firstName', after: 'Ann' },
      { field: 'phone', after: '+15125550100' },
    ]);
  });

  it('does not create an offboarded person who is already absent', () => {
    const p = plan([want('gone@acme.com', {}, { active: false })], []);
    expect(p.operations).toEqual([]);
    expect(p.unchanged).toBe(1);
  });

  it('matches emails case-insensitively and updates only fields that differ', () => {
    const p = plan([want('ann@acme.com', { phone: '+15125550100', title: 'Rep' })], [live('7', 'ANN@acme.com', { phone: '+15125550199', title: 'Rep' })]);
    expect(actions(p)).toEqual(['update ann@acme.com']);
    expect(p.operations[0].changes).toEqual([{ field: 'phone', before: '+15125550199', after: '+15125550100' }]);
    expect(p.operations[0].vendorId).toBe('7');
  });

  it('never clears a field git does not declare', () => {
    const p = plan([want('ann@acme.com')], [live('7', 'ann@acme.com', { phone: '+15125550199' })]);
    expect(p.operations).toEqual([]);
    expect(p.unchanged).toBe(1);
  });

  it('diffs object fields key by key', () => {
    const p = plan(
      [want('ann@acme.com', { permissions: { a: true, b: false } })],
      [live('7', 'ann@acme.com', { permissions: { a: true, b: true } })],
    );
    expect(p.operations[0].changes).toEqual([{ field: 'permissions.b', before: true, after: false }]);
  });

  it('prefers a pinned id, then the external id, over the email', () => {
    const pinned = plan([want('ann@acme.com', {}, { pinnedId: '9' })], [live('7', 'ann@acme.com'), live('9', 'old@acme.com')]);
    expect(actions(pinned)).toEqual(['update ann@acme.com']);
    expect(pinned.operations[0].vendorId).toBe('9');
    expect(pinned.operations[0].changes[0]).toEqual({ field: 'email', before: 'old@acme.com', after: 'ann@acme.com' });

    const external = plan([want('ann@acme.com', {}, { externalId: 'hr-1' })], [live('3', 'previous@acme.com', {}, { externalId: 'hr-1' })]);
    expect(external.operations[0]).toMatchObject({ action: 'update', vendorId: '3' });
  });

  it('reports ambiguous matches instead of guessing', () => {
    const duplicateEmails = plan([want('ann@acme.com')], [live('1', 'ann@acme.com'), live('2', 'Ann@acme.com')]);
    expect(duplicateEmails.operations).toEqual([]);
    expect(duplicateEmails.errors[0]).toMatchObject({ key: 'ann@acme.com', message: expect.stringContaining('2 live users share this email') });

    const split = plan([want('ann@acme.com', {}, { externalId: 'hr-1' })], [live('1', 'ann@acme.com'), live('2', 'x@acme.com', {}, { externalId: 'hr-1' })]);
    expect(split.operations).toEqual([]);
    expect(split.errors[0].message).toContain('external id hr-1 matches live user 2');

    const missingPin = plan([want('ann@acme.com', {}, { pinnedId: '404' })], [live('1', 'ann@acme.com')]);
    expect(missingPin.errors[0].message).toContain('pinned vendor id 404 does not exist');
  });

  it('deactivates offboarded people, and leaves already-inactive ones alone', () => {
    const p = plan(
      [want('off@acme.com', {}, { active: false }), want('already@acme.com', {}, { active: false })],
      [live('1', 'off@acme.com'), live('2', 'already@acme.com', {}, { active: false })],
    );
    expect(actions(p)).toEqual(['deactivate off@acme.com']);
    expect(p.unchanged).toBe(1);
  });

  it('leaves offboarding to a person by default where the vendor cannot deactivate: a manual step, no error', () => {
    const manual = plan([want('off@acme.com', {}, { active: false })], [live('1', 'off@acme.com')], deleteOnly);
    expect(manual.operations).toEqual([]);
    expect(manual.errors).toEqual([]);
    expect(manual.manual).toEqual([
      expect.objectContaining({ key: 'off@acme.com', vendorId: '1', message: expect.stringContaining('by hand'), hint: expect.stringContaining('policy.allowDelete: true') }),
    ]);
  });

  it('follows an explicit offboarding mode, and refuses one the vendor cannot carry out as one vendor error', () => {
    const off = [want('off@acme.com', {}, { active: false })];
    const on = [live('1', 'off@acme.com')];
    const manualOnFlag = plan(off, on, { offboarding: 'manual' });
    expect(manualOnFlag.operations).toEqual([]);
    expect(manualOnFlag.manual?.map((m) => m.key)).toEqual(['off@acme.com']);

    const deactivateWithoutFlag = plan(off, on, { ...deleteOnly, offboarding: 'deactivate' });
    expect(deactivateWithoutFlag.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('has no deactivation') })]);
    expect(deactivateWithoutFlag.manual).toHaveLength(1);

    const deleteWithoutPolicy = plan(off, on, { ...deleteOnly, offboarding: 'delete' });
    expect(deleteWithoutPolicy.operations).toEqual([]);
    expect(deleteWithoutPolicy.errors[0].message).toContain('needs policy.allowDelete');

    const deleting = plan(off, on, { ...deleteOnly, offboarding: 'delete', policy: { allowDelete: true } });
    expect(actions(deleting)).toEqual(['delete off@acme.com']);

    // allowDelete on, but the instance keeps offboarding manual: nothing is deleted.
    const kept = plan(off, on, { ...deleteOnly, offboarding: 'manual', policy: { allowDelete: true } });
    expect(kept.operations).toEqual([]);
  });

  it('refuses at validate an offboarding mode that cannot work: revoke, and delete without policy.allowDelete', () => {
    const highlevel = (extra: object) =>
      vendorInstanceSchema(highlevelModule).safeParse({ kind: 'highlevel', baseUrl: 'https://services.leadconnectorhq.com', companyId: 'c1', credentials: { token: { env: 'T' } }, ...extra });
    const revoke = highlevel({ offboarding: 'revoke' });
    expect(revoke.success).toBe(false);
    expect(revoke.error?.issues[0]).toMatchObject({ path: ['offboarding'], message: expect.stringContaining('revoke is not available') });
    const del = highlevel({ offboarding: 'delete' });
    expect(del.error?.issues[0].message).toContain('needs policy.allowDelete: true');
    expect(highlevel({ offboarding: 'delete', policy: { allowDelete: true } }).success).toBe(true);
    expect(highlevel({ offboarding: 'manual' }).success).toBe(true);
  });

  it('deletes only when the vendor cannot deactivate and policy allows deletion', () => {

    const allowed = plan([want('off@acme.com', {}, { active: false })], [live('1', 'off@acme.com')], {
      ...deleteOnly,
      policy: { allowDelete: true },
    });
    expect(actions(allowed)).toEqual(['delete off@acme.com']);
  });

  it('reactivates a returning person with their field changes', () => {
    const p = plan([want('back@acme.com', { title: 'Lead' })], [live('1', 'back@acme.com', { title: 'Rep' }, { active: false })]);
    expect(p.operations[0]).toMatchObject({
      action: 'reactivate',
      changes: [
        { field: 'active', before: false, after: true },
        { field: 'title', before: 'Rep', after: 'Lead' },
      ],
    });
  });

  it('lists live users git does not describe as unmanaged, and prunes them only when policy says so', () => {
    const liveUsers = [live('1', 'hand@acme.com'), live('2', 'owner@acme.com', {}, { protectedReason: 'the account owner' }), live('3', 'old@acme.com', {}, { active: false })];
    const kept = plan([], liveUsers);
    expect(kept.operations).toEqual([]);
    expect(kept.unmanaged).toEqual([
      // Active and unknown to git: drift. The protected account owner is listed, but is not drift.
      { vendorId: '1', email: 'hand@acme.com', reason: 'not described in git', drift: true, name: 'Ann' },
      { vendorId: '2', email: 'owner@acme.com', reason: 'the account owner' },
    ]);

    const pruned = plan([], liveUsers, { policy: { prune: true } });
    expect(actions(pruned)).toEqual(['deactivate hand@acme.com']);
    expect(pruned.unmanaged.map((u) => u.email)).toEqual(['owner@acme.com']);
  });

  it('never touches live users the policy ignores', () => {
    const p = plan([want('bot@acme.com', { firstName: 'Bot' })], [live('1', 'bot@acme.com'), live('2', 'svc@acme.com')], {
      policy: { prune: true, ignore: ['BOT@acme.com', '2'] },
    });
    expect(p.operations).toEqual([]);
    expect(p.unmanaged.map((u) => u.reason)).toEqual(['ignored by policy', 'ignored by policy']);
    // Listed in policy.ignore is accepted: not drift.
    expect(p.unmanaged.some((u) => u.drift)).toBe(false);
  });

  it('refuses a declared person who is a protected live user', () => {
    const p = plan([want('owner@acme.com')], [live('1', 'owner@acme.com', {}, { protectedReason: 'the account owner' })]);
    expect(p.operations).toEqual([]);
    expect(p.errors[0].message).toContain('cannot be managed: the account owner');
  });

  it('plans an email change the vendor cannot make as an error, or as delete and re-create when opted in', () => {
    const desired = [want('new@acme.com', {}, { externalId: 'hr-1' })];
    const liveUsers = [live('1', 'old@acme.com', {}, { externalId: 'hr-1' })];
    const refused = plan(desired, liveUsers, deleteOnly);
    expect(refused.errors[0].message).toContain('email would change from old@acme.com to new@acme.com');

    const recreated = plan(desired, liveUsers, { ...deleteOnly, emailChange: 'recreate' });
    expect(actions(recreated)).toEqual(['create new@acme.com', 'delete new@acme.com']);
    // The old user goes only once the new one exists.
    expect(recreated.operations[1]).toMatchObject({ vendorId: '1', dependsOn: ['new@acme.com'] });
  });

  it('orders a manager before the people who report to them, and keeps only dependencies that arrive', () => {
    const p = plan(
      [
        want('a-rep@acme.com', { manager: 'z-boss@acme.com' }, { dependsOn: ['z-boss@acme.com'] }),
        want('b-rep@acme.com', { manager: 'existing@acme.com' }, { dependsOn: ['existing@acme.com'] }),
        want('z-boss@acme.com'),
        want('existing@acme.com'),
      ],
      [live('5', 'existing@acme.com')],
    );
    expect(actions(p)).toEqual(['create z-boss@acme.com', 'create a-rep@acme.com', 'create b-rep@acme.com']);
    expect(p.operations.find((op) => op.key === 'a-rep@acme.com')!.dependsOn).toEqual(['z-boss@acme.com']);
    expect(p.operations.find((op) => op.key === 'b-rep@acme.com')!.dependsOn).toEqual([]);
    expect(p.ids).toEqual({ 'existing@acme.com': '5' });
  });

  describe('create-only fields (Enerflo: Add a User takes them, Update a User does not)', () => {
    const fields = [{ name: 'firstName' }, { name: 'timezone', createOnly: true }, { name: 'code', createOnly: true, personal: 'ssn' as const }];
    const notices = (p: ReturnType<typeof plan>) => p.notices.map((n) => [n.key, n.vendorId, n.field]);
    const cases: { name: string; desired: DesiredRecord; live: LiveRecord; actions: string[]; notices: (string | undefined)[][]; changes?: string[] }[] = [
      {
        name: 'a create carries them as changes',
        desired: want('new@acme.com', { timezone: 'America/Chicago' }),
        live: live('9', 'other@acme.com'),
        actions: ['create new@acme.com'],
        notices: [],
        changes: ['email', 'firstName', 'timezone'],
      },
      {
        name: 'a differing live value is a notice, not an update',
        desired: want('ann@acme.com', { timezone: 'America/Chicago' }),
        live: live('7', 'ann@acme.com', { timezone: 'America/Denver' }),
        actions: [],
        notices: [['ann@acme.com', '7', 'timezone']],
      },
      {
        name: 'an update of another field leaves them out of its changes',
        desired: want('ann@acme.com', { firstName: 'Anne', timezone: 'America/Chicago' }),
        live: live('7', 'ann@acme.com', { timezone: 'America/Denver' }),
        actions: ['update ann@acme.com'],
        notices: [['ann@acme.com', '7', 'timezone']],
        changes: ['firstName'],
      },
      {
        name: 'a live value the vendor does not return is no difference',
        desired: want('ann@acme.com', { timezone: 'America/Chicago' }),
        live: live('7', 'ann@acme.com', { timezone: null }),
        actions: [],
        notices: [],
      },
      {
        name: 'a reactivation carries the notice too, and only the active change',
        desired: want('ann@acme.com', { timezone: 'America/Chicago' }),
        live: live('7', 'ann@acme.com', { timezone: 'America/Denver' }, { active: false }),
        actions: ['reactivate ann@acme.com'],
        notices: [['ann@acme.com', '7', 'timezone']],
        changes: ['active'],
      },
      {
        name: 'an offboarded person gets no notice',
        desired: want('ann@acme.com', { timezone: 'America/Chicago' }, { active: false }),
        live: live('7', 'ann@acme.com', { timezone: 'America/Denver' }),
        actions: ['deactivate ann@acme.com'],
        notices: [],
      },
    ];
    it.each(cases)('$name', (row) => {
      const p = plan([row.desired], [row.live], { fields });
      expect(actions(p)).toEqual(row.actions);
      expect(notices(p)).toEqual(row.notices);
      if (row.changes) expect(p.operations[0].changes.map((c) => c.field)).toEqual(row.changes);
      expect(p.errors).toEqual([]);
    });

    it('says the vendor cannot change it, with the values unless they are personal', () => {
      const p = plan([want('ann@acme.com', { timezone: 'America/Chicago', code: '123-45-6789' })], [live('7', 'ann@acme.com', { timezone: 'America/Denver', code: '987-65-4321' })], { fields });
      expect(p.notices.map((n) => n.message)).toEqual([
        'timezone differs ("America/Denver" live, "America/Chicago" in git), and test\'s API cannot change it after create; change it in test by hand if it matters',
        "code differs, and test's API cannot change it after create; change it in test by hand if it matters",
      ]);
    });
  });
});
