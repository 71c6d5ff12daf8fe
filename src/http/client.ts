import type { RateLimiter } from './limiter.js';
import { redact, redactKnownSecrets, registerUrlCredentials } from '../secrets/redact.js';
import type { ConfigPointers } from '../config/where.js';
import { failureCode, networkHint, networkCode, pathStartsWith, TRACE_BODY_LIMIT, type Exchange } from './exchange.js';
import { ConnectionPool, Deadline, readBody, ResponseHeaders, send, utf8Text, type HeaderLookup, type ResponseHead } from './transport.js';
import type { IncomingMessage } from 'node:http';

export { ResponseHeaders, type HeaderLookup, type ResponseHead } from './transport.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether sending the request twice is harmless. Defaults to true for everything but POST.
   * A non-idempotent request is retried only when the vendor certainly did not act on it (429).
   */
  idempotent?: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: ResponseHeaders;
  body: T;
}

export interface SentRequest {
  method: HttpRequest['method'];
  url: URL;
  headers: Record<string, string>;
}

/**
 * Sees each vendor's `Date` response header (RFC 9110 §6.6.1: the origin's clock when it answered) and
 * when it arrived here (`Date.now()`), so dated decisions can check the runner's clock (issue 22).
 */
export type VendorDateListener = (vendor: string, date: string | null, receivedAt: number) => void;
const vendorDateListeners = new Set<VendorDateListener>();

/** Starts listening to vendors' Date headers; returns the function that stops it. */
export function onVendorDate(listener: VendorDateListener): () => void {
  vendorDateListeners.add(listener);
  return () => vendorDateListeners.delete(listener);
}

export type FailureKind = 'http' | 'timeout' | 'network' | 'malformed';

/** A failed exchange with a vendor, with a message a person can act on and no secret in it. */
export class VendorHttpError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly status?: number,
    readonly body?: unknown,
    /** True when the vendor may have acted on the request although we saw a failure. */
    readonly ambiguous = false,
  ) {
    super(message);
    this.name = 'VendorHttpError';
  }
}

export interface RetryPolicy {
  maxAttempts: number;
  maxTotalMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, maxTotalMs: 120_000, baseDelayMs: 250, maxDelayMs: 20_000 };

export interface HttpClientOptions {
  /** Vendor instance name, for messages. */
  vendor: string;
  baseUrl: string;
  /** Auth and fixed headers; async so a client can log in first. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Secret values never to print (tokens, keys). */
  secrets?: () => string[];
  timeoutMs?: number;
  limiter?: RateLimiter;
  retry?: Partial<RetryPolicy>;
  /** Turns a vendor's error body into a readable sentence (Laravel 422s, HighLevel message arrays, ...). */
  describeError?: (status: number, body: unknown) => string | undefined;
  /** Reads rate-limit headers to correct the limiter. */
  onResponse?: (response: ResponseHead, limiter: RateLimiter | undefined) => void;
  /** Requests sent, for tests and the benchmark. */
  counter?: { requests: number };
  /**
   * Sees every request as it goes out, headers included (so never log it as it is). The benchmark
   * records the list pages a plan reads with it, to read them again as the network floor.
   */
  onRequest?: (request: SentRequest) => void;
  /** Sees each whole exchange (request and answer, headers and bodies, timing), once read. Secrets included. */
  onExchange?: (exchange: Exchange) => void;
  /** Where the instance is configured, for messages that name the line or setting to change. */
  pointers?: ConfigPointers;
  /**
   * After this long without hearing from the vendor, a pooled keep-alive connection may have been
   * closed by the vendor just as we reuse it. A request that then fails with the connection closed
   * and no answer is sent once more whatever its method (see `request`). Default 1000 ms.
   */
  staleAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * The largest answer read, in bytes (default 64 MiB, far above any documented page): a vendor that
   * streams without end is cut off with a clear error instead of filling memory.
   */
  maxResponseBytes?: number;
  /** Where a wait longer than a few seconds is explained (default: stderr), so a pause is never silent. */
  notice?: (line: string) => void;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** A wait longer than this is said out loud. */
export const LONG_WAIT_MS = 3_000;
const defaultNotice = (line: string) => void process.stderr.write(`${line}\n`);

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * What a client shares with every client derived from it with `with`: when they last heard from the
 * vendor, and their keep-alive connections.
 */
interface Activity {
  lastHeardAt?: number;
  pool?: ConnectionPool;
}

/** An answer whose head arrived; its body is read by `read`. */
interface Answer extends ResponseHead {
  message: IncomingMessage;
  /** The request as the exchange observer sees it, when there is one. */
  sent?: Omit<Exchange, 'ms' | 'secrets'>;
}

export class HttpClient {
  private readonly retry: RetryPolicy;

