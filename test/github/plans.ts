import { summarise } from '../../src/reconcile/plan.js';
import type { OperationView, PlanView, VendorPlanView } from '../../src/reconcile/types.js';

/** Personal data that must never reach GitHub in the clear. */
export const SECRET_PHONE = '+15125550187';
export const SECRET_PHONE_DIGITS = '5125550187';
export const SECRET_SSN = '123-45-6789';
export const SECRET_DOB = '1987-04-12';

/** Plans as renderers read them: operations say what they do and carry records only where a test gives them. */
export function plan(vendors: VendorPlanView[]): PlanView {
  return { version: 1, vendors, summary: summarise(vendors) };
}

export function vendor(name: string, parts: Partial<VendorPlanView> = {}): VendorPlanView {
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

export function op(action: OperationView['action'], key: string, changes: OperationView['changes'] = [], extra: Partial<OperationView> = {}): OperationView {
  return { action, key, changes, dependsOn: [], ...extra };
}

/** A plan touching every section of the markdown: create, update, deactivate, unmanaged, errors, personal data. */
export function samplePlan(): PlanView {
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
export function hugePlan(n: number): PlanView {
  const ops = (prefix: string) =>
    Array.from({ length: n }, (_, i) =>
      op('update', `${prefix}${i}@example.com`, [
        { field: 'firstName', before: `Old${i}`, after: `New${i}` },
        { field: 'phone', before: null, after: SECRET_PHONE },
      ], { vendorId: String(i) }),
    );
  return plan([vendor('enerflo', { operations: ops('e') }), vendor('highlevel', { kind: 'highlevel', operations: ops('h') })]);
}

/** HighLevel's permission flags as a create sends them: 38 named booleans. */
export function highlevelPermissions(on: string[]): Record<string, boolean> {
  const names = Array.from({ length: 38 - on.length }, (_, i) => `feature${String(i + 1).padStart(2, '0')}Enabled`);
  return Object.fromEntries([...names, ...on].map((n) => [n, on.includes(n)]));
}

/** What a reviewer sees most: a pull request that adds three people and offboards one, across three vendors. */
export function reviewPlan(): PlanView {
  const person = (firstName: string, lastName: string) => ({ key: '', email: '', active: true, fields: {}, dependsOn: [], name: `${firstName} ${lastName}` }) as never;
  const create = (key: string, first: string, last: string, fields: OperationView['changes']) =>
    op('create', key, [{ field: 'firstName', after: first }, { field: 'lastName', after: last }, ...fields], { desired: person(first, last) });
  return plan([
    vendor('enerflo', {
      unchanged: 20,
      liveCount: 23,
      operations: [
        create('ana.lopez@sunpath.example', 'Ana', 'Lopez', [{ field: 'office', after: '102' }, { field: 'roles', after: ['Sales Rep'] }, { field: 'phone', after: SECRET_PHONE }]),
        create('ben.okafor@sunpath.example', 'Ben', 'Okafor', [{ field: 'office', after: '101' }, { field: 'roles', after: ['Sales Rep'] }]),
        create('cara.nguyen@sunpath.example', 'Cara', 'Nguyen', [{ field: 'office', after: '103' }, { field: 'roles', after: ['Regional Manager'] }]),
        op('deactivate', 'diego.ramirez@sunpath.example', [{ field: 'active', before: true, after: false }], { vendorId: '145013', reason: 'offboarded in git', desired: person('Diego', 'Ramirez') }),
      ],
    }),
    vendor('highlevel', {
      kind: 'highlevel',
      unchanged: 6,
      liveCount: 8,
      operations: [
        create('ana.lopez@sunpath.example', 'Ana', 'Lopez', [
          { field: 'locationIds', after: ['pH8xR3dK6wNq1YcJ5tGv'] },
          { field: 'permissions', after: highlevelPermissions(['contactsEnabled', 'conversationsEnabled', 'opportunitiesEnabled', 'appointmentsEnabled']) },
        ]),
        create('ben.okafor@sunpath.example', 'Ben', 'Okafor', [{ field: 'locationIds', after: ['aT4kW9nQ2rLx7VbP3mZs'] }]),
      ],
      manual: [{ key: 'diego.ramirez@sunpath.example', vendorId: 'Dg4RamirezPx8Lm2QwZt', message: 'offboarded in git; remove this user from highlevel by hand', hint: 'highlevel has no deactivation' }],
    }),
    vendor('pulse', {
      kind: 'pulse',
      unchanged: 12,
      operations: [create('cara.nguyen@sunpath.example', 'Cara', 'Nguyen', [{ field: 'team', after: '13' }, { field: 'roles', after: ['salesManager'] }])],
    }),
  ]);
}

/** Labels as `labelsOf` makes them from the sample organisation's offices and roles. */
export const reviewLabels = {
  enerflo: { '101': 'austin', '102': 'phoenix', '103': 'denver', 'Sales Rep': 'sales-rep', 'Regional Manager': 'regional-manager' },
  highlevel: { aT4kW9nQ2rLx7VbP3mZs: 'austin', pH8xR3dK6wNq1YcJ5tGv: 'phoenix' },
  pulse: { '13': 'denver', salesManager: 'regional-manager' },
};
