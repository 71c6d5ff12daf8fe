import { describe, expect, it } from 'vitest';
import { checksumOfParts, planChecksum, sealParts } from '../../src/reconcile/checksum.js';
import { describeDifferences } from '../../src/reconcile/checksum-compare.js';
import { decodeSeal, encodeSeal, MARKER_OPERATIONS, markerSeal, sealMismatch } from '../../src/reconcile/checksum-seal.js';
import type { OperationView, PlanView } from '../../src/reconcile/types.js';
import { checksumMarker, markerSealText } from '../../src/render/markdown-checksum.js';
import { hugePlan, op, plan, vendor } from './plans.js';

/*
 * The seal the plan comment carries (issue 22): bounded whatever the plan's size, recomputing to the
 * checksum, and enough to name the part that differs, without a value of a person.
 */

const describe_ = (i: { kind: string; baseUrl?: string } | undefined) => (i ? `${i.kind} at ${i.baseUrl}` : 'no instance');

function record(fields: Record<string, string>): NonNullable<OperationView['desired']> {
  return { key: 'ann@x.example', email: 'ann@x.example', active: true, fields, dependsOn: [] };
}

function annPlan(role = 'REP', live = 'OLD'): PlanView {
  return {
    ...plan([
      vendor('partner', {
        kind: 'partner',
        operations: [
          op('update', 'ann@x.example', [{ field: 'role', before: live, after: role }], {
            vendorId: '17',
            desired: record({ role, title: 'Rep' }),
            live: { vendorId: '17', email: 'ann@x.example', active: true, fields: { role: live, title: 'Rep' } },
          }),
        ],
      }),
    ]),
    upcoming: [{ key: 'ann@x.example', kind: 'end', date: '2028-01-31', effective: '2028-02-01', timezone: 'America/Denver', vendors: ['partner'] }],
    seal: { declared: 'd'.repeat(64), instances: { partner: { kind: 'partner', baseUrl: 'https://api.simplepin.example', ids: { companyId: 1001 }, settings: 's'.repeat(64) } } },
  };
}

describe('the seal in the plan comment', () => {
  it(`carries operation leaves up to ${MARKER_OPERATIONS} operations, roots beyond, and stays small at 10,000`, () => {
    const within = hugePlan(MARKER_OPERATIONS / 5);
    expect(Object.values(markerSeal(hugePlan(Math.floor(MARKER_OPERATIONS / 2))).vendors).every((v) => v.leaves?.length === v.count)).toBe(true);
    expect(Object.values(markerSeal(hugePlan(Math.floor(MARKER_OPERATIONS / 2) + 1)).vendors).every((v) => v.leaves === undefined)).toBe(true);
    expect(checksumOfParts(markerSeal(within))).toBe(planChecksum(within));
    const huge = hugePlan(5_000);
    const marker = checksumMarker(planChecksum(huge), {}, markerSealText(huge, planChecksum(huge)));
    expect(marker.length).toBeLessThan(2_000);
    expect(checksumOfParts(decodeSeal(/seal=(\S+)/.exec(marker)![1]))).toBe(planChecksum(huge));
    // A renderer handed another checksum writes no seal: it could not hash to it.
    expect(markerSealText(huge, 'a'.repeat(64))).toBeUndefined();
  });

  it('names the field of the record sent, the live user, the schedule and the instance', () => {
    const reviewed = markerSeal(annPlan());
    const roleNow = describeDifferences(reviewed, annPlan('MANAGER'), describe_);
    expect(roleNow.map((d) => d.message)).toEqual(['operation 1 for ann@x.example at partner (update) differs: the changes shown, field fields.role of the record sent']);
    const liveNow = describeDifferences(reviewed, annPlan('REP', 'OTHER'), describe_);
    expect(liveNow.map((d) => d.message)).toEqual(['operation 1 for ann@x.example at partner (update) differs: the changes shown, field fields.role of the live user expected']);

    const moved = annPlan();
    moved.upcoming![0].effective = '2028-03-01';
    expect(describeDifferences(reviewed, moved, describe_).map((d) => d.message)).toEqual([
      'the schedule at partner differs: a dated change (start, end, role window) was added, moved or removed since the review',
    ]);
    const tenant = annPlan();
    tenant.seal!.instances.partner = { ...tenant.seal!.instances.partner, baseUrl: 'https://staging.simplepin.example' };
    expect(describeDifferences(reviewed, tenant, describe_).map((d) => d.message)).toEqual([
      'vendor instance partner differs: reviewed against partner at https://api.simplepin.example, now partner at https://staging.simplepin.example',
    ]);
    const nothing = { ...annPlan(), vendors: [], upcoming: [] };
    expect(describeDifferences(reviewed, nothing, describe_).map((d) => d.message)).toEqual([
      'vendor partner: the reviewed plan had 1 operation or a scheduled change there; now nothing to do',
    ]);
  });

  it('says the operations differ per vendor when the reviewed plan was too large to list them', () => {
    const big = hugePlan(100);
    const reviewed = markerSeal(big);
    const changed = hugePlan(100);
    changed.vendors[0].operations[3].changes[0].after = 'Other';
    expect(describeDifferences(reviewed, changed, describe_).map((d) => d.message)).toEqual([
      'the operations at enerflo differ (100 reviewed, 100 now); the reviewed plan was too large for its comment to list each operation\'s hash: `roster plan` shows the plan as it is now',
    ]);
  });

  it('refuses parts that do not hash to the checksum, and a seal of the wrong shape', () => {
    const p = annPlan();
    const parts = sealParts(p);
    expect(sealMismatch(parts, planChecksum(p))).toBeUndefined();
    const counted = structuredClone(parts);
    counted.vendors.partner.count = 2;
    expect(sealMismatch(counted, planChecksum(p))).toMatch(/do not hash to that vendor's operations/);
    const dropped = structuredClone(parts);
    delete dropped.vendors.partner.leaves;
    dropped.vendors.partner.count = 2;
    expect(sealMismatch(dropped, planChecksum(p))).toMatch(/its parts hash to/);
    expect(() => decodeSeal(encodeSeal({ ...parts, extra: 1 } as never))).toThrow(/damaged or was edited/);
    expect(() => decodeSeal('%%%')).toThrow(/not a roster plan seal/);
  });
});
