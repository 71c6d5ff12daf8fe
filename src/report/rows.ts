import { isDeepStrictEqual } from 'node:util';
import type { Organisation, ResolvedPerson } from '../config/model.js';
import { addDays, localDay } from '../config/dates.js';
import { diffFields, topField, undiffedFields } from '../reconcile/diff.js';
import type { DesiredRecord, LiveRecord, VendorModule } from '../vendors/types.js';
import type { VendorInstanceConfig } from '../config/schema.js';
import { applyKey, type AppliedChange, type ApplyHistory } from './apply-reports.js';
import { weighReviews, type ApprovalVerdict, type MergedPull } from './approvals.js';
import type { CommitRef, PersonHistory, RawPerson } from './history.js';
import { isPersonLogin, type LoginMap } from './logins.js';
import type { VendorLive } from './live.js';

export type LiveState = 'active' | 'inactive' | 'absent' | 'unreadable';

/** A leaver's check in one vendor: when git ended their access, and whether the vendor shows it ended now. */
export interface LeaverCheck {
  /** `active: false`, `endDate 2026-11-30`, or `removed from git`. */
  how: string;
  /** The commit that ended it in git. */
  commit?: CommitRef;
  /** When the access had to end: the commit's time, or the start of the day after endDate (office timezone), the later. */
  endedAt: string;
  /** `removed` (inactive or gone now), `still active`, or `unknown` (the vendor could not be read). */
  status: 'removed' | 'still active' | 'unknown';
  /** The apply that took the account out, from the apply reports. */
  removedAt?: string;
  /** Removed within the agreed hours of endedAt; unset when no apply report says when. */
  onTime?: boolean;
  /** Still active past the agreed hours. */
  overdue?: boolean;
}

/** One person's account in one vendor instance: the report's row. */
export interface AccessRow {
  /** The person's email (their key); for a live user git does not describe, the vendor's email. */
  person: string;
  name?: string;
  vendor: string;
  kind: string;
  vendorId?: string;
  /** `active` or `inactive` as git declares the person here on the report's day; `not in git` otherwise. */
  declared: 'active' | 'inactive' | 'not in git';
  live: LiveState;
  declaredRoles: string[];
  declaredOffice?: string;
  /** The vendor's own words for the live role and office (from its importer). */
  liveRoles: string[];
  liveOffice?: string;
  /** The commit since which the current access is declared. */
  since?: CommitRef;
  pullRequest?: { number: number; url?: string; author?: string; mergedBy?: string; mergedAt: string };
  approval: ApprovalVerdict;
  approvers: string[];
  /** Approvals that did not count, and why. */
  discounted: string[];
  /** Approved only by the person who gets the access, by nobody, or merged with no pull request. */
  selfApproval: boolean;
  lastApply?: AppliedChange;
  /** How live differs from git; empty when it does not. */
  drift: string[];
  leaver?: LeaverCheck;
  note?: string;
}

export interface RowInputs {
  /** The declared state as of the report's day. */
  org: Organisation;
  asOfDay: string;
  vendors: { live: VendorLive; module: VendorModule; config: VendorInstanceConfig }[];
  history: Map<string, PersonHistory>;
  /** Merged pull request by commit; undefined when GitHub was not asked at all. */
  pulls?: Map<string, MergedPull | null>;
  applies: ApplyHistory;
  logins: LoginMap;
  now: Date;
  /** Hours after which a leaver still active is overdue (default 24). */
  leaverHours: number;
}

export function buildRows(input: RowInputs): AccessRow[] {
  const rows: AccessRow[] = [];
  for (const vendor of input.vendors) rows.push(...vendorRows(input, vendor));
  return rows.sort((a, b) => (a.person < b.person ? -1 : a.person > b.person ? 1 : a.vendor < b.vendor ? -1 : a.vendor > b.vendor ? 1 : 0));
}

