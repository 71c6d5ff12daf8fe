import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { isoDateSchema, roleEntrySchema, roleKeyOf, roleWindowOf, type DayWindow } from '../config/dates.js';
import type { ImportResult } from './model.js';

/**
 * Vendors have no dates, so import never writes one of its own; but a file import replaces (`--force`)
 * may hold dates a person added since (a leaver's endDate). Those are kept on the re-imported people.
 */
export interface DeclaredDates {
  startDate?: string;
  endDate?: string;
  /** Role key → window, for roles declared with from/until. */
  roleWindows?: Record<string, DayWindow>;
}

/** The dates declared per person (lower-cased email) in `file`, read leniently: a broken entry keeps what is valid. */
export async function declaredDatesIn(file: string): Promise<Map<string, DeclaredDates>> {
  const dates = new Map<string, DeclaredDates>();
  let data: unknown;
  try {
    data = parse(await readFile(file, 'utf8'), { maxAliasCount: 0 });
  } catch {
    return dates;
  }
  const people = (data as { people?: unknown } | null)?.people;
  if (!Array.isArray(people)) return dates;
  for (const raw of people) {
    if (!raw || typeof raw !== 'object' || typeof (raw as { email?: unknown }).email !== 'string') continue;
    const person = raw as Record<string, unknown>;
    const kept: DeclaredDates = {};
    for (const field of ['startDate', 'endDate'] as const) {
      if (isoDateSchema.safeParse(person[field]).success) kept[field] = person[field] as string;
    }
    for (const entry of Array.isArray(person.roles) ? person.roles : []) {
      const parsed = roleEntrySchema.safeParse(entry);
      const window = parsed.success ? roleWindowOf(parsed.data) : undefined;
      if (window) (kept.roleWindows ??= {})[roleKeyOf(parsed.data!)] = window;
    }
    if (kept.startDate || kept.endDate || kept.roleWindows) dates.set((person.email as string).toLowerCase(), kept);
  }
  return dates;
}

/** Puts the kept dates back on the people import re-created; a window whose role import renamed is said in a comment. */
export function keepDeclaredDates(result: ImportResult, dates: Map<string, DeclaredDates>): void {
  for (const person of result.people) {
    const kept = dates.get(person.key);
    if (!kept) continue;
    person.dates = kept;
    const roleKeys = new Set(person.roles.map((r) => r.key));
    const lost = Object.keys(kept.roleWindows ?? {}).filter((key) => !roleKeys.has(key));
    if (lost.length > 0) {
      const note = `role window${lost.length === 1 ? '' : 's'} for ${lost.join(', ')} not kept: import gave this person other roles`;
      person.comments.set('roles', [...(person.comments.get('roles') ?? []), note]);
    }
  }
}
