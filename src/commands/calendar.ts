import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { isoDateSchema, type AsOf } from '../config/dates.js';
import type { Organisation } from '../config/model.js';
import { organisationHasDates } from '../config/as-of.js';

/** `--at YYYY-MM-DD`: that calendar day, wherever each person is. */
export function parseAt(value: string | undefined): AsOf | undefined {
  if (value === undefined) return undefined;
  if (!isoDateSchema.safeParse(value).success) throw new Error(`--at "${value}" is not a date written as YYYY-MM-DD, e.g. 2027-06-01`);
  return { day: value };
}

/** `--since 2026-12-01T06:00:00Z` (or a date, read as midnight UTC): when the declared state last changed. */
export function parseSince(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const instant = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(instant.getTime())) {
    throw new Error(`--since "${value}" is not an ISO date or time, e.g. 2026-12-01T09:30:00Z`);
  }
  return instant;
}

/**
 * When git last committed a change to the declared state (the users folder or the root config), from
 * `git log -1 --format=%cI`; undefined outside a git work tree or when neither was ever committed.
 */
export async function gitLastChanged(org: Organisation): Promise<Date | undefined> {
  const configDir = path.dirname(path.resolve(org.configFile));
  const usersDir = path.resolve(configDir, org.config.users ?? 'users');
  try {
    const { stdout } = await promisify(execFile)('git', ['log', '-1', '--format=%cI', '--', usersDir, path.resolve(org.configFile)], { cwd: configDir });
    const text = stdout.trim();
    return text ? new Date(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Where dated causes count from: `--since`, else git's last change; nothing to ask git when nobody has dates. */
export async function datesSince(org: Organisation, given: Date | undefined): Promise<Date | undefined> {
  if (given) return given;
  return organisationHasDates(org) ? gitLastChanged(org) : undefined;
}
