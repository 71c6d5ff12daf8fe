import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

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
