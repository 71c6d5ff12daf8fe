import { z } from 'zod';
import { keySchema } from './fields.js';

/**
 * Dates in the declared state: a person's `startDate`/`endDate` and a role's `from`/`until` in a
 * person's list. Every date is a calendar day read in the person's office timezone: access begins at
 * the start of the first day and ends after the end of the last one there. Comparing calendar days
 * (ISO strings compare in date order) rather than instants keeps every rule here a string comparison.
 */

/** `2027-03-31`: a real calendar day (zod checks the month's length, leap years included). */
export const isoDateSchema = z.iso.date({ error: (issue) => dateProblem(issue.input) });

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * What is wrong with a date as written, repeating the value: `2027-02-30` is written right but is no
 * day on the calendar, which "write it as YYYY-MM-DD" would not tell anyone.
 */
export function dateProblem(input: unknown): string {
  const shape = 'a date is written as YYYY-MM-DD, e.g. 2027-03-31';
  if (typeof input !== 'string') return shape;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input);
  if (!match) return `"${input}" is not a date: ${shape}`;
  const [year, month] = match.slice(1).map(Number);
  if (month < 1 || month > 12) return `"${input}" is not a date: there is no month ${match[2]} (months are 01 to 12)`;
  // Day 0 of the next month is the last day of this one (UTC, so no timezone moves it).
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `"${input}" is not a date: ${MONTH_NAMES[month - 1]} ${year} has ${days} days, so day ${match[3]} does not exist`;
}

/** A role in a person's list, with the days it holds: `{ role: team-lead, until: 2027-03-31 }`. */
export const datedRoleSchema = z
  .object({
    role: keySchema,
    from: isoDateSchema.optional().describe('First day the person holds this role (in their office timezone)'),
    until: isoDateSchema.optional().describe('Last day the person holds this role (in their office timezone)'),
  })
  .strict();

/** A role entry as written: its key, or its key with a window. */
export const roleEntrySchema = z.union([keySchema, datedRoleSchema]);
export type RoleEntry = z.infer<typeof roleEntrySchema>;

/** A window of days, both ends included; an open end is unbounded. */
export interface DayWindow {
  from?: string;
  until?: string;
}

export const roleKeyOf = (entry: RoleEntry): string => (typeof entry === 'string' ? entry : entry.role);

/** The window a role entry declares, or undefined for a plain key (held whenever the person is). */
export function roleWindowOf(entry: RoleEntry): DayWindow | undefined {
  if (typeof entry === 'string' || (entry.from === undefined && entry.until === undefined)) return undefined;
  return { ...(entry.from ? { from: entry.from } : {}), ...(entry.until ? { until: entry.until } : {}) };
}

/** Whether `day` lies in `window` (both ends included). */
export const inWindow = (day: string, window: DayWindow): boolean =>
  (window.from === undefined || window.from <= day) && (window.until === undefined || day <= window.until);

/** The calendar day `days` after `day` (negative: before). */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day it is at `instant` in `timezone` (IANA), as YYYY-MM-DD. */
export function localDay(instant: Date, timezone: string): string {
  let format = dayFormats.get(timezone);
  if (!format) {
    // en-CA writes dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timezone, format);
  }
  return format.format(instant);
}

/**
 * When a plan is evaluated: a calendar day (`roster plan --at 2027-06-01`: that day wherever each person
 * is) or an instant (now: the day it is in each person's office timezone).
 */
export type AsOf = { day: string } | { instant: Date };

export function dayAsOf(asOf: AsOf, timezone: string): string {
  return 'day' in asOf ? asOf.day : localDay(asOf.instant, timezone);
}

export function describeAsOf(asOf: AsOf): string {
  return 'day' in asOf ? asOf.day : asOf.instant.toISOString();
}

/** A person's dates as `checkPersonDates` reads them. */
export interface DatedFields {
  startDate?: string;
  endDate?: string;
  roles?: RoleEntry[];
}

/** A problem with a person's dates, at a path inside the person. */
export interface DateIssue {
  path: (string | number)[];
  message: string;
  hint?: string;
}

/** An end before a start, for the person and for each role window, and role windows outside the person's. */
export function checkPersonDates(person: DatedFields): DateIssue[] {
  const issues: DateIssue[] = [];
  const { startDate, endDate } = person;
  if (startDate && endDate && endDate < startDate) {
    issues.push({ path: ['endDate'], message: `endDate ${endDate} is before startDate ${startDate}`, hint: 'the last day cannot come before the first; a one-day job has both on the same day' });
  }
  (person.roles ?? []).forEach((entry, i) => {
    if (typeof entry === 'string') return;
    const { from, until } = entry;
    if (from && until && until < from) {
      issues.push({ path: ['roles', i, 'until'], message: `role "${entry.role}" ends (until ${until}) before it starts (from ${from})` });
      return;
    }
    if (from && endDate && from > endDate) {
      issues.push({ path: ['roles', i, 'from'], message: `role "${entry.role}" starts on ${from}, after the person's endDate ${endDate}`, hint: "a role window must lie inside the person's startDate–endDate" });
    }
    if (until && startDate && until < startDate) {
      issues.push({ path: ['roles', i, 'until'], message: `role "${entry.role}" ends on ${until}, before the person's startDate ${startDate}`, hint: "a role window must lie inside the person's startDate–endDate" });
    }
    if (from && startDate && from < startDate) {
      issues.push({ path: ['roles', i, 'from'], message: `role "${entry.role}" starts on ${from}, before the person's startDate ${startDate}`, hint: "drop from (the role then starts with the person), or move it to the startDate or later" });
    }
    if (until && endDate && until > endDate) {
      issues.push({ path: ['roles', i, 'until'], message: `role "${entry.role}" lasts until ${until}, after the person's endDate ${endDate}`, hint: 'drop until (the role then ends with the person), or move it to the endDate or earlier' });
    }
  });
  return issues;
}

/**
 * A report whose manager leaves before them: the message naming both, or undefined. A person without an
 * endDate stays, so any manager with one leaves first.
 */
export function managerLeavesFirst(
  report: { email: string; endDate?: string; active: boolean },
  manager: { email: string; endDate?: string; active: boolean },
): string | undefined {
  if (!report.active || !manager.active || manager.endDate === undefined) return undefined;
  if (report.endDate !== undefined && report.endDate <= manager.endDate) return undefined;
  const reportStays = report.endDate ? `who stays until ${report.endDate}` : 'who has no endDate';
  return `manager ${manager.email} leaves on ${manager.endDate} (endDate), before their report ${report.email}, ${reportStays}`;
}
