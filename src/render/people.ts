import type { Action, ManualStep, OperationView, PlanView, PlanError, PlanNotice } from '../reconcile/types.js';

/**
 * The plan turned around for reviewers: one row per person, one cell per vendor. A reviewer asks
 * "who changes where?", not "how many operations does each vendor get?".
 */

/** What happens to one person in one vendor. */
export interface PersonCell {
  operations: OperationView[];
  manual: ManualStep[];
  errors: PlanError[];
  notices: PlanNotice[];
}

/** How a person changes overall, in the words of the summary line. */
export type PersonChange = 'offboarded' | 'removed' | 'blocked' | 'changed' | 'returning' | 'added' | 'noted';

export interface PersonRow {
  key: string;
  /** The person's name where the plan knows it (their desired record, or the live user). */
  name?: string;
  change: PersonChange;
  /** Vendor instance name → what happens there. */
  cells: Map<string, PersonCell>;
}

/**
 * Order of importance: what a reviewer must not miss comes first, and is what a cut comment keeps.
 * Removals and people who need a person, then access changes, then arrivals, then notes.
 */
const PRIORITY: Record<PersonChange, number> = { offboarded: 0, removed: 0, blocked: 1, changed: 2, returning: 2, added: 3, noted: 4 };

/** How important an operation is to a reviewer; lower is kept first when a comment is cut. */
export function operationPriority(action: Action): number {
  return { deactivate: 0, delete: 0, reactivate: 1, update: 1, create: 2 }[action];
}

/** The people of a plan, most important first, then by key. */
export function peopleOf(plan: PlanView, names: Map<string, string> = new Map()): PersonRow[] {
  const rows = new Map<string, PersonRow>();
  const cellOf = (key: string, vendor: string): PersonCell => {
    let row = rows.get(key);
    if (!row) {
      row = { key, name: names.get(key), change: 'noted', cells: new Map() };
      rows.set(key, row);
    }
    let cell = row.cells.get(vendor);
    if (!cell) {
      cell = { operations: [], manual: [], errors: [], notices: [] };
      row.cells.set(vendor, cell);
    }
    return cell;
  };
  for (const vendor of plan.vendors) {
    for (const op of vendor.operations) cellOf(op.key, vendor.vendor).operations.push(op);
    for (const step of vendor.manual ?? []) cellOf(step.key, vendor.vendor).manual.push(step);
    for (const error of vendor.errors) if (error.key) cellOf(error.key, vendor.vendor).errors.push(error);
    for (const notice of vendor.notices ?? []) cellOf(notice.key, vendor.vendor).notices.push(notice);
  }
  for (const row of rows.values()) row.change = changeOf(row);
  // English, as planVendor orders operations: the runner's default locale would order rows by machine.
  const byLocale = new Intl.Collator('en').compare;
  return [...rows.values()].sort((a, b) => PRIORITY[a.change] - PRIORITY[b.change] || byLocale(a.key, b.key));
}

function changeOf(row: PersonRow): PersonChange {
  const cells = [...row.cells.values()];
  const ops = cells.flatMap((c) => c.operations);
  const has = (...actions: Action[]) => ops.some((op) => actions.includes(op.action));
  // Offboarded in git, by active: false or by a date (reasons such as "after their endDate …"): not a prune.
  const offboarding = !has('create') && ops.some((op) => (op.action === 'deactivate' || op.action === 'delete') && !/not described in git|\(prune\)/.test(op.reason ?? ''));
  if (offboarding || cells.some((c) => c.manual.length > 0)) return 'offboarded';
  // A delete that waits for the same person's create is an email re-create: a change, not a removal.
  if (has('deactivate', 'delete') && !has('create')) return 'removed';
  if (cells.some((c) => c.errors.length > 0)) return 'blocked';
  if (has('update') || (has('create') && has('delete'))) return 'changed';
  if (has('reactivate')) return 'returning';
  if (has('create')) return 'added';
  return 'noted';
}

const CHANGE_WORDS: Record<PersonChange, [string, string]> = {
  added: ['added', 'added'],
  changed: ['changed', 'changed'],
  returning: ['returning', 'returning'],
  offboarded: ['offboarded', 'offboarded'],
  removed: ['removed (not in git)', 'removed (not in git)'],
  blocked: ['needs a person', 'need a person'],
  noted: ['with a note', 'with a note'],
};

/** `4 people change: 3 added, 1 offboarded` (and who needs a person, or has a note). */
export function peopleSummary(rows: PersonRow[]): string {
  const counts = new Map<PersonChange, number>();
  for (const row of rows) counts.set(row.change, (counts.get(row.change) ?? 0) + 1);
  const count = (c: PersonChange) => counts.get(c) ?? 0;
  const word = (c: PersonChange) => `${count(c)} ${CHANGE_WORDS[c][count(c) === 1 ? 0 : 1]}`;
  const changes: PersonChange[] = ['added', 'changed', 'returning', 'offboarded', 'removed'];
  const changing = changes.reduce((n, c) => n + count(c), 0);
  const head = changing === 0 ? 'No one changes' : `${changing} ${changing === 1 ? 'person changes' : 'people change'}: ${changes.filter(count).map(word).join(', ')}`;
  const aside = (['blocked', 'noted'] as const).filter(count).map(word);
  return [head, ...aside].join(' · ');
}
