import { z } from 'zod';
import { toE164 } from '../config/phone.js';
import type { SourceInstanceConfig } from '../config/schema.js';
import { parseHrDate } from './dates.js';
import type { HrExport, HrField, HrRow } from './types.js';

/** One HR row read into person fields: everything checked, or the row is a RowProblem instead. */
export interface HrPerson {
  row: HrRow;
  email: string;
  employeeId: string;
  firstName?: string;
  lastName?: string;
  /** E.164. */
  phone?: string;
  title?: string;
  startDate?: string;
  endDate?: string;
  /** HR says the person left: a termination date, or a terminated status. */
  terminated: boolean;
  office?: string;
  /** Role keys from the roles table, when it maps this person. */
  roles?: string[];
  /** Why the roles table gave nothing, for a new hire's problem. */
  rolesMissing?: string;
  /** The manager as HR names them (employee id or email, per `manager`). */
  managerRef?: string;
}

/** A row left out, with where: "row 4 (line 5), column Work Email: no email". */
export interface RowProblem {
  row: number;
  line?: number;
  column?: string;
  message: string;
}

export interface MapContext {
  officeKeys: ReadonlySet<string>;
  roleKeys: ReadonlySet<string>;
  /** The day of the sync: a terminated status without a date ends on it. */
  today: string;
}

const emailSchema = z.email();

export function describeProblem(p: RowProblem): string {
  return `row ${p.row}${p.line ? ` (line ${p.line})` : ''}${p.column ? `, column ${p.column}` : ''}: ${p.message}`;
}

/**
 * Every row of an export as a person, or as a problem: a row with any problem is left out whole (a sync
 * never writes half a person), and so are all rows sharing an email or employee id, since which of them
 * is the person cannot be told.
 */
export function mapRows(exp: HrExport, config: SourceInstanceConfig, ctx: MapContext): { people: HrPerson[]; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const people: HrPerson[] = [];
  const column = (field: HrField) => exp.columns[field] ?? field;
  for (const row of exp.rows) {
    const v = row.values;
    const rowProblems: RowProblem[] = [];
    const problem = (field: HrField | undefined, message: string) =>
      rowProblems.push({ row: row.row, ...(row.line ? { line: row.line } : {}), ...(field ? { column: column(field) } : {}), message });
    const email = v.email?.trim().toLowerCase();
    if (!email) problem('email', 'no email');
    else if (!emailSchema.safeParse(email).success) problem('email', `"${email}" is not an email address`);
    const employeeId = v.employeeId?.trim();
    if (!employeeId) problem('employeeId', 'no employee id');
    const date = (field: 'hireDate' | 'terminationDate') => {
      const raw = v[field];
      if (!raw) return undefined;
      const day = parseHrDate(raw, config.dateFormat);
      if (!day) problem(field, `"${raw}" is not a date roster reads (YYYY-MM-DD or ${config.dateFormat})`);
      return day;
    };
    const startDate = date('hireDate');
    let endDate = date('terminationDate');
    const statusLeft = !!v.status && config.terminatedStatuses.some((s) => s.toLowerCase() === v.status!.trim().toLowerCase());
    if (!endDate && statusLeft) endDate = ctx.today;
    let phone: string | undefined;
    if (v.phone) {
      phone = toE164(v.phone);
      if (!phone) problem('phone', 'not a phone number roster can read');
    }
    let office: string | undefined;
    if (config.offices) {
      const from = config.offices.from;
      const value = v[from]?.trim();
      office = value ? config.offices.map[value] : undefined;
      if (!value) problem(from, `no ${from}, and the office comes from it`);
      else if (!office) problem(from, `unknown ${from} "${value}": add it to sources offices map`);
      else if (!ctx.officeKeys.has(office)) problem(from, `${from} "${value}" maps to office ${office}, which users/ does not declare`);
    }
    let roles: string[] | undefined;
    let rolesMissing: string | undefined;
    if (config.roles) {
      const from = config.roles.from;
      const value = v[from]?.trim();
      roles = (value ? config.roles.map[value] : undefined) ?? config.roles.default;
      if (!roles) rolesMissing = `no role for ${from} "${value ?? ''}": add it to sources roles map, or set roles.default`;
      const unknown = (roles ?? []).filter((r) => !ctx.roleKeys.has(r));
      if (unknown.length) problem(from, `${from} "${value}" maps to role ${unknown.join(', ')}, which users/ does not declare`);
    }
    if (rowProblems.length) {
      problems.push(...rowProblems);
      continue;
    }
    people.push({
      row,
      email: email!,
      employeeId: employeeId!,
      ...(v.firstName ? { firstName: v.firstName.trim() } : {}),
      ...(v.lastName ? { lastName: v.lastName.trim() } : {}),
      ...(phone ? { phone } : {}),
      ...(v.jobTitle ? { title: v.jobTitle.trim() } : {}),
      ...(startDate ? { startDate } : {}),
      ...(endDate ? { endDate } : {}),
      terminated: !!endDate,
      ...(office ? { office } : {}),
      ...(roles ? { roles } : {}),
      ...(rolesMissing ? { rolesMissing } : {}),
      ...(v.manager ? { managerRef: v.manager.trim() } : {}),
    });
  }
  return { people: withoutDuplicates(people, problems, column), problems };
}

function withoutDuplicates(people: HrPerson[], problems: RowProblem[], column: (f: HrField) => string): HrPerson[] {
  const out = new Set(people);
  for (const [field, key] of [['email', (p: HrPerson) => p.email], ['employeeId', (p: HrPerson) => p.employeeId]] as const) {
    const groups = new Map<string, HrPerson[]>();
    for (const p of people) groups.set(key(p), [...(groups.get(key(p)) ?? []), p]);
    for (const [value, group] of groups) {
      if (group.length < 2) continue;
      for (const p of group) {
        out.delete(p);
        const others = group.filter((o) => o !== p).map((o) => o.row.row).join(', ');
        problems.push({ row: p.row.row, ...(p.row.line ? { line: p.row.line } : {}), column: column(field), message: `${field === 'email' ? 'email' : 'employee id'} "${value}" also on row ${others}` });
      }
    }
  }
  problems.sort((a, b) => a.row - b.row);
  return people.filter((p) => out.has(p));
}
