import { describe, expect, it } from 'vitest';
import { checksumForVendor, planChecksum, vendorChecksums } from '../../src/reconcile/checksum.js';
import type { Plan, VendorPlan } from '../../src/reconcile/types.js';

/**
 * What the checksum covers (issue 22): each part an insider could change after review changes it, and
 * nothing a renderer or the engine's ordering adds does.
 */
const instance = { kind: 'partner', baseUrl: 'https://api.simplepin.example', ids: {}, settings: 'a'.repeat(64) };

function partnerPlan(): Plan {
  const vendor: VendorPlan = {
    vendor: 'partner',
    kind: 'partner',
    operations: [
      {
        action: 'create',
        key: 'cara@x.example',
        changes: [{ field: 'email', after: 'cara@x.example' }],
        dependsOn: ['zoe@x.example'],
        desired: { key: 'cara@x.example', email: 'cara@x.example', externalId: 'HR-7001', active: true, fields: { role: 'CUSTOMER_CARE', time_zone_id: 'America/Denver', manager: 'zoe@x.example' }, dependsOn: ['zoe@x.example'] },
      },
      {
        action: 'update',
        key: 'ann@x.example',
        vendorId: '17',
        changes: [{ field: 'role', before: 'ACCOUNTING', after: 'CUSTOMER_CARE' }],
        dependsOn: [],
        desired: { key: 'ann@x.example', email: 'ann@x.example', active: true, fields: { role: 'CUSTOMER_CARE' }, dependsOn: [] },
        live: { vendorId: '17', email: 'ann@x.example', active: true, fields: { role: 'ACCOUNTING' } },
      },
    ],
    unmanaged: [],
    errors: [],
    notices: [],
    readMode: 'byKey',
    unchanged: 0,
    liveCount: 1,
    fields: [{ name: 'role' }, { name: 'time_zone_id', writeOnly: true }],
    ids: { 'zoe@x.example': '9', 'ann@x.example': '17' },
  };
  return {
    version: 1,
    vendors: [vendor],
    summary: { create: 1, update: 1, deactivate: 0, reactivate: 0, delete: 0, unchanged: 0, errors: 0 },
    asOf: '2026-12-07T06:00:00.000Z',
    upcoming: [{ key: 'cara@x.example', kind: 'end', date: '2028-01-31', effective: '2028-02-01', timezone: 'America/Denver', vendors: ['partner'] }],
    seal: { declared: 'd'.repeat(64), instances: { partner: instance } },
  };
}

describe('the plan checksum', () => {
  const base = planChecksum(partnerPlan());
  const changed = (edit: (plan: Plan) => void) => {
    const plan = partnerPlan();
    edit(plan);
    return planChecksum(plan);
  };
  const create = (plan: Plan) => plan.vendors[0].operations[0] as Extract<Plan['vendors'][0]['operations'][0], { action: 'create' }>;

  it.each<[string, (plan: Plan) => void]>([
    ['SimplePin user_code (the external id, outside changes)', (p) => void (create(p).desired.externalId = 'HR-1001')],
    ['a write-only field', (p) => void (create(p).desired.fields.time_zone_id = 'UTC')],
    ['a field outside changes', (p) => void (create(p).desired.fields.role = 'MANAGER')],
    ['the vendor id an update targets (the path)', (p) => void (p.vendors[0].operations[1].vendorId = '18')],
    ['the id of a person the record names (a manager)', (p) => void (p.vendors[0].ids['zoe@x.example'] = '10')],
    ['the live user an operation expects', (p) => void (p.vendors[0].operations[1].live!.fields.role = 'MANAGER')],
    ['the vendor instance (base URL)', (p) => void (p.seal!.instances.partner = { ...instance, baseUrl: 'https://staging.simplepin.example' })],
    ['the vendor instance (other settings)', (p) => void (p.seal!.instances.partner = { ...instance, settings: 'b'.repeat(64) })],
    ['the declared state', (p) => void (p.seal!.declared = 'e'.repeat(64))],
    ['a date in the schedule', (p) => void (p.upcoming![0].date = '2028-02-01')],
  ])('changes with %s', (_what, edit) => {
    expect(changed(edit)).not.toBe(base);
  });

  it('does not change with the instant, wording, counts, or the order operations come in', () => {
    expect(
      changed((p) => {
        p.asOf = '2026-12-08T06:00:00.000Z';
        p.vendors[0].operations.reverse();
        p.vendors[0].operations[0].reason = 'another wording';
        p.summary.unchanged = 40;
      }),
    ).toBe(base);
  });

  it('per vendor equals the checksum of the plan narrowed to that vendor; a vendor with nothing reviewed gets the empty one', () => {
    const plan = partnerPlan();
    const other: VendorPlan = { ...plan.vendors[0], vendor: 'other', operations: [], ids: {} };
    const both: Plan = { ...plan, vendors: [plan.vendors[0], other], seal: { ...plan.seal!, instances: { ...plan.seal!.instances, other: instance } } };
    expect(vendorChecksums(both)).toEqual({ partner: planChecksum(plan) });
    expect(checksumForVendor(vendorChecksums(both), 'other')).toBe(planChecksum({ ...plan, vendors: [other], upcoming: [] }));
  });
});
