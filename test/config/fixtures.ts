import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInProcess, type CliResult } from '../helpers/in-process.js';

export type { CliResult };

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cli = path.join(repoRoot, 'dist/cli.js');

/** A file's content: text, raw bytes, or a sparse file of the given size (cheap to make at 50 MB). */
export type FileContent = string | Uint8Array | { sparseBytes: number };

export const BASE_CONFIG = `vendors:
  enerflo:
    kind: enerflo
    baseUrl: https://enerflo.io
    credentials:
      apiKey: { env: ENERFLO_API_KEY }
  highlevel:
    kind: highlevel
    baseUrl: https://services.leadconnectorhq.com
    companyId: Rk7mQ2vX9pLs4TnB8cWd
    credentials:
      token: { env: HIGHLEVEL_TOKEN }
  pulse:
    kind: pulse
    baseUrl: https://api.pulse.com
    accountId: "6591739253089529"
    credentials:
      apiKey: { env: PULSE_API_KEY }
      apiSecret: { env: PULSE_API_SECRET }
  partner:
    kind: partner
    baseUrl: https://api.simplepin.com
    credentials:
      authorizationKey: { env: PARTNER_AUTHORIZATION_KEY }
      token: { env: PARTNER_TOKEN }
`;

/** A small valid organisation; test cases add a users/case.yaml next to it. */
export const BASE_USERS = `offices:
  - key: austin
    name: Austin
    timezone: America/Chicago
    enerflo: { officeId: 101 }
    highlevel: { locationIds: [aT4kW9nQ2rLx7VbP3mZs] }
    pulse: { teamId: 11 }
  - key: remote
    name: Remote
    timezone: America/New_York
roles:
  - key: sales-rep
    enerflo: { roles: [Sales Rep] }
    highlevel: { type: account, role: user }
    pulse: { roles: [salesRep] }
  - key: manager
    enerflo: { roles: [Regional Manager] }
    partner: { role: MANAGER }
  - key: setter
    enerflo: { roles: [Setter] }
  - key: care
    partner: { role: CUSTOMER_CARE }
  - key: agency
    highlevel: { type: agency, role: admin }
  - key: hl-user
    highlevel: { type: account, role: user }
people:
  - email: boss@acme.example
    firstName: Bea
    lastName: Boss
    roles: [manager]
    office: austin
  - email: rep@acme.example
    firstName: Rory
    lastName: Rep
    phone: (512) 555-0100
    roles: [sales-rep]
    office: austin
    manager: boss@acme.example
`;

/** Writes a throwaway project (roster.yaml + users/base.yaml by default) and returns its folder. */
export async function makeProject(files: Record<string, FileContent | null> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'roster-config-'));
  const all: Record<string, FileContent | null> = { 'roster.yaml': BASE_CONFIG, 'users/base.yaml': BASE_USERS, ...files };
  for (const [name, content] of Object.entries(all)) {
    if (content === null) continue;
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    if (typeof content === 'object' && 'sparseBytes' in content) {
      const handle = await open(file, 'w');
      await handle.truncate(content.sparseBytes);
      await handle.close();
    } else {
      await writeFile(file, content);
    }
  }
  return dir;
}

export const removeProject = (dir: string) => rm(dir, { recursive: true, force: true });

/** Runs `roster` as a user would, from `cwd`: in this process, or as the built binary with `spawn`. */
export function roster(args: string[], cwd: string = repoRoot, options: { spawn?: boolean } = {}): Promise<CliResult> {
  if (!options.spawn) return runInProcess(args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** 1-based line and column of the `occurrence`-th appearance of `needle` in `text`. */
export function positionOf(text: string, needle: string, occurrence = 1): { line: number; col: number } {
  let index = -1;
  for (let n = 0; n < occurrence; n++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`fixture does not contain ${JSON.stringify(needle)}`);
  }
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') };
}

/** A stack trace line, which a user must never see. */
export const STACK_LINE = /^\s+at .+/m;
