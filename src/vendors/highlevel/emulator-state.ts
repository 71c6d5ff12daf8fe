import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { fullPermissions, type Permissions } from './emulator-spec.js';

// The HighLevel emulator's plain data: the fixture it is seeded from, the users it holds, and their ids.

const fixtureUserSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9]{20}$/, { error: 'a 20-character alphanumeric id' }).optional(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().min(3),
    phone: z.string().optional(),
    extension: z.string().optional(),
    type: z.enum(['account', 'agency']),
    role: z.enum(['admin', 'user']),
    locationIds: z.array(z.string()).default([]),
    restrictSubAccount: z.boolean().default(false),
    permissions: z.record(z.string(), z.boolean()).optional(),
    scopes: z.array(z.string()).optional(),
    scopesAssignedToOnly: z.array(z.string()).optional(),
    platformLanguage: z.string().optional(),
    deleted: z.boolean().optional(),
  })
  .strict();

const fixtureSchema = z
  .object({
    $comment: z.string().optional(),
    companyId: z.string().min(1),
    locations: z.array(z.object({ id: z.string().min(1), name: z.string().optional() }).strict()).default([]),
    tokens: z
      .array(
        z
          .object({
            token: z.string().min(1),
            kind: z.enum(['agency', 'location']),
            locationId: z.string().optional(),
            scopes: z.array(z.string()).default(['users.readonly', 'users.write']),
          })
          .strict(),
      )
      .min(1),
    users: z.array(fixtureUserSchema).default([]),
    deleteDelayMs: z.number().int().min(0).optional(),
    /** The emulator option of the same name, for a sandbox that should page like a small-limit tenant. */
    maxPageSize: z.number().int().min(1).optional(),
  })
  .strict();

export type HighlevelFixture = z.input<typeof fixtureSchema>;

export interface HighlevelToken {
  token: string;
  kind: 'agency' | 'location';
  locationId?: string;
  scopes: string[];
}

export interface StoredUser {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone?: string;
  extension: string;
  type: 'account' | 'agency';
  role: 'admin' | 'user';
  locationIds: string[];
  restrictSubAccount: boolean;
  permissions: Permissions;
  scopes: string[];
  scopesAssignedToOnly: string[];
  twilioPhone: Record<string, string>;
  profilePhoto?: string;
  platformLanguage?: string;
  /** What the vendor holds; never returned by any route, and blanked in the request log. */
  password?: string;
  dateAdded: number;
  /** Set by DELETE: the user is gone for GET at once, and from search `deleteDelayMs` later. */
  deletedAt?: number;
}

export interface HighlevelState {
  companyId: string;
  locations: { id: string; name?: string }[];
  tokens: HighlevelToken[];
  users: StoredUser[];
  deleteDelayMs: number;
  maxPageSize: number;
}

/** The emulator options the state takes (see HighlevelEmulatorOptions); the fixture's values come second. */
export interface HighlevelStateOptions {
  deleteDelayMs?: number;
  maxPageSize?: number;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function newHighlevelId(): string {
  const bytes = randomBytes(40);
  let id = '';
  for (const byte of bytes) {
    if (byte >= 248) continue; // 248 = 4 * 62: keeps the alphabet uniform
    id += ID_ALPHABET[byte % 62];
    if (id.length === 20) return id;
  }
  return newHighlevelId();
}

export function createHighlevelState(fixture: unknown, options: HighlevelStateOptions = {}): HighlevelState {
  const parsed = fixtureSchema.safeParse(fixture);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`HighLevel sandbox fixture is invalid: ${detail}`);
  }
  const data = parsed.data;
  const started = Date.now();
  return {
    companyId: data.companyId,
    locations: data.locations,
    tokens: data.tokens,
    users: data.users.map((u, index) => seededUser(u, started - (data.users.length - index) * 1000)),
    // A real deletion takes "a few minutes"; a minute keeps the sandbox close without slowing demos.
    deleteDelayMs: options.deleteDelayMs ?? data.deleteDelayMs ?? 60_000,
    // Undocumented maximum: 100 unless the test or fixture sets a cap (the SDK's 25, say). shared/vendors/README.md
    maxPageSize: options.maxPageSize ?? data.maxPageSize ?? 100,
  };
}

/** A fixture user as stored: an id when it has none, full permissions, and `dateAdded` in fixture order. */
function seededUser(u: z.output<typeof fixtureUserSchema>, dateAdded: number): StoredUser {
  return {
    id: u.id ?? newHighlevelId(),
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    phone: u.phone,
    extension: u.extension ?? '',
    type: u.type,
    role: u.role,
    locationIds: [...u.locationIds],
    restrictSubAccount: u.restrictSubAccount,
    permissions: fullPermissions(u.permissions),
    scopes: [...(u.scopes ?? [])],
    scopesAssignedToOnly: [...(u.scopesAssignedToOnly ?? [])],
    twilioPhone: {},
    platformLanguage: u.platformLanguage,
    dateAdded,
    deletedAt: u.deleted ? 0 : undefined,
  };
}
