import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { Organisation } from '../config/model.js';
import { organisationAsOf } from '../config/as-of.js';
import { connectVendors, type Connection } from '../compose/connect.js';
import type { ReadKey } from '../vendors/types.js';
import { readApplyReports } from './apply-reports.js';
import { pullsOf, type MergedPull, type PullSource } from './approvals.js';
import { checkoutDeclared, commitInEffect, git, headCommit, repoPaths } from './git.js';
import { declarationHistory, type PersonHistory } from './history.js';
import { readVendor } from './live.js';
import type { LoginMap } from './logins.js';
import { summarise, type AccessReport } from './model.js';
import { buildRows } from './rows.js';

export interface AccessReportOptions {
  configFile: string;
  /** `--as-of YYYY-MM-DD`: the declared side as of the end of that day (UTC). */
  asOf?: string;
  vendor?: string[];
  sandbox?: boolean;
  fixtures?: string;
  trace?: string;
  /** Where approvals come from; unset when GitHub is not configured (then `githubSource` says why). */
  pulls?: PullSource;
  githubSource: string;
  applyReports?: string;
  logins: LoginMap;
  leaverHours: number;
  rosterVersion: string;
  /** Loads and validates a roster.yaml (the CLI's loader, which prints diagnostics). */
  load(configFile: string): Promise<Organisation>;
  now?: () => Date;
  /** How the vendors are reached; connectVendors with the options above unless given (the benchmark paces nothing). */
  connect?: (org: Organisation) => Promise<Connection>;
}

/**
 * Builds the access report. The declared side is always read from a commit (HEAD, or the commit in effect
 * at the end of --as-of), checked out into a temporary folder and loaded by the normal loader, so the
 * report names exactly what it read; uncommitted edits are not part of it.
 */
export async function buildAccessReport(options: AccessReportOptions): Promise<{ report: AccessReport; org: Organisation }> {
  const now = options.now ?? (() => new Date());
  const usersDir = await usersDirOf(options.configFile);
  const paths = await repoPaths(options.configFile, usersDir);
  const commit = options.asOf ? await commitInEffect(paths.top, options.asOf) : await headCommit(paths.top);
  if (!commit) throw new Error(`no commit of this repository is dated on or before ${options.asOf}`);
  const committedAt = new Date((await git(paths.top, ['show', '-s', '--format=%cI', commit])).trim()).toISOString();
  const checkout = await checkoutDeclared(paths.top, commit, paths);
  try {
    const org = await options.load(path.join(checkout.dir, paths.config));
    const asOfDay = options.asOf ?? now().toISOString().slice(0, 10);
    const declared = organisationAsOf(org, options.asOf ? { day: options.asOf } : { instant: now() });
    const kinds = [...new Set(Object.values(org.config.vendors).map((v) => v.kind))];
    // The history is replayed while the vendors are read: against real vendors, paced by their rate limits,
    // its parsing costs no wall time at all. Only a vendor read by key waits for it, for the people removed.
    const replaying = declarationHistory(paths.top, commit, paths.users, kinds);
    replaying.catch(() => undefined); // awaited below; a failure is reported there
    const removed = (kind: string): Promise<ReadKey[]> => {
      const keys = replaying.then((h) => removedKeys(h, org, kind));
      keys.catch(() => undefined); // a vendor that cannot be read never asks; the failure is the history's
      return keys;
    };

    const connection = await (options.connect ?? ((o) => connectVendors(o, { vendor: options.vendor, sandbox: options.sandbox, fixtures: options.fixtures, trace: options.trace })))(org);
    try {
      const readAt = now().toISOString();
      const vendors = await Promise.all(
        connection.targets.map(async (target) => ({
          live: await readVendor(declared, target, removed(target.config.kind)),
          module: target.module,
          config: target.config,
        })),
      );
      const history = await replaying;
      const github = { source: options.githubSource, errors: [] as string[] };
      const pulls = options.pulls ? await pullsOf(options.pulls, commitsToAsk(history, org), (sha, e) => github.errors.push(`commit ${sha.slice(0, 7)}: ${e instanceof Error ? e.message : String(e)}`)) : undefined;
      const applies = await readApplyReports(options.applyReports);
      const rows = buildRows({ org: declared, asOfDay, vendors, history, pulls, applies, logins: options.logins, now: now(), leaverHours: options.leaverHours });
      const report: AccessReport = {
        version: 1,
        generatedAt: now().toISOString(),
        rosterVersion: options.rosterVersion,
        declared: { commit, committedAt, asOf: asOfDay, asOfGiven: options.asOf !== undefined },
        live: {
          readAt,
          note: options.asOf ? `live is always now: read ${readAt}, not as of ${options.asOf}` : 'live is read now',
          vendors: vendors.map(({ live }) => ({ vendor: live.vendor, kind: live.kind, mode: live.mode, ...(live.failure ? { error: live.failure } : {}) })),
        },
        github: { ...github, errors: github.errors.slice(0, 20) },
        applyReports: { files: applies.files, skipped: applies.skipped },
        leaverHours: options.leaverHours,
        rows,
        summary: summarise(rows),
      };
      return { report, org };
    } finally {
      await connection.close();
    }
  } finally {
    await checkout.remove();
  }
}

/** The users folder roster.yaml names (the loader checks it properly later). */
async function usersDirOf(configFile: string): Promise<string> {
  let raw: unknown;
  try {
    raw = parse(await readFile(configFile, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${configFile}: ${(error as Error).message.split('\n')[0]}`);
  }
  const users = raw && typeof raw === 'object' ? (raw as { users?: unknown }).users : undefined;
  return typeof users === 'string' ? users : 'users';
}

/** People git no longer describes who were once in this vendor kind: a vendor read by key is asked for them. */
function removedKeys(history: Map<string, PersonHistory>, org: Organisation, kind: string): ReadKey[] {
  const keys: ReadKey[] = [];
  for (const [key, h] of history) {
    if (!h.removed || org.peopleByKey.has(key) || !h.kinds.has(kind)) continue;
    const code = (h.last as { externalId?: unknown }).externalId;
    keys.push({ key, email: h.last.email, ...(typeof code === 'string' ? { code } : {}) });
  }
  return keys;
}

/** Every commit a row may cite: since when, and removals. One question per commit, however many people it changed. */
function commitsToAsk(history: Map<string, PersonHistory>, org: Organisation): string[] {
  const shas = new Set<string>();
  for (const [key, h] of history) {
    if (org.peopleByKey.has(key)) for (const ref of h.since.values()) shas.add(ref.sha);
    else if (h.removed) shas.add(h.removed.sha);
  }
  return [...shas];
}

export type { MergedPull };
