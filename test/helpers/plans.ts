import type { Operation, Plan } from '../../src/reconcile/types.js';

/** `action key` of every operation of a one-vendor plan, sorted: what a reviewer reads first. */
export const summary = (plan: Plan): string[] => plan.vendors[0].operations.map((op) => `${op.action} ${op.key}`).sort();

/** The operation for one person in a one-vendor plan. */
export const op = (plan: Plan, key: string): Operation | undefined => plan.vendors[0].operations.find((o) => o.key === key);

/** A person as written in a users file: one role, an optional office, anything else in `extra`. */
export const person = (email: string, first: string, last: string, role: string, office: string | undefined, extra: Record<string, unknown> = {}) => ({
  email,
  firstName: first,
  lastName: last,
  roles: [role],
  ...(office ? { office } : {}),
  ...extra,
});
