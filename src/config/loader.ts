import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { z } from 'zod';
import { InvalidStateError } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import type { Organisation } from './model.js';
import { resolveOrganisation } from './resolve.js';
import type { Declarations, DeclaredItem } from './resolve.js';
import { configSchemas, type ConfigSchemas, type RootConfig, type UsersFile, type VendorSchemas } from './schema.js';
import { formatPath, readYamlFile } from './yaml-source.js';
import type { FieldPath, SourceFile, YamlSource } from './yaml-source.js';
import { zodDiagnostics } from './zod-diagnostics.js';

export const DEFAULT_CONFIG_FILE = 'roster.yaml';

export interface ValidationResult {
  /** Set only when there are no diagnostics. */
  org?: Organisation;
  /** Every problem found, in file order. */
  diagnostics: Diagnostic[];
  /** Users files read, relative to the working directory. */
  files: string[];
}

/** Paths as diagnostics print them: relative to where the command runs. */
export function displayPath(absolutePath: string): string {
  return path.relative(process.cwd(), absolutePath) || path.basename(absolutePath);
}

/** Every `*.yaml`/`*.yml` under `dir`, in any layout of sub-folders, sorted by path so runs are stable. */
export async function listUsersFiles(dir: string, root: string = dir): Promise<string[]> {
  return (await scanUsersFiles(dir, root)).files;
}

export interface UsersFileScan {
  files: string[];
  /** Symbolic links under the users folder that point outside `root`, or nowhere: refused, never skipped. */
  refused: { link: string; reason: string }[];
}

/**
 * The users files under `dir`. A symbolic link (to a file or a folder) is followed when it stays inside
 * `root`, the folder of roster.yaml: a people file shared by link is declared state like any other, and
 * skipping it silently would make its people look removed (prune would deactivate them). One pointing
 * outside, or at nothing, is refused with an error.
 */
export async function scanUsersFiles(dir: string, root: string = dir): Promise<UsersFileScan> {
  const realRoot = await realpath(root).catch(() => path.resolve(root));
  const files: string[] = [];
  const refused: UsersFileScan['refused'] = [];
  const visited = new Set<string>();
  const isYaml = (name: string) => /\.ya?ml$/i.test(name);
  const hidden = (file: string) => path.relative(dir, file).split(path.sep).some((part) => part.startsWith('.'));
  const walk = async (folder: string): Promise<void> => {
    const real = await realpath(folder);
    if (visited.has(real)) return;
    visited.add(real);
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (hidden(full)) continue;
      if (entry.isDirectory()) {
        await walk(full);
      } else if (entry.isFile()) {
        if (isYaml(entry.name)) files.push(full);
      } else if (entry.isSymbolicLink()) {
        const target = await realpath(full).catch(() => undefined);
        const kind = target ? await stat(target).then((s) => (s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other')) : undefined;
        if (!isYaml(entry.name) && kind !== 'dir') continue;
        if (!target || !kind) refused.push({ link: full, reason: 'is a symbolic link to nothing (its target does not exist)' });
        else if (path.relative(realRoot, target).startsWith('..') || path.isAbsolute(path.relative(realRoot, target))) {
          refused.push({ link: full, reason: `is a symbolic link to ${target}, outside the project (${realRoot}); roster reads declared state only from inside it` });
        } else if (kind === 'dir') await walk(full);
        else if (kind === 'file') files.push(full);
      }
    }
  };
  await walk(dir);
  return { files: files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), refused };
}

/**
 * Keys that mean secrets or personal data. roster never sends these to a vendor, so there is no reason
 * for them to be in git, and every reason (a public history forever) for them not to be.
 */
