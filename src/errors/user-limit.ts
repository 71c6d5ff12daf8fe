/**
 * The most users one vendor's listing may hold (a vendor's `policy.maxUsers`): the engine hands it to the
 * vendor's `list` (ListReader), which hands it to the shared pages helper, and both check a vendor's claimed
 * total against it on the first page, so a vendor claiming a billion users is refused after one request, not
 * followed for days. Passed as an argument, not kept in an AsyncLocalStorage: on Node 20 that turns on
 * promise hooks for the whole process, which cost a plan at 10,000 people 10-20 ms (issue 26).
 * Imports nothing of roster's, so adapters, the HTTP helpers and the engine may all use it.
 */
export const DEFAULT_MAX_USERS = 200_000;

export interface UserLimit {
  maxUsers: number;
  /** The vendor instance, for the message. */
  vendor: string;
}

/** A listing over the vendor's `policy.maxUsers`: refused for that vendor alone, and never read again this run. */
export class TooManyUsersError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TooManyUsersError';
  }
}

/**
 * Throws when `count` users (a total the vendor claims, or users read) is over `limit` (none: no check).
 * `where` says which answer claimed it (`enerflo: GET /api/v3/users page 1`).
 */
export function checkUserCount(count: number, where: string, limit: UserLimit | undefined): void {
  if (limit === undefined || !(count > limit.maxUsers)) return;
  throw new TooManyUsersError(
    `${where} counts ${count} users, over the limit of ${limit.maxUsers} for ${limit.vendor} (policy.maxUsers); not read further. ` +
      `If the vendor really has that many, raise policy.maxUsers on vendor "${limit.vendor}"`,
  );
}
