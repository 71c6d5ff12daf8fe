import { stat } from 'node:fs/promises';
import path from 'node:path';
import { collectItems } from './collect-items.js';
import { DeclaredStrings } from './declared-strings.js';
import type { Declarations } from './declared.js';
import { InvalidStateError } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { findForbiddenKeys, under } from './forbidden-keys.js';
import type { Organisation } from './model.js';
import { resolveOrganisation } from './resolve.js';
import { readRootConfig, type RootConfigRead } from './root-config.js';
import { configSchemas, type ConfigSchemas, type SourceSchemas, type VendorSchemas } from './schema.js';
import { scanUsersFiles } from './users-files.js';
import { readYamlFile } from './yaml-source.js';
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

/** One users file's own checks (YAML, secret keys, schema), and its items added to the declarations. */
async function readUsersFile(absolute: string, file: string, { schemas, strings, declarations, diagnostics }: UsersFilesRead): Promise<void> {
  // Everything that needs the file's YAML tree happens here; the tree is let go with `read`.
  const read = await readYamlFile(absolute, file, 'users files');
  diagnostics.push(...read.diagnostics);
  if (!read.source || !read.sourceFile || !read.data) return;
  const forbidden = findForbiddenKeys(read.source);
  diagnostics.push(...forbidden.diagnostics);
  const parsed = schemas.usersFile.safeParse(read.data);
  if (!parsed.success) {
    diagnostics.push(...zodDiagnostics(read.source, schemas.usersFile, read.data, parsed.error.issues, under(forbidden.paths)));
  }
  collectItems(read.source, read.sourceFile, read.data, parsed.success ? (parsed.data) : undefined, strings, declarations, schemas);
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
