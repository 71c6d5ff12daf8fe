import { WindowCounter, startEmulator, type Emulator, type EmulatorOptions } from '../../sandbox/emulator-kit.js';
import { PARTNER_RATE_LIMIT } from './documented.js';
import { parseXmlBody } from './emulator-codec.js';
import { errorBody, header, springError } from './emulator-http.js';
import { partnerRouter } from './emulator-routes.js';
import { keysOf, partnerStateFrom } from './emulator-state.js';

/**
 * A local SimplePin API v2.0 (vendor kind `partner`), written from shared/vendors/README.md and published.md:
 * two company keys in the `Authorization` and `Token` headers, users addressed by `user_code` (`add`, `get`,
 * `update`), UserResponseV2Model answers without an id, updates that must carry the whole add model, and no
 * list endpoint unless the fixture turns one on (`options.listEndpoint`). What the documents leave open (error
 * shapes, status codes, the rate limit) is inferred and listed in src/vendors/partner/README.md. It imports
 * nothing of the adapter: only the documented model (documented.ts) and a body codec of its own (emulator-codec.ts).
 *
 * This file starts it and checks the keys and the budget; the store is emulator-state.ts, the routes
 * emulator-routes.ts, the answers and errors emulator-http.ts.
 */

export { DEFAULT_PAGE_SIZE, LIST_PATH, MAX_PAGE_SIZE, REQUIRED_AT_CREATION } from './emulator-routes.js';
export {
  partnerStateFrom,
  type PartnerEmulatorState,
  type PartnerFixture,
  type PartnerFixtureUser,
  type StoredUser,
} from './emulator-state.js';

export function startPartnerEmulator(fixture: unknown, options: EmulatorOptions = {}): Promise<Emulator> {
  const state = partnerStateFrom(fixture);
  const budget = options.rateLimit ?? PARTNER_RATE_LIMIT;
  const counter = new WindowCounter(budget.limit, budget.windowMs);

  return startEmulator(
    {
      name: 'partner',
      router: partnerRouter(state),
      state,
      parseBody: parseXmlBody,
      before(req) {
        // Two keys, "Authorization" and "Token", together identify the company (published.md, SimplePin auth).
        const authorization = header(req, 'authorization');
        const token = header(req, 'token');
        if (!authorization || !token) {
          return springError(req, 401, `Full authentication is required to access this resource: send both API keys, as the Authorization and Token headers`);
        }
        const companyId = state.companyByKeys.get(keysOf(authorization, token));
        if (companyId === undefined) return springError(req, 401, 'Invalid API keys');
        const taken = counter.take(String(companyId));
        if (!taken.allowed) {
          const seconds = Math.max(1, Math.ceil((taken.resetAt - Date.now()) / 1000));
          const res = springError(req, 429, `Rate limit of ${budget.limit} requests per ${budget.windowMs / 1000} s exceeded`);
          res.headers = { ...res.headers, 'retry-after': String(seconds) };
          return res;
        }
        return undefined;
      },
      tooManyRequests: () => ({ ...errorBody(429, 'Rate limit exceeded', ''), headers: { 'retry-after': '1' } }),
      serverError: (status) => errorBody(status, '', ''),
      notFound: () => errorBody(404, 'No message available', ''),
    },
    options,
  );
}