const forbiddenKeys = new Map<string, string>([
  ['password', 'a password is a secret'],
  ['passwd', 'a password is a secret'],
  ['ssn', 'a social security number is sensitive personal data'],
  ['socialsecuritynumber', 'a social security number is sensitive personal data'],
  ['dateofbirth', 'a date of birth is personal data'],
  ['dob', 'a date of birth is personal data'],
  ['birthdate', 'a date of birth is personal data'],
  ['birthday', 'a date of birth is personal data'],
  ['ownership', 'an ownership share is sensitive personal data'],
  ['ownershipshare', 'an ownership share is sensitive personal data'],
  ['ownershippercent', 'an ownership share is sensitive personal data'],
  ['ownershippercentage', 'an ownership share is sensitive personal data'],
]);

/** The reason for each key as written (null: allowed). Every person repeats the same few keys. */
const reasonOfKey = new Map<string, string | null>();

function forbiddenReason(key: string): string | undefined {
  let reason = reasonOfKey.get(key);
  if (reason === undefined) {
    reason = forbiddenKeys.get(key.toLowerCase().replace(/[\s_-]/g, '')) ?? null;
    if (reasonOfKey.size < 10_000) reasonOfKey.set(key, reason);
  }
  return reason ?? undefined;
}

/** Finds secret and personal-data keys anywhere in a users file, with their paths. */
function findForbiddenKeys(source: YamlSource): { diagnostics: Diagnostic[]; paths: Set<string> } {
  const diagnostics: Diagnostic[] = [];
  const paths = new Set<string>();
  // The path of the node being walked, one stack for the whole walk: copied only for a finding.
  const at: PropertyKey[] = [];
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const reason = forbiddenReason(key);
        if (reason) {
          const keyPath = [...at, key];
          paths.add(formatPath(keyPath));
          diagnostics.push(
            source.diagnostic(
              keyPath,
              `"${key}" must not be in git: ${reason}, and roster never sends it to any vendor`,
              'delete this field; keep secrets in a password manager and personal data in your HR system',
              { key: true },
            ),
          );
        } else {
          at.push(key);
          walk(pair.value);
          at.pop();
        }
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        at.push(i);
        walk(node.items[i]);
        at.pop();
      }
    }
  };
  walk(source.doc.contents);
  return { diagnostics, paths };
}

/** True when `path` is a forbidden key or lies under one (already reported, so zod need not repeat it). */
function under(paths: Set<string>) {
  return (p: FieldPath) => {
    for (let n = p.length; n > 0; n--) if (paths.has(formatPath(p.slice(0, n)))) return true;
    return false;
  };
}

/**
 * The strings of declared values, copied out of their files' text, one copy of each where they repeat.
 *
 * V8 keeps a substring of 13 characters or more as a view of its parent, and the YAML parser cuts
 * every value out of the file's text, so one email kept in the organisation would keep its whole users
 * file (20 MB of text at 100,000 people); shorter substrings are copies already. Names, role and office
 * keys, timezones and managers repeat from person to person, so those fields share one copy per value.
 */
class DeclaredStrings {
  private static readonly repeating = new Set(['firstName', 'lastName', 'title', 'timezone', 'office', 'roles', 'manager']);
  private readonly shared = new Map<string, string>();
  private readonly lists = new Map<string, string[]>();

  /** `value` with every string in it replaced by its own copy, or the shared one, in place. */
  own<T>(value: T, repeating = false): T {
    if (typeof value === 'string') return (repeating ? this.share(value) : this.copy(value)) as T;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.own(value[i], repeating);
    } else if (value && typeof value === 'object') {
      const fields = value as Record<string, unknown>;
      for (const field of Object.keys(fields)) fields[field] = this.own(fields[field], DeclaredStrings.repeating.has(field));
    }
    return value;
  }

  /** One list for every person with the same role keys: a declared value is only read, never changed. */
  list(texts: string[]): string[] {
    const id = JSON.stringify(texts);
    let shared = this.lists.get(id);
    if (shared === undefined) this.lists.set(id, (shared = texts));
    return shared;
  }

  /** `text`, no longer a view into the text it was cut from. */
  copy(text: string): string {
    return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
  }

  private share(text: string): string {
    let shared = this.shared.get(text);
    if (shared === undefined) {
      shared = this.copy(text);
      this.shared.set(shared, shared);
    }
    return shared;
  }
}

