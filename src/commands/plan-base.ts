import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadOrganisation } from '../compose/organisation.js';
import type { Organisation } from '../config/model.js';
import type { DatedPlanning } from '../desired/dated.js';
import type { PlanReading } from '../reconcile/plan.js';
import { declaredStateHash } from './seal.js';

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
 * The seal carries the base's declared-state hash: which people were read is part of what was reviewed,
 * so `apply --expect-checksum` must read from the same base (`apply --base`) to match.
 */
export async function planWithBase(session: Session, calendar: Partial<DatedPlanning>, base: string | undefined): Promise<Plan> {
  const progress = readProgressLine((line) => err(colors.dim(line)));
  const { reading, declared } = await readingFromBase(session, base);
  return withBaseSeal(await planSession(session, calendar, session.targets, { ...reading, progress }), declared);
}

/** How to read vendors read by key for a change from `base` (none: everyone), and the base's declared-state hash. */
export async function readingFromBase(session: Session, base: string | undefined): Promise<{ reading: PlanReading; declared?: string }> {
  if (base === undefined) return { reading: {} };
  const loaded = await loadBase(session.org, base);
  if (!loaded) return { reading: {} };
  const before = loaded.org;
  // --sandbox points the head's vendors at the emulators; the base gets the same, so that is no change.
  for (const [name, override] of Object.entries(session.sandbox?.overrides ?? {})) {
    if (before.config.vendors[name]) Object.assign(before.config.vendors[name], override);
  }
  const said = new Set<string>();
  const only = (target: Parameters<typeof touchedKeys>[2]) => {
    const keys = touchedKeys(before, session.org, target);
    // Said once per vendor, however often the plan is made again (apply tries earlier moments).
    if (!said.has(target.name)) err(colors.dim(keys ? `${target.name}: the change from ${base} touches ${keys.size} people; only they are read` : `${target.name}: its settings changed since ${base}; every person is read`));
    said.add(target.name);
    return keys;
  };
  return { reading: { only }, declared: loaded.declared };
}

/** The plan with the base it read from in its seal (checksum.ts covers it). */
export function withBaseSeal(plan: Plan, declared: string | undefined): Plan {
  return declared && plan.seal ? { ...plan, seal: { ...plan.seal, base: declared } } : plan;
}

/** The organisation as declared at `base` and its declared-state hash, or undefined (with a warning) when it cannot be read. */
export async function loadBase(head: Organisation, base: string): Promise<{ org: Organisation; declared: string } | undefined> {
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
    const org = await loadOrganisation(baseConfig);
    // Hashed before the scratch copy is removed: the same files hash the same from a folder or a revision.
    return { org, declared: await declaredStateHash(org) };
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
