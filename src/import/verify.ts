import type { Organisation } from '../config/model.js';
import { desiredRecords } from '../desired/stage.js';
import { planVendor } from '../reconcile/plan-vendor.js';
import type { VendorTarget } from '../compose/targets.js';
import type { Operation, PlanError, UnmanagedUser } from '../reconcile/types.js';
import type { LiveRecord } from '../vendors/types.js';
import type { ImportResult } from './model.js';

/** What `roster plan` would say right after the import, from the live users already listed. */
export interface Verification {
  /** Operations on imported people: each one is a place where the import could not say what a vendor has. */
  imported: { vendor: string; op: Operation }[];
  /** Operations on people git already declared: where git and the vendor disagree today. */
  declared: { vendor: string; op: Operation }[];
  errors: { vendor: string; error: PlanError }[];
  unmanaged: { vendor: string; user: UnmanagedUser }[];
}

/**
 * Plans the organisation as it is after the import against the live users import read, without a
 * second round of requests. Import keeps its promise when `imported` is empty.
 */
export function verifyImport(
  org: Organisation,
  listed: { target: VendorTarget; live: LiveRecord[] }[],
  importedKeys: Set<string>,
): Verification {
  const verification: Verification = { imported: [], declared: [], errors: [], unmanaged: [] };
  for (const { target, live } of listed) {
    const plan = planVendor({
      vendor: target.name,
      kind: target.config.kind,
      policy: target.config.policy,
      removal: target.module.removal,
      emailChange: target.module.emailChange(target.config),
      fields: target.module.fields,
      desired: desiredRecords(org, target),
      live,
    });
    for (const op of plan.operations) {
      (importedKeys.has(op.key) ? verification.imported : verification.declared).push({ vendor: target.name, op });
    }
    for (const error of plan.errors) verification.errors.push({ vendor: target.name, error });
    for (const user of plan.unmanaged) verification.unmanaged.push({ vendor: target.name, user });
  }
  return verification;
}

/** `update maria@x.example: phone, timezone` */
export function describeOperation(vendor: string, op: Operation): string {
  const fields = [...new Set(op.changes.map((c) => c.field.split('.')[0]))];
  return `${vendor}: ${op.action} ${op.key}${fields.length && op.action !== 'create' ? ` (${fields.join(', ')})` : ''}${op.reason ? ` — ${op.reason}` : ''}`;
}

/** The person field a vendor field is about, for a comment on the right line. */
const personFieldOf: Record<string, string> = {
  firstName: 'firstName',
  lastName: 'lastName',
  name: 'firstName',
  phone: 'phone',
  timezone: 'timezone',
  title: 'title',
  externalId: 'externalId',
  manager: 'manager',
  office: 'office',
  officeIds: 'office',
  locationIds: 'office',
  team: 'office',
  active: 'active',
};

const shown = (value: unknown): string => (value === undefined || value === null || value === '' ? 'none' : JSON.stringify(value));

/**
 * Comments, on the person's lines, for every change `roster plan` would still make to an imported
 * person, so the reviewer sees it in the file and not only on the terminal.
 */
export function annotateResiduals(result: ImportResult, verification: Verification): void {
  const people = new Map(result.people.map((p) => [p.key, p]));
  for (const { vendor, op } of verification.imported) {
    const person = people.get(op.key);
    if (!person) continue;
    const add = (field: string, text: string) => {
      const existing = person.comments.get(field) ?? [];
      if (!existing.includes(text)) person.comments.set(field, [...existing, text]);
    };
    if (op.action !== 'update') {
      add('email', `roster plan will still ${op.action} this person in ${vendor}${op.reason ? ` (${op.reason})` : ''}`);
      continue;
    }
    for (const change of op.changes) {
      const top = change.field.split('.')[0];
      const field = personFieldOf[top] ?? (person.comments.has('roles') || top ? 'roles' : 'email');
      add(field, `${vendor} has ${top === change.field ? '' : `${change.field} `}${shown(change.before)}: roster plan will set ${shown(change.after)}`);
    }
  }
}
