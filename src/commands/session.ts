import type { Command } from 'commander';
import { formatDiagnostic, InvalidStateError } from '../config/diagnostics.js';
import { loadOrganisation } from '../compose/organisation.js';
import type { Organisation } from '../config/model.js';
import { buildPlan } from '../compose/plan.js';
import type { PlanReading } from '../compose/plan.js';
import type { DatedPlanning } from '../desired/dated.js';
import type { VendorTarget } from '../compose/targets.js';
import type { Plan } from '../reconcile/types.js';
import { connectVendors } from '../compose/connect.js';
import type { Sandbox } from '../compose/sandbox.js';
import { err } from './output.js';
// Issue 22: plans are sealed, and made as of the runner's clock.
import { runnerNow } from './clock.js';
import { sealPlan } from './seal.js';
import { readProgressLine } from './read-progress.js';
import { rememberDeclaredPeople } from '../secrets/personal-values.js';

/** Options shared by every command that talks to vendors. */
export interface VendorCommandOptions {
  vendor?: string[];
  sandbox?: boolean;
  fixtures?: string;
  /** `--trace FILE`: every exchange with a vendor, redacted, as JSON lines. */
  trace?: string;
}

export function addVendorOptions(command: Command): Command {
  return command
    .option('--vendor <name...>', 'only these vendor instances (repeatable)')
    .option('--sandbox', 'run against the built-in sandbox emulators instead of the real vendors')
    .option('--fixtures <dir>', 'sandbox fixtures folder (with --sandbox)')
    .option('--trace <file>', 'write every HTTP exchange, secrets and personal data redacted, to FILE as JSON lines (for support)');
}

/** A loaded organisation, its vendor targets and, with --sandbox, the emulators behind them. */
export interface Session {
  org: Organisation;
  targets: VendorTarget[];
  sandbox?: Sandbox;
  close(): Promise<void>;
}

/** Thrown after diagnostics were printed: the command exits 1 with nothing more to say. */
export class ReportedError extends Error {
  override name = 'ReportedError';
}

/** Loads and validates the declared state, printing every diagnostic; throws ReportedError when invalid. */
export async function loadOrReport(configFile: string): Promise<Organisation> {
  try {
    const org = await loadOrganisation(configFile);
    // Masked outputs check free text against the declared people's own personal values (src/secrets/personal-values.ts).
    rememberDeclaredPeople(org.people);
    return org;
  } catch (error) {
    if (error instanceof InvalidStateError) {
      for (const d of error.diagnostics) err(formatDiagnostic(d));
      err(`${error.diagnostics.length} problem${error.diagnostics.length === 1 ? '' : 's'} found; nothing was sent to any vendor.`);
      throw new ReportedError(error.message);
    }
    throw error;
  }
}

export async function openSession(configFile: string, options: VendorCommandOptions): Promise<Session> {
  const org = await loadOrReport(configFile);
  const { targets, sandbox, close } = await connectVendors(org, options);
  return { org, targets, sandbox, close };
}

/**
 * The plan now (the runner's clock, clock.ts), or as of `calendar.asOf`, with causes counted from
 * `calendar.since` (dates), sealed with the declared state and vendor instances it came from (seal.ts).
 * Reads by key (SimplePin) report progress with an estimate on stderr: drift and the morning run read everyone;
 * `reading` narrows them (`plan --base`, `drift --sweep`).
 */
export async function planSession(session: Session, calendar?: Partial<DatedPlanning>, targets: VendorTarget[] = session.targets, reading: PlanReading = {}): Promise<Plan> {
  const plan = await buildPlan(session.org, targets, { ...calendar, asOf: calendar?.asOf ?? { instant: runnerNow() } }, { progress: readProgressLine((line) => err(line)), ...reading });
  return sealPlan(plan, session.org, Object.fromEntries(targets.map((t) => [t.name, t.config])));
}
