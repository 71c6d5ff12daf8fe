import type { Organisation } from '../config/model.js';
import type { SecretRef } from '../config/fields.js';
import { configPointers, insecureBaseUrl, isLoopback, pathSettings, settingName, type SettingLines } from '../config/where.js';
import { HttpClient, VendorHttpError } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { pathStartsWith } from '../http/exchange.js';
import type { MaskOptions } from '../render/mask.js';
import type { VendorTarget } from '../compose/targets.js';
import { desiredRecords } from '../desired/stage.js';
import { readKeyOf } from '../vendors/types.js';
import { answerOf, rateHeaders, type ExchangeLog } from './exchanges.js';
import type { StepResult } from './model.js';

/** What every step may read: the environment credentials come from, where settings sit, the exchanges seen. */
export interface DoctorContext {
  org: Organisation;
  env: NodeJS.ProcessEnv;
  lines: SettingLines;
  log: ExchangeLog;
  mask: MaskOptions;
  /** Every exchange goes through it (the trace and the log), the host probe's too. */
  observe?: (instance: string, exchange: Exchange) => void;
}

function located(target: VendorTarget, ctx: DoctorContext, ...field: string[]): { setting: string; at?: string } {
  const at = ctx.lines.lineOf(['vendors', target.name, ...field]);
  return { setting: settingName(target.name, ...field), ...(at ? { at } : {}) };
}

/** The base URL parses, is HTTPS (or loopback, or the instance opted in), and the adapter accepts the settings. */
export function checkConfig(target: VendorTarget, ctx: DoctorContext): StepResult {
  const insecure = insecureBaseUrl(target.name, target.config);
  if (insecure) return { step: 'config', status: 'fail', ms: 0, detail: insecure, ...located(target, ctx, 'baseUrl') };
  if (!target.reader && missingCredentials(target, ctx).length === 0) {
    // The adapter refused a setting (Pulse without accountId, say): its own message names it.
    return { step: 'config', status: 'fail', ms: 0, detail: target.setupError ?? 'the vendor adapter could not be built', ...located(target, ctx) };
  }
  const url = new URL(target.config.baseUrl);
  if (url.protocol === 'http:' && !isLoopback(url)) {
    return {
      step: 'config',
      status: 'warn',
      ms: 0,
      detail: `${url.origin}: plain HTTP allowed by allowInsecureHttp; credentials travel in clear`,
      ...located(target, ctx, 'allowInsecureHttp'),
    };
  }
  return { step: 'config', status: 'ok', ms: 0, detail: `${url.origin}${url.pathname === '/' ? '' : url.pathname}` };
}

function credentialRefs(target: VendorTarget): [string, SecretRef][] {
  return Object.entries((target.config.credentials ?? {}));
}

function missingCredentials(target: VendorTarget, ctx: DoctorContext): [string, SecretRef][] {
  return credentialRefs(target).filter(([, ref]) => !ctx.env[ref.env]);
}

/** Every credential the instance names is set in the environment (its value is never shown). */
export function checkCredentials(target: VendorTarget, ctx: DoctorContext): StepResult {
  const refs = credentialRefs(target);
  const missing = missingCredentials(target, ctx);
  if (missing.length > 0) {
    const names = missing.map(([, ref]) => ref.env);
    return {
      step: 'credentials',
      status: 'fail',
      ms: 0,
      detail: `${names.join(' and ')} ${names.length === 1 ? 'is' : 'are'} not set in the environment`,
      ...located(target, ctx, 'credentials', missing[0][0]),
    };
  }
  const names = refs.map(([, ref]) => ref.env);
  return { step: 'credentials', status: 'ok', ms: 0, detail: names.length > 0 ? `${names.join(', ')} set` : 'none needed' };
}