  constructor(
    readonly options: HttpClientOptions,
    private readonly activity: Activity = {},
  ) {
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    registerUrlCredentials(options.baseUrl);
    const notice = options.notice ?? defaultNotice;
    options.limiter?.onLongWait((ms, why) => notice(`${options.vendor}: waiting ${seconds(ms)} before the next request: ${why}`), LONG_WAIT_MS);
  }

  get limiter(): RateLimiter | undefined {
    return this.options.limiter;
  }

  /**
   * A client with the same base URL, limiter and counter plus the vendor's own hooks. Adapters call
   * this on the client the engine hands them to add auth headers and error parsing.
   */
  with(overrides: Partial<HttpClientOptions>): HttpClient {
    return new HttpClient({ ...this.options, ...overrides }, this.activity);
  }

  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const idempotent = req.idempotent ?? req.method !== 'POST';
    const started = Date.now();
    const sleep = this.options.sleep ?? defaultSleep;
    let staleRetried = false;
    for (let attempt = 1; ; attempt++) {
      let outcome: HttpResponse<T> | VendorHttpError;
      let retryAfterMs: number | undefined;
      const lastHeardAt = this.activity.lastHeardAt;
      const idleMs = lastHeardAt === undefined ? 0 : Date.now() - lastHeardAt;
      // The attempt's deadline covers the answer and reading its body; it is disarmed as soon as the
      // body is read, so nothing of the exchange stays reachable from a pending timer (issue 26).
      const deadline = new Deadline();
      try {
        const answer = await this.send(req, deadline);
        retryAfterMs = retryAfterFrom(answer.headers);
        outcome = await this.read<T>(req, answer, deadline);
      } catch (error) {
        outcome = this.toError(req, error);
      } finally {
        deadline.disarm();
      }
      if (!(outcome instanceof VendorHttpError)) return outcome;
      // The vendor closed an idle keep-alive connection as we reused it: most likely the request died
      // with the connection and never reached the vendor's application, so an idempotent request is
      // sent once more, after a pause long enough for a keep-alive timeout (a connection in steady use
      // is not stale). Never a POST: "most likely" is not "certainly", and a create whose answer was
      // lost would be made twice. A POST fails ambiguous instead; apply looks the person up first.
      if (idempotent && !staleRetried && idleMs >= (this.options.staleAfterMs ?? 1000) && closedUnanswered(outcome)) {
        staleRetried = true;
        continue;
      }

      const refused = outcome.status === 429;
      const transient = refused || outcome.kind === 'timeout' || outcome.kind === 'network' || RETRYABLE_STATUS.has(outcome.status ?? 0);
      const safeToRepeat = idempotent || refused || isConnectionRefused(outcome);
      const delay = backoff(attempt, this.retry, retryAfterMs);
      const outOfTime = Date.now() - started + delay > this.retry.maxTotalMs;
      if (!transient || !safeToRepeat || attempt >= this.retry.maxAttempts || outOfTime) {
        if (outcome.status === 404) outcome.message += this.pathHint(req);
        if (outcome.status === 401 || outcome.status === 403) outcome.message += this.credentialsHint();
        if (attempt > 1) outcome.message += ` (after ${attempt} attempts)`;
        throw outcome;
      }
      if (refused && retryAfterMs !== undefined) this.options.limiter?.pauseFor(retryAfterMs, `${this.options.vendor} answered 429 and asked to wait (Retry-After)`);
      if (delay > LONG_WAIT_MS) {
        const why = outcome.status !== undefined ? `it answered ${outcome.status}${retryAfterMs !== undefined ? ' and asked to wait' : ''}` : outcome.kind;
        (this.options.notice ?? defaultNotice)(`${this.options.vendor}: waiting ${seconds(delay)} before retrying ${req.method} ${req.path}: ${why}`);
      }
      await sleep(delay);
    }
  }

  private async send(req: HttpRequest, deadline: Deadline): Promise<Answer> {
    // Released when the answer arrives: the vendor counted the request by then (see RateLimiter).
    const release = await this.options.limiter?.acquire();
    try {
      return await this.exchange(req, deadline);
    } finally {
      release?.();
    }
  }

