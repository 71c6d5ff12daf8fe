import type { EmuRequest, EmuResponse, WindowCounter } from '../../sandbox/emulator-kit.js';
import { fail, now } from './emulator-http.js';
import type { Principal, PulseSession, PulseState } from './emulator-state.js';

/**
 * Where the emulator serves each resource, below its prefix. The defaults follow the documents where
 * they speak: `/auth/login` (published.md, developers.chargeloop.com) and `/users` (seed page); the
 * roles and teams paths are inferred (shared/vendors/README.md). `userRoles` holds `{id}`.
 */
export interface PulsePaths {
  login: string;
  session: string;
  users: string;
  userRoles: string;
  roles: string;
  teams: string;
}

export const PULSE_DEFAULT_PATHS: PulsePaths = {
  login: '/auth/login',
  session: '/auth/session',
  users: '/users',
  userRoles: '/users/{id}/roles',
  roles: '/roles',
  teams: '/teams',
};

/** What authentication resolved for one request; its handler runs right after. */
export interface RequestContext {
  principal: Principal;
  accountId: string;
  session: PulseSession;
}

/** One running Pulse emulator as its handlers see it: the store, where routes live, who is asking, the budget. */
export class PulseApp {
  readonly loginPath: string;
  private readonly context = new WeakMap<EmuRequest, RequestContext>();

  constructor(
    readonly state: PulseState,
    readonly paths: PulsePaths,
    /** Without a trailing slash. */
    private readonly prefix: string,
    private readonly counter: WindowCounter,
  ) {
    this.loginPath = this.at(paths.login);
  }

  /** A route pattern for the kit's router: the prefix, then the path with `{id}` as `:id`. */
  at(path: string): string {
    return this.prefix + path.replace(/\{id\}/g, ':id');
  }

  enter(req: EmuRequest, context: RequestContext): void {
    this.context.set(req, context);
  }

  ctx(req: EmuRequest): RequestContext {
    const found = this.context.get(req);
    if (!found) throw new Error('route reached without authentication');
    return found;
  }

  record(req: EmuRequest, event: string, data: unknown): void {
    const ctx = this.context.get(req);
    this.state.audit.push({
      id: this.state.audit.length + 1,
      event,
      user: ctx?.principal.email ?? 'anonymous',
      apiKey: ctx?.principal.apiKey ? `${ctx.principal.apiKey.slice(0, 4)}…` : null,
      data,
      created: now(),
      requestMethod: req.method,
      requestPath: req.path,
      account_id: ctx?.accountId ?? '',
    });
  }

  /** Takes one request from `key`'s budget; a 429 with Retry-After when it is spent. */
  limited(key: string): EmuResponse | undefined {
    const taken = this.counter.take(key);
    if (taken.allowed) return undefined;
    const seconds = Math.max(1, Math.ceil((taken.resetAt - Date.now()) / 1000));
    return fail(429, `Rate limit of ${this.counter.limit} requests per ${this.counter.windowMs / 1000} s exceeded; retry in ${seconds} s`, {
      'retry-after': String(seconds),
    });
  }
}
