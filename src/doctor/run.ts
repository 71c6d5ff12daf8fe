import type { Organisation } from '../config/model.js';
import { settingLines } from '../config/where.js';
import type { VendorTarget } from '../compose/targets.js';
import type { Connection } from '../compose/connect.js';
import type { ExchangeLog } from './exchanges.js';
import type { DoctorReport, StepName, StepResult, VendorDiagnosis } from './model.js';
import { checkConfig, checkCredentials, checkHost, checkRate, checkReading, type DoctorContext } from './steps.js';

/**
 * `roster doctor`: every vendor instance checked step by step, read-only, each on its own (one that
 * fails never stops the others). The connection must have been opened with `onExchange: log.record`.
 */
export async function diagnose(org: Organisation, connection: Connection, log: ExchangeLog): Promise<DoctorReport> {
  const ctx: DoctorContext = {
    org,
    env: connection.env,
    lines: settingLines(org.configFile),
    log,
    mask: { maskEmails: org.config.github.maskEmails },
    ...(connection.observe ? { observe: connection.observe } : {}),
  };
  const vendors = await Promise.all(connection.targets.map((target) => diagnoseVendor(target, ctx)));
  return { version: 1, usable: vendors.every((v) => v.usable), vendors };
}

const skipped = (step: StepName, why: string): StepResult => ({ step, status: 'skip', ms: 0, detail: why });

async function diagnoseVendor(target: VendorTarget, ctx: DoctorContext): Promise<VendorDiagnosis> {
  const steps: StepResult[] = [];
  const config = checkConfig(target, ctx);
  const credentials = checkCredentials(target, ctx);
  steps.push(config, credentials);
  if (config.status === 'fail') {
    // Nothing is sent to a URL roster refuses: credentials could travel in clear.
    steps.push(skipped('host', 'not contacted: fix the config first'), skipped('read', 'not read'), skipped('rate', 'not measured'));
  } else {
    const mark = ctx.log.mark(target.name);
    const host = await checkHost(target, ctx);
    steps.push(host);
    if (host.status === 'fail') steps.push(skipped('read', 'not read: the host did not answer'));
    else if (credentials.status === 'fail' || !target.reader) steps.push(skipped('read', 'not read: credentials missing'));
    else steps.push(await guarded(() => checkReading(target, ctx)));
    steps.push(checkRate(target, ctx, ctx.log.since(target.name, mark)));
  }
  return {
    vendor: target.name,
    kind: target.config.kind,
    baseUrl: safeOrigin(target.config.baseUrl),
    usable: steps.every((s) => s.status !== 'fail'),
    steps,
  };
}

/** The read never throws past here: an unexpected error is its failure, not the run's. */
async function guarded(step: () => Promise<StepResult>): Promise<StepResult> {
  try {
    return await step();
  } catch (error) {
    return { step: 'read', status: 'fail', ms: 0, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** The base URL without any user info (refused anyway, never shown). */
function safeOrigin(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    url.username = '';
    url.password = '';
    return url.href.replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}
