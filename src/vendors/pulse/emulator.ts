import { startEmulator, WindowCounter, type Emulator, type EmulatorOptions, type EmuRequest, type EmuResponse } from '../../sandbox/emulator-kit.js';
import { PULSE_RATE_LIMIT } from './documented.js';
import { can, reachable } from './emulator-access.js';
import { PULSE_DEFAULT_PATHS, PulseApp, type PulsePaths } from './emulator-app.js';
import { fail, header } from './emulator-http.js';
import { pulseRouter } from './emulator-routes.js';
import { PulseState } from './emulator-state.js';
import { parsePulseFixture } from './emulator-fixture.js';

/**
 * A local Pulse CRM. Only `POST /users` (the seed page) and `POST /auth/login` (published.md) are
 * documented; every other route follows the API's documented conventions (list envelope, PATCH
 * updates, `{error, status, message}` errors) and the decisions in shared/vendors/README.md.
 * Everything marked "inferred" is our guess. It imports nothing of the adapter's side.
 *
 * This file starts it: server, authentication, the account header and the rate budget. The store is
 * emulator-state.ts, the routes emulator-routes.ts, their body checks emulator-validation.ts.
 */

export { PULSE_DEFAULT_PATHS, type PulsePaths } from './emulator-app.js';
export { PulseState, type AuditEntry, type PulseMembership, type PulseSession, type PulseTeam, type PulseUserRow } from './emulator-state.js';

/** Inferred default session lifetime (the docs show `expiresAt`, not the duration). */
export const PULSE_TOKEN_TTL_MS = 60 * 60 * 1000;

/**
 * The emulator's own prefix. The guides write paths without one, but audit-log entries record
 * `requestPath: "/api/leads"` (shared/vendors/pulse-partner.md): so the sandbox serves under `/api`, its
 * `url` carries the prefix, and the client's `baseUrl` must too (which proves a prefix in baseUrl works).
 */
export const PULSE_EMULATOR_PREFIX = '/api';

export interface PulseEmulatorOptions extends EmulatorOptions {
  /** Session lifetime in ms; short values let tests expire tokens. Overrides the fixture's tokenTtlSeconds. */
  tokenTtlMs?: number;
  /** Served below this prefix (default `/api`); `url` includes it. */
  prefix?: string;
  /** Paths other than the defaults, as a tenant that differs would serve them. */
  paths?: Partial<PulsePaths>;
}

export async function startPulseEmulator(fixture: unknown, options: PulseEmulatorOptions = {}): Promise<Emulator> {
  const parsed = parsePulseFixture(fixture);
  const ttl = options.tokenTtlMs ?? (parsed.tokenTtlSeconds !== undefined ? parsed.tokenTtlSeconds * 1000 : PULSE_TOKEN_TTL_MS);
  const state = new PulseState(parsed, ttl);
  const budget = options.rateLimit ?? PULSE_RATE_LIMIT;
  const prefix = (options.prefix ?? PULSE_EMULATOR_PREFIX).replace(/\/+$/, '');
  const app = new PulseApp(state, { ...PULSE_DEFAULT_PATHS, ...options.paths }, prefix, new WindowCounter(budget.limit, budget.windowMs));
  const router = pulseRouter(app);

  const emulator = await startEmulator(
    {
      name: 'pulse',
      router,
      state,
      before(req) {
        // Unknown routes and methods answer in Pulse's Error shape (the kit's own 405 has another shape).
        const route = router.match(req.method, req.path);
        if (route === undefined) return fail(404, `No route ${req.method} ${req.path}`);
        if (route === 'method') return fail(405, `Method ${req.method} is not allowed on ${req.path}`);
        if (req.method === 'POST' && req.path === app.loginPath) return undefined;
        return authenticate(app, req);
      },
      tooManyRequests: () => fail(429, 'Rate limit exceeded', { 'retry-after': '1' }),
      serverError: (status) => fail(status, status === 503 ? 'Service temporarily unavailable' : 'Unexpected server error'),
      notFound: () => fail(404, 'No such route'),
      // Malformed requests keep the documented Error shape too (shared/vendors/README.md, Pulse CRM).
      malformedBody: () => fail(400, 'The request body is not valid JSON'),
    },
    options,
  );
  return { ...emulator, url: emulator.url + prefix };
}

/**
 * Every route but login: a live bearer token, a request from its budget, an `x-account-id` the caller
 * reaches, and the permission the route needs there. Remembers what it resolved for the handler.
 */
function authenticate(app: PulseApp, req: EmuRequest): EmuResponse | undefined {
  const { state } = app;
  const auth = header(req, 'authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(auth);
  if (!match) return fail(401, `Missing bearer token; log in with POST ${app.loginPath}`);
  const session = state.sessions.get(match[1]);
  if (!session) return fail(401, 'Invalid token');
  if (session.expiresAt <= Date.now()) {
    state.sessions.delete(match[1]);
    return fail(401, 'Token expired; log in again');
  }
  const refusal = app.limited(session.principal.id);
  if (refusal) return refusal;
  // The seed marks x-account-id required (components/parameters/xAccountIdHeader); the header name
  // is case-insensitive, and Node lower-cases it (shared/vendors/README.md, Pulse CRM).
  const accountId = header(req, 'x-account-id')?.trim();
  if (!accountId) return fail(400, 'The x-account-id header is required');
  if (!reachable(state, session.principal).includes(accountId)) {
    return fail(403, `Account ${accountId} is not available to this caller`);
  }
  const permission = requiredPermission(app, req);
  if (permission && !can(state, session.principal, accountId, permission)) {
    return fail(403, `Missing permission ${permission} in account ${accountId}`);
  }
  app.enter(req, { principal: session.principal, accountId, session });
  return undefined;
}

/** Which permission each route needs (inferred from the read<Resource>/write<Resource> convention). */
function requiredPermission(app: PulseApp, req: EmuRequest): string | undefined {
  const { paths } = app;
  if (req.path === app.loginPath || req.path === app.at(paths.session)) return undefined;
  const resource = req.path === app.at(paths.teams) ? 'Teams' : req.path === app.at(paths.roles) ? 'Roles' : 'Users';
  return `${req.method === 'GET' ? 'read' : 'write'}${resource}`;
}
