import { startEmulator, WindowCounter, type Emulator, type EmulatorOptions, type EmuRequest } from '../../sandbox/emulator-kit.js';
import { HIGHLEVEL_DAILY_LIMIT, HIGHLEVEL_RATE } from './documented.js';
import { badRequest, notFound, serverError, tooManyRequests, unauthorized } from './emulator-responses.js';
import { highlevelRouter } from './emulator-routes.js';
import { createHighlevelState, type HighlevelToken } from './emulator-state.js';
import { UserStore } from './emulator-store.js';

export { createHighlevelState, newHighlevelId } from './emulator-state.js';
export type { HighlevelFixture, HighlevelState, HighlevelToken, StoredUser } from './emulator-state.js';

/**
 * A local HighLevel users API (services.leadconnectorhq.com, Version 2021-07-28), faithful to
 * highlevel-users.openapi.json and to what issue threads show the real service doing. Behaviour the
 * references leave open follows shared/vendors/README.md and is marked where it is chosen.
 *
 * This file wires the server: version, auth, scopes and the rate budgets. The data and its seeding are in
 * emulator-state.ts, lookups and search in emulator-store.ts, one handler per route in emulator-routes.ts,
 * body checks in emulator-validation.ts, and the answers' shapes in emulator-responses.ts.
 */

export interface HighlevelEmulatorOptions extends EmulatorOptions {
  /** How long a deleted user stays in search results (with `deleted: true`) before it is gone. */
  deleteDelayMs?: number;
  /**
   * Largest `limit` search honours; larger ones are cut to it. HighLevel documents no maximum (the SDK
   * asks for 25), so this is a setting: tests run it at 25 to prove a client pages on `count`.
   */
  maxPageSize?: number;
  /** Version header values accepted; the default is what HighLevel's clients send. */
  versions?: string[];
  /** Whether PUT merges `permissions` into the stored ones or resets omitted keys to defaults. */
  permissionsOnUpdate?: 'merge' | 'replace';
  dailyLimit?: number;
}

// The Version values HighLevel's clients send: 2021-07-28 in the users document, 2023-02-21 from the
// official SDK, and `v3`, the Version of the published apps/v3/users-v3.json (published.md, HighLevel).
// Any other value is refused, not any date. shared/vendors/README.md, HighLevel
export const HIGHLEVEL_VERSIONS = ['2021-07-28', '2023-02-21', 'v3'];

export async function startHighlevelEmulator(fixture: unknown, options: HighlevelEmulatorOptions = {}): Promise<Emulator> {
  const state = createHighlevelState(fixture, options);
  // HighLevel's documented burst and daily budgets, unless a test sets others.
  const budget = new RequestBudget(options.rateLimit ?? HIGHLEVEL_RATE, options.dailyLimit ?? HIGHLEVEL_DAILY_LIMIT);
  const versions = new Set(options.versions ?? HIGHLEVEL_VERSIONS);

  const callers = new WeakMap<EmuRequest, HighlevelToken>();
  const counters = new WeakMap<EmuRequest, Counted>();
  const passwords = new WeakMap<EmuRequest, unknown>();

  const router = highlevelRouter({
    state,
    users: new UserStore(state),
    maxPageSize: state.maxPageSize,
    permissionsOnUpdate: options.permissionsOnUpdate ?? 'merge',
    caller: (req) => callers.get(req)!,
    password: (req) => passwords.get(req),
  });

  return startEmulator(
    {
      name: 'highlevel',
      router,
      state,
      before(req) {
        const password = takePassword(req);
        if (password.taken) passwords.set(req, password.value);
        const version = header(req, 'version');
        if (!version) return badRequest('version header was not found');
        if (!versions.has(version)) return badRequest(`version ${version} is not supported`);
        const auth = header(req, 'authorization');
        const match = /^Bearer\s+(.+)$/i.exec(auth ?? '');
        const token = match ? state.tokens.find((t) => t.token === match[1].trim()) : undefined;
        if (!token) return unauthorized('Invalid JWT');

        const counted = budget.take(token.token);
        counters.set(req, counted);
        if (!counted.allowed) return tooManyRequests();

        const scope = req.method === 'GET' || req.path === '/users/search/filter-by-email' ? 'users.readonly' : 'users.write';
        if (!token.scopes.includes(scope)) return unauthorized('The token is not authorized for this scope.');
        callers.set(req, token);
        return undefined;
      },
      decorate(req, res) {
        const counted = counters.get(req);
        if (counted) res.headers = { ...res.headers, ...budget.headers(counted) };
      },
      tooManyRequests,
      serverError,
      notFound,
    },
    options,
  );
}

interface Counted {
  allowed: boolean;
  remaining: number;
  dailyRemaining: number;
}

/** HighLevel's two budgets per token: a burst window and a day (documented.ts), and the headers that report them. */
class RequestBudget {
  private readonly burst: WindowCounter;
  private readonly daily = new Map<string, { day: string; used: number }>();

  constructor(
    private readonly rate: { limit: number; windowMs: number },
    private readonly dailyLimit: number,
  ) {
    this.burst = new WindowCounter(rate.limit, rate.windowMs);
  }

  /** Counts a request of `token` if both budgets have room. */
  take(token: string, now = Date.now()): Counted {
    const day = new Date(now).toISOString().slice(0, 10);
    const today = this.daily.get(token);
    const used = today && today.day === day ? today.used : 0;
    const window = used < this.dailyLimit ? this.burst.take(token, now) : { allowed: false, remaining: 0 };
    if (window.allowed) this.daily.set(token, { day, used: used + 1 });
    const dailyRemaining = Math.max(0, this.dailyLimit - used - (window.allowed ? 1 : 0));
    return { allowed: window.allowed, remaining: window.remaining, dailyRemaining };
  }

  headers(counted: Counted): Record<string, string> {
    return {
      'X-RateLimit-Limit-Daily': String(this.dailyLimit),
      'X-RateLimit-Daily-Remaining': String(counted.dailyRemaining),
      'X-RateLimit-Interval-Milliseconds': String(this.rate.windowMs),
      'X-RateLimit-Max': String(this.rate.limit),
      'X-RateLimit-Remaining': String(counted.remaining),
    };
  }
}

/** Keeps the password out of the request log (it shares the body object) but hands it to the route. */
function takePassword(req: EmuRequest): { taken: boolean; value?: unknown } {
  if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body) || !('password' in req.body)) return { taken: false };
  const logged = req.body as Record<string, unknown>;
  const value = logged.password;
  const { password: _password, ...rest } = logged;
  req.body = rest;
  logged.password = '***';
  return { taken: true, value };
}

function header(req: EmuRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
