import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import type { AccessReport } from './model.js';

/*
 * Evidence a reviewer can verify: beside the report, a manifest with the SHA-256 of every file written,
 * the commit the declared side was read from, the UTC time, the roster version, the vendor instances
 * read, and who ran it. `sha256sum -c` can check the files from the `sha256sum` lines too.
 */

export interface Manifest {
  version: 1;
  tool: { name: 'roster'; version: string };
  generatedAt: string;
  commit: string;
  asOf: string;
  liveReadAt: string;
  vendors: { vendor: string; kind: string; error?: string }[];
  /** GITHUB_ACTOR in Actions, else the local user name. */
  ranBy: string;
  /** The workflow run, when in Actions. */
  run?: string;
  files: { path: string; bytes: number; sha256: string }[];
}

export const manifestPath = (out: string) => `${out.replace(/\.(csv|json|md|markdown)$/i, '')}.manifest.json`;

export async function writeWithManifest(out: string, content: string, report: AccessReport, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  await writeFile(out, content);
  const bytes = await readFile(out);
  const manifest: Manifest = {
    version: 1,
    tool: { name: 'roster', version: report.rosterVersion },
    generatedAt: report.generatedAt,
    commit: report.declared.commit,
    asOf: report.declared.asOf,
    liveReadAt: report.live.readAt,
    vendors: report.live.vendors.map(({ vendor, kind, error }) => ({ vendor, kind, ...(error ? { error } : {}) })),
    ranBy: env.GITHUB_ACTOR ?? safeUser(),
    ...(env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY ? { run: `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` } : {}),
    files: [{ path: path.basename(out), bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }],
  };
  const file = manifestPath(out);
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return file;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
