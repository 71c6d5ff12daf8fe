/**
 * What `--trace` and `roster doctor` see of each exchange with a vendor, and the hints a network
 * failure carries. Kept apart from client.ts so the client only gains an observer and a few words.
 */

/**
 * One whole exchange with a vendor as the wire saw it (one attempt), for `--trace` and `roster doctor`.
 * It holds credentials and personal data: never print it as it is (src/trace/redact-exchange.ts does).
 */
export interface Exchange {
  vendor: string;
  method: string;
  url: URL;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  /** When the request left (epoch ms) and how long until the whole answer was read, or the failure. */
  startedAt: number;
  ms: number;
  status?: number;
  responseHeaders?: Record<string, string>;
  /** The answer's text, cut at TRACE_BODY_LIMIT characters. */
  responseBody?: string;
  responseTruncated?: boolean;
  /** Why no answer came (`ECONNREFUSED`, `TimeoutError`, ...). */
  error?: string;
  /** The client's secret values when the exchange happened (a fresh session token, say), for redaction. */
  secrets: string[];
}

/** Longest answer text an exchange observer gets; a trace needs the start of a page, not all of it. */
export const TRACE_BODY_LIMIT = 64 * 1024;

/** `/users/12` starts with the path `/users` (segment by segment, so `/users2` does not). */
export function pathStartsWith(path: string, prefix: string): boolean {
  const trimmed = prefix.replace(/\/+$/, '');
  if (trimmed === '') return false;
  const bare = path.split('?')[0];
  return bare === trimmed || bare.startsWith(`${trimmed}/`);
}

/** What usually causes a network failure, by its code: the first thing to check. */
export function networkHint(code: string): string | undefined {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve (DNS): check the host in baseUrl, or the network';
  if (code === 'ECONNREFUSED') return 'nothing accepts connections there: check the port in baseUrl, or whether the vendor is up';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'the connection was closed without an answer: a proxy or firewall, or the vendor dropping it';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'the connection timed out: a firewall, or the wrong host';
  if (/SSL|TLS|CERT|EPROTO/.test(code)) {
    return code === 'ERR_SSL_WRONG_VERSION_NUMBER'
      ? 'TLS failed: the server does not speak HTTPS on that port (should baseUrl start with http://?)'
      : 'TLS failed: the certificate is not trusted for this host (a proxy that inspects traffic? NODE_EXTRA_CA_CERTS adds its CA)';
  }
  return undefined;
}

/**
 * The code of a network failure: node:http puts it on the error (`ECONNREFUSED`, `ECONNRESET` for
 * "socket hang up", a TLS code), undici's fetch put it on its `cause`.
 */
export function networkCode(error: unknown): string | undefined {
  const err = error as { code?: unknown; message?: unknown; cause?: { code?: unknown } } | undefined;
  if (err?.code === 'EPROTO' && typeof err.message === 'string') {
    // A TLS failure met while writing the request comes as EPROTO with OpenSSL's reason in the message;
    // named as node names it when met while reading (ERR_SSL_WRONG_VERSION_NUMBER), so hints can tell.
    const reason = /SSL routines:[^:]*:([^:]+):/.exec(err.message)?.[1];
    if (reason) return `ERR_SSL_${reason.trim().toUpperCase().replace(/\W+/g, '_')}`;
  }
  if (typeof err?.code === 'string') return err.code;
  if (typeof err?.cause?.code === 'string') return err.cause.code;
  return undefined;
}

/** What a failed exchange reports: its code (`ECONNREFUSED`), `TimeoutError`, or the error's message. */
export function failureCode(error: unknown): string {
  const err = error as { name?: string; message?: string; cause?: { message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return err.name;
  return networkCode(error) ?? err.cause?.message ?? err.message ?? 'unknown error';
}
