import { toE164 } from '../config/phone.js';
import type { SourceInstanceConfig } from '../config/schema.js';
import type { DeclaredEntry } from './declared.js';
import type { HrPerson, RowProblem } from './map.js';
import type { AbsenceState } from './state.js';

/** A person field a sync may write. */
export type OwnedField = SourceInstanceConfig['owns'][number];

export interface FieldChange {
  field: OwnedField;
  from?: unknown;
  to: unknown;
  /** The line the change overwrites, when the field was set in git: a hand edit shows here. */
  overwrites?: { file: string; line: number; text: string };
}

export interface PersonChange {
  kind: 'hire' | 'leave' | 'update';
  email: string;
  name: string;
  /** The HR row behind the change. */
  hr: HrPerson;
  /** For a hire: the whole person as it is added. */
  person?: Record<string, unknown>;
  /** For a leave or an update: the declared person and the fields that change. */
  declared?: DeclaredEntry;
  changes: FieldChange[];
}

export interface Absent {
  email: string;
  externalId?: string;
  since: string;
  syncs: number;
}

export interface SyncResult {
  changes: PersonChange[];
  /** Rows left out, with row and column. */
  problems: RowProblem[];
  /** Things a reviewer should know that change nothing (an id changed, a manager unknown, ...). */
  notes: string[];
  /** People git has and HR does not, counted over syncs in a row; `listed` reached `safety.absentSyncs`. */
  absent: Absent[];
  listed: Absent[];
  state: AbsenceState;
  /** Active people declared, the base of the change share. */
  declaredCount: number;
}

const HIRE_ORDER = ['email', 'firstName', 'lastName', 'title', 'phone', 'roles', 'office', 'manager', 'externalId', 'startDate', 'endDate'] as const;

const same = (field: OwnedField, a: unknown, b: unknown): boolean => {
  if (field === 'phone' && typeof a === 'string' && typeof b === 'string') return (toE164(a) ?? a) === (toE164(b) ?? b);
  if (field === 'email' || field === 'manager') return String(a ?? '').toLowerCase() === String(b ?? '').toLowerCase();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b || (a !== undefined && b !== undefined && String(a) === String(b));
};

export interface SyncInput {
  name: string;
  config: SourceInstanceConfig;
  hr: HrPerson[];
  problems: RowProblem[];
  declared: DeclaredEntry[];
  state: AbsenceState;
  today: string;
}

/**
 * The change HR asks of users/: new hires with their start dates, leavers as end dates, and the owned
 * fields that differ. Absence from the export changes nobody: it is counted, and listed for a person
 * once it lasts `safety.absentSyncs` syncs.
 */
