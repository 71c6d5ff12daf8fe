import { ListingChangedError } from '../errors/listing.js';
import { checkUserCount, TooManyUsersError, type UserLimit } from '../errors/user-limit.js';

export interface PagesAheadOptions<T> {
  /** Requests the page at this 0-based position. */
  fetch: (index: number) => Promise<T>;
  /** How many pages there are in all, when this answer says so; undefined when it does not. */
  pageCount: (answer: T) => number | undefined;
  /** Pages asked for ahead of the one being read. */
  ahead?: number;
  /**
   * The most pages this answer's own total of users allows (`ceil(total / pageSize)`); undefined when
   * it gives no total. The first such answer sets the ceiling: a vendor that keeps answering past it
   * (plus `slack` for users added while reading) has a listing that cannot be trusted.
   */
  maxPages?: (answer: T) => number | undefined;
  /** Pages past the ceiling tolerated for users added while the list is read. Default 2. */
  slack?: number;
  /** Pages read at most, whatever the answers claim (10,000 by default: a million users at 100 a page). */
  hardLimit?: number;
  /**
   * The users this answer says the listing holds, when it says. Checked against the vendor's
   * `policy.maxUsers` (src/errors/user-limit.ts) as each answer arrives, so a vendor claiming a billion
   * users is refused on its first page.
   */
  total?: (answer: T) => number | undefined;
  /**
   * The vendor's `policy.maxUsers`, as the engine hands it to the adapter's `list`: claimed totals and page
   * counts are checked against it. Unset (a lookup outside a plan's listing): not checked.
   */
  limit?: UserLimit;
  /** Names an answer in a refusal ("enerflo: GET /api/v3/users page 3"); default "page N of the listing". */
  describe?: (index: number) => string;
}

export const DEFAULT_PAGE_HARD_LIMIT = 10_000;

/**
 * Reads a paged list in order: each call answers the next page. Once an answer says how many pages
 * there are, the following ones are asked for while the caller reads this one, so the vendor prepares
 * page n+1 while roster parses and checks page n. Only pages the latest answer says exist are asked for
 * ahead, so a list that holds still costs exactly its pages. The caller stops by no longer calling;
 * what is still in flight then is dropped.
 */
export function pageReader<T>(options: PagesAheadOptions<T>): () => Promise<T> {
  const ahead = options.ahead ?? 2;
  const pending = new Map<number, Promise<T>>();
  let requested = 0;
  let index = 0;
  let ceiling: number | undefined;
  const slack = options.slack ?? 2;
  const hardLimit = options.hardLimit ?? DEFAULT_PAGE_HARD_LIMIT;
  const limit = options.limit;
  const request = () => {
    const answer = options.fetch(requested);
    // Read (or dropped) later; a page asked for ahead that fails only matters if the caller reads it.
    answer.catch(() => undefined);
    pending.set(requested++, answer);
  };
  return async () => {
    const at = index++;
    // A vendor claiming ever more pages is not followed for days: past its total, or the hard limit, stop.
    if (at >= hardLimit) throw new ListingChangedError(`the listing is still going at page ${at + 1}; stopped at the limit of ${hardLimit} pages`);
    if (ceiling !== undefined && at >= ceiling + slack) {
      throw new ListingChangedError(`the listing is still going at page ${at + 1}, though the vendor's total of users allows ${ceiling} pages`);
    }
    while (requested <= at) request();
    const answer = await pending.get(at)!;
    pending.delete(at);
    const where = options.describe?.(at) ?? `page ${at + 1} of the listing`;
    const total = options.total?.(answer);
    if (total !== undefined) checkUserCount(total, where, limit);
    const count = options.pageCount(answer);
    // Every page holds at least one user, so a vendor claiming more pages than users allowed claims too many users.
    if (count !== undefined && limit !== undefined && count > limit.maxUsers) {
      throw new TooManyUsersError(`${where} counts ${count} pages, more than the limit of ${limit.maxUsers} users for ${limit.vendor} (policy.maxUsers) could fill; not read further`);
    }
    const allowed = options.maxPages?.(answer);
    if (ceiling === undefined && allowed !== undefined && Number.isFinite(allowed)) ceiling = Math.max(1, allowed);
    const bound = Math.min(hardLimit, ceiling === undefined ? Infinity : ceiling + slack);
    if (count !== undefined) while (requested < Math.min(count, at + 1 + ahead, bound)) request();
    return answer;
  };
}
