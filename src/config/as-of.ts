import { addDays, dayAsOf, inWindow, type AsOf } from './dates.js';
import type { Organisation, ResolvedPerson } from './model.js';

/**
 * The organisation as of a day: a pure function of the declared state and a date, feeding the planner
 * unchanged. Before their startDate and after their endDate a person is offboarded exactly as
 * `active: false` is; a role outside its from/until is dropped from their roles.
 */

/** The timezone a person's dates are read in: their office's (else their own, else UTC). */
export function datesTimezone(person: ResolvedPerson): string {
  return person.office?.timezone ?? person.timezone ?? 'UTC';
}

export function hasDates(person: ResolvedPerson): boolean {
  return person.startDate !== undefined || person.endDate !== undefined || person.roleWindows !== undefined;
}

export function organisationHasDates(org: Organisation): boolean {
  return org.people.some(hasDates);
}

/** Whether a person has access on `day` (their local calendar day). */
export const accessOn = (person: ResolvedPerson, day: string): boolean =>
  person.active && inWindow(day, { from: person.startDate, until: person.endDate });

/** The person as of their local `day`; the same object when no date changes anything. */
export function personOnDay(person: ResolvedPerson, day: string): ResolvedPerson {
  if (!hasDates(person)) return person;
  const active = accessOn(person, day);
  const windows = person.roleWindows;
  const roles = windows ? person.roles.filter((role) => !windows[role.key] || inWindow(day, windows[role.key])) : person.roles;
  if (active === person.active && roles.length === person.roles.length) return person;
  return { ...person, active, roles };
}

export function personAsOf(person: ResolvedPerson, asOf: AsOf): ResolvedPerson {
  return hasDates(person) ? personOnDay(person, dayAsOf(asOf, datesTimezone(person))) : person;
}

/** The organisation as of `asOf`; the same object when no date changes anybody. */
export function organisationAsOf(org: Organisation, asOf: AsOf): Organisation {
  let changed = false;
  const people = org.people.map((person) => {
    const then = personAsOf(person, asOf);
    if (then !== person) changed = true;
    return then;
  });
  if (!changed) return org;
  return { ...org, people, peopleByKey: new Map(people.map((p) => [p.key, p])) };
}

/** One dated change to one person: the first local day it is in effect, and what it does. */
export interface DatedEvent {
  key: string;
  kind: 'start' | 'end' | 'role-start' | 'role-end';
  role?: string;
  /** The date as declared (startDate, endDate, from or until). */
  date: string;
  /** The first day (in `timezone`) on which it is in effect: an end takes effect the day after. */
  effective: string;
  timezone: string;
}

/** Every dated change a person's declaration makes, in date order. An offboarded person has none. */
export function datedEvents(person: ResolvedPerson): DatedEvent[] {
  if (!hasDates(person) || !person.active) return [];
  const timezone = datesTimezone(person);
  const events: DatedEvent[] = [];
  const add = (kind: DatedEvent['kind'], date: string, role?: string) =>
    events.push({ key: person.key, kind, ...(role ? { role } : {}), date, effective: kind.endsWith('end') ? addDays(date, 1) : date, timezone });
  if (person.startDate) add('start', person.startDate);
  if (person.endDate) add('end', person.endDate);
  for (const [role, window] of Object.entries(person.roleWindows ?? {})) {
    if (window.from) add('role-start', window.from, role);
    if (window.until) add('role-end', window.until, role);
  }
  return events.sort((a, b) => (a.effective < b.effective ? -1 : a.effective > b.effective ? 1 : 0));
}

/** The events that take effect after `from` and no later than `to` (days local to each person). */
export function eventsBetween(person: ResolvedPerson, from: AsOf, to: AsOf): DatedEvent[] {
  const events = datedEvents(person);
  if (events.length === 0) return events;
  const timezone = datesTimezone(person);
  const after = dayAsOf(from, timezone);
  const until = dayAsOf(to, timezone);
  return events.filter((e) => e.effective > after && e.effective <= until);
}

/** The events in the `days` days after `asOf` (the upcoming list of every plan). */
export function upcomingEvents(person: ResolvedPerson, asOf: AsOf, days: number): DatedEvent[] {
  const events = datedEvents(person);
  if (events.length === 0) return events;
  const today = dayAsOf(asOf, datesTimezone(person));
  const last = addDays(today, days);
  return events.filter((e) => e.effective > today && e.effective <= last);
}

/** Every event still to come after `asOf`, however far out: the schedule every plan lists. */
export function scheduledEvents(person: ResolvedPerson, asOf: AsOf): DatedEvent[] {
  const events = datedEvents(person);
  if (events.length === 0) return events;
  const today = dayAsOf(asOf, datesTimezone(person));
  return events.filter((e) => e.effective > today);
}

/** One line for a reviewer: "starts 2027-06-01", "leaves after 2027-06-30", "loses role team-lead after 2027-03-31". */
export function describeEvent(event: DatedEvent): string {
  switch (event.kind) {
    case 'start':
      return `starts ${event.date}`;
    case 'end':
      return `leaves after ${event.date}`;
    case 'role-start':
      return `gains role ${event.role} on ${event.date}`;
    case 'role-end':
      return `loses role ${event.role} after ${event.date}`;
  }
}

/** "2027-06-01 → 2027-08-31 (America/Chicago)": a person's window beside their row. */
export function describeWindow(window: { startDate?: string; endDate?: string; timezone: string }): string {
  return `${window.startDate ?? '…'} → ${window.endDate ?? '…'} (${window.timezone})`;
}
