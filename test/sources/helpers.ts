import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { repoRoot } from '../helpers/workspace.js';

/** A copy of the sample organisation (roster.yaml, users/, the sample HR CSV) in a scratch folder. */
export async function sampleProject(): Promise<{ dir: string; remove(): Promise<void>; files(): Promise<Record<string, string>> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'roster-source-test-'));
  await cp(path.join(repoRoot, 'roster.yaml'), path.join(dir, 'roster.yaml'));
  await cp(path.join(repoRoot, 'users'), path.join(dir, 'users'), { recursive: true });
  await mkdir(path.join(dir, 'examples/hr'), { recursive: true });
  await cp(path.join(repoRoot, 'examples/hr/sunpath-hr.csv'), path.join(dir, 'examples/hr/sunpath-hr.csv'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }), files: () => filesUnder(dir) };
}

export async function filesUnder(dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, await filesUnder(dir, rel));
    else out[rel] = await readFile(path.join(dir, rel), 'utf8');
  }
  return out;
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
}

/** roster.yaml of a project with its `sources` replaced (comments elsewhere kept). */
export async function setSources(dir: string, sources: unknown): Promise<void> {
  const file = path.join(dir, 'roster.yaml');
  const doc = parseDocument(await readFile(file, 'utf8'));
  doc.set('sources', sources);
  await writeFile(file, doc.toString());
}
