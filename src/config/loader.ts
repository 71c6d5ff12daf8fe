import { stat } from 'node:fs/promises';
import path from 'node:path';
import { collectItems } from './collect-items.js';
import { DeclaredStrings } from './declared-strings.js';
import type { Declarations } from './declared.js';
import { InvalidStateError } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { fastReadYaml } from './fast-yaml.js';
import { findForbiddenKeys, under } from './forbidden-keys.js';
import type { Organisation } from './model.js';
import { resolveOrganisation } from './resolve.js';
import { readRootConfig, type RootConfigRead } from './root-config.js';
import { configSchemas, type ConfigSchemas, type SourceSchemas, type VendorSchemas } from './schema.js';
import { scanUsersFiles } from './users-files.js';
import { parseYamlText, readYamlText, sourceFileOf, type ReadResult } from './yaml-source.js';
import { zodDiagnostics } from './zod-diagnostics.js';

// Callers outside config/ import these from here.
export { listUsersFiles, scanUsersFiles, type UsersFileScan } from './users-files.js';

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

/**
 * Reads the root config and every users file, and checks everything that can be checked without a
 * network call. Never throws for bad input: every problem is a diagnostic.
 */
export async function validateState(configPath: string, vendors: readonly VendorSchemas[], sources?: readonly SourceSchemas[]): Promise<ValidationResult> {
  const schemas = configSchemas(vendors, sources);
  const configFile = displayPath(path.resolve(configPath));
  const root = await readRootConfig(configPath, configFile, schemas);
  const diagnostics = [...root.diagnostics];
  const read: UsersFilesRead = { schemas, strings: new DeclaredStrings(), declarations: { offices: [], roles: [], people: [] }, diagnostics };
  const files: string[] = [];

  for (const absolute of await findUsersFiles(root, configPath, configFile, diagnostics)) {
    const file = displayPath(absolute);
    files.push(file);
    await readUsersFile(absolute, file, read);
  }

  const resolved = resolveOrganisation(read.declarations, root.config, configFile, files, vendors);
  diagnostics.push(...resolved.diagnostics);
  // Reading order: by file, then position; within one place, the order they were found.
  const unique = dedupe(diagnostics).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
  return { ...(unique.length === 0 && resolved.org ? { org: resolved.org } : {}), diagnostics: unique, files };
}

/**
 * The users files under the root config's users folder. A folder that is missing or holds no YAML,
 * and every link refused on the way, is a diagnostic in `diagnostics`.
 */
async function findUsersFiles(root: RootConfigRead, configPath: string, configFile: string, diagnostics: Diagnostic[]): Promise<string[]> {
  const usersDirExists = await stat(root.usersDir).then((s) => s.isDirectory(), () => false);
  const usersWhere = root.source
    ? root.source.locate(['users'])
    : { line: 1, col: 1 };
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
    return [];
  }
  const scan = await scanUsersFiles(root.usersDir, path.dirname(path.resolve(configPath)));
  for (const { link, reason } of scan.refused) {
    diagnostics.push({ file: displayPath(link), line: 1, col: 1, path: '', message: `this users file ${reason}`, hint: 'copy the file into the project, or point the link at a file inside it' });
  }
  if (scan.files.length === 0 && scan.refused.length === 0) {
    diagnostics.push({
      file: configFile,
      ...usersWhere,
      path: root.source?.nodeAt(['users']).complete ? 'users' : '',
      message: `no *.yaml files under ${displayPath(root.usersDir)}/`,
      hint: 'declare offices, roles and people in YAML files in that folder',
    });
  }
  return scan.files;
}

/** What reading the users files builds up, one file after another. */
interface UsersFilesRead {
  schemas: ConfigSchemas;
  strings: DeclaredStrings;
  declarations: Declarations;
  diagnostics: Diagnostic[];
}

/**
 * One users file's own checks (YAML, secret keys, schema), and its items added to the declarations.
 * A file is read with js-yaml first (fast-yaml.ts says why); one that path declines, or that has any
 * problem, is read again with yaml, which finds and locates every problem exactly as it always has.
 */
async function readUsersFile(absolute: string, file: string, into: UsersFilesRead): Promise<void> {
  const read = await readYamlText(absolute, file);
  if ('diagnostics' in read) {
    into.diagnostics.push(...read.diagnostics);
    return;
  }
  const fast = fastReadYaml(read.text);
  // fastReadYaml declines a file with a forbidden key, as the slow path's findForbiddenKeys would report it.
  if (fast) {
    const parsed = into.schemas.usersFile.safeParse(fast.data);
    if (parsed.success) {
      const locate = (section: string, index: number) => fast.itemAt(section, index);
      // Every item of a valid file is a map inside a top-level list, so the fast path knows where it starts.
      if (everyItemLocated(fast.data, locate)) {
        collectItems(locate, sourceFileOf(file, absolute, read.bytes), fast.data, parsed.data, into.strings, into.declarations, into.schemas);
        return;
      }
    }
  }
  readUsersFileSlowly(parseYamlText(read, absolute, file, 'users files'), into);
}

function everyItemLocated(data: Record<string, unknown>, locate: (section: string, index: number) => unknown): boolean {
  for (const section of ['offices', 'roles', 'people']) {
    const items = data[section];
    if (Array.isArray(items) && items.some((_item, index) => locate(section, index) === undefined)) return false;
  }
  return true;
}

/** The checks on a file's yaml tree: everything that needs positions happens here, and the tree is let go with `read`. */
function readUsersFileSlowly(read: ReadResult, { schemas, strings, declarations, diagnostics }: UsersFilesRead): void {
  diagnostics.push(...read.diagnostics);
  if (!read.source || !read.sourceFile || !read.data) return;
  const source = read.source;
  const forbidden = findForbiddenKeys(source);
  diagnostics.push(...forbidden.diagnostics);
  const parsed = schemas.usersFile.safeParse(read.data);
  if (!parsed.success) {
    diagnostics.push(...zodDiagnostics(source, schemas.usersFile, read.data, parsed.error.issues, under(forbidden.paths)));
  }
  const locate = (section: string, index: number) => source.locate([section, index]);
  collectItems(locate, read.sourceFile, read.data, parsed.success ? parsed.data : undefined, strings, declarations, schemas);
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
export async function loadOrganisation(configPath: string, vendors: readonly VendorSchemas[], sources?: readonly SourceSchemas[]): Promise<Organisation> {
  const { org, diagnostics } = await validateState(configPath, vendors, sources);
  if (!org) throw new InvalidStateError(diagnostics);
  return org;
}
