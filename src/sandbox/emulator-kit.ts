import type http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { BodyTooLargeError, createServer, listen, readBody, type ServerLimits } from '../http/listen.js';

/**
 * What can go wrong on the wire, as rates from 0 to 1. Used by the fault-injection tests:
 * `lostWrite` applies a write and then drops the connection, so the client never sees the answer.
 */
export interface FaultProfile {
  rate429?: number;
  rate500?: number;
  rate503?: number;
  drop?: number;
  slow?: number;
  slowMs?: number;
  lostWrite?: number;
  /** Seed for the fault dice, so a failing run can be replayed. */
  seed?: number;
}

export interface EmulatorOptions {
  host?: string;
  /** 0 (the default) lets the OS choose. */
  port?: number;
  /** Overrides the vendor's documented budget, e.g. a short window so tests run in seconds. */
  rateLimit?: { limit: number; windowMs: number };
  faults?: FaultProfile;
  /** Header, body and idle timeouts; short ones let tests play a slow client in seconds. */
  limits?: ServerLimits;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Request headers as received (lower-cased names), so tests can check what a client sent on the wire. */
  headers: IncomingHttpHeaders;
  body: unknown;
  status: number;
  /** True when the fault profile interfered with this request. */
  fault?: string;
  at: number;
}

export interface Emulator {
  url: string;
  port: number;
  /** Every request received, in order. */
  requests: RequestLogEntry[];
  /** The emulator's live data, for tests to read or adjust. */
  state: unknown;
  setFaults(faults: FaultProfile | undefined): void;
  close(): Promise<void>;
}

export interface EmuRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Parsed JSON body when the request declared JSON; undefined otherwise. */
  body: unknown;
  params: Record<string, string>;
}

export interface EmuResponse {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: EmuRequest) => EmuResponse | Promise<EmuResponse>;

export function json(status: number, body: unknown, headers?: Record<string, string>): EmuResponse {
  return { status, json: body, headers };
}

/** Minimal path router: `/api/v3/users/:id` style patterns. */
export class Router {
  private readonly routes: { method: string; parts: string[]; handler: Handler }[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, parts: split(pattern), handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | 'method' | undefined {
    const parts = split(path);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchParts(route.parts, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method) return { handler: route.handler, params };
    }
    return pathMatched ? 'method' : undefined;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((p) => p.length > 0);
}

function matchParts(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) params[pattern[i].slice(1)] = decodeURIComponent(parts[i]);
    else if (pattern[i] !== parts[i]) return undefined;
  }
  return params;
}

/** Counts requests in a sliding window, per key (API key, token, ...). */
export class WindowCounter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    public limit: number,
    public windowMs: number,
  ) {}

  /** Records a hit if there is room; returns what is left and when the oldest hit leaves the window. */
  take(key: string, now = Date.now()): { allowed: boolean; remaining: number; resetAt: number } {
    const list = this.hits.get(key) ?? [];
    while (list.length > 0 && list[0] <= now - this.windowMs) list.shift();
    const allowed = list.length < this.limit;
    if (allowed) list.push(now);
    this.hits.set(key, list);
    const resetAt = (list[0] ?? now) + this.windowMs;
    return { allowed, remaining: Math.max(0, this.limit - list.length), resetAt };
  }
}

/**
 * A value made once per emulator state and kept beside it (indexes, caches), not in it, so
 * `emulator.state` stays the plain data tests read and adjust.
 */
export function besideState<S extends object, T>(make: (state: S) => T): (state: S) => T {
  const made = new WeakMap<S, T>();
  return (state) => {
    let value = made.get(state);
    if (value === undefined) made.set(state, (value = make(state)));
    return value;
  };
}

const NO_RECORDS: readonly never[] = Object.freeze([]);

