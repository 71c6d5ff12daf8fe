import type { Organisation } from '../config/model.js';
import { personForVendor } from '../config/overrides.js';
import { readerOf, type DesiredRecord } from '../vendors/types.js';
import { redactKnownSecrets } from '../http/redact.js';
import { planVendor } from './plan-vendor.js';
import { organisationHasDates } from '../config/as-of.js';
import { planVendorDated, withCalendar, type DatedPlanning } from './dated.js';
import { readLive } from './read.js';
import type { VendorTarget } from './targets.js';
import type { Plan, PlanSummary, VendorPlan } from './types.js';

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
 * Plans every target. Planning sees each adapter only as a VendorReader: it can list (or read by key), never write.
 * Vendors plan in parallel; one that is down or misconfigured fails on its own with a clear message.
 */
export async function buildPlan(org: Organisation, targets: VendorTarget[], calendar: Partial<DatedPlanning> = {}): Promise<Plan> {
  // Dates: the plan as of a day (now by default); an organisation without any plans as it always did.
  const dated = organisationHasDates(org)
    ? { asOf: calendar.asOf ?? { instant: new Date() }, since: calendar.since, upcomingDays: calendar.upcomingDays ?? org.config.dates?.upcomingDays ?? 14 }
    : undefined;
  const vendors = await Promise.all(targets.map((target) => planTarget(org, target, dated)));
  const plan: Plan = { version: 1, vendors, summary: summarise(vendors) };
  return dated ? withCalendar(plan, org, targets, dated) : plan;
}

async function planTarget(org: Organisation, target: VendorTarget, dated?: DatedPlanning): Promise<VendorPlan> {
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
  const reader = readerOf(target.adapter);
  let read;
  try {
    read = await readLive(reader, desiredRecords(org, target), target.config.concurrency ?? 4);
  } catch (error) {
    const message = `could not ${reader.mode === 'byKey' ? 'read' : 'list'} users: ${error instanceof Error ? error.message : String(error)}`;
    return { ...failed(message), readMode: reader.mode };
  }
  const input = {
    vendor: target.name,
    kind: target.config.kind,
    // Read by key, every live user seen is a declared person's: there is nothing git does not describe to prune.
    policy: read.mode === 'byKey' ? { ...target.config.policy, prune: false } : target.config.policy,
    capabilities: target.adapter.capabilities,
    fields: target.adapter.fields,
    recreateOnEmailChange: target.config.emailChange === 'recreate',
    live: read.live,
  };
  const readable = new Set(read.desired.map((record) => record.key));
  const plan = dated ? planVendorDated(org, target, input, dated, (key) => readable.has(key)) : planVendor({ ...input, desired: read.desired });
  return read.mode === 'byKey' ? { ...plan, readMode: 'byKey', errors: [...read.errors, ...plan.errors] } : plan;
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
