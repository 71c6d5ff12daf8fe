import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listUsersFiles } from '../config/loader.js';
import type { Diagnostic } from '../config/diagnostics.js';
import type { Organisation } from '../config/model.js';
import type { SourceInstanceConfig } from '../config/schema.js';
import { renderSyncBody } from './body.js';
import { readDeclared } from './declared.js';
import { applyChanges } from './edit.js';
import { describeProblem, mapRows } from './map.js';
import { sourceModule } from './registry.js';
import { readAbsenceState, renderAbsenceState, statePath } from './state.js';
import { checkShare, computeSync, type SyncResult } from './sync.js';
import { SourceReadError, type HrExport } from './types.js';

/** One source's pull request as the sync asks for it; opened by the command (src/github/source-pull-request.ts). */
export interface SourcePullRequest {
  source: string;
  base: string;
  title: string;
  body: string;
  /** Changed files by path in the repository (forward slashes), with their whole new content. */
  files: Map<string, string>;
}

export interface OpenedPullRequest {
  number: number;
  url: string;
  created: boolean;
}

export interface SyncOptions {
  source?: string;
  /** Write the changed files under this folder (paths as from roster.yaml's folder) instead of in place. */
  out?: string;
  /** Opens or updates the source's pull request (--github-pr). */
  githubPr?: (pr: SourcePullRequest) => Promise<OpenedPullRequest>;
  /** Base branch of the pull request. */
  base: string;
  /** Repository root: paths in the pull request are relative to it. */
  repoRoot: string;
  /** The exact number of people changed, typed by a person, to pass the change-share limit. */
  confirmChanges?: number;
  today: string;
  env: NodeJS.ProcessEnv;
}

export interface SyncIo {
  out(text: string): void;
  err(text: string): void;
  /** Checks a project folder as roster validate would (injected: sources know no composition). */
  validate(configPath: string): Promise<Diagnostic[]>;
}

export interface SourceOutcome {
  name: string;
  status: 'unchanged' | 'written' | 'pull-request' | 'refused' | 'failed';
  result?: SyncResult;
  exp?: HrExport;
  files?: Map<string, string>;
  body?: string;
  pullRequest?: OpenedPullRequest;
  message?: string;
}

/** `roster source sync`: each selected source read, its change computed, checked, and written or proposed. */
export async function runSourceSync(org: Organisation, options: SyncOptions, io: SyncIo): Promise<SourceOutcome[]> {
  const sources = org.config.sources ?? {};
  const names = options.source ? [options.source] : Object.keys(sources);
  if (names.length === 0) throw new Error('roster.yaml declares no sources; add one under `sources:` (docs/sources.md)');
  for (const name of names) if (!sources[name]) throw new Error(`no source "${name}" in roster.yaml; sources: ${Object.keys(sources).join(', ') || 'none'}`);
  const outcomes: SourceOutcome[] = [];
  for (const name of names) {
    try {
      outcomes.push(await syncOne(org, name, sources[name], options, io));
    } catch (error) {
      if (!(error instanceof SourceReadError)) throw error;
      io.err(`error: ${error.message}`);
      outcomes.push({ name, status: 'failed', message: error.message });
    }
  }
  return outcomes;
}

