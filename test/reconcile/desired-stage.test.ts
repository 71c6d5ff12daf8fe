import { describe, expect, it } from 'vitest';
import { addDays, localDay } from '../../src/config/dates.js';
import type { Plan } from '../../src/reconcile/types.js';
import { harnessForTest, sampleConfig, sampleOfficesAndRoles } from '../helpers/workspace.js';

/**
 * Issue 24 point 3: one desired stage in front of the engine. A person whose roles stop mapping onto a
 * vendor gets the same plan whether a role edit or a role window took the vendor away: the account is
 * offboarded where there is one (deactivated in Pulse and Enerflo, a by-hand step in HighLevel, which
 * cannot deactivate and may not delete here), and nothing happens where there is none. Real HTTP against
 * the sandbox emulators, whose fixtures hold Jake in Pulse and HighLevel.
 */
const yesterday = addDays(localDay(new Date(), 'America/Chicago'), -1);
const jake = 'jake.thompson@sunpath.example';
const newcomer = 'nia.new@sunpath.example';

/** `accounting` maps onto SimplePin only; `sales-rep` onto Enerflo, HighLevel and Pulse. */
const variants: Record<string, (string | object)[]> = {
  'role edit': ['accounting'],
  'role window': [{ role: 'sales-rep', from: '2020-01-01', until: yesterday }, 'accounting'],
};


async function planWith(roles: (string | object)[]): Promise<Plan> {
  const config = await sampleConfig();
  const people = [jake, newcomer].map((email) => ({ email, firstName: email === jake ? 'Jake' : 'Nia', lastName: email === jake ? 'Thompson' : 'New', office: 'austin', phone: email === jake ? '(512) 555-0102' : '(512) 555-0177', title: 'Controller', roles: structuredClone(roles) }));
  const { harness } = await harnessForTest({ ...config, users: 'users' }, { ...(await sampleOfficesAndRoles()), 'people.yaml': { people } });
  return harness.plan();
}

/** Per vendor, what the plan does about one person: operations, by-hand steps, or being listed as unmanaged. */
function outcome(plan: Plan, key: string): Record<string, string[]> {
  return Object.fromEntries(
    plan.vendors.map((v) => [
      v.vendor,
      [
        ...v.operations.filter((op) => op.key === key).map((op) => op.action),
        ...(v.manual ?? []).filter((step) => step.key === key).map(() => 'by hand'),
        ...v.unmanaged.filter((u) => u.email.toLowerCase() === key).map((u) => `unmanaged: ${u.reason}`),
        ...v.errors.filter((e) => e.key === key).map((e) => `error: ${e.message}`),
      ],
    ]),
  );
}

describe('one desired stage: a role edit and a role window give the same plan', () => {
  it('offboards an account where the vendor has one, does nothing where it has none, both ways', async () => {
    const plans: Record<string, Plan> = {};
    for (const [name, roles] of Object.entries(variants)) plans[name] = await planWith(roles);

    const table = Object.fromEntries(Object.entries(plans).map(([name, plan]) => [name, { jake: outcome(plan, jake), newcomer: outcome(plan, newcomer) }]));
    // The account Jake has: offboarded in the vendors that can, left to a person in HighLevel; never "not described in git".
    expect(table['role edit'].jake.pulse).toEqual(['deactivate']);
    expect(table['role edit'].jake.highlevel).toEqual(['by hand']);
    expect(JSON.stringify(table['role edit'])).not.toContain('unmanaged');
    // Nia has no account in any of those vendors: nothing planned there, and SimplePin creates both as before.
    expect(table['role edit'].newcomer.pulse).toEqual([]);
    expect(table['role edit'].newcomer.highlevel).toEqual([]);
    expect(table['role edit'].newcomer.partner).toEqual(['create']);
    // The same change made by a role window gives the same table, vendor by vendor.
    expect(table['role window']).toEqual(table['role edit']);

    const pulse = plans['role edit'].vendors.find((v) => v.vendor === 'pulse')!;
    expect(pulse.operations.find((op) => op.key === jake)?.reason).toBe('none of their roles maps onto pulse');
    // A person with no account is no "unchanged" user of that vendor either way.
    expect(pulse.unchanged).toBe(plans['role window'].vendors.find((v) => v.vendor === 'pulse')!.unchanged);
  });
});