function vendorRows(input: RowInputs, v: RowInputs['vendors'][number]): AccessRow[] {
  const { live, module, config } = v;
  const rows: AccessRow[] = [];
  const seen = new Set<string>();
  const undiffed = undiffedFields(module.fields);
  const ignored = new Set((config.policy?.ignore ?? []).map((e) => e.toLowerCase()));
  const base = (person: string, declared: AccessRow['declared']): AccessRow => ({
    person,
    vendor: live.vendor,
    kind: live.kind,
    declared,
    live: 'absent',
    declaredRoles: [],
    liveRoles: [],
    approval: 'unknown',
    approvers: [],
    discounted: [],
    selfApproval: false,
    drift: [],
  });
  const withLive = (row: AccessRow, record: LiveRecord | undefined) => {
    if (!record) return;
    row.vendorId = record.vendorId;
    row.live = record.active ? 'active' : 'inactive';
    Object.assign(row, liveLabels(module, config, record, input.org));
  };
  const withHistory = (row: AccessRow, key: string, since: CommitRef | undefined) => {
    row.since = since;
    row.lastApply = input.applies.last.get(applyKey(live.vendor, key));
    Object.assign(row, approvalOf(input, key, since));
  };

  for (const want of live.desired) {
    seen.add(want.key);
    const person = input.org.peopleByKey.get(want.key);
    const row = base(want.key, want.active ? 'active' : 'inactive');
    if (person) {
      row.name = `${person.firstName} ${person.lastName}`;
      row.declaredRoles = person.roles.filter((r) => r[live.kind] !== undefined).map((r) => r.key);
      row.declaredOffice = person.office?.key;
    }
    const history = input.history.get(want.key);
    withHistory(row, want.key, history?.since.get(live.kind));
    const problem = live.failure ?? live.problems.get(want.key);
    const record = live.matched.get(want.key);
    if (problem) {
      row.live = 'unreadable';
      row.note = problem;
    } else {
      withLive(row, record);
      row.drift = driftOf(want, record, undiffed);
    }
    if (!want.active && history && person && isLeaver(history.last, input.asOfDay)) row.leaver = leaverCheck(input, row, history, person);
    rows.push(row);
  }
  const removed = (key: string) => {
    const h = input.history.get(key);
    return h?.removed && !input.org.peopleByKey.has(key) ? h : undefined;
  };
  for (const record of live.failure ? [] : live.unmatched) {
    const key = record.email.toLowerCase();
    seen.add(key);
    const gone = removed(key);
    const row = base(key, 'not in git');
    withLive(row, record);
    if (gone) {
      withHistory(row, key, gone.removed);
      row.leaver = leaverCheck(input, row, gone);
      if (record.active) row.drift.push('still active, removed from git');
    } else if (record.protectedReason) {
      row.note = `not managed: ${record.protectedReason}`;
    } else if (ignored.has(key) || ignored.has(record.vendorId.toLowerCase())) {
      row.note = 'ignored by policy';
    } else {
      row.lastApply = input.applies.last.get(applyKey(live.vendor, key));
      if (input.org.peopleByKey.has(key)) row.note = `in git, but no role of theirs maps onto ${live.kind}`;
      if (record.active) row.drift.push('not in git');
    }
    rows.push(row);
  }
  for (const bad of live.unreadable) {
    if (bad.email && seen.has(bad.email)) continue;
    if (bad.email) seen.add(bad.email);
    rows.push({ ...base(bad.email ?? '(no email)', 'not in git'), live: 'unreadable', note: bad.message });
  }
  // People git no longer describes and who had access here once: where are they now?
  for (const [key, history] of input.history) {
    if (seen.has(key) || !history.kinds.has(live.kind) || !removed(key)) continue;
    if (!live.failure && live.mode === 'byKey' && !live.extra.has(key) && !live.problems.has(key)) continue;
    const row = base(key, 'not in git');
    withHistory(row, key, history.removed);
    const problem = live.failure ?? live.problems.get(key);
    if (problem) {
      row.live = 'unreadable';
      row.note = problem;
    } else {
      withLive(row, live.extra.get(key));
      if (row.live === 'active') row.drift.push('still active, removed from git');
    }
    row.leaver = leaverCheck(input, row, history);
    rows.push(row);
  }
  return rows;
}

function driftOf(want: DesiredRecord, record: LiveRecord | undefined, undiffed: ReadonlySet<string>): string[] {
  if (!record) return want.active ? ['no account, declared active'] : [];
  if (!want.active) return record.active ? ['still active, offboarded in git'] : [];
  if (!record.active) return ['inactive, declared active'];
  const fields = [...new Set(diffFields(want, record, undiffed).map((c) => topField(c.field)))];
  if (record.email.toLowerCase() !== want.key) fields.unshift('email');
  return fields.length ? [`differs: ${fields.join(', ')}`] : [];
}

