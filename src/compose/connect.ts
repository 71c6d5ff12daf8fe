import type { Organisation } from '../config/model.js';
import { buildTargets, type VendorTarget } from './targets.js';
import type { Exchange } from '../http/exchange.js';
import { openTrace, type TraceWriter } from '../trace/writer.js';
import { applySandboxOverrides, startSandbox, type Sandbox } from './sandbox.js';

export interface ConnectOptions {
  /** Instance names to keep (`--vendor`); all when empty. */
  vendor?: string[];
  /** Start the emulators and point the vendors at them (`--sandbox`). */
  sandbox?: boolean;
  fixtures?: string;
  /** Write every exchange, redacted, to this file as JSON lines (`--trace FILE`). */
  trace?: string;
  /** Also sees every exchange, beside the trace (`roster doctor` reads the vendors' answers with it). */
  onExchange?: (instance: string, exchange: Exchange) => void;
}

/** The vendors of an organisation, ready to list and write: real ones, or the sandbox's emulators. */
export interface Connection {
  targets: VendorTarget[];
  sandbox?: Sandbox;
  /** The environment credentials were read from (with the sandbox's values over it). */
  env: NodeJS.ProcessEnv;
  /** What every exchange goes through (the trace, `onExchange`), for clients built beside the targets. */
  observe?: (instance: string, exchange: Exchange) => void;
  close(): Promise<void>;
}

export async function connectVendors(org: Organisation, options: ConnectOptions): Promise<Connection> {
  let sandbox: Sandbox | undefined;
  let env: NodeJS.ProcessEnv = process.env;
  if (options.sandbox) {
    sandbox = await startSandbox(org.config, { fixturesDir: options.fixtures, only: options.vendor });
    applySandboxOverrides(org.config, sandbox);
    env = { ...process.env, ...sandbox.env };
  }
  let trace: TraceWriter | undefined;
  try {
    trace = options.trace ? openTrace(options.trace, { maskEmails: org.config.github.maskEmails }) : undefined;
    const observers = [trace?.write, options.onExchange].filter((o) => o !== undefined);
    const observe = observers.length > 0 ? (instance: string, exchange: Exchange) => observers.forEach((o) => o(instance, exchange)) : undefined;
    const targets = buildTargets(org, { only: options.vendor, env, ...(observe ? { onExchange: observe } : {}) });
    return {
      targets,
      sandbox,
      env,
      ...(observe ? { observe } : {}),
      close: async () => {
        trace?.close();
        await sandbox?.stop();
      },
    };
  } catch (error) {
    trace?.close();
    await sandbox?.stop();
    throw error;
  }
}
