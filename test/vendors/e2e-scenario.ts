import type { ApplyReport } from '../../src/reconcile/apply.js';
import type { Plan } from '../../src/reconcile/types.js';
import type { Emulator, EmulatorOptions } from '../../src/sandbox/emulator-kit.js';
import type { Harness, runCli } from '../helpers/workspace.js';

/**
 * One vendor's end-to-end scenario: YAML in a workspace, the loader, the engine's plan and apply, the
 * vendor's adapter and its emulator seeded from the built-in fixture, all over real HTTP. Each vendor folder
 * keeps its scenario in `e2e.ts` (test code, left out of the shipped build); `test/vendors/e2e.test.ts` runs
 * the common checks and the vendor's own cases for every vendor in the registry, so a fifth vendor adds a
 * scenario, not a test file.
 */
export interface VendorE2E {
  /** The vendor's instance in roster.yaml, without `kind` (credentials as env references). */
  instance: Record<string, unknown>;
  /** offices.yaml, roles.yaml and people.yaml of the workspace. */
  offices: Record<string, unknown>[];
  roles: Record<string, unknown>[];
  people: Record<string, unknown>[];
  /** The first plan against the built-in fixture: never writes, and shows exactly this. */
  firstPlan: {
    /** `action key` of every operation, sorted (test/helpers/plans.ts `summary`). */
    summary: string[];
    unchanged: number;
    /** `[email, reason]` of every live user roster leaves alone. */
    unmanaged: [string, string][];
    readMode?: 'list' | 'byKey';
    /** What else this vendor's first plan must show (the changes of chosen operations, notices, order). */
    check?(plan: Plan, run: E2ERun): void | Promise<void>;
  };
  /** The first apply of that plan, and the plan after it (no operation, no error, everyone unchanged). */
  apply: {
    summary: ApplyReport['summary'];
    /** People unchanged in the plan after the apply. */
    unchanged: number;
    /** What the vendor holds after the apply, and what was sent to it. */
    check?(report: ApplyReport, run: E2ERun): void | Promise<void>;
    /** What else the plan after the apply shows (notices that stay). */
    settled?(plan: Plan, run: E2ERun): void | Promise<void>;
  };
  /** Someone active in git and in the vendor, offboarded in git (`active: false`): what plan and apply do. */
  offboard: Offboarding[];
  /** A credential the vendor refuses: the vendor fails on its own with this message, and no secret in it. */
  refusedCredential: { env: string; message: RegExp };
  /** What only this vendor does. */
  cases: E2ECase[];
}

export interface Offboarding {
  email: string;
  /** The operation planned, or `manual` for a step left to a person (no operation, no error). */
  action: 'deactivate' | 'delete' | 'manual';
  /** The vendor id the operation or step names. */
  vendorId?: string;
  /** Instance settings for this case (policy.allowDelete, ...). */
  instance?: Record<string, unknown>;
  /** What else the vendor shows after the apply. */
  check?(run: E2ERun): void | Promise<void>;
}

export interface E2ECase {
  name: string;
  run(ctx: E2EContext): Promise<void>;
  /** For a case slower than the default test timeout. */
  timeout?: number;
}

/** What a vendor's case can change from its scenario for one run. */
export interface E2ESetup {
  people?: unknown[];
  offices?: unknown[];
  roles?: unknown[];
  /** Merged over the scenario's instance. */
  instance?: Record<string, unknown>;
  /** Instead of the vendor's built-in fixture. */
  fixture?: unknown;
  /** The emulator's options (a shrunk rate window, faults, a vendor's own options such as other paths). */
  emulator?: EmulatorOptions & Record<string, unknown>;
}

export interface E2ERun {
  harness: Harness;
  emulator: Emulator;
  /** The emulator's state, for checks of what the vendor holds (each vendor casts it to its own type). */
  state: unknown;
  /** Stops the emulator and removes the workspace; every run is closed after its test anyway. */
  close(): Promise<void>;
}

export interface E2EContext {
  /** A workspace from the scenario (with `options` over it), loaded, and pointed at a fresh emulator. */
  setUp(options?: E2ESetup): Promise<E2ERun>;
  /** `roster` as a user runs it, in the repository (its sample organisation). */
  cli: typeof runCli;
}
