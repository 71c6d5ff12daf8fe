import { summarise } from '../../src/reconcile/plan.js';
import type { Operation, Plan, VendorPlan } from '../../src/reconcile/types.js';

/** Personal data that must never reach GitHub in the clear. */
export const SECRET_PHONE = '+15125550187';
export const SECRET_PHONE_DIGITS = '5125550187';
export const SECRET_SSN = '123-45-6789';
export const SECRET_DOB = '1987-04-12';

export function plan(vendors: VendorPlan[]): Plan {
  return { version: 1, vendors, summary: summarise(vendors) };
}

export function vendor(name: string, parts: Partial<VendorPlan> = {}): VendorPlan {
  return {
    vendor: name,
    kind: parts.kind ?? 'enerflo',
    operations: [],
    unmanaged: [],
    errors: [],
    notices: [],
    readMode: 'list',
    unchanged: 0,
    liveCount: 0,
    ids: {},
    fields: [
      { name: 'firstName' },
      { name: 'lastName' },
      { name: 'email', personal: 'email' },
      { name: 'phone', personal: 'phone' },
      { name: 'ssn', personal: 'ssn' },
      { name: 'birthday', personal: 'dateOfBirth' },
      { name: 'roles' },
    ],
    ...parts,
  };
}

export function op(action: Operation['action'], key: string, changes: Operation['changes'] = [], extra: Partial<Operation> = {}): Operation {
  return { action, key, changes, dependsOn: [], ...extra };
}

/** A plan touching every section of the markdown: create, update, deactivate, unmanaged, errors, personal data. */
export function samplePlan(): Plan {
  return plan([
    vendor('enerflo', {
      unchanged: 40,
      liveCount: 43,
      operations: [
        op('create', 'jane@example.com', [
          { field: 'firstName', after: 'Jane' },
          { field: 'phone', after: SECRET_PHONE },
          { field: 'roles', after: ['Sales Rep', 'Setter'] },
        ]),
        op('update', 'bob@example.com', [
          { field: 'phone', before: '+15125550100', after: SECRET_PHONE },
          { field: 'ssn', before: null, after: SECRET_SSN },
          { field: 'birthday', before: SECRET_DOB, after: null },
          { field: 'lastName', before: 'Smith | Jones', after: '*Smith* <b>' },
        ], { vendorId: '42' }),
        op('deactivate', 'old@example.com', [{ field: 'active', before: true, after: false }], { vendorId: '7', reason: 'no longer in git (prune)' }),
      ],
      unmanaged: [{ vendorId: '99', email: 'owner@example.com', reason: 'account owner' }],
      errors: [{ key: 'carl@example.com', message: `phone ${SECRET_PHONE} was refused: ssn ${SECRET_SSN} on file`, hint: 'call (512) 555-0187' }],
    }),
    vendor('pulse', { kind: 'pulse', unchanged: 12, operations: [op('create', 'dee@example.com', [{ field: 'firstName', after: 'Dee' }])] }),
  ]);
}

/** A plan far over GitHub's comment limit: `n` updates in each of two vendors. */
export function hugePlan(n: number): Plan {
  const ops = (prefix: string) =>
    Array.from({ length: n }, (_, i) =>
      op('update', `${prefix}${i}@example.com`, [
        { field: 'firstName', before: `Old${i}`, after: `New${i}` },
        { field: 'phone', before: null, after: SECRET_PHONE },
      ], { vendorId: String(i) }),
    );
  return plan([vendor('enerflo', { operations: ops('e') }), vendor('highlevel', { kind: 'highlevel', operations: ops('h') })]);
}
