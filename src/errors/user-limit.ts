import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The most users one vendor's listing may hold (a vendor's `policy.maxUsers`), known to whatever reads its
 * pages without a parameter through every adapter: the engine runs a vendor's listing inside
 * `withUserLimit`, and the shared pages helper and the adapters check a vendor's claimed total against it
 * on the first page, so a vendor claiming a billion users is refused after one request, not followed for days.
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

const current = new AsyncLocalStorage<UserLimit>();

/** Runs `read` (one vendor's listing) with its limit known to the pages helper and the adapter. */
export function withUserLimit<T>(limit: UserLimit, read: () => Promise<T>): Promise<T> {
  return current.run(limit, read);
}

/** The limit of the listing being read now, if the engine set one. */
export function userLimit(): UserLimit | undefined {
  return current.getStore();
}

/**
 * Throws when `count` users (a total the vendor claims, or users read) is over the current limit.
 * `where` says which answer claimed it (`enerflo: GET /api/v3/users page 1`).
 */
export function checkUserCount(count: number, where: string, limit: UserLimit | undefined = userLimit()): void {
  if (limit === undefined || !(count > limit.maxUsers)) return;
  throw new TooManyUsersError(
    `${where} counts ${count} users, over the limit of ${limit.maxUsers} for ${limit.vendor} (policy.maxUsers); not read further. ` +
      `If the vendor really has that many, raise policy.maxUsers on vendor "${limit.vendor}"`,
  );
}