/** The host answers at all: one GET of the base URL, without credentials. Any HTTP status counts. */
export async function checkHost(target: VendorTarget, ctx: DoctorContext): Promise<StepResult> {
  const observe = ctx.observe;
  const client = new HttpClient({
    vendor: target.name,
    baseUrl: target.config.baseUrl,
    timeoutMs: target.config.timeoutMs,
    retry: { maxAttempts: 1 },
    pointers: configPointers(target.name, target.config, ctx.lines),
    ...(observe ? { onExchange: (exchange: Exchange) => observe(target.name, exchange) } : {}),
  });
  const started = Date.now();
  const host = new URL(target.config.baseUrl).host;
  try {
    const response = await client.request({ method: 'GET', path: '/' });
    return { step: 'host', status: 'ok', ms: Date.now() - started, detail: `${host} answered ${response.status}` };
  } catch (error) {
    const ms = Date.now() - started;
    if (error instanceof VendorHttpError && error.status !== undefined) {
      return { step: 'host', status: 'ok', ms, detail: `${host} answered ${error.status}` };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { step: 'host', status: 'fail', ms, detail: message, ...located(target, ctx, 'baseUrl') };
  }
}

/**
 * Authentication and shape in one read, through the adapter's reader as `plan` reads: the listing,
 * which fails with the adapter's own shape error when the answer is not what it expects. A vendor that
 * reads by key instead of listing plugs its read in here.
 */
export async function checkReading(target: VendorTarget, ctx: DoctorContext): Promise<StepResult> {
  const mark = ctx.log.mark(target.name);
  const started = Date.now();
  try {
    const reader = target.reader;
    if (!reader) throw new Error(target.setupError ?? 'the vendor adapter could not be built');
    if (reader.mode === 'byKey') {
      // A configured probe key must read back before a 404 is trusted to mean "absent" (as plan checks).
      if (reader.probe) {
        const probed = await reader.read(reader.probe);
        // A web page's 404 is a wrong baseUrl, not a missing probe: say so first.
        const page = ctx.log.since(target.name, mark).find((e) => e.status !== 429 && isWebPage(e));
        if (page) return { ...readFailure(target, ctx, new Error('the answer is a web page'), [page]), ms: Date.now() - started };
        if (!probed) {
          return {
            step: 'read',
            status: 'fail',
            ms: Date.now() - started,
            detail: `the probe ${reader.probe.key} was not found: a 404 cannot be trusted to mean "absent" here, so plan refuses this vendor; check baseUrl and the paths, or ${reader.probe.setting}`,
            ...located(target, ctx, reader.probe.setting),
          };
        }
      }
      // A vendor read by key (SimplePin without listPath) is read as plan reads it: one declared person.
      const first = desiredRecords(ctx.org, target)[0];
      const key = first ? readKeyOf(first) : { key: 'roster-doctor@example.invalid', email: 'roster-doctor@example.invalid', code: 'roster-doctor-probe' };
      const found = await reader.read(key);
      // A web page's 404 reads as "not there" to the adapter: a website is no proof the person is absent.
      const page = ctx.log.since(target.name, mark).find((e) => e.status !== 429 && isWebPage(e));
      if (page) return { ...readFailure(target, ctx, new Error('the answer is a web page'), [page]), ms: Date.now() - started };
      if (!found && !reader.probe) {
        return {
          step: 'read',
          status: 'warn',
          ms: Date.now() - started,
          detail: `read ${first ? first.key : 'a probe key'} by key: not found, and no user known to exist (a probe key) was read, so a 404 may not mean "absent"; set a probe key`,
          ...located(target, ctx, 'probeUserCode'),
        };
      }
      return {
        step: 'read',
        status: 'ok',
        ms: Date.now() - started,
        detail: `read ${first ? first.key : 'a probe key'} by key: ${found ? `found (user ${found.vendorId})` : 'not there yet'}; users not described in git cannot be listed without listPath`,
      };
    }
    const live = await reader.list();
    const requests = ctx.log.since(target.name, mark).length;
    return {
      step: 'read',
      status: 'ok',
      ms: Date.now() - started,
      detail: `listed ${live.length} user${live.length === 1 ? '' : 's'} in ${requests} request${requests === 1 ? '' : 's'}`,
    };
  } catch (error) {
    return { ...readFailure(target, ctx, error, ctx.log.since(target.name, mark)), ms: Date.now() - started };
  }
}

/** Why a read failed, the setting that most likely fixes it, and what the vendor answered. */
function readFailure(target: VendorTarget, ctx: DoctorContext, error: unknown, exchanges: Exchange[]): Omit<StepResult, 'ms'> {
  const message = error instanceof Error ? error.message : String(error);
  const failing = [...exchanges].reverse().find((e) => e.error !== undefined || (e.status ?? 0) >= 400) ?? exchanges.at(-1);
  const answer = failing && failing.status !== undefined ? { answer: answerOf(target.name, failing, ctx.mask) } : {};
  const status = (error instanceof VendorHttpError ? error.status : undefined) ?? failing?.status;
  const path = failing ? pathUnderBase(failing.url, target.config.baseUrl) : undefined;
  // The whole URL as sent (base URL prefix included; no query, which may carry a person's code).
  const request = failing ? `${failing.method} ${shownUrl(failing.url)}` : 'the read';
  const pathSetting = path === undefined ? undefined : settingForPath(target, path);
  const field = pathSetting?.split('.').pop();
  const base = baseUrlParts(target.config.baseUrl);

  if (failing && status !== 429 && isWebPage(failing)) {
    // A website (the vendor's app or marketing page) answers anything with HTML: the host is wrong, whatever the path.
    return {
      step: 'read',
      status: 'fail',
      detail: `${request} answered ${failing.status} with a web page (${contentType(failing) ?? 'HTML'}), not the vendor's API: baseUrl ${base.shown} points at a website; set it to the API's base URL`,
      ...located(target, ctx, 'baseUrl'),
      ...answer,
    };
  }
  if (status === 401 || status === 403) {
    const names = credentialRefs(target).map(([, ref]) => ref.env);
    return {
      step: 'read',
      status: 'fail',
      detail: `authentication failed: ${request} answered ${status}; check ${names.join(' and ') || 'the credentials'}`,
      ...located(target, ctx, 'credentials'),
      ...answer,
    };
  }
  if (status === 404) return { step: 'read', status: 'fail', ...notServed(target, ctx, request, path, pathSetting, base), ...answer };
  if (error instanceof VendorHttpError && (error.kind === 'network' || error.kind === 'timeout')) {
    return { step: 'read', status: 'fail', detail: message, ...located(target, ctx, 'baseUrl'), ...answer };
  }
  // The adapter's own words: the answer is not the shape it expects (or the vendor refused in another way).
  return {
    step: 'read',
    status: 'fail',
    detail: error instanceof VendorHttpError ? message : `the answer is not what roster expects: ${message}`,
    ...(field ? located(target, ctx, field) : located(target, ctx, 'baseUrl')),
    ...answer,
  };
}

/**
 * A 404 blames what most likely differs from the documents: a path setting written in the file, else the
 * base URL's path prefix (every documented path is written without one; a prefix belongs in baseUrl), else
 * says that the vendor does not serve the documented path at that base URL.
 */
function notServed(
  target: VendorTarget,
  ctx: DoctorContext,
  request: string,
  path: string | undefined,
  pathSetting: string | undefined,
  base: { shown: string; prefix: string },
): Pick<StepResult, 'detail' | 'setting' | 'at'> {
  const field = pathSetting?.split('.').pop();
  const written = field !== undefined && ctx.lines.lineOf(['vendors', target.name, field]) !== undefined;
  const value = pathSetting ? settingValue(target, pathSetting) : path;
  if (written && pathSetting) {
    const prefix = base.prefix ? ` under the base URL's prefix ${base.prefix}` : '';
    return { detail: `${request} answered 404: ${pathSetting} (${value}) is not a path this vendor serves${prefix}`, ...located(target, ctx, field) };
  }
  const what = pathSetting ? `${pathSetting} (${value}, the default)` : `${value ?? 'the path'}`;
  if (base.prefix) {
    return {
      detail: `${request} answered 404: the path prefix ${base.prefix} in baseUrl (${base.shown}) is not where this vendor serves ${what}; correct or remove the prefix`,
      ...located(target, ctx, 'baseUrl'),
    };
  }
  return {
    detail: `${request} answered 404: this vendor serves no ${what} at ${base.shown}; add the path prefix your tenant needs to baseUrl${pathSetting ? `, or set ${pathSetting}` : ''}`,
    ...located(target, ctx, 'baseUrl'),
  };
}

/** The base URL as shown (no user info, no trailing slash) and its path prefix (`/api`, or empty). */
function baseUrlParts(baseUrl: string): { shown: string; prefix: string } {
  const url = new URL(baseUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  return { shown: `${url.origin}${prefix}`, prefix };
}

function shownUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function contentType(exchange: Exchange): string | undefined {
  const type = Object.entries(exchange.responseHeaders ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  return type?.split(';')[0].trim();
}

/** An HTML page, by its content type or, when none is sent, by how it starts. */
function isWebPage(exchange: Exchange): boolean {
  const type = contentType(exchange);
  if (type) return /^(text\/html|application\/xhtml\+xml)$/i.test(type);
  return /^\s*<(!doctype html|html)\b/i.test(exchange.responseBody ?? '');
}

/** `/api/v3/users` for `https://host/prefix/api/v3/users` when baseUrl is `https://host/prefix`. */
function pathUnderBase(url: URL, baseUrl: string): string {
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  return basePath && url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) || '/' : url.pathname;
}

function settingForPath(target: VendorTarget, path: string): string | undefined {
  const settings = Object.entries(pathSettings(target.name, target.config)).filter(([, value]) => pathStartsWith(path, value));
  return settings.sort((a, b) => b[1].length - a[1].length)[0]?.[0];
}

function settingValue(target: VendorTarget, setting: string): string {
  const settings: Record<string, unknown> = target.config;
  return String(settings[setting.split('.').pop()!]);
}

/** The budget roster paces at (documented limit × rateShare) and the rate-limit headers the vendor sent. */
export function checkRate(target: VendorTarget, ctx: DoctorContext, exchanges: Exchange[]): StepResult {
  const { limit, windowMs } = target.module.rateLimit;
  const share = target.config.rateShare;
  const budget = `${round(limit * share)} requests per ${window(windowMs)} (${limit} documented × rateShare ${share})`;
  const headers = Object.entries(rateHeaders(exchanges)).map(([name, value]) => `${name}: ${value}`);
  const answered = exchanges.some((e) => e.status !== undefined);
  const sent = headers.length > 0 ? `; the vendor sent ${headers.join(', ')}` : answered ? '; the vendor sent no rate-limit headers' : '';
  const refused = exchanges.filter((e) => e.status === 429).length;
  if (refused > 0) {
    return {
      step: 'rate',
      status: 'warn',
      ms: 0,
      detail: `the vendor refused ${refused} request${refused === 1 ? '' : 's'} with 429 (other integrations share the key?): lower rateShare; roster paces at ${budget}${sent}`,
      ...located(target, ctx, 'rateShare'),
    };
  }
  return { step: 'rate', status: 'ok', ms: 0, detail: `roster paces at ${budget}${sent}` };
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function window(ms: number): string {
  if (ms === 60_000) return 'minute';
  if (ms === 1000) return 'second';
  return ms % 60_000 === 0 ? `${ms / 60_000} minutes` : `${round(ms / 1000)} s`;
}
