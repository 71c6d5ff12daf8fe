import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadOrganisation } from '../compose/organisation.js';
import type { Organisation } from '../config/model.js';
import type { DatedPlanning } from '../desired/dated.js';

import { touchedKeys } from '../desired/touched.js';
import type { Plan } from '../reconcile/types.js';
import { colors, err } from './output.js';
import { readProgressLine } from './read-progress.js';
import { planSession, type Session } from './session.js';

const run = promisify(execFile);

/**
 * The plan, reading in a vendor read by key only the people the change from `base` touches
 * (desired/touched.ts): a pull request's plan then reads tens of people, not the whole organisation.
 * `base` is a git revision (the pull request's base, e.g. `origin/main`) or a folder holding the base's
 * checkout. Without `base`, every declared person is read. Reads by key show progress on stderr.
 */
export async function planWithBase(session: Session, calendar: Partial<DatedPlanning>, base: string | undefined): Promise<Plan> {
  const progress = readProgressLine((line) => err(colors.dim(line)));
  if (base === undefined) return planSession(session, calendar, session.targets, { progress });
  const before = await loadBase(session.org, base);
  if (!before) return planSession(session, calendar, session.targets, { progress });
  // --sandbox points the head's vendors at the emulators; the base gets the same, so that is no change.
  for (const [name, override] of Object.entries(session.sandbox?.overrides ?? {})) {
    if (before.config.vendors[name]) Object.assign(before.config.vendors[name], override);
  }
  const only = (target: Parameters<typeof touchedKeys>[2]) => {
    const keys = touchedKeys(before, session.org, target);
    err(colors.dim(keys ? `${target.name}: the change from ${base} touches ${keys.size} people; only they are read` : `${target.name}: its settings changed since ${base}; every person is read`));
    return keys;
  };
  return planSession(session, calendar, session.targets, { only, progress });
}

/** The organisation as declared at `base`, or undefined (with a warning) when it cannot be read. */
export async function loadBase(head: Organisation, base: string): Promise<Organisation | undefined> {
  const configFile = path.resolve(head.configFile);
  const isFolder = await stat(base).then((s) => s.isDirectory(), () => false);
  let scratch: string | undefined;
  try {
    let baseConfig: string;
    if (isFolder) {
      baseConfig = path.join(base, path.relative(await repositoryRoot(path.dirname(configFile)), configFile));
    } else {
      scratch = await mkdtemp(path.join(os.tmpdir(), 'roster-base-'));
      baseConfig = await extractRevision(base, configFile, head.config.users ?? 'users', scratch);
    }
    return await loadOrganisation(baseConfig);
  } catch (error) {
    err(`${colors.yellow('warning:')} the declared state at ${base} could not be read (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); every person is read`);
    return undefined;
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

async function repositoryRoot(dir: string): Promise<string> {
  return (await run('git', ['rev-parse', '--show-toplevel'], { cwd: dir })).stdout.trim();
}

/**
 * The folder of roster.yaml and the users folder as they are at `revision`, written under `into` with
 * `git archive` (data only: nothing of the revision runs). Returns the base's roster.yaml there.
 */
async function extractRevision(revision: string, configFile: string, usersSetting: string, into: string): Promise<string> {
  const configDir = path.dirname(configFile);
  const root = await repositoryRoot(configDir);
  if (revision.startsWith('-')) throw new Error(`${revision} is not a git revision`);
  await run('git', ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`], { cwd: root });
  const folders = [...new Set([path.relative(root, configDir) || '.', path.relative(root, path.resolve(configDir, usersSetting))])].filter((f) => !f.startsWith('..'));
  const archive = path.join(into, 'base.tar');
  await run('git', ['archive', '--format=tar', `--output=${archive}`, revision, '--', ...folders], { cwd: root });
  await run('tar', ['-xf', archive, '-C', into]);
  return path.join(into, path.relative(root, configFile));
}
