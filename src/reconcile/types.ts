import type { DatedEvent } from '../config/as-of.js';
import type { DesiredRecord, FieldSpec, FieldValue, LiveRecord } from '../vendors/types.js';

/** The field vocabulary of a plan, for readers of a plan (renderers) that know no vendor. */
export type { FieldSpec, FieldValue };

export type Action = 'create' | 'update' | 'deactivate' | 'reactivate' | 'delete';

export interface Change {
  field: string;
  before?: FieldValue;
  after?: FieldValue;
}

/** What every operation says, whatever its action: all a reader of a plan (a renderer, the checksum) needs. */
interface OperationCore {
  /** The person's key (lower-cased email). */
  key: string;
  changes: Change[];
  /** Keys of operations in the same vendor that must succeed first (a manager's create). */
  dependsOn: string[];
  /** Why this operation exists, when that is not obvious (prune, email change re-create). */
  reason?: string;
  /**
   * Set when a date made this operation: a start, an end or a role window reached between the plan's
   * `since` and its `asOf`. `roster apply --due` applies these and nothing else.
   */
  cause?: DateCause;
  /** The person's days of access, when they have dates. */
  window?: PersonWindow;
}

/** A new user: the record to send. There is no vendor id yet and no live user. */
export interface CreateOperation extends OperationCore {
  action: 'create';
  vendorId?: undefined;
  desired: DesiredRecord;
  live?: undefined;
}

/** A change to a user who exists (`reactivate` also sets them active): the record to send and the user it expects. */
export interface ChangeOperation extends OperationCore {
  action: 'update' | 'reactivate';
  vendorId: string;
  desired: DesiredRecord;
  live: LiveRecord;
}

/** A user leaving (deactivated, or deleted where the vendor has no deactivation): only the user it expects. */
export interface RemovalOperation extends OperationCore {
  action: 'deactivate' | 'delete';
  vendorId: string;
  desired?: undefined;
  live: LiveRecord;
}

/** One thing apply will do to one person in one vendor; what it carries follows its action. */
export type Operation = CreateOperation | ChangeOperation | RemovalOperation;

/**
 * An operation as a plan's readers see it: what it does, where the records it carries may be left out
 * (a masked plan drops them). Every Operation is one.
 */
export interface OperationView extends OperationCore {
  action: Action;
  vendorId?: string;
  desired?: DesiredRecord;
  live?: LiveRecord;
}

export interface DateCause {
  kind: 'date';
  events: DatedEvent[];
}

export interface PersonWindow {
  startDate?: string;
  endDate?: string;
  /** Where the days are read: the person's office timezone. */
  timezone: string;
}

/** A dated change in the coming days: what it does, and the vendors where it changes something. */
export interface UpcomingChange extends DatedEvent {
  vendors: string[];
}

/** A live user roster will not touch, and why. */
export interface UnmanagedUser {
  vendorId: string;
  email: string;
  reason: string;
  /**
   * True for an active user git does not describe and no policy accepts (`policy.ignore`): it is
   * drift, so `roster drift` reports it. Protected and ignored users are listed but are not drift.
   */
  drift?: boolean;
  /** The user's name as the vendor has it, when it gives one (who a reviewer is looking at). */
  name?: string;
}

/** How a person offboarded in git leaves a vendor instance (`offboarding` in roster.yaml). */
export type OffboardingMode = 'deactivate' | 'delete' | 'revoke' | 'manual';

/**
 * Something a person must do by hand in a vendor (`offboarding: manual`): no operation, no error,
 * and no failed exit code, but every plan, apply and drift run shows it until it is done.
 */
export interface ManualStep {
  key: string;
  vendorId: string;
  /** What to do, e.g. "delete or disable this user by hand". */
  message: string;
  hint?: string;
}

/** Something that needs a person: the operation for that key is not planned. */
export interface PlanError {
  key?: string;
  message: string;
  hint?: string;
}

/** Something a reviewer should know that is no operation and no error (a create-only field that differs). */
export interface PlanNotice {
  key: string;
  vendorId?: string;
  field?: string;
  message: string;
}

/** One vendor instance's plan. `Op` is what its operations carry: the records apply needs, unless it is a view. */
export interface VendorPlan<Op extends OperationView = Operation> {
  /** Vendor instance name from roster.yaml. */
  vendor: string;
  kind: string;
  operations: Op[];
  unmanaged: UnmanagedUser[];
  errors: PlanError[];
  notices: PlanNotice[];
  /** Steps left to a person (offboarding where roster may not remove the user); optional for older producers. */
  manual?: ManualStep[];
  /**
   * `list`: every live user was seen. `byKey`: only the declared people were read one by one (SimplePin
   * without a list endpoint), so users not described in git cannot be detected and none is claimed.
   */
  readMode: 'list' | 'byKey';
  unchanged: number;
  /** Live users seen (the summary). */
  liveCount: number;
  /**
   * Active live users seen, readable ones only: what safety thresholds divide by (20 active and 80
   * deactivated users is a vendor of 20). Optional for older producers, which fall back to liveCount.
   */
  activeCount?: number;
  fields: FieldSpec[];
  /** Key → vendor id of every matched live user, so apply can resolve references (a manager's id). */
  ids: Record<string, string>;
}

export interface PlanSummary {
  create: number;
  update: number;
  deactivate: number;
  reactivate: number;
  delete: number;
  unchanged: number;
  errors: number;
}

/** The plan is a value: renderers, checksums and apply all read this and nothing else. */
export interface Plan<Op extends OperationView = Operation> {
  version: 1;
  vendors: VendorPlan<Op>[];
  summary: PlanSummary;
  /** Set when the declared state has dates: the day or instant the plan was evaluated as of. */
  asOf?: string;
  /** The instant dated causes are counted from (when git last changed the declared state). */
  since?: string;
  /** Dated changes coming in the next days (`dates.upcomingDays`), per person and vendor. */
  upcoming?: UpcomingChange[];
  /** What the plan was made from, beyond live users (declared state, vendor instances): sealed by the checksum. */
  seal?: PlanSeal;
}

/** Where a plan came from, without a secret: the checksum covers it, so a plan cannot move to another tenant. */
export interface PlanSeal {
  /** SHA-256 of the root config and every users file as bytes (declared-hash.ts). */
  declared: string;
  /** Each declared file (relative to the root config's folder) and the SHA-256 of its bytes: names what changed. */
  files?: Record<string, string>;
  /** Each vendor instance planned against, by instance name. */
  instances: Record<string, InstanceIdentity>;
  /** With `--base`: the base's declared-state hash, which decides whom a vendor read by key reads (touched.ts). */
  base?: string;
}

/** A vendor instance as a plan names it: kind, base URL, account ids and a hash of its other settings. */
export interface InstanceIdentity {
  kind: string;
  baseUrl?: string;
  /** companyId, accountId, locationIds...: the settings naming the tenant. */
  ids: Record<string, FieldValue>;
  /** SHA-256 of the whole instance config less its credentials (paths, headers, mappings). */
  settings: string;
}

/** A plan as renderers read it: the engine's plan, or a masked one without records (maskPlan). */
export type PlanView = Plan<OperationView>;
export type VendorPlanView = VendorPlan<OperationView>;

export function hasChanges(plan: PlanView): boolean {
  return plan.vendors.some((v) => v.operations.length > 0);
}
