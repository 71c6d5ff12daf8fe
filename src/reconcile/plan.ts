import type { Organisation } from '../config/model.js';
import { personForVendor } from '../config/overrides.js';
import type { DesiredRecord, VendorReader } from '../vendors/types.js';
import { redactKnownSecrets } from '../http/redact.js';
import { planVendor } from './plan-vendor.js';
import type { VendorTarget } from './targets.js';
import type { OffboardingMode, Plan, PlanSummary, VendorPlan } from './types.js';

/** The desired records of every person whose roles map onto this vendor instance. */
export function desiredRecords(org: Organisation, target: Pick<VendorTarget, 'module' | 'config'>): DesiredRecord[] {
  const records: DesiredRecord[] = [];
  for (const person of org.people) {
    const record = target.module.desired(personForVendor(person, target.module.kind), org, target.config);
    if (record) records.push(record);
  }
  return records;
}

/**
 * Plans every target. Planning sees each adapter only as a VendorReader: it can list, never write.
 * Vendors plan in parallel; one that is down or misconfigured fails on its own with a clear message.
 */
export async function buildPlan(org: Organisation, targets: VendorTarget[]): Promise<Plan> {
  const vendors = await Promise.all(targets.map((target) => planTarget(org, target)));
  return { version: 1, vendors, summary: summarise(vendors) };
}

async function planTarget(org: Organisation, target: VendorTarget): Promise<VendorPlan> {
  const failed = (message: string): VendorPlan => ({
    vendor: target.name,
    kind: target.config.kind,
    operations: [],
    unmanaged: [],
    errors: [{ message: redactKnownSecrets(message) }],
    notices: [],
    readMode: 'list',
    unchanged: 0,
    liveCount: 0,
    fields: target.adapter?.fields ?? [],
    ids: {},
  });
  if (!target.adapter) return failed(target.setupError ?? 'not configured');
  const reader: VendorReader = { list: () => target.adapter!.list() };
  let live;
  try {
    live = await reader.list();
  } catch (error) {
    return failed(`could not list users: ${error instanceof Error ? error.message : String(error)}`);
  }
  return planVendor({
    vendor: target.name,
    kind: target.config.kind,
    policy: target.config.policy,
    capabilities: target.adapter.capabilities,
    fields: target.adapter.fields,
    recreateOnEmailChange: target.config.emailChange === 'recreate',
    offboarding: target.config.offboarding as OffboardingMode | undefined,
    desired: desiredRecords(org, target),
    live,
  });
}

export function summarise(vendors: VendorPlan[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, deactivate: 0, reactivate: 0, delete: 0, unchanged: 0, errors: 0 };
  for (const vendor of vendors) {
    for (const op of vendor.operations) summary[op.action]++;
    summary.unchanged += vendor.unchanged;
    summary.errors += vendor.errors.length;
  }
  return summary;
}
