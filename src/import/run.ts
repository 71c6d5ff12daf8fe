import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { formatDiagnostic } from '../config/diagnostics.js';
import { listUsersFiles } from '../config/loader.js';
import { rosterSchemas, validateState } from '../compose/organisation.js';
import type { Organisation } from '../config/model.js';
import type { RootConfig } from '../config/schema.js';
import { SCHEMA_DIR, USERS_SCHEMA_FILE } from '../config/json-schema.js';
import { buildTargets, type VendorTarget } from '../compose/targets.js';
import { connectVendors } from '../compose/connect.js';
import { applySandboxOverrides } from '../compose/sandbox.js';
import type { LiveRecord } from '../vendors/types.js';
import { buildImport } from './build.js';
import { emptyDeclaredState, type DeclaredState, type ImportResult } from './model.js';
import { renderImport } from './render.js';
import { describeReplacement } from './replaced.js';
import { declaredDatesIn, keepDeclaredDates } from './dates.js';
import { annotateResiduals, describeOperation, verifyImport, type Verification } from './verify.js';

export const DEFAULT_IMPORT_FILE = 'imported.yaml';

export interface ImportOptions {
  vendor?: string[];
  /** A folder (the file is imported.yaml in it), a .yaml file, or `-` for stdout. */
  out?: string;
  force?: boolean;
  sandbox?: boolean;
  fixtures?: string;
  /** `--trace FILE`: every exchange with a vendor, redacted, as JSON lines. */
  trace?: string;
}

/** Where the command's words go; the CLI passes stdout/stderr writers, tests can collect them. */
export interface ImportIo {
  out(text: string): void;
  err(text: string): void;
}

/** Thrown when import refuses or fails after saying why on stderr. */
export class ImportRefused extends Error {
  override name = 'ReportedError';
}

export interface ImportOutcome {
  /** The file written; undefined with `--out -`. */
  file?: string;
  result: ImportResult;
  yaml: string;
  verification?: Verification;
}

/**
 * `roster import`: list live users, write them as a users file, and check the promise by planning the
 * result against the same live users. Never overwrites a file without `force`, never touches other
 * files, and writes nothing when any vendor could not be listed.
 */