/**
 * An emulator's records (its users) grouped by a key, for the lookups that would otherwise scan every
 * record: at 100,000 users a scan per write was most of each write's time (npm run bench). The list is
 * append-only (emulators mark users deleted, they never remove them): records pushed onto it, by a route
 * or by a test adding users by hand, are indexed at the next lookup, and a replaced or shortened list is
 * indexed afresh. A record whose key changes (an email update) must be moved with `rekey`. Each key's
 * records stay in list order, so the first match is the one `Array.prototype.find` would give.
 */
export class ListIndex<T, K> {
  private readonly groups = new Map<K, T[]>();
  private readonly positions = new Map<T, number>();
  private list: T[] | undefined;
  private indexed = 0;

  constructor(
    private readonly source: () => T[],
    private readonly keyOf: (record: T) => K,
  ) {}

  /** The records under `key`, in list order; empty when there are none. Read it, never change it. */
  get(key: K): readonly T[] {
    this.sync();
    return this.groups.get(key) ?? NO_RECORDS;
  }

  /** The records under any of `keys`, in list order. */
  getAll(keys: Iterable<K>): T[] {
    this.sync();
    const found = new Set<T>();
    for (const key of keys) for (const record of this.groups.get(key) ?? NO_RECORDS) found.add(record);
    return [...found].sort((a, b) => this.positions.get(a)! - this.positions.get(b)!);
  }

  /** Moves `record`, whose key was `before`, to the group of its key now. */
  rekey(record: T, before: K): void {
    this.sync();
    const after = this.keyOf(record);
    if (Object.is(after, before)) return;
    const old = this.groups.get(before);
    const at = old?.indexOf(record) ?? -1;
    if (old && at >= 0) {
      old.splice(at, 1);
      if (old.length === 0) this.groups.delete(before);
    }
    const group = this.groups.get(after);
    if (!group) {
      this.groups.set(after, [record]);
    } else if (!group.includes(record)) {
      const position = this.positions.get(record)!;
      const next = group.findIndex((other) => this.positions.get(other)! > position);
      group.splice(next < 0 ? group.length : next, 0, record);
    }
  }

  private sync(): void {
    const list = this.source();
    if (list !== this.list || list.length < this.indexed) {
      this.groups.clear();
      this.positions.clear();
      this.list = list;
      this.indexed = 0;
    }
    for (; this.indexed < list.length; this.indexed++) {
      const record = list[this.indexed];
      if (!this.positions.has(record)) this.positions.set(record, this.indexed);
      const key = this.keyOf(record);
      const group = this.groups.get(key);
      if (group) group.push(record);
      else this.groups.set(key, [record]);
    }
  }
}

