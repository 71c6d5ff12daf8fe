import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/*
 * When did an apply last change someone: from the apply reports `roster apply --report` writes
 * (apply-report.json). The report reads a folder of them (`--apply-reports DIR`, searched a few levels
 * deep, as downloaded artifacts lie: DIR/<artifact>/apply-report.json). Symbolic links and files over
 * 64 MiB are skipped, files that are not apply reports are left alone, and each is named in the report.
 */

const resultSchema = z.object({
  vendor: z.string(),
  action: z.enum(['create', 'update', 'deactivate', 'reactivate', 'delete']),
  key: z.string(),
  vendorId: z.string().optional(),
  ok: z.boolean(),
});
const reportSchema = z.object({ version: z.literal(1), startedAt: z.string(), finishedAt: z.string(), results: z.array(z.unknown()) });

export interface AppliedChange {
  action: string;
  /** When the apply finished (the report's finishedAt; results carry no time of their own). */
  at: string;
  /** The report file, relative to the folder. */
  report: string;
}

export interface ApplyHistory {
  /** `vendor\0key` → the last successful change. */
  last: Map<string, AppliedChange>;
  files: string[];
  skipped: { file: string; reason: string }[];
}

const MAX_BYTES = 64 * 1024 * 1024;
const MAX_DEPTH = 4;

export const applyKey = (vendor: string, key: string) => `${vendor}\0${key.toLowerCase()}`;

export async function readApplyReports(dir: string | undefined): Promise<ApplyHistory> {
  const history: ApplyHistory = { last: new Map(), files: [], skipped: [] };
  if (!dir) return history;
  const walk = async (folder: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      throw new Error(`--apply-reports ${dir}: ${(error as Error).message}`);
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name, 'en'))) {
      const full = path.join(folder, entry.name);
      const rel = path.relative(dir, full);
      if (entry.isSymbolicLink()) history.skipped.push({ file: rel, reason: 'a symbolic link' });
      else if (entry.isDirectory() && depth < MAX_DEPTH) await walk(full, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.json')) await readOne(full, rel, history);
    }
  };
  await walk(dir, 0);
  return history;
}

async function readOne(file: string, rel: string, history: ApplyHistory): Promise<void> {
  if ((await lstat(file)).size > MAX_BYTES) return void history.skipped.push({ file: rel, reason: 'larger than 64 MiB' });
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return void history.skipped.push({ file: rel, reason: 'not JSON' });
  }
  const report = reportSchema.safeParse(raw);
  if (!report.success || Number.isNaN(Date.parse(report.data.finishedAt))) return void history.skipped.push({ file: rel, reason: 'not an apply report' });
  history.files.push(rel);
  const at = new Date(report.data.finishedAt).toISOString();
  for (const item of report.data.results) {
    const result = resultSchema.safeParse(item);
    if (!result.success || !result.data.ok) continue;
    const key = applyKey(result.data.vendor, result.data.key);
    const known = history.last.get(key);
    if (!known || known.at < at) history.last.set(key, { action: result.data.action, at, report: rel });
  }
}