/** The vendor's role and office of a live user, in its importer's words; the declared office key when its mapping says the same. */
function liveLabels(module: VendorModule, config: VendorInstanceConfig, record: LiveRecord, org: Organisation): Pick<AccessRow, 'liveRoles' | 'liveOffice'> {
  try {
    const user = module.importer?.fromLive(record, config);
    if (!user) return { liveRoles: [] };
    const mapping = user.office?.mapping;
    const office = mapping
      ? [...org.offices.values()].find((o) => {
          const declared = o[module.kind] as Record<string, unknown> | undefined;
          return declared && Object.entries(mapping).every(([k, value]) => sameId(declared[k], value));
        })?.key ?? user.office!.id
      : undefined;
    return { liveRoles: user.roleLabel ? [user.roleLabel] : [], ...(office ? { liveOffice: office } : {}) };
  } catch {
    return { liveRoles: [] };
  }
}

/** Ids compare as text: a vendor's `101` and git's `"101"` are one office. */
const sameId = (a: unknown, b: unknown): boolean =>
  isDeepStrictEqual(a, b) || ((typeof a === 'string' || typeof a === 'number') && (typeof b === 'string' || typeof b === 'number') && String(a) === String(b));

function approvalOf(input: RowInputs, key: string, since: CommitRef | undefined): Partial<AccessRow> {
  if (!since || !input.pulls) return {};
  const pull = input.pulls.get(since.sha);
  if (pull === undefined) return {};
  if (pull === null) return { approval: 'no-pull-request', selfApproval: true };
  const { verdict, approvers, discounted } = weighReviews(pull, (login) => isPersonLogin(input.logins, login, key));
  return {
    pullRequest: { number: pull.number, url: pull.url, author: pull.author, mergedBy: pull.mergedBy, mergedAt: pull.mergedAt },
    approval: verdict,
    approvers,
    discounted,
    selfApproval: verdict !== 'approved',
  };
}

/** Offboarded in git on the report's day: `active: false`, or an endDate already past (not a start still to come). */
function isLeaver(raw: RawPerson, day: string): boolean {
  return raw.active === false || (typeof raw.endDate === 'string' && raw.endDate < day);
}

function leaverCheck(input: RowInputs, row: AccessRow, history: PersonHistory, person?: ResolvedPerson): LeaverCheck {
  const raw = history.last;
  const removedFromGit = !person;
  const commit = removedFromGit ? history.removed : (history.ended ?? row.since);
  const how = removedFromGit ? 'removed from git' : raw.active === false ? 'active: false' : `endDate ${String(raw.endDate)}`;
  let endedAt = commit ? new Date(commit.date).toISOString() : input.now.toISOString();
  if (!removedFromGit && raw.active !== false && typeof raw.endDate === 'string') {
    const timezone = person?.office?.timezone ?? person?.timezone ?? 'UTC';
    const dayEnds = startOfDay(addDays(raw.endDate, 1), timezone).toISOString();
    if (dayEnds > endedAt) endedAt = dayEnds;
  }
  const hours = input.leaverHours * 3_600_000;
  const status: LeaverCheck['status'] = row.live === 'unreadable' ? 'unknown' : row.live === 'active' ? 'still active' : 'removed';
  const check: LeaverCheck = { how, ...(commit ? { commit } : {}), endedAt, status };
  const removal = row.lastApply && ['deactivate', 'delete'].includes(row.lastApply.action) ? row.lastApply : undefined;
  if (status === 'removed' && removal) {
    check.removedAt = removal.at;
    check.onTime = Date.parse(removal.at) - Date.parse(endedAt) <= hours;
  }
  if (status === 'still active') check.overdue = input.now.getTime() - Date.parse(endedAt) > hours;
  return check;
}

/** The first instant of `day` in `timezone`. */
function startOfDay(day: string, timezone: string): Date {
  const midnightUtc = Date.parse(`${day}T00:00:00Z`);
  for (let h = -14; h <= 14; h++) {
    const candidate = new Date(midnightUtc + h * 3_600_000);
    if (localDay(candidate, timezone) === day) return candidate;
  }
  return new Date(midnightUtc);
}
