import type { Organisation } from '../config/model.js';
import type { VendorInstanceConfig } from '../config/schema.js';
import { HttpClient } from '../http/client.js';
import type { SentRequest } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { configPointers, insecureBaseUrl, settingLines, type SettingLines } from '../config/where.js';
import { RateLimiter } from '../http/limiter.js';
import { registerSecret } from '../secrets/redact.js';
import { processSink } from '../output/sink.js';
import { vendorModule } from '../vendors/registry.js';
import type { VendorTarget } from '../reconcile/target.js';

export type { VendorTarget };


export interface TargetOptions {
  /** Instance names to keep (`--vendor`); all when empty. */
  only?: string[];
  env?: NodeJS.ProcessEnv;
  /** Replaces a vendor's documented budget; tests and benchmarks shrink the window to run in seconds. */
  rateLimit?: (kind: string) => { limit: number; windowMs: number } | undefined;
  /** Sees every request each target sends (headers included: never print it as it is). */
  onRequest?: (instance: string, request: SentRequest) => void;
  /** Sees every whole exchange each target has (`--trace`, `roster doctor`); secrets included. */
  onExchange?: (instance: string, exchange: Exchange) => void;
}

/** Builds a reader and a writer for each configured vendor instance, reading credentials from the environment. */
export function buildTargets(org: Organisation, options: TargetOptions = {}): VendorTarget[] {
  const env = options.env ?? process.env;
  const names = Object.keys(org.config.vendors);
  const lines = settingLines(org.configFile);
  const unknown = (options.only ?? []).filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown vendor ${unknown.map((n) => `"${n}"`).join(', ')}; configured: ${names.join(', ')}`);
  }
  return names
    .filter((name) => !options.only?.length || options.only.includes(name))
    .map((name) => buildTarget(name, org.config.vendors[name], env, options, lines));
}

function buildTarget(
  name: string,
  config: VendorInstanceConfig,
  env: NodeJS.ProcessEnv,
  options: TargetOptions,
  lines: SettingLines,
): VendorTarget {
  const module = vendorModule(config.kind);
  const rate = options.rateLimit?.(config.kind) ?? module.rateLimit;
  const observe = options.onRequest;
  const counter = { requests: 0 };
  const refs = (config.credentials ?? {});
  const credentials: Record<string, string> = {};
  const missing: string[] = [];
  for (const [field, ref] of Object.entries(refs)) {
    const value = env[ref.env];
    if (value) {
      credentials[field] = value;
      registerSecret(value);
    } else {
      missing.push(ref.env);
    }
  }
  if (missing.length > 0) {
    return {
      name,
      config,
      module,
      counter,
      setupError: `missing credentials: set ${missing.join(' and ')} in the environment (or run with --sandbox)`,
    };
  }
  // Checked before anything is sent: a key sent over plain HTTP to a remote host is a key given away.
  const insecure = insecureBaseUrl(name, config);
  if (insecure) return { name, config, module, counter, setupError: insecure };
  const secretValues = Object.values(credentials);
  const exchanged = options.onExchange;
  const limiter = new RateLimiter(rate.limit, rate.windowMs, config.rateShare);
  const http = new HttpClient({
    vendor: name,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    limiter,
    secrets: () => secretValues,
    counter,
    ...(observe ? { onRequest: (request: SentRequest) => observe(name, request) } : {}),
    ...(exchanged ? { onExchange: (exchange: Exchange) => exchanged(name, exchange) } : {}),
    pointers: configPointers(name, config, lines),
    // A long wait is said on stderr through the sink, so a CI log gets it masked like every other line.
    notice: (line: string) => processSink().err(line),
  });
  try {
    const { reader, writer } = module.createAdapter({ instanceName: name, config, credentials, http });
    return { name, config, module, counter, reader, writer, pacing: limiter };
  } catch (error) {
    return { name, config, module, counter, setupError: error instanceof Error ? error.message : String(error) };
  }
}
