/**
 * The wire under HttpClient: node:http / node:https with keep-alive agents. It replaced the global
 * `fetch` (undici), whose Request/Response objects, WHATWG streams, AbortSignals and finalization
 * registries cost ~59 KB of garbage per request and kept it until a major GC: a SimplePin plan at
 * 100,000 people (one GET per person) peaked at 708-780 MB RSS with 115 MB live (issue 26). Loading
 * undici also cost every plan ~60 ms of cold start.
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';

/** Reads a response header by name, case-insensitively, as WHATWG `Headers.get` does. */
export interface HeaderLookup {
  get(name: string): string | null;
}

/** A vendor's response headers, read-only. Names are lower case; repeated headers are joined with ", ". */
export class ResponseHeaders implements HeaderLookup {
  constructor(private readonly raw: Readonly<Record<string, string | string[] | undefined>>) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }

  /** Every header as a plain object (the trace's form). */
  toObject(): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const name of Object.keys(this.raw)) {
      const value = this.get(name);
      if (value !== null) headers[name] = value;
    }
    return headers;
  }
}

/** What the `onResponse` hook sees of an answer, before its body is read. */
export interface ResponseHead {
  status: number;
  headers: ResponseHeaders;
}

/**
 * The keep-alive connections of a client and of every client derived from it. Idle sockets are unref'd
 * by node's Agent, so a pool never keeps the process alive; one idle for 5 s is closed (as node's global
 * agent does; a shorter `keep-alive: timeout=N` from the vendor wins).
 */
export class ConnectionPool {
  private plain?: http.Agent;
  private secure?: https.Agent;

  agentFor(protocol: string): http.Agent {
    if (protocol === 'https:') return (this.secure ??= new https.Agent(AGENT_OPTIONS));
    return (this.plain ??= new http.Agent(AGENT_OPTIONS));
  }
}

const AGENT_OPTIONS: http.AgentOptions = { keepAlive: true, scheduling: 'lifo', timeout: 5_000 };

/**
 * One attempt's deadline: armed when the request leaves, disarmed once the body is read. When it fires,
 * the request is destroyed and whatever waits on it (the answer, the body) fails with a TimeoutError.
 */
export class Deadline {
  private timer?: ReturnType<typeof setTimeout>;
  private request?: http.ClientRequest;
  /** Set when the deadline passed: the error the attempt fails with. */
  expired?: Error;

  arm(ms: number): void {
    this.timer = setTimeout(() => {
      const error = new Error('The operation was aborted due to timeout');
      error.name = 'TimeoutError';
      this.expired = error;
      this.request?.destroy(error);
    }, ms);
  }

  watch(request: http.ClientRequest): void {
    this.request = request;
  }

  /** The attempt is over: the timer stops and a finished request is never destroyed later. */
  disarm(): void {
    clearTimeout(this.timer);
    this.request = undefined;
  }
}

export interface Outgoing {
  method: string;
  /** As the client builds them; sent with their names in lower case. */
  headers: Record<string, string>;
  /** The JSON text of the body, if any. */
  body?: string;
}

/**
 * Sends a request and resolves with the answer once its head arrives (status and headers); the body is
 * left for `readBody`. Failures keep node's own errors, whose `code` says what happened (ECONNREFUSED,
 * ECONNRESET "socket hang up", a TLS code), or the deadline's TimeoutError.
 */
export function send(url: URL, outgoing: Outgoing, agent: http.Agent, deadline: Deadline): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      {
        // URL keeps an IPv6 host in brackets; the socket wants it bare.
        hostname: url.hostname.charCodeAt(0) === 91 /* [ */ ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port || undefined,
        path: url.pathname + url.search,
        method: outgoing.method,
        headers: wireHeaders(url, outgoing),
        agent,
      },
      resolve,
    );
    // Kept for the request's whole life: an error after the answer (a reset mid-body, the deadline)
    // must find a listener, and reaches the body's reader through the response.
    request.on('error', (error) => reject(deadline.expired ?? error));
    deadline.watch(request);
    request.end(outgoing.body);
  });
}

/**
 * The request's headers as node's flat [name, value, ...] list: node writes such a list as it is, where an
 * object costs a setHeader (and an entry) per header on every request. So the list carries what node
 * would have added: Host (url.host is host[:port], the default port left out, as node writes it), and a
 * length for a body, or 0 for a bodyless write (node's default there would be chunked encoding). Names
 * go out in lower case, and one given twice in different cases is joined with ", ", as fetch's Headers did.
 * It also carries what fetch sent of its own and vendors may rely on: a user agent (some firewalls refuse
 * a request without one) and compressed answers, which `readBody` decodes.
 */
function wireHeaders(url: URL, outgoing: Outgoing): string[] {
  const list = ['host', url.host];
  const given = outgoing.headers;
  // Until a name in another case comes, the names are distinct (an object's keys) and need no search.
  let mixedCase = false;
  for (const name in given) {
    const lower = name.toLowerCase();
    mixedCase ||= lower !== name;
    const at = mixedCase ? indexOfName(list, lower) : -1;
    if (at === -1) list.push(lower, given[name]);
    else list[at + 1] += `, ${given[name]}`;
  }
  if (indexOfName(list, 'user-agent') === -1) list.push('user-agent', 'node');
  if (indexOfName(list, 'accept-encoding') === -1) list.push('accept-encoding', 'gzip, deflate');
  if (outgoing.body !== undefined) list.push('content-length', String(Buffer.byteLength(outgoing.body)));
  else if (!BODYLESS.has(outgoing.method)) list.push('content-length', '0');
  return list;
}

/** Where `name` is in a flat header list (names in lower case), or -1; lists are a few headers long. */
function indexOfName(list: string[], name: string): number {
  for (let i = 0; i < list.length; i += 2) if (list[i] === name) return i;
  return -1;
}

/** Methods node sends without a body or a length by default. */
const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/**
 * The body's bytes, decoded from its content-encoding, or undefined when they pass `limit` (refused on a
 * declared content-length over it; otherwise cut off there, the rest unread and the connection closed).
 */
export function readBody(response: http.IncomingMessage, limit: number, deadline: Deadline): Promise<Buffer | undefined> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    response.destroy();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const decoder = decoderFor(response.headers['content-encoding']);
    const source: Readable = decoder ? response.pipe(decoder) : response;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      decoder?.destroy();
      reject(deadline.expired ?? error);
    };
    source.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        settled = true;
        response.destroy();
        decoder?.destroy();
        return resolve(undefined);
      }
      chunks.push(chunk);
    });
    source.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
    source.on('error', fail);
    if (decoder) response.on('error', fail);
    // A vendor that hangs up mid-body: node says "aborted" (ECONNRESET) on the response.
    response.on('close', () => {
      if (!response.complete) fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    });
  });
}

function decoderFor(encoding: string | string[] | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  const name = String(encoding ?? '').trim().toLowerCase();
  if (name === 'gzip' || name === 'x-gzip') return zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  if (name === 'deflate') return zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  if (name === 'br') return zlib.createBrotliDecompress();
  return undefined;
}

/** UTF-8 text of a body, a leading byte order mark dropped (as TextDecoder and `response.text()` do). */
export function utf8Text(bytes: Buffer): string {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.toString('utf8', bom ? 3 : 0);
}
