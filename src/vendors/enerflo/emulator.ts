import { STATUS_CODES } from 'node:http';
import { json, startEmulator, WindowCounter, type EmuRequest, type EmuResponse, type Emulator, type EmulatorOptions } from '../../sandbox/emulator-kit.js';
import { ENERFLO_RATE } from './documented.js';
import { enerfloRouter } from './emulator-routes.js';
import { derivedOf, enerfloStateFrom, type EnerfloApiKey } from './emulator-state.js';

export { enerfloStateFrom } from './emulator-state.js';
export type { EnerfloApiKey, EnerfloCompany, EnerfloFixture, EnerfloOffice, EnerfloState, EnerfloUser } from './emulator-state.js';

/*
 * A local Enerflo that behaves as shared/vendors/README.md and published.md (Enerflo) say. It imports no
 * adapter-side code: only the documented lists of documented.ts (an independent witness, README rule 2).
 *
 * Documented (published.md):
 * - Create `POST /api/v1/users` with `email`, `roles` (Role Names), `notify_email` and `allow_optimus`
 *   required; `can_create_customers`, `can_reassign_leads`, `first_name`, `last_name`, `phone`, `password`,
 *   `timezone` (an enum), `external_user_id`, and on Sales Rep only `manager_email`, `manager_id`, `office_id`.
 * - Update `PUT /api/v3/users` with `id` in the body and only `manager_email, first_name, last_name, phone,
 *   email, active, roles, office_ids`: anything else is not applied (noted in `state.ignored`), so a client
 *   that believes it changed a create-only field sees it unchanged on the next read.
 * - The default list leaves out inactive users; `status=inactive` lists them (help centre; clients), and
 *   `status=suspended` the suspended ones (the help centre names both statuses; the API filter is inferred).
 * - Phones: ten digits, written 555-555-5555, 5555555555 or (555) 555-5555.
 *
 * Wire shapes chosen where the documents are silent (inferred, shared/vendors/README.md):
 * - Auth: `api-key` header, also `X-Api-Key` or `?api_key=`; 401 `{message: "Unauthenticated."}` otherwise.
 *   A key belongs to one company: it sees, creates and updates that company's users only.
 * - Create answers **201** with the created user; update answers 200 with the user. An unknown id is a 422
 *   ("The selected id is invalid.", Laravel's `exists` rule), not a 404.
 * - `GET /api/v3/users/{id}`: 200 with the user, 404 `{message}` when unknown, deleted or in another company.
 * - Deleted users never appear, but their emails stay taken (across every company).
 * - A listed user carries the create page's names: `{id, company_id, email, first_name, last_name, name,
 *   phone, active, roles, office_ids, manager_id, manager_email, timezone, external_user_id,
 *   can_create_customers, allow_optimus, can_reassign_leads, created_at, updated_at}`, with `phone` the
 *   stored ten digits, `office_ids` integers (the first applies to all roles, the rest to Regional Manager).
 * - Validation failures: Laravel's 422 `{message, errors: {field: [text]}}`.
 * - Manager and office fields on a create without Sales Rep (and a manager on an update that leaves no
 *   Sales Rep) are ignored, and noted in `state.ignored`.
 *
 * This file wires the server: auth and the rate budget. The data, its indexes and the listed shape are in
 * emulator-state.ts, the routes in emulator-routes.ts (reads) and emulator-writes.ts (create, update), and
 * the field rules in emulator-validation.ts.
 */

export async function startEnerfloEmulator(fixture: unknown, options: EmulatorOptions = {}): Promise<Emulator> {
  const state = enerfloStateFrom(fixture);
  // Enerflo's documented 300 a minute per key, unless a test sets a shorter window.
  const budget = options.rateLimit ?? ENERFLO_RATE;
  const counter = new WindowCounter(budget.limit, budget.windowMs);
  /** Per request: the caller's key and what the rate counter said, for `decorate`. */
  const seen = new WeakMap<EmuRequest, { apiKey: EnerfloApiKey; remaining: number }>();

  const router = enerfloRouter(state, (req) => {
    const found = seen.get(req);
    if (!found) throw new Error('request reached a route without authentication');
    return found.apiKey;
  });

  return startEmulator(
    {
      name: 'enerflo',
      router,
      state,
      before(req) {
        if (req.method !== 'GET') derivedOf(state).writes++;
        const given = keyOf(req);
        const apiKey = given ? state.apiKeys.find((k) => k.key === given) : undefined;
        if (!apiKey) return json(401, { message: 'Unauthenticated.' });
        const now = Date.now();
        const taken = counter.take(apiKey.key, now);
        if (!taken.allowed) return tooManyRequests(budget.limit, taken.resetAt, now);
        seen.set(req, { apiKey, remaining: taken.remaining });
        return undefined;
      },
      decorate(req, res) {
        const headers = (res.headers ??= {});
        headers['x-ratelimit-limit'] ??= String(budget.limit);
        headers['x-ratelimit-remaining'] ??= String(res.status === 429 ? 0 : (seen.get(req)?.remaining ?? budget.limit));
      },
      tooManyRequests: () => tooManyRequests(budget.limit, Date.now() + 1_000, Date.now()),
      serverError: (status) => json(status, { message: status === 503 ? STATUS_CODES[503] : 'Server Error' }),
      notFound: () => json(404, { message: STATUS_CODES[404] }),
    },
    options,
  );
}

function keyOf(req: EmuRequest): string | undefined {
  const header = req.headers['api-key'] ?? req.headers['x-api-key'];
  const value = Array.isArray(header) ? header[0] : header;
  return value || req.query.get('api_key') || undefined;
}

/** Enerflo's documented 429: the counters, `retry-after`, `x-ratelimit-reset` in epoch seconds, and an HTML body. */
function tooManyRequests(limit: number, resetAt: number, now: number): EmuResponse {
  return {
    status: 429,
    text: `<!DOCTYPE html>\n<html><head><title>${STATUS_CODES[429]}</title></head><body>Too many requests.</body></html>\n`,
    contentType: 'text/html; charset=UTF-8',
    headers: {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': '0',
      'retry-after': String(Math.max(1, Math.ceil((resetAt - now) / 1000))),
      'x-ratelimit-reset': String(Math.ceil(resetAt / 1000)),
    },
  };
}
