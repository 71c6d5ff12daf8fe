import type { Policy } from '../config/schema.js';
import type { DesiredRecord, EmailChange, FieldSpec, LiveRecord, RemovalKind } from './records.js';
import { createOnlyDifferences, createOnlyFields, diffFields, fieldsAsChanges, undiffedFields } from './diff.js';
import { matchRecords } from './match.js';
import { readableRecords } from './readable.js';
import type { Change, ManualStep, OffboardingMode, Operation, PlanError, PlanNotice, RemovalOperation, UnmanagedUser, VendorPlan } from './types.js';

/** Why an unmapped person's account is offboarded (desired/unmapped.ts); a dated plan names the day (desired/dated.ts). */
export function unmappedReason(vendor: string): string {
  return `none of their roles maps onto ${vendor}`;
}

export interface VendorPlanInput {
  vendor: string;
  kind: string;
  policy: Policy;
  /** How a user leaves this vendor (the vendor module's `removal`). */
  removal: RemovalKind;
  /** What an email change becomes here (the vendor module's `emailChange` for this instance). */
  emailChange: EmailChange;
  fields: FieldSpec[];
  /** `offboarding` from roster.yaml; unset picks the vendor's default (see offboardingMode). */
  offboarding?: OffboardingMode;
  desired: DesiredRecord[];
  live: LiveRecord[];
}

/**
 * The whole decision for one vendor, as a pure function of desired and live records: what to
 * create, update, deactivate, reactivate or delete, what to leave alone and what needs a person.
 */
