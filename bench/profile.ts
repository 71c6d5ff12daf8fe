import type { BenchOffice, BenchPerson } from './people.js';

export type { BenchOffice, BenchPerson };

/**
 * What the benchmark needs to know about one vendor: its entry in roster.yaml, what the two roles
 * and each office mean there, and the vendor's live users before the plan, in the emulator's own
 * fixture format. Each vendor's profile is `src/vendors/<kind>/bench.ts`, exporting `benchProfile`:
 * a vendor joins the benchmark from its own folder (bench/vendors.ts finds it through the registry).
 */
export interface BenchVendor {
  kind: string;
  /** The path list pages are read from (or, read by key, the per-person GET): the floor loop reads the GETs on it. */
  listPath: string;
  /**
   * Read by key (SimplePin publishes no user list): the floor is one GET per declared person, not list
   * pages, and a real plan is bounded by the vendor's rate limit times that count.
   */
  readByKey?: boolean;
  /** Users per list page with the default config (the floor is live users / pageSize, rounded up). */
  pageSize: number;
  /** Live users the key can see in a fixture: what the plan must page through. */
  liveUsers(fixture: unknown): number;
  /** The roster.yaml vendor entry, less `baseUrl` (the sandbox sets it). */
  config: Record<string, unknown>;
  /** `roles[].<kind>` for the two generated roles. */
  roles: { manager: unknown; rep: unknown };
  /** `offices[].<kind>`. */
  office(office: BenchOffice): unknown;
  /** The emulator fixture: the live users, 90% matching git, 5% drifted, 5% missing. */
  fixture(people: BenchPerson[], offices: BenchOffice[]): unknown;
  /**
   * Requests every plan of this vendor sends beside the pages that hold users, whatever roster does: a
   * login, a listing per status filter, a probe read. They count in the floor, with the reason.
   */
  requiredReads?: { count: number; why: string };
  /** Writes one create takes where the vendor sets some fields through other endpoints (default 1). */
  writesPerCreate?: { count: number; why: string };
  /**
   * Why this vendor's requests may exceed the floor (list pages, plus one write per change), in
   * words for the report. Empty when roster should meet the floor exactly.
   */
  overFloorReason?: string;
}

/** The environment variable a generated roster.yaml names for a credential: `BENCH_PULSE_API_KEY`. */
export const envName = (kind: string, field: string) => `BENCH_${kind.toUpperCase()}_${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** A user id per person that leaves room for whatever the emulator creates after it. */
export const liveId = (person: BenchPerson) => 100_000 + person.index;

/** A different, still valid, number for a drifted phone. */
export function driftedPhone(phone: string): string {
  return phone.slice(0, 5) + '9' + phone.slice(6);
}

/** Live users in a fixture that keeps them in a `users` array. */
export const usersOf = (fixture: unknown) => (fixture as { users: unknown[] }).users.length;
