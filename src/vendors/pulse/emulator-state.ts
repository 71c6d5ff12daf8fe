import type { PulseFixture } from './emulator-fixture.js';

/**
 * The Pulse emulator's store: users with their per-account memberships, teams, sessions and the audit log,
 * seeded from the fixture; ids and the version that list views are keyed on.
 */

export type TeamId = number | string;

export interface PulseMembership {
  accountId: string;
  roles: string[];
  teamId: TeamId | null;
  active: boolean;
  usersPrimaryAccount: boolean;
  accountAdmin: boolean;
}

export interface PulseUserRow {
  id: number;
  email: string;
  name: string | null;
  phone: string | null;
  imgSrc: string | null;
  /** An object in the seed's User schema (`type: object`, example `{}`). */
  notificationPreferences: Record<string, unknown>;
  password?: string;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
  memberships: PulseMembership[];
}

export interface PulseTeam {
  id: TeamId;
  name: string;
  accountId: string;
  createdAt: string;
}

export interface Principal {
  kind: 'apiKey' | 'user';
  /** Rate-limit and audit identity: the key itself, or the user's email. */
  id: string;
  email: string;
  apiKey?: string;
}

export interface PulseSession {
  token: string;
  expiresAt: number;
  principal: Principal;
}

export interface AuditEntry {
  id: number;
  event: string;
  user: string;
  apiKey: string | null;
  data: unknown;
  created: string;
  requestMethod: string;
  requestPath: string;
  account_id: string;
}

/** The emulator's live data (Emulator.state); tests read and adjust it. */
export class PulseState {
  readonly accounts: PulseFixture['accounts'];
  readonly apiKeys: PulseFixture['apiKeys'];
  readonly roles: PulseFixture['roles'];
  readonly teams: PulseTeam[];
  readonly users: PulseUserRow[];
  readonly sessions = new Map<string, PulseSession>();
  readonly audit: AuditEntry[] = [];
  /** Successful logins, for tests counting re-logins. */
  logins = 0;
  /** Bumped on every change to users, so list results can be reused between pages. */
  version = 0;
  private readonly byEmail = new Map<string, PulseUserRow>();
  private readonly byId = new Map<number, PulseUserRow>();
  tokenTtlMs: number;
  private nextUserId: number;
  private nextTeamId: number;

  constructor(fixture: PulseFixture, tokenTtlMs: number) {
    this.accounts = fixture.accounts;
    this.apiKeys = fixture.apiKeys;
    this.roles = fixture.roles;
    this.tokenTtlMs = tokenTtlMs;
    this.teams = fixture.teams.map((t) => ({ ...t, createdAt: '2025-01-01T00:00:00.000Z' }));
    this.users = fixture.users.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      phone: u.phone,
      imgSrc: u.imgSrc,
      notificationPreferences: u.notificationPreferences,
      password: u.password,
      createdBy: u.createdBy,
      createdAt: u.createdAt,
      updatedBy: u.updatedBy ?? u.createdBy,
      updatedAt: u.updatedAt ?? u.createdAt,
      memberships: u.accounts.map((a) => ({ ...a, roles: [...a.roles] })),
    }));
    // Kept in id order (new ids only grow), so `sort=id` needs no sorting at all.
    this.users.sort((a, b) => a.id - b.id);
    for (const user of this.users) this.index(user);
    this.nextUserId = Math.max(1000, ...this.users.map((u) => u.id)) + 1;
    const numericTeams = this.teams.map((t) => t.id).filter((id): id is number => typeof id === 'number');
    this.nextTeamId = Math.max(0, ...numericTeams) + 1;
  }

  /** Makes every issued token expired, as if the TTL had passed. */
  expireAllTokens(): void {
    for (const session of this.sessions.values()) session.expiresAt = 0;
  }

  userByEmail(email: string): PulseUserRow | undefined {
    return this.byEmail.get(email.toLowerCase());
  }

  userById(id: number): PulseUserRow | undefined {
    return this.byId.get(id);
  }

  addUser(user: PulseUserRow): void {
    this.users.push(user);
    this.index(user);
    this.changed();
  }

  /** Every change to users calls this (tests changing users directly should too): list views are rebuilt. */
  changed(): void {
    this.version++;
  }

  private index(user: PulseUserRow): void {
    this.byEmail.set(user.email.toLowerCase(), user);
    this.byId.set(user.id, user);
  }

  membership(user: PulseUserRow, accountId: string): PulseMembership | undefined {
    return user.memberships.find((m) => m.accountId === accountId);
  }

  newUserId(): number {
    return this.nextUserId++;
  }

  newTeamId(): number {
    return this.nextTeamId++;
  }

  permissionsOf(roles: string[]): string[] {
    const perms = new Set<string>();
    for (const name of roles) for (const p of this.roles.find((r) => r.name === name)?.permissions ?? []) perms.add(p);
    return [...perms].sort();
  }
}