export function planVendor(input: VendorPlanInput): VendorPlan {
  const { policy } = input;
  const ignored = new Set(policy.ignore.map((entry) => entry.toLowerCase()));
  const isIgnored = (r: LiveRecord) => ignored.size > 0 && (ignored.has(r.email.toLowerCase()) || ignored.has(r.vendorId.toLowerCase()));

  const desired = [...input.desired].sort((a, b) => byLocale(a.key, b.key));
  // A live record roster cannot read is an error for itself alone; nobody is matched to, created over or pruned for it.
  const listing = readableRecords(input.live);
  const overUnreadable = (want: DesiredRecord) =>
    listing.blockedEmails.has(want.key) ||
    (want.pinnedId !== undefined && listing.blockedIds.has(want.pinnedId)) ||
    (want.externalId !== undefined && listing.blockedExternalIds.has(want.externalId));
  // Nearly always nothing is unreadable: then no person is over one, and the two passes over everyone are skipped.
  const blocked = listing.blockedEmails.size > 0 || listing.blockedIds.size > 0 || listing.blockedExternalIds.size > 0;
  const { matched, unmatched, errors: matchErrors, contested, secondAccounts } = matchRecords(blocked ? desired.filter((want) => !overUnreadable(want)) : desired, listing.readable);
  const errors: PlanError[] = [
    ...listing.errors,
    ...(blocked
      ? desired
          .filter((want) => overUnreadable(want) && !listing.errors.some((e) => e.key === want.key))
          .map((want) => ({ key: want.key, message: `the live user this person matches (by pinned id or external id) cannot be read; nothing is planned for them`, hint: 'fix the user in the vendor' }))
      : []),
    ...matchErrors,
  ];
  const unmatchable = new Set(errors.map((e) => e.key));
  const operations: Operation[] = [];
  const unmanaged: UnmanagedUser[] = [];
  const manual: ManualStep[] = [];
  const mode = offboardingMode(input);
  if (mode.error) errors.push(mode.error);
  const ids: Record<string, string> = {};
  let unchanged = 0;
  const createOnly = createOnlyFields(input.fields);
  const undiffed = undiffedFields(input.fields);
  const notices: PlanNotice[] = [];

  // Offboarding left to a person: visible in every plan, apply and drift, failing none of them.
  const manualStep = (key: string, live: LiveRecord): ManualStep => ({
    key,
    vendorId: live.vendorId,
    message: `offboarded in git; remove this user from ${input.kind} by hand`,
    hint:
      input.removal === 'flag'
        ? `or set offboarding: deactivate on vendor "${input.vendor}"`
        : `${input.kind} has no deactivation; or set offboarding: delete with policy.allowDelete: true on vendor "${input.vendor}"`,
  });
  const removal = (key: string, live: LiveRecord, reason?: string): RemovalOperation => ({
    action: mode.remove === 'deactivate' ? 'deactivate' : 'delete',
    key,
    vendorId: live.vendorId,
    changes: [{ field: 'active', before: true, after: false }],
    dependsOn: [],
    reason,
    live,
  });

  // An index loop: this one runs once per person, mostly before it is optimised (issue 26).
  for (let i = 0; i < desired.length; i++) {
    const want = desired[i];
    if (unmatchable.has(want.key)) continue;
    const live = matched.get(want.key);
    if (!live) {
      if (want.active) {
        operations.push({ action: 'create', key: want.key, changes: fieldsAsChanges(want), dependsOn: want.dependsOn, desired: want });
      } else if (!want.unmapped) {
        unchanged++;
      }
      continue;
    }
    ids[want.key] = live.vendorId;
    if (live.protectedReason) {
      errors.push({ key: want.key, message: `the live user ${live.vendorId} cannot be managed: ${live.protectedReason}` });
      continue;
    }
    if (isIgnored(live)) {
      unmanaged.push({ vendorId: live.vendorId, email: live.email, reason: 'ignored by policy' });
      continue;
    }

    if (!want.active) {
      if (!live.active) {
        if (!want.unmapped) unchanged++;
      } else if (mode.remove) operations.push(removal(want.key, live, want.unmapped ? unmappedReason(input.vendor) : 'offboarded in git'));
      else manual.push(manualStep(want.key, live));
      continue;
    }

    let changes: Change[] = [];
    const emailChanged = live.email.toLowerCase() !== want.key;
    if (emailChanged) {
      if (input.emailChange === 'recreate') {
        // Create the new user first and delete the old one only once that worked, so a failed
        // create never leaves the person without an account.
        operations.push({ action: 'create', key: want.key, changes: fieldsAsChanges(want), dependsOn: want.dependsOn, desired: want, reason: `replaces ${live.email}` });
        operations.push({ ...removal(want.key, live, `email changes from ${live.email}; replaced by the new user`), action: 'delete', dependsOn: [want.key] });
        continue;
      }
      if (input.emailChange === 'refuse') {
        errors.push({
          key: want.key,
          message: `email would change from ${live.email} to ${want.email}, which ${input.kind} does not allow`,
          hint: `change it by hand in ${input.kind}, or set emailChange: recreate on vendor "${input.vendor}" to delete and re-create the user`,
        });
        continue;
      }
      changes.push({ field: 'email', before: live.email, after: want.email });
    }
    const fieldChanges = diffFields(want, live, undiffed);
    if (changes.length === 0) changes = fieldChanges;
    else for (const change of fieldChanges) changes.push(change);
    if (createOnly.length > 0) {
      const different = createOnlyDifferences(want, live, createOnly);
      if (different.length > 0) notices.push(...createOnlyNotices(input.kind, input.fields, different, want, live));
    }

    if (!live.active) {
      operations.push({
        action: 'reactivate',
        key: want.key,
        vendorId: live.vendorId,
        changes: [{ field: 'active', before: false, after: true }, ...changes],
        dependsOn: want.dependsOn,
        desired: want,
        live,
      });
    } else if (changes.length > 0) {
      operations.push({ action: 'update', key: want.key, vendorId: live.vendorId, changes, dependsOn: want.dependsOn, desired: want, live });
    } else {
      unchanged++;
    }
  }

  for (const live of unmatched) {
    if (live.protectedReason) {
      unmanaged.push({ vendorId: live.vendorId, email: live.email, reason: live.protectedReason });
    } else if (isIgnored(live)) {
      unmanaged.push({ vendorId: live.vendorId, email: live.email, reason: 'ignored by policy' });
    } else if (!live.active) {
      // Already off and not in git: nothing to do and nothing to warn about.
    } else if (contested.has(live.vendorId)) {
      unmanaged.push({ vendorId: live.vendorId, email: live.email, reason: 'involved in a match error above; never pruned while the match is contested' });
    } else if (secondAccounts.has(live.vendorId)) {
      // Declared (their email or external id) but matched to another user, or to none: the person's, not a stranger's.
      // Still active, so it is drift a reviewer must see, but never pruned: it may be the account they really use.
      unmanaged.push({
        vendorId: live.vendorId,
        email: live.email,
        reason: `a second account of ${secondAccounts.get(live.vendorId)}; never pruned (pin the right one with vendors.${input.kind}.id, or remove this one by hand)`,
        drift: true,
        ...nameOf(live),
      });
    } else if (policy.prune && mode.remove) {
      operations.push(removal(live.email.toLowerCase(), live, 'not described in git (prune)'));
    } else {
      // Active, unknown to git and accepted by no policy: drift, whether or not roster may prune it.
      unmanaged.push({
        vendorId: live.vendorId,
        email: live.email,
        reason: policy.prune ? `not described in git; pruning it needs ${pruneNeeds(input)}` : 'not described in git',
        drift: true,
        ...nameOf(live),
      });
    }
  }

  return {
    vendor: input.vendor,
    kind: input.kind,
    operations: orderOperations(operations),
    unmanaged: unmanaged.sort((a, b) => byLocale(a.email, b.email)),
    errors,
    notices,
    manual,
    readMode: 'list',
    unchanged,
    liveCount: input.live.length,
    activeCount: countActive(listing.readable),
    fields: input.fields,
    ids,
  };
}