export async function runImport(configFile: string, options: ImportOptions, io: ImportIo): Promise<ImportOutcome> {
  const refuse = (message: string): never => {
    io.err(`error: ${message}`);
    throw new ImportRefused(message);
  };

  const config = await readRootConfig(configFile, io);
  const configDir = path.dirname(path.resolve(configFile));
  const usersDir = path.resolve(configDir, config.users);
  const toStdout = options.out === '-';
  const outFile = toStdout ? undefined : outputFile(options.out, usersDir);
  const shown = (file: string) => path.relative(process.cwd(), file) || file;

  const replacing = outFile !== undefined && (await exists(outFile));
  if (replacing && !options.force) {
    refuse(`${shown(outFile)} already exists; roster import never overwrites a file silently. Pass --force to replace it, or --out another file.`);
  }
  // Read before anything is written, so --force can say what it changed.
  const previous = replacing ? await readFile(outFile, 'utf8') : undefined;
  const sayReplaced = (written: string) => {
    if (previous !== undefined && outFile) io.out(describeReplacement(shown(outFile), previous, written));
  };

  // What git declares today, except the file about to be replaced.
  const usersFiles = (await isDirectory(usersDir)) ? await listUsersFiles(usersDir) : [];
  const others = usersFiles.filter((f) => path.resolve(f) !== outFile);
  let org: Organisation = emptyOrganisation(config, configFile);
  let declared: DeclaredState = emptyDeclaredState();
  if (others.length > 0) {
    const state = await validateState(configFile);
    if (!state.org) {
      for (const d of state.diagnostics) io.err(formatDiagnostic(d));
      refuse(`${state.diagnostics.length} problem(s) in the declared state; import merges into a valid ${shown(usersDir)}/, so fix them first`);
    }
    org = state.org!;
    declared = declaredState(org, outFile);
  }

  const { targets, sandbox, env, close } = await connectVendors(org, options);
  try {
    const listed = await listAll(targets, io, refuse);
    const sources = listed.map(({ target, live }) => ({ name: target.name, module: target.module, config: target.config, live }));
    const result = buildImport(sources, declared);
    // Dates: a replaced file's dates stay on the people it is re-imported with.
    if (outFile && (await exists(outFile))) keepDeclaredDates(result, await declaredDatesIn(outFile));

    const schemaFile = path.join(configDir, SCHEMA_DIR, USERS_SCHEMA_FILE);
    const schemaPath = outFile ? path.relative(path.dirname(outFile), schemaFile).split(path.sep).join('/') : `${SCHEMA_DIR}/${USERS_SCHEMA_FILE}`;
    const yaml = renderImport(result, { schemaPath });

    for (const n of result.notImported) io.err(`not imported: ${n.vendor} ${n.email || '(no email)'} (id ${n.vendorId}): ${n.reason}`);
    if (toStdout || !outFile) {
      io.out(yaml);
      return { result, yaml };
    }
    if (result.people.length === 0) {
      io.out(summary(result, undefined));
      io.out('Nothing to write: every live user is declared already, or cannot be declared.');
      return { result, yaml };
    }

    await mkdir(path.dirname(outFile), { recursive: true });
    const temporary = `${outFile}.${process.pid}.tmp`;
    await writeFile(temporary, yaml);
    await rename(temporary, outFile);
    io.out(summary(result, shown(outFile)));

    // The promise, checked: plan the result against what was just listed.
    let verification: Verification | undefined;
    if (path.resolve(outFile).startsWith(usersDir + path.sep)) {
      const after = await validateState(configFile);
      if (!after.org) {
        for (const d of after.diagnostics) io.err(formatDiagnostic(d));
        refuse(`the imported file does not validate; this is a bug in roster import (the file is kept for the report): ${shown(outFile)}`);
      }
      if (sandbox) applySandboxOverrides(after.org!.config, sandbox);
      const afterTargets = new Map(buildTargets(after.org!, { only: options.vendor, env }).map((t) => [t.name, t]));
      verification = verifyImport(
        after.org!,
        listed.map(({ target, live }) => ({ target: afterTargets.get(target.name) ?? target, live })),
        new Set(result.people.map((p) => p.key)),
      );
      report(verification, io);
      if (verification.imported.length > 0) {
        // Said on the person's lines too, so the file a reviewer reads carries it.
        annotateResiduals(result, verification);
        const annotated = renderImport(result, { schemaPath });
        await writeFile(temporary, annotated);
        await rename(temporary, outFile);
        sayReplaced(annotated);
        return { file: outFile, result, yaml: annotated, verification };
      }
    } else {
      io.out(`${shown(outFile)} is outside ${shown(usersDir)}/, so roster plan will not read it until you move it there.`);
    }
    sayReplaced(yaml);
    return { file: outFile, result, yaml, verification };
  } finally {
    await close();
  }
}

async function readRootConfig(configFile: string, io: ImportIo): Promise<RootConfig> {
  let data: unknown;
  try {
    data = parse(await readFile(configFile, 'utf8'));
  } catch {
    data = undefined;
  }
  const parsed = rosterSchemas().rootConfig.safeParse(data);
  if (parsed.success) return parsed.data as RootConfig;
  // The loader says what is wrong, with file:line:col.
  const state = await validateState(configFile);
  const own = state.diagnostics.filter((d) => path.resolve(d.file) === path.resolve(configFile));
  for (const d of own.length > 0 ? own : state.diagnostics) io.err(formatDiagnostic(d));
  io.err(`error: ${configFile} is not a valid roster config`);
  throw new ImportRefused(`${configFile} is not a valid roster config`);
}

function outputFile(out: string | undefined, usersDir: string): string {
  if (!out) return path.join(usersDir, DEFAULT_IMPORT_FILE);
  const resolved = path.resolve(out);
  return /\.ya?ml$/i.test(out) ? resolved : path.join(resolved, DEFAULT_IMPORT_FILE);
}

function emptyOrganisation(config: RootConfig, configFile: string): Organisation {
  return { config, configFile, offices: new Map(), roles: new Map(), people: [], peopleByKey: new Map(), files: [] };
}