export function computeSync(input: SyncInput): SyncResult {
  const { config, declared, today } = input;
  const owns = new Set<OwnedField>(config.owns);
  const notes: string[] = [];
  const problems = [...input.problems];
  const byId = new Map<string, DeclaredEntry>();
  const byEmail = new Map<string, DeclaredEntry>();
  for (const d of declared) {
    if (d.externalId) byId.set(d.externalId, d);
    byEmail.set(d.email, d);
  }
  const hrById = new Map(input.hr.map((p) => [p.employeeId, p]));
  const managerEmail = (p: HrPerson): string | undefined => {
    if (!p.managerRef) return undefined;
    if (config.manager === 'email') return p.managerRef.toLowerCase();
    const found = hrById.get(p.managerRef)?.email ?? byId.get(p.managerRef)?.email;
    if (!found) notes.push(`${p.email}: manager with employee id ${p.managerRef} is neither in the export nor in users/; manager left as is`);
    return found;
  };

  const changes: PersonChange[] = [];
  const matched = new Set<DeclaredEntry>();
  const hires = new Set<string>();
  for (const p of input.hr) {
    const d = byId.get(p.employeeId) ?? byEmail.get(p.email);
    if (d) matched.add(d);
    if (!d) {
      if (p.terminated && p.endDate! < today) continue; // left before roster ever knew them: nothing to do
      if (!p.roles) {
        problems.push({ row: p.row.row, ...(p.row.line ? { line: p.row.line } : {}), message: `new hire ${p.email}: ${p.rolesMissing ?? 'no roles table (sources roles) to give them a role'}` });
        continue;
      }
      if (!p.startDate) {
        problems.push({ row: p.row.row, ...(p.row.line ? { line: p.row.line } : {}), message: `new hire ${p.email}: no hire date, so no start date; roster never gives access from an unknown day` });
        continue;
      }
      hires.add(p.email);
      const values: Record<string, unknown> = {
        email: p.email,
        firstName: p.firstName,
        lastName: p.lastName,
        title: p.title,
        phone: p.phone,
        roles: p.roles,
        office: p.office,
        manager: managerEmail(p),
        externalId: p.employeeId,
        startDate: p.startDate,
        endDate: p.endDate,
      };
      const person = Object.fromEntries(HIRE_ORDER.filter((k) => values[k] !== undefined).map((k) => [k, values[k]]));
      if (!person.firstName || !person.lastName) {
        problems.push({ row: p.row.row, ...(p.row.line ? { line: p.row.line } : {}), message: `new hire ${p.email}: no first or last name` });
        hires.delete(p.email);
        continue;
      }
      changes.push({ kind: 'hire', email: p.email, name: `${String(person.firstName)} ${String(person.lastName)}`, hr: p, person, changes: [] });
      continue;
    }
    if (d.fields.active === false) continue; // offboarded in git already: HR has nothing more to say
    if (d.externalId && d.externalId !== p.employeeId && d.email === p.email) {
      notes.push(`${p.email}: HR employee id is ${p.employeeId}, git has ${d.externalId} (a contractor converted, or a rehire?): matched by email, nobody offboarded`);
    }
    const wanted: Partial<Record<OwnedField, unknown>> = {
      email: p.email,
      firstName: p.firstName,
      lastName: p.lastName,
      phone: p.phone,
      externalId: p.employeeId,
      startDate: p.startDate,
      endDate: p.endDate,
      office: p.office,
      manager: p.managerRef ? managerEmail(p) : undefined,
      title: p.title,
      roles: p.roles,
    };
    const fieldChanges: FieldChange[] = [];
    for (const field of owns) {
      const to = wanted[field];
      // HR not saying something is not HR saying "nothing": an empty HR value never clears git's.
      if (to === undefined) continue;
      const from = d.fields[field];
      if (field === 'roles' && Array.isArray(from) && from.some((r) => typeof r !== 'string')) {
        notes.push(`${d.email}: roles have dated entries in git; HR's roles (${(to as string[]).join(', ')}) are not applied`);
        continue;
      }
      // A start date in the past changes nobody's access: not written onto people already working.
      if (field === 'startDate' && typeof to === 'string' && to <= today && (from === undefined || String(from) <= today)) continue;
      if (field === 'startDate' && from !== undefined && typeof to === 'string' && to > today && String(from) <= today) {
        // A rehire's new hire date must not push back the access of someone already working.
        notes.push(`${d.email}: HR hire date ${to} is after git's start date ${String(from)}; left as is (a rehire?)`);
        continue;
      }
      if (from !== undefined && same(field, from, to)) continue;
      const line = d.lines[field];
      fieldChanges.push({ field, ...(from !== undefined ? { from } : {}), to, ...(line ? { overwrites: { file: d.file, ...line } } : {}) });
    }
    if (!p.endDate && d.fields.endDate !== undefined && owns.has('endDate')) {
      notes.push(`${d.email}: git has endDate ${String(d.fields.endDate)}, HR has no termination date; left as is (only a person lifts an end date)`);
    }
    if (fieldChanges.length === 0) continue;
    const leaving = fieldChanges.some((c) => c.field === 'endDate');
    const name = `${String(d.fields.firstName ?? '')} ${String(d.fields.lastName ?? '')}`.trim() || d.email;
    changes.push({ kind: leaving ? 'leave' : 'update', email: d.email, name, hr: p, declared: d, changes: fieldChanges });
  }

  // Absence: counted, never acted on.
  const active = declared.filter((d) => d.fields.active !== false && d.fields.endDate === undefined);
  const previous = input.state.absent;
  const absent: Absent[] = [];
  for (const d of active) {
    if (matched.has(d)) continue;
    const before = previous[d.email];
    absent.push({ email: d.email, ...(d.externalId ? { externalId: d.externalId } : {}), since: before?.since ?? today, syncs: (before?.syncs ?? 0) + 1 });
  }
  const state: AbsenceState = { absent: Object.fromEntries(absent.map((a) => [a.email, { since: a.since, syncs: a.syncs, ...(a.externalId ? { externalId: a.externalId } : {}) }])) };
  return {
    changes,
    problems: problems.sort((a, b) => a.row - b.row),
    notes,
    absent,
    listed: absent.filter((a) => a.syncs >= config.safety.absentSyncs),
    state,
    declaredCount: declared.filter((d) => d.fields.active !== false).length,
  };
}

export interface ShareCheck {
  ok: boolean;
  changed: number;
  message?: string;
}

/**
 * A sync changing more than `safety.maxChangeShare` of the declared people refuses, unless the person
 * running it types the exact number of people it changes (`--confirm-changes N`): a number that must be
 * read off this very sync, so no standing flag in a workflow can wave every future sync through.
 */
export function checkShare(name: string, result: SyncResult, config: SourceInstanceConfig, confirmed?: number): ShareCheck {
  const changed = result.changes.length;
  const base = Math.max(result.declaredCount, 1);
  const share = changed / base;
  const { maxChangeShare, minPeople } = config.safety;
  if (result.declaredCount < minPeople || share <= maxChangeShare) return { ok: true, changed };
  if (confirmed === changed) return { ok: true, changed };
  const pct = (n: number) => `${Math.round(n * 100)}%`;
  return {
    ok: false,
    changed,
    message:
      `source ${name}: this sync would change ${changed} of ${result.declaredCount} people (${pct(share)}), over sources.${name}.safety.maxChangeShare (${pct(maxChangeShare)}). ` +
      `Nothing was written and no pull request opened. Check the export (a partial or wrong file looks like this); if the change is right, run again with --confirm-changes ${changed}` +
      (confirmed !== undefined ? ` (you typed ${confirmed})` : ''),
  };
}