async function syncOne(org: Organisation, name: string, config: SourceInstanceConfig, options: SyncOptions, io: SyncIo): Promise<SourceOutcome> {
  const module = sourceModule(config.kind);
  if (!module) throw new Error(`source ${name}: unknown kind ${config.kind}`);
  const configDir = path.dirname(path.resolve(org.configFile));
  const usersDir = path.resolve(configDir, org.config.users);
  const exp = await module.read(name, config, { configDir, env: options.env });
  if (exp.rows.length === 0) throw new SourceReadError(`source ${name}: ${exp.from} has no rows; an empty export is never read as everyone leaving, nothing was written`);
  const declared = await readDeclared(await listUsersFiles(usersDir, configDir));
  const mapped = mapRows(exp, config, { officeKeys: new Set(org.offices.keys()), roleKeys: new Set(org.roles.keys()), today: options.today });
  const stateFile = statePath(configDir, name);
  const state = await readAbsenceState(stateFile);
  const result = computeSync({ name, config, hr: mapped.people, problems: mapped.problems, declared: declared.people, state, today: options.today });
  for (const p of result.problems) io.err(`warning: source ${name}: ${describeProblem(p)} (left out)`);
  for (const note of exp.notes) io.err(`note: ${note}`);
  for (const a of result.listed) io.err(`note: source ${name}: ${a.email} missing from HR for ${a.syncs} syncs in a row (since ${a.since}); absence never offboards: set endDate by hand if they left`);

  const share = checkShare(name, result, config, options.confirmChanges);
  if (!share.ok) {
    io.err(`error: ${share.message}`);
    return { name, status: 'refused', result, exp, message: share.message };
  }
  const files = applyChanges(declared, result.changes, usersDir, config.newPeopleFile, name);
  const stateText = renderAbsenceState(result.state);
  const previousState = renderAbsenceState(state);
  if (stateText !== previousState || files.size > 0) files.set(stateFile, stateText);
  const body = renderSyncBody({ name, describe: module.describe(config), exp, result, maskEmails: org.config.github.maskEmails, root: options.repoRoot });
  if (result.changes.length === 0 && files.size <= 1 && stateText === previousState) {
    io.out(`source ${name}: users/ already matches HR (${exp.rows.length} rows read, ${result.problems.length} left out)`);
    return { name, status: 'unchanged', result, exp, files: new Map(), body };
  }

  // What is proposed must load: the edited users files are checked as `roster validate` would, before anything is written.
  const diagnostics = await validateEdited(org.configFile, configDir, usersDir, files, io);
  if (diagnostics.length) {
    const message = `source ${name}: the change would leave users/ invalid; nothing was written:\n${diagnostics.map((d) => `  ${d.file}:${d.line}:${d.col} ${d.message}`).join('\n')}`;
    io.err(`error: ${message}`);
    return { name, status: 'failed', result, exp, message };
  }

  const n = (kind: string, one: string) => {
    const k = result.changes.filter((c) => c.kind === kind).length;
    return `${k} ${one}${k === 1 ? '' : 's'}`;
  };
  const counts = `${n('hire', 'hire')}, ${n('leave', 'leaver')}, ${n('update', 'update')}`;
  if (options.githubPr) {
    const repoFiles = new Map<string, string>();
    for (const [file, text] of files) {
      const rel = path.relative(options.repoRoot, file);
      if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${file} is outside the repository (${options.repoRoot})`);
      repoFiles.set(rel.split(path.sep).join('/'), text);
    }
    const title = `HR sync (${name}): ${counts}`;
    const pullRequest = await options.githubPr({ source: name, base: options.base, title, body, files: repoFiles });
    io.err(`source ${name}: pull request #${pullRequest.number} ${pullRequest.created ? 'opened' : 'updated'}: ${pullRequest.url}`);
    if (options.out) await writeFiles(files, configDir, options.out);
    return { name, status: 'pull-request', result, exp, files, body, pullRequest };
  }
  await writeFiles(files, configDir, options.out);
  io.out(`source ${name}: ${counts}; wrote ${[...files.keys()].map((f) => path.relative(process.cwd(), options.out ? path.join(options.out, path.relative(configDir, f)) : f)).join(', ')}`);
  return { name, status: 'written', result, exp, files, body };
}

async function writeFiles(files: Map<string, string>, configDir: string, outDir?: string): Promise<void> {
  for (const [file, text] of files) {
    const target = outDir ? path.resolve(outDir, path.relative(configDir, file)) : file;
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
  }
}

/** The project copied to a scratch folder with the edits in place, checked as `roster validate` checks it. */
async function validateEdited(configFile: string, configDir: string, usersDir: string, files: Map<string, string>, io: SyncIo): Promise<Diagnostic[]> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'roster-source-'));
  try {
    const copyConfig = path.join(scratch, path.basename(configFile));
    await cp(path.resolve(configFile), copyConfig);
    const usersCopy = path.join(scratch, path.relative(configDir, usersDir));
    await cp(usersDir, usersCopy, { recursive: true });
    for (const [file, text] of files) {
      if (!file.startsWith(usersDir + path.sep)) continue;
      const target = path.join(scratch, path.relative(configDir, file));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text);
    }
    return await io.validate(copyConfig);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