  private async exchange(req: HttpRequest, deadline: Deadline): Promise<Answer> {
    const url = requestUrl(this.options.baseUrl, req);
    const headers: Record<string, string> = { accept: 'application/json', ...(await this.options.headers?.()), ...req.headers };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.counter) this.options.counter.requests++;
    this.options.onRequest?.({ method: req.method, url, headers });
    const sent = this.options.onExchange
      ? { vendor: this.options.vendor, method: req.method, url, requestHeaders: headers, requestBody: req.body, startedAt: Date.now() }
      : undefined;
    // The timeout starts when the request leaves, not while the limiter holds it back.
    deadline.arm(this.options.timeoutMs ?? 30_000);
    let message: IncomingMessage;
    try {
      const body = req.body === undefined ? undefined : JSON.stringify(req.body);
      message = await send(url, { method: req.method, headers, body }, (this.activity.pool ??= new ConnectionPool()).agentFor(url.protocol), deadline);
    } catch (error) {
      if (sent) this.observe(sent, { error: failureCode(error) });
      throw error;
    }
    this.activity.lastHeardAt = Date.now();
    const answer: Answer = { status: message.statusCode ?? 0, headers: new ResponseHeaders(message.headers), message, sent };
    try {
      for (const listener of vendorDateListeners) listener(this.options.vendor, answer.headers.get('date'), this.activity.lastHeardAt);
      this.options.onResponse?.({ status: answer.status, headers: answer.headers }, this.options.limiter);
    } catch (error) {
      // A hook that throws leaves the body unread: its connection could serve nobody else, so it goes.
      message.destroy();
      throw error;
    }
    return answer;
  }

  /** Tells the exchange observer how an attempt ended. */
  private observe(sent: Omit<Exchange, 'ms' | 'secrets'>, outcome: Partial<Exchange>): void {
    this.options.onExchange?.({ ...sent, ms: Date.now() - sent.startedAt, ...outcome, secrets: this.options.secrets?.() ?? [] });
  }

  private async read<T>(req: HttpRequest, answer: Answer, deadline: Deadline): Promise<HttpResponse<T> | VendorHttpError> {
    const { status, headers } = answer;
    const limit = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    let text: string | undefined;
    try {
      const bytes = await readBody(answer.message, limit, deadline);
      // Decoded once, whole: a string per chunk made a rope JSON.parse had to flatten (issue 26).
      text = bytes === undefined ? undefined : utf8Text(bytes);
    } catch (error) {
      if (answer.sent) this.observe(answer.sent, { status, responseHeaders: headers.toObject(), responseBody: '', error: failureCode(error) });
      throw error;
    }
    if (answer.sent) {
      const truncated = text === undefined || text.length > TRACE_BODY_LIMIT;
      const responseBody = text === undefined ? '' : truncated ? text.slice(0, TRACE_BODY_LIMIT) : text;
      this.observe(answer.sent, { status, responseHeaders: headers.toObject(), responseBody, ...(truncated ? { responseTruncated: true } : {}) });
    }
    if (text === undefined) {
      return new VendorHttpError(this.describe(req, `answered ${status} with a body over ${limit} bytes; it was not read further`), 'malformed', status);
    }
    const isJson = /\bjson\b/i.test(headers.get('content-type') ?? '');
    let body: unknown = text;
    if (isJson && text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        return new VendorHttpError(this.describe(req, `answered ${status} with malformed JSON`), 'malformed', status);
      }
    }
    if (status >= 200 && status < 300) {
      if (text.length > 0 && !isJson) {
        return new VendorHttpError(this.describe(req, `answered ${status} with ${headers.get('content-type') ?? 'no content type'} where JSON was expected`), 'malformed', status);
      }
      return { status, headers, body: body as T };
    }
    const detail = (isJson ? this.options.describeError?.(status, body) : undefined) ?? statusText(status, headers);
    const ambiguous = status >= 500;
    return new VendorHttpError(this.describe(req, `answered ${status}: ${detail}`), 'http', status, body, ambiguous);
  }

  private toError(req: HttpRequest, error: unknown): VendorHttpError {
    if (error instanceof VendorHttpError) return error;
    const err = error as { name?: string; message?: string; cause?: { message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      return new VendorHttpError(this.describe(req, `did not answer within ${this.options.timeoutMs ?? 30_000} ms`), 'timeout', undefined, undefined, true);
    }
    const code = networkCode(error) ?? '';
    const reason = code || err.cause?.message || err.message || 'unknown error';
    const neverArrived = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
    const where = `${this.host()}${this.options.pointers?.baseUrlAt ? ` (baseUrl, ${this.options.pointers.baseUrlAt})` : ''}`;
    const hint = networkHint(code);
    return new VendorHttpError(
      this.describe(req, `could not be reached (${reason}) at ${where}${hint ? `: ${hint}` : ''}`),
      'network',
      undefined,
      { code },
      !neverArrived,
    );
  }

  /** The host and port requests go to, as a person would type them. */
  private host(): string {
    try {
      return new URL(this.options.baseUrl).host;
    } catch {
      return this.options.baseUrl;
    }
  }

  /**
   * For a 404: the path setting whose value the request's path starts with, when the instance has one, and
   * the base URL's path prefix when it has one (documented paths carry none: a prefix belongs in baseUrl).
   */
  private pathHint(req: HttpRequest): string {
    const settings = Object.entries(this.options.pointers?.pathSettings ?? {});
    const setting = settings.filter(([, value]) => pathStartsWith(req.path, value)).sort((a, b) => b[1].length - a[1].length)[0];
    const pathPart = setting ? `if ${setting[1]} is not this vendor's path, change ${setting[0]}` : '';
    const prefix = basePrefix(this.options.baseUrl);
    if (!prefix) return pathPart ? ` (${pathPart})` : '';
    const at = this.options.pointers?.baseUrlAt ? `, ${this.options.pointers.baseUrlAt}` : '';
    const instance = setting ? setting[0].replace(/\.[^.]+$/, '') : `vendors.${this.options.vendor}`;
    return ` (if the path prefix ${prefix} of the base URL is wrong, change ${instance}.baseUrl${at}${pathPart ? `; ${pathPart}` : ''})`;
  }

  /** For a 401/403: the environment variables the credentials come from and where the config names them. */
  private credentialsHint(): string {
    const credentials = this.options.pointers?.credentials;
    if (!credentials || credentials.env.length === 0) return '';
    return `; check ${credentials.env.join(' and ')} (${credentials.setting}${credentials.at ? `, ${credentials.at}` : ''})`;
  }

  private describe(req: HttpRequest, what: string): string {
    const message = `${this.options.vendor}: ${req.method} ${req.path} ${what}`;
    return redactKnownSecrets(redact(message, this.options.secrets?.() ?? []));
  }
}