/** Small seeded PRNG (mulberry32): fault runs are reproducible from their seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface EmulatorDefinition {
  name: string;
  router: Router;
  state: unknown;
  /** Runs before routing: auth, rate limits. A response here ends the request. */
  before?: (req: EmuRequest) => EmuResponse | undefined;
  /** Adds headers to every answer (rate-limit counters). */
  decorate?: (req: EmuRequest, res: EmuResponse) => void;
  /** The vendor's own shape of a 429, used when the fault profile injects one. */
  tooManyRequests: () => EmuResponse;
  /** The vendor's own shape of a 5xx. */
  serverError: (status: number) => EmuResponse;
  notFound: () => EmuResponse;
  /** The vendor's own shape of a 400 for a body that does not parse; a bare `{message}` otherwise. */
  malformedBody?: () => EmuResponse;
  /** Parses request bodies that are not JSON (the partner API takes XML). */
  parseBody?: (contentType: string, raw: Buffer) => unknown;
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startEmulator(def: EmulatorDefinition, options: EmulatorOptions = {}): Promise<Emulator> {
  const requests: RequestLogEntry[] = [];
  let faults = options.faults;
  let dice = seededRandom(faults?.seed ?? 1);

  // A client that hangs up, trickles or sends too much ends its own request only (see createServer).
  const server = createServer(async (incoming, outgoing) => {
    const url = new URL(incoming.url ?? '/', 'http://emulator');
    let rawBody: Buffer;
    try {
      rawBody = await readBody(incoming, MAX_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      requests.push({ method: incoming.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: incoming.headers, body: undefined, status: 413, at: Date.now() });
      outgoing.setHeader('connection', 'close');
      send(outgoing, json(413, { message: `Request body over ${MAX_BODY_BYTES} bytes` }));
      return;
    }
    const contentType = String(incoming.headers['content-type'] ?? '');
    let body: unknown;
    let bodyError = false;
    if (rawBody.length > 0) {
      try {
        body = /json/i.test(contentType) || !contentType ? JSON.parse(rawBody.toString('utf8')) : def.parseBody?.(contentType, rawBody);
      } catch {
        bodyError = true;
      }
    }
    const req: EmuRequest = {
      method: incoming.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: incoming.headers,
      rawBody,
      body,
      params: {},
    };
    const entry: RequestLogEntry = {
      method: req.method,
      path: req.path,
      query: Object.fromEntries(url.searchParams),
      headers: incoming.headers,
      body,
      status: 0,
      at: Date.now(),
    };
    requests.push(entry);

    const fault = faults ? pickFault(faults, dice, req.method) : undefined;
    if (fault === 'drop') {
      entry.fault = 'drop';
      incoming.socket.destroy();
      return;
    }
    if (fault === 'slow') {
      entry.fault = 'slow';
      await new Promise((resolve) => setTimeout(resolve, faults?.slowMs ?? 2_000));
    }

    let res: EmuResponse;
    if (fault === '429' || fault === '500' || fault === '503') {
      entry.fault = fault;
      res = fault === '429' ? def.tooManyRequests() : def.serverError(Number(fault));
    } else if (bodyError) {
      res = def.malformedBody?.() ?? json(400, { message: 'Malformed request body' });
    } else {
      res = def.before?.(req) ?? (await route(def, req));
    }
    if (fault === 'lostWrite') {
      // The write happened; the answer never arrives.
      entry.fault = 'lostWrite';
      entry.status = res.status;
      incoming.socket.destroy();
      return;
    }
    def.decorate?.(req, res);
    entry.status = res.status;
    send(outgoing, res);
  }, options.limits);

  const { url, port, close } = await listen(server, options);

  return {
    url,
    port,
    requests,
    state: def.state,
    setFaults(next) {
      faults = next;
      dice = seededRandom(next?.seed ?? 1);
    },
    close,
  };
}

async function route(def: EmulatorDefinition, req: EmuRequest): Promise<EmuResponse> {
  const found = def.router.match(req.method, req.path);
  if (found === undefined) return def.notFound();
  if (found === 'method') return json(405, { message: `Method ${req.method} not allowed on ${req.path}` });
  req.params = found.params;
  try {
    return await found.handler(req);
  } catch (error) {
    return def.serverError(500);
  }
}

function pickFault(faults: FaultProfile, dice: () => number, method: string): string | undefined {
  const roll = dice();
  const table: [string, number | undefined][] = [
    ['429', faults.rate429],
    ['500', faults.rate500],
    ['503', faults.rate503],
    ['drop', faults.drop],
    ['slow', faults.slow],
    ['lostWrite', method === 'GET' ? 0 : faults.lostWrite],
  ];
  let edge = 0;
  for (const [name, rate] of table) {
    edge += rate ?? 0;
    if (roll < edge) return name;
  }
  return undefined;
}

function send(outgoing: http.ServerResponse, res: EmuResponse): void {
  const headers: Record<string, string> = { ...res.headers };
  let payload = '';
  if (res.json !== undefined) {
    payload = JSON.stringify(res.json);
    headers['content-type'] = res.contentType ?? 'application/json; charset=utf-8';
  } else if (res.text !== undefined) {
    payload = res.text;
    headers['content-type'] = res.contentType ?? 'text/plain; charset=utf-8';
  }
  outgoing.writeHead(res.status, headers);
  outgoing.end(payload);
}