/**
 * The items of one users file, each with where it starts, so nothing needs the file's tree once this
 * returns. `valid` is the file's data as the schema parsed it, when the whole file passed; otherwise a
 * file with schema errors still contributes the items that are valid on their own, and the keys of
 * the broken ones, so a typo in one role does not turn every reference to it into a second, misleading
 * "unknown role".
 */
function collectItems(
  source: YamlSource,
  sourceFile: SourceFile,
  data: Record<string, unknown>,
  valid: UsersFile | undefined,
  strings: DeclaredStrings,
  into: Declarations,
  schemas: ConfigSchemas,
): void {
  const sections = [
    ['offices', schemas.office, into.offices, 'key'],
    ['roles', schemas.role, into.roles, 'key'],
    ['people', schemas.person, into.people, 'email'],
  ] as const;
  for (const [section, schema, list, keyField] of sections) {
    const items = data[section];
    if (!Array.isArray(items)) continue;
    const validItems = valid?.[section];
    items.forEach((raw: unknown, index) => {
      // Items of a file that passed as a whole were parsed with it, by the very same item schema.
      const parsed = validItems ? { success: true as const, data: validItems[index] } : (schema as z.ZodType).safeParse(raw);
      const rawKey = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[keyField] : undefined;
      const { line, col } = source.locate([section, index]);
      const value = parsed.success ? strings.own(parsed.data) : undefined;
      const partial = !parsed.success && section === 'people' ? strings.own(validFields(raw, schemas.person)) : undefined;
      const own = (value ?? partial) as Record<string, unknown> | undefined;
      if (section === 'people' && Array.isArray(own?.roles) && own.roles.every((r) => typeof r === 'string')) own.roles = strings.list(own.roles);
      const key = typeof rawKey !== 'string' ? undefined : own?.[keyField] === rawKey ? (own[keyField]) : strings.copy(rawKey);
      // Every field in one literal, set or not: V8 then lays the item out in one object of one shape.
      const item: DeclaredItem<unknown> = { source: sourceFile, section, index, line, col, value, partial, key };
      (list as DeclaredItem<unknown>[]).push(item);
    });
  }
}

/**
 * The fields of a person that are valid on their own, so a person with one wrong field still gets the
 * semantic checks (unknown role, bad phone, ...) on the rest.
 */
function validFields(raw: unknown, personSchema: z.ZodObject): Record<string, unknown> | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const partial: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(personSchema.shape)) {
    const value = (raw as Record<string, unknown>)[field];
    if (value === undefined) continue;
    const parsed = (schema as z.ZodType).safeParse(value);
    if (parsed.success) partial[field] = parsed.data;
  }
  return partial;
}

async function readRootConfig(
  configPath: string,
  schemas: ConfigSchemas,
): Promise<{ config?: RootConfig; usersDir: string; source?: YamlSource; diagnostics: Diagnostic[] }> {
  const absolute = path.resolve(configPath);
  const file = displayPath(absolute);
  const { source, data, diagnostics } = await readYamlFile(absolute, file, 'the root config');
  if (diagnostics.length > 0 && diagnostics[0].message === 'file not found') {
    diagnostics[0] = {
      ...diagnostics[0],
      message: 'config file not found',
      hint: `run roster where ${path.basename(configPath)} is, or pass its path with -c path/to/roster.yaml`,
    };
  }
  const usersField = typeof data?.users === 'string' && data.users ? data.users : 'users';
  const usersDir = path.resolve(path.dirname(absolute), usersField);
  if (!source || !data) return { usersDir, diagnostics };
  const parsed = schemas.rootConfig.safeParse(data);
  if (!parsed.success) {
    diagnostics.push(...zodDiagnostics(source, schemas.rootConfig, data, parsed.error.issues));
    return { usersDir, source, diagnostics };
  }
  return { config: parsed.data as RootConfig, usersDir, source, diagnostics };
}

