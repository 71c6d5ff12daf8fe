import { ListIndex } from '../../sandbox/emulator-kit.js';
import { newHighlevelId, type HighlevelState, type HighlevelToken, type StoredUser } from './emulator-state.js';

export const isGone = (u: StoredUser): boolean => u.deletedAt !== undefined;

/** Location tokens see account users of their own location only (HighLevel issue #230). */
export function canSee(token: HighlevelToken, user: StoredUser): boolean {
  if (token.kind === 'agency') return true;
  return user.type === 'account' && token.locationId !== undefined && user.locationIds.includes(token.locationId);
}

/** What a search filters on, besides the token and the sort. */
interface SearchFilter {
  text?: string;
  locationId: string | null;
  type: string | null;
  role: string | null;
  ids?: string[];
}

/**
 * The emulator's users, looked up and searched. Kept beside the state (which stays the plain data
 * tests read and adjust): its indexes and caches see users tests push by hand, and `changed()` after
 * every write by a route drops the kept search results.
 */
export class UserStore {
  // Users by id and by lower-cased email (HighLevel never changes an email), as Pulse's emulator keeps them:
  // at 100,000 users a scan of every user per write made each write take tens of milliseconds (npm run bench).
  private readonly usersById = new ListIndex(() => this.state.users, (u: StoredUser) => u.id);
  private readonly usersByEmail = new ListIndex(() => this.state.users, (u: StoredUser) => u.email.toLowerCase());
  private revision = 0;
  private sorted: { key: string; users: StoredUser[] } | undefined;
  private readonly searchViews = new Map<string, { key: string; from: number; until: number; users: StoredUser[] }>();

  constructor(private readonly state: HighlevelState) {}

  byId(id: string): StoredUser | undefined {
    return this.usersById.get(id)[0];
  }

  /** The users whose lower-cased email is `email`. */
  withEmail(email: string): readonly StoredUser[] {
    return this.usersByEmail.get(email);
  }

  /** The users whose lower-cased email is any of `emails`, in list order. */
  withEmails(emails: Iterable<string>): StoredUser[] {
    return this.usersByEmail.getAll(emails);
  }

  knownLocation(id: string): boolean {
    return this.state.locations.some((l) => l.id === id);
  }

  isPurged(u: StoredUser, now: number): boolean {
    return u.deletedAt !== undefined && now - u.deletedAt >= this.state.deleteDelayMs;
  }

  uniqueId(): string {
    for (;;) {
      const id = newHighlevelId();
      if (!this.byId(id)) return id;
    }
  }

  /** A route created, changed or deleted a user. */
  changed(): void {
    this.revision++;
  }

  /**
   * The users a search matches, in its order. Paging asks for the same search page after page, and
   * filtering every user for every page made a 100,000-user listing take 40 s (npm run bench), so the
   * matches are kept per search until the data changes (`revision`, the list's length, the delete delay)
   * or a deleted user in them reaches the end of its delay, when the search would no longer match it.
   */
  search(token: HighlevelToken, q: URLSearchParams, sortDirection: string): StoredUser[] {
    const now = Date.now();
    const filter: SearchFilter = {
      text: q.get('query')?.toLowerCase(),
      locationId: q.get('locationId'),
      type: q.get('type'),
      role: q.get('role'),
      ids: q.get('ids')?.split(',').filter(Boolean),
    };
    const sort = q.get('sort') ?? 'name';
    const { text, locationId, type, role, ids } = filter;
    const search = JSON.stringify([token.token, sort, sortDirection, text, locationId, type, role, ids]);
    const key = `${this.revision}|${this.state.users.length}|${this.state.deleteDelayMs}`;
    const cached = this.searchViews.get(search);
    if (cached && cached.key === key && cached.from <= now && now < cached.until) return cached.users;
    let until = Infinity;
    const users = this.sortedUsers(sort, sortDirection).filter((u) => {
      const matches = !this.isPurged(u, now) && canSee(token, u) && matchesFilter(u, filter);
      // A deleted user still in the results leaves them once its delay is over.
      if (matches && u.deletedAt !== undefined) until = Math.min(until, u.deletedAt + this.state.deleteDelayMs);
      return matches;
    });
    if (this.searchViews.size >= 16) this.searchViews.clear();
    this.searchViews.set(search, { key, from: now, until, users });
    return users;
  }

  // Paging through a large company asks for the same order page after page (npm run bench has
  // 100,000 users): sort once per change of the data, with each user's key computed once.
  private sortedUsers(sort: string, direction: string): StoredUser[] {
    const cacheKey = `${sort}|${direction}|${this.revision}|${this.state.users.length}`;
    if (this.sorted?.key === cacheKey) return this.sorted.users;
    const keyOf = (u: StoredUser): string | number =>
      sort === 'dateAdded' ? u.dateAdded : sort === 'email' ? u.email.toLowerCase() : `${u.firstName} ${u.lastName}`.toLowerCase();
    const keyed = this.state.users.map((u) => ({ u, key: keyOf(u) }));
    keyed.sort((a, b) => {
      const order = a.key < b.key ? -1 : a.key > b.key ? 1 : a.u.id < b.u.id ? -1 : a.u.id > b.u.id ? 1 : 0;
      return direction === 'desc' ? -order : order;
    });
    this.sorted = { key: cacheKey, users: keyed.map(({ u }) => u) };
    return this.sorted.users;
  }
}

function matchesFilter(u: StoredUser, { text, locationId, type, role, ids }: SearchFilter): boolean {
  return (
    (!locationId || u.locationIds.includes(locationId)) &&
    (!type || u.type === type) &&
    (!role || u.role === role) &&
    (!ids || ids.includes(u.id)) &&
    (!text || [`${u.firstName} ${u.lastName}`, u.email, u.phone ?? ''].some((v) => v.toLowerCase().includes(text)))
  );
}