/**
 * The URL of a request: the base URL, the path, and the query as `searchParams.set` would write it. Built
 * as one string and parsed once: a URLSearchParams per request, reserialising the URL on every `set`, was
 * garbage a read-by-key plan paid 100,000 times (issue 26). A path that brings its own query or fragment
 * takes the long way, where `set` replaces a parameter it already has.
 */
export function requestUrl(baseUrl: string, req: Pick<HttpRequest, 'path' | 'query'>): URL {
  const base = baseUrl.charCodeAt(baseUrl.length - 1) === 47 /* / */ ? baseUrl.replace(/\/+$/, '') : baseUrl;
  const query = req.query;
  if (query === undefined) return new URL(base + req.path);
  if (req.path.includes('?') || req.path.includes('#')) {
    const url = new URL(base + req.path);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }
  let href = base + req.path;
  let separator = '?';
  for (const name in query) {
    const value = query[name];
    if (value === undefined) continue;
    href += `${separator}${formEncoded(name)}=${formEncoded(String(value))}`;
    separator = '&';
  }
  return new URL(href);
}

/**
 * A query name or value as URLSearchParams serialises it (application/x-www-form-urlencoded): what
 * encodeURIComponent leaves alone but the form encoding escapes (! ' ( ) ~) escaped, a space as +, and
 * a lone surrogate as U+FFFD (encodeURIComponent would throw on it).
 */
function formEncoded(text: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    encoded = encodeURIComponent(text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
  }
  return encoded.replace(/%20|[!'()~]/g, (c) => (c === '%20' ? '+' : `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
}

/** `/v1` for `https://host/v1/`; empty when the base URL has no path. */
function basePrefix(baseUrl: string): string {
  try {
    return new URL(baseUrl).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** The connection closed under the request before any answer (node's "socket hang up", a reset, a broken pipe). */
function closedUnanswered(error: VendorHttpError): boolean {
  const code = (error.body as { code?: string } | undefined)?.code;
  return error.kind === 'network' && (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET');
}

function isConnectionRefused(error: VendorHttpError): boolean {
  return error.kind === 'network' && !error.ambiguous;
}

/** Retry-After in seconds or as an HTTP date; falls back to a reset header in epoch seconds. */
export function retryAfterFrom(headers: HeaderLookup): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - Date.now());
  return undefined;
}

/** Exponential backoff with full jitter, never shorter than what the vendor asked for. */
function backoff(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.random() * exp;
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}

function statusText(status: number, headers: HeaderLookup): string {
  // fetch followed redirects; a vendor API that redirects is most often an http:// baseUrl for an https
  // vendor, or a moved host, which belongs in the config rather than in a hop per request.
  const location = status >= 300 && status < 400 ? headers.get('location') : null;
  if (location) return `redirected to ${location} (redirects are not followed: point baseUrl there)`;
  const known: Record<number, string> = {
    400: 'bad request',
    401: 'unauthorized (check the credentials)',
    403: 'forbidden (the credentials cannot reach this resource)',
    404: 'not found',
    409: 'conflict',
    422: 'the vendor refused the data',
    429: 'rate limited',
    500: 'internal server error',
    502: 'bad gateway',
    503: 'service unavailable',
    504: 'gateway timeout',
  };
  return known[status] ?? `HTTP ${status}`;
}