/** Offices, roles and people git declares, leaving out what sits in the file being replaced. */
function declaredState(org: Organisation, replaced: string | undefined): DeclaredState {
  const kept = (source: { file: string }) => !replaced || path.resolve(source.file) !== replaced;
  const people = org.people.filter((p) => kept(p.source));
  return {
    offices: [...org.offices.values()].filter((o) => kept(o.source)),
    roles: [...org.roles.values()].filter((r) => kept(r.source)),
    people: new Set(people.map((p) => p.key)),
    activeByKey: new Map(people.map((p) => [p.key, p.active])),
  };
}

async function listAll(
  targets: VendorTarget[],
  io: ImportIo,
  refuse: (message: string) => never,
): Promise<{ target: VendorTarget; live: LiveRecord[] }[]> {
  const results = await Promise.all(
    targets.map(async (target) => {
      const reader = target.reader;
      if (!reader) return { target, error: target.setupError ?? 'not configured' };
      if (!target.module.importer) return { target, error: `${target.module.title} has no import support yet` };
      // A vendor read by key (SimplePin publishes no user list) can only be read for people git already declares.
      if (reader.mode === 'byKey') {
        return {
          target,
          error: `${target.module.title} cannot list its users, so import cannot read them: set listPath on vendor "${target.name}" if your tenant has a user list endpoint, or leave it out with --vendor`,
        };
      }
      try {
        return { target, live: await reader.list() };
      } catch (error) {
        return { target, error: `could not list users: ${error instanceof Error ? error.message : String(error)}` };
      }
    }),
  );
  const failed = results.filter((r) => 'error' in r && r.error);
  if (failed.length > 0) {
    for (const f of failed) io.err(`${f.target.name}: ${(f as { error: string }).error}`);
    refuse('nothing was written: an import from part of the vendors would leave out people who exist');
  }
  return results as { target: VendorTarget; live: LiveRecord[] }[];
}

function summary(result: ImportResult, file: string | undefined): string {
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  const lines = [
    `${file ? `wrote ${file}` : 'import'}: ${n(result.people.length, 'person', 'people')}, ${n(result.roles.length, 'new role')}, ${n(result.offices.length, 'new office')} from ${result.vendors.join(', ')}`,
  ];
  if (result.alreadyDeclared.length > 0) lines.push(`  ${n(result.alreadyDeclared.length, 'live person', 'live people')} already declared in git: left as they are`);
  if (result.notImported.length > 0) lines.push(`  ${n(result.notImported.length, 'live user')} not imported (listed on stderr and at the top of the file)`);
  const conflicts = result.people.reduce((count, p) => count + [...p.comments.keys()].length, 0);
  if (conflicts > 0) lines.push(`  ${n(conflicts, 'line')} commented where vendors disagree or import had to choose; review them before committing`);
  return lines.join('\n');
}

function report(v: Verification, io: ImportIo): void {
  if (v.imported.length === 0) {
    io.out('roster plan after import: no changes for the imported people.');
  } else {
    io.err(`roster plan after import would still change ${v.imported.length} thing(s) for imported people (where vendors disagree, or roster cannot hold what a vendor has):`);
    for (const { vendor, op } of v.imported) io.err(`  ${describeOperation(vendor, op)}`);
  }
  // Declared people git has and a vendor has differently are conflicts; ones a vendor does not have yet
  // are what apply is for, so they are only counted.
  const differing = v.declared.filter(({ op }) => op.action !== 'create');
  const creates = v.declared.filter(({ op }) => op.action === 'create');
  const count = (ops: typeof v.declared) => new Set(ops.map(({ op }) => op.key)).size;
  const people = (ops: typeof v.declared) => `${count(ops)} declared ${count(ops) === 1 ? 'person' : 'people'}`;
  if (differing.length > 0) {
    io.err(`conflicts: ${people(differing)} ${count(differing) === 1 ? 'differs' : 'differ'} from live (git was left as it is):`);
    for (const { vendor, op } of differing) io.err(`  ${describeOperation(vendor, op)}`);
  }
  if (creates.length > 0) {
    io.err(`${people(creates)} missing from some vendor: roster apply would create ${creates.length} user${creates.length === 1 ? '' : 's'} (see roster plan)`);
  }
  for (const { vendor, error } of v.errors) io.err(`  ${vendor}: ${error.key ? `${error.key}: ` : ''}${error.message}`);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then((s) => s.isDirectory(), () => false);
}