/**
 * A notice per create-only field whose live value differs from git: the vendor's API cannot change it
 * after create, so it is no operation and no error. Personal values are not repeated in the message.
 */
function createOnlyNotices(kind: string, fields: FieldSpec[], different: Change[], want: DesiredRecord, live: LiveRecord): PlanNotice[] {
  return different.map((change) => {
    const personal = fields.some((f) => f.name === change.field && f.personal);
    const values = personal ? '' : ` (${JSON.stringify(change.before)} live, ${JSON.stringify(change.after)} in git)`;
    return {
      key: want.key,
      vendorId: live.vendorId,
      field: change.field,
      message: `${change.field} differs${values}, and ${kind}'s API cannot change it after create; change it in ${kind} by hand if it matters`,
    };
  });
}

/**
 * How offboarded people leave this vendor: `remove` is the operation apply runs, or undefined when a
 * person must do it (`manual`). The default never fails a pipeline: deactivation where the vendor has
 * it, delete where the instance allows deletion, otherwise a manual step. A mode the vendor cannot
 * carry out is one error for the vendor, and offboarding falls back to manual steps.
 */
export function offboardingMode(input: Pick<VendorPlanInput, 'vendor' | 'kind' | 'policy' | 'removal' | 'offboarding'>): {
  remove?: 'deactivate' | 'delete';
  error?: PlanError;
} {
  const { removal, policy, offboarding } = input;
  const refuse = (message: string, hint: string) => ({ error: { message: `offboarding: ${offboarding} ${message}`, hint } });
  switch (offboarding) {
    case undefined:
      if (removal === 'flag') return { remove: 'deactivate' };
      return policy.allowDelete ? { remove: 'delete' } : {};
    case 'manual':
      return {};
    case 'deactivate':
      if (removal === 'flag') return { remove: 'deactivate' };
      return refuse(`is not possible: ${input.kind} has no deactivation, so offboarding is left to a person`, 'set offboarding: manual, or delete with policy.allowDelete: true');
    case 'delete':
      if (removal === 'delete' && policy.allowDelete) return { remove: 'delete' };
      if (removal === 'flag') return refuse(`is not possible: ${input.kind} removes users by deactivation only`, 'set offboarding: deactivate');
      return refuse('needs policy.allowDelete: true; until then offboarding is left to a person', `set policy.allowDelete: true on vendor "${input.vendor}"`);
    case 'revoke':
      return refuse(`is not available for ${input.kind}; offboarding is left to a person`, 'set offboarding: manual, deactivate or delete');
  }
}

function pruneNeeds(input: Pick<VendorPlanInput, 'removal' | 'offboarding'>): string {
  if (input.offboarding === 'manual') return 'an offboarding mode other than manual';
  return input.removal === 'flag' ? 'offboarding: deactivate' : 'policy.allowDelete';
}

function countActive(records: readonly LiveRecord[]): number {
  let active = 0;
  for (let i = 0; i < records.length; i++) if (records[i].active) active++;
  return active;
}

function nameOf(live: LiveRecord): { name?: string } {
  const name = [live.fields.firstName, live.fields.lastName].filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
  return name ? { name } : {};
}

/**
 * English collation, made once rather than on every comparison. Named, not the runner's default locale:
 * a Danish machine sorts `aa` after `z`, so the same plan would list (and apply) in another order on a
 * laptop than in CI.
 */
const byLocale = new Intl.Collator('en').compare;

const actionOrder = { create: 0, reactivate: 1, update: 2, deactivate: 3, delete: 4 } as const;

/**
 * Creates come first with every manager before their reports; each operation keeps only the
 * dependencies that are themselves created or reactivated in this plan (the rest already exist).
 */
function orderOperations(operations: Operation[]): Operation[] {
  const arriving = new Set(operations.filter((op) => op.action === 'create' || op.action === 'reactivate').map((op) => op.key));
  // A delete may wait for the create of its own key (an email re-create); nothing else waits for itself.
  for (const op of operations) op.dependsOn = op.dependsOn.filter((key) => (key !== op.key || op.action === 'delete') && arriving.has(key));

  const byKey = new Map(operations.filter((op) => arriving.has(op.key) && op.action !== 'delete').map((op) => [op.key, op]));
  const sorted = [...operations].sort((a, b) => actionOrder[a.action] - actionOrder[b.action] || byLocale(a.key, b.key));
  const placed = new Set<Operation>();
  const result: Operation[] = [];
  const visiting = new Set<Operation>();
  const place = (op: Operation) => {
    if (placed.has(op) || visiting.has(op)) return;
    visiting.add(op);
    for (const dep of op.dependsOn) {
      const before = byKey.get(dep);
      if (before) place(before);
    }
    visiting.delete(op);
    placed.add(op);
    result.push(op);
  };
  sorted.forEach(place);
  return result;
}