/**
 * Reads the root config and every users file, and checks everything that can be checked without a
 * network call. Never throws for bad input: every problem is a diagnostic.
 */
export async function validateState(configPath: string, vendors: readonly VendorSchemas[]): Promise<ValidationResult> {
  const schemas = configSchemas(vendors);
  const root = await readRootConfig(configPath, schemas);
  const diagnostics = [...root.diagnostics];
  const declarations: Declarations = { offices: [], roles: [], people: [] };
  const strings = new DeclaredStrings();
  const files: string[] = [];

  let usersFiles: string[] = [];
  const usersDirExists = await stat(root.usersDir).then((s) => s.isDirectory(), () => false);
  const usersWhere = root.source
    ? root.source.locate(['users'])
    : { line: 1, col: 1 };
  const configFile = displayPath(path.resolve(configPath));
  if (!usersDirExists) {
    if (root.source) {
      diagnostics.push({
        file: configFile,
        ...usersWhere,
        path: 'users',
        message: `the users folder ${displayPath(root.usersDir)}/ does not exist`,
        hint: 'set "users:" to the folder (relative to this file) that holds offices, roles and people',
      });
    }
  } else {
    const scan = await scanUsersFiles(root.usersDir, path.dirname(path.resolve(configPath)));
    usersFiles = scan.files;
    for (const { link, reason } of scan.refused) {
      diagnostics.push({ file: displayPath(link), line: 1, col: 1, path: '', message: `this users file ${reason}`, hint: 'copy the file into the project, or point the link at a file inside it' });
    }
    if (usersFiles.length === 0 && scan.refused.length === 0) {
      diagnostics.push({
        file: configFile,
        ...usersWhere,
        path: root.source?.nodeAt(['users']).complete ? 'users' : '',
        message: `no *.yaml files under ${displayPath(root.usersDir)}/`,
        hint: 'declare offices, roles and people in YAML files in that folder',
      });
    }
  }

  for (const absolute of usersFiles) {
    const file = displayPath(absolute);
    files.push(file);
    // Everything that needs the file's YAML tree happens here; the tree is let go with `read`.
    const read = await readYamlFile(absolute, file, 'users files');
    diagnostics.push(...read.diagnostics);
    if (!read.source || !read.sourceFile || !read.data) continue;
    const forbidden = findForbiddenKeys(read.source);
    diagnostics.push(...forbidden.diagnostics);
    const parsed = schemas.usersFile.safeParse(read.data);
    if (!parsed.success) {
      diagnostics.push(...zodDiagnostics(read.source, schemas.usersFile, read.data, parsed.error.issues, under(forbidden.paths)));
    }
    collectItems(read.source, read.sourceFile, read.data, parsed.success ? (parsed.data) : undefined, strings, declarations, schemas);
  }

  const resolved = resolveOrganisation(declarations, root.config, configFile, files, vendors);
  diagnostics.push(...resolved.diagnostics);
  // Reading order: by file, then position; within one place, the order they were found.
  const unique = dedupe(diagnostics).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
  return { ...(unique.length === 0 && resolved.org ? { org: resolved.org } : {}), diagnostics: unique, files };
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const id = `${d.file}\0${d.line}\0${d.col}\0${d.path}\0${d.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * The declared state, resolved: the root config (default roster.yaml) and every users file under its
 * `users` folder. Throws InvalidStateError carrying every problem found when anything is wrong.
 */
export async function loadOrganisation(configPath: string, vendors: readonly VendorSchemas[]): Promise<Organisation> {
  const { org, diagnostics } = await validateState(configPath, vendors);
  if (!org) throw new InvalidStateError(diagnostics);
  return org;
}
