import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * How many syncs in a row each person declared in git was missing from HR. It lives in git, beside
 * roster.yaml, at `.roster/sources/<name>.json`, and each sync's pull request carries its update: the
 * count is reviewed with everything else, and a count only advances with a sync someone merged.
 */
export interface AbsenceState {
  absent: Record<string, { since: string; syncs: number; externalId?: string }>;
}

export const statePath = (configDir: string, name: string) => path.join(configDir, '.roster', 'sources', `${name}.json`);

export async function readAbsenceState(file: string): Promise<AbsenceState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { absent: {} };
  }
  try {
    const parsed = JSON.parse(text) as AbsenceState;
    if (!parsed || typeof parsed.absent !== 'object' || parsed.absent === null) throw new Error('no "absent" object');
    return parsed;
  } catch (error) {
    throw new Error(`${file}: not a roster source state file (${(error as Error).message}); fix or delete it`);
  }
}

export const renderAbsenceState = (state: AbsenceState) =>
  `${JSON.stringify({ absent: Object.fromEntries(Object.entries(state.absent).sort(([a], [b]) => a.localeCompare(b, 'en'))) }, null, 2)}\n`;

export async function writeAbsenceState(file: string, state: AbsenceState): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, renderAbsenceState(state));
}
