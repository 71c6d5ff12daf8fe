import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * How long and how much a client may take. Node's own defaults (a minute for headers, five for a
 * request, checked every 30 s) let a few slow clients hold a server for minutes; roster's servers
 * (the webhook, the emulators) answer small JSON requests, so their bounds are tight.
 */
export interface ServerLimits {
  /** The whole request head must arrive within this. Default 10 s. */
  headersTimeoutMs?: number;
  /** The whole request, body included, must arrive within this. Default 30 s. */
  requestTimeoutMs?: number;
  /** A connection silent this long is closed. Default 30 s. */
  idleTimeoutMs?: number;
}

export const defaultServerLimits: Required<ServerLimits> = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, idleTimeoutMs: 30_000 };

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

/** A request body over the size a server accepts: the request is answered 413 and its connection closed. */
export class BodyTooLargeError extends Error {
  readonly status = 413;
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * An HTTP server that survives its clients: a client that hangs up mid-request, trickles its head or
 * body, or sends an endless body ends that request only. Whatever the handler throws or rejects with
 * (an `aborted` body read included) is answered (413 for a body too large, 500 otherwise) or, when the
 * client is gone, dropped; it never reaches the process as an unhandled rejection.
 */
export function createServer(handler: RequestHandler, limits: ServerLimits = {}): http.Server {
  const bounds = { ...defaultServerLimits, ...limits };
  const server = http.createServer(
    {
      headersTimeout: bounds.headersTimeoutMs,
      requestTimeout: bounds.requestTimeoutMs,
      // Node checks both timeouts on this period; the default (30 s) would stretch them.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(bounds.headersTimeoutMs / 4))),
    },
    guarded(handler),
  );
  server.setTimeout(bounds.idleTimeoutMs);
  return server;
}

const guardedHandlers = new WeakSet<object>();

function guarded(handler: RequestHandler): RequestHandler {
  const run: RequestHandler = (req, res) => {
    let outcome: void | Promise<void>;
    try {
      outcome = handler(req, res);
    } catch (error) {
      answerFailure(res, error);
      return;
    }
    if (outcome instanceof Promise) outcome.catch((error) => answerFailure(res, error));
  };
  guardedHandlers.add(run);
  return run;
}

function answerFailure(res: http.ServerResponse, error: unknown): void {
  const socket = res.socket;
  if (!socket || socket.destroyed || res.headersSent) {
    socket?.destroy();
    return;
  }
  const status = error instanceof BodyTooLargeError ? 413 : 500;
  const message = error instanceof BodyTooLargeError ? error.message : 'internal error';
  // A body too large was not read to its end: close the connection rather than read the rest.
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  res.end(JSON.stringify({ error: message }));
}

/**
 * Reads a request body of at most `maxBytes`. Past the limit nothing more is kept, the rest is
 * discarded as it arrives (and the connection cut once it is far over), and the read rejects with
 * BodyTooLargeError. A client that hangs up mid-body rejects it with Node's `aborted` error.
 */
export function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) tooLarge = true;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      else if (size > maxBytes * 4) req.socket.destroy();
    });
    req.on('end', () => (tooLarge ? reject(new BodyTooLargeError(maxBytes)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('aborted'));
    });
    // A declared length over the limit is refused before reading a byte of it.
    if (tooLarge) reject(new BodyTooLargeError(maxBytes));
  });
}

/**
 * Starts a server on loopback (port 0 lets the OS choose) and says where it listens. A server made
 * with `http.createServer` gets the same protection as one made with `createServer` above: its
 * request handlers are guarded and its timeouts bounded.
 */
export async function listen(server: http.Server, options: { host?: string; port?: number } = {}): Promise<Listening> {
  for (const listener of server.listeners('request')) {
    if (guardedHandlers.has(listener)) continue;
    server.removeListener('request', listener as RequestHandler);
    server.on('request', guarded(listener as RequestHandler));
  }
  if (server.headersTimeout > defaultServerLimits.headersTimeoutMs) server.headersTimeout = defaultServerLimits.headersTimeoutMs;
  if (server.requestTimeout === 0 || server.requestTimeout > defaultServerLimits.requestTimeoutMs) server.requestTimeout = defaultServerLimits.requestTimeoutMs;
  if (server.timeout === 0) server.setTimeout(defaultServerLimits.idleTimeoutMs);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
