import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BASIC_PASSWORD, DEFAULT_FIELDS_RETURNED, EMPLOYEES_PATH, MAX_PAGE_LIMIT, PAGE_AFTER_PARAM, PAGE_LIMIT_PARAM } from './documented.js';

/**
 * A BambooHR stand-in for tests, written from BambooHR's documents (documented.ts) and independent of the
 * reader: GET /api/v1/employees with field selection and cursor pages, HTTP Basic with the API key as the
 * user. It holds whole employee records, SSNs and birth dates included, and answers only what is asked
 * for, so a reader that asked for them would show it. Faults make it slow, cut an answer short, or
 * answer an HTML error page, the way a real service sometimes does.
 */
export interface BambooEmployee {
  employeeId: string;
  [field: string]: string | null;
}

export interface BambooFaults {
  /** Never answer this page (1-based): a hung service. */
  hangOnPage?: number;
  /** Answer this page with an HTML error page, status 200 (a proxy's login page) or `htmlStatus`. */
  htmlOnPage?: number;
  htmlStatus?: number;
  /** Cut this page's JSON in the middle and hang up. */
  truncateOnPage?: number;
  /** Leave these fields out of every record (an answer missing what was asked). */
  dropFields?: string[];
  /** Fields the key's user may not read: null and named in `_restrictedFields`. */
  restricted?: string[];
  /** Always answer the same next cursor: a listing that never ends. */
  endlessCursor?: boolean;
}

export interface BambooEmulator {
  url: string;
  requests: { path: string; query: Record<string, string>; authorized: boolean }[];
  employees: BambooEmployee[];
  faults: BambooFaults;
  close(): Promise<void>;
}

export async function startBambooEmulator(options: { apiKey: string; employees: BambooEmployee[]; faults?: BambooFaults }): Promise<BambooEmulator> {
  const state = { employees: options.employees, faults: options.faults ?? {}, requests: [] as BambooEmulator['requests'] };
  const sockets = new Set<Socket>();
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const expected = `Basic ${Buffer.from(`${options.apiKey}:${BASIC_PASSWORD}`).toString('base64')}`;
    const authorized = req.headers.authorization === expected;
    state.requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), authorized });
    if (!authorized) {
      res.writeHead(401, { 'content-type': 'text/html', 'x-bamboohr-error-message': 'Invalid API key' });
      return res.end('<html><body><h1>401 Unauthorized</h1></body></html>');
    }
    if (url.pathname !== EMPLOYEES_PATH || req.method !== 'GET') return json(res, 404, { error: 'not found' });
    const limit = Number(url.searchParams.get(PAGE_LIMIT_PARAM) ?? 250);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) return json(res, 400, { error: `${PAGE_LIMIT_PARAM} must be 1 to ${MAX_PAGE_LIMIT}` });
    const after = url.searchParams.get(PAGE_AFTER_PARAM);
    const sorted = [...state.employees].sort((a, b) => Number(a.employeeId) - Number(b.employeeId) || a.employeeId.localeCompare(b.employeeId));
    const endless = state.faults.endlessCursor && after === 'again';
    const start = after && !endless ? sorted.findIndex((e) => e.employeeId === Buffer.from(after, 'base64url').toString()) + 1 : 0;
    if (after && !endless && start === 0) return json(res, 400, { error: 'invalid cursor' });
    const page = Math.floor(start / limit) + 1;
    const f = state.faults;
    if (f.hangOnPage === page) return; // the socket is closed by close()
    if (f.htmlOnPage === page) {
      res.writeHead(f.htmlStatus ?? 200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end('<!DOCTYPE html><html><head><title>BambooHR - Maintenance</title></head><body>We will be right back.</body></html>');
    }
    const asked = (url.searchParams.get('fields') ?? '').split(',').filter(Boolean);
    const slice = sorted.slice(start, start + limit);
    const data = slice.map((e) => {
      const record: Record<string, unknown> = {};
      for (const field of new Set([...DEFAULT_FIELDS_RETURNED, ...asked])) {
        if (field === '_restrictedFields' || f.dropFields?.includes(field)) continue;
        record[field] = f.restricted?.includes(field) ? null : (e[field] ?? null);
      }
      record._restrictedFields = (f.restricted ?? []).filter((r) => asked.includes(r) || DEFAULT_FIELDS_RETURNED.includes(r));
      return record;
    });
    const last = slice[slice.length - 1];
    const more = start + limit < sorted.length;
    const nextCursor = f.endlessCursor ? 'again' : more && last ? Buffer.from(last.employeeId).toString('base64url') : null;
    const body = JSON.stringify({ data, meta: { page: { nextCursor } } });
    if (f.truncateOnPage === page) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      res.write(body.slice(0, Math.floor(body.length / 2)));
      return void res.socket?.destroy();
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  };
  const server: Server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return state.requests;
    },
    employees: state.employees,
    faults: state.faults,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
