import { createHash } from 'node:crypto';
import { besideState, ListIndex } from '../../sandbox/emulator-kit.js';
import { ACCOUNT_OWNER, type UserAddUpdateModel } from './documented.js';

/** The SimplePin emulator's store: companies by their two keys, users as stored, seeded from the fixture. */

export interface PartnerFixtureUser extends UserAddUpdateModel {
  company_id?: number | string;
  creation_date?: string;
}

export interface PartnerFixture {
  /** Each company's two API keys (Admin → Settings → API settings) identify it; `owner` is its ACCOUNT_OWNER. */
  companies: { id: number | string; name: string; keys: { authorization: string; token: string }; owner: PartnerFixtureUser }[];
  users?: PartnerFixtureUser[];
  options?: {
    /** Serve `GET /v2/user/list` (not published by SimplePin; a tenant may have one). Off by default. */
    listEndpoint?: boolean;
  };
}

/** What the emulator stores for a user: the whole model, personal data included, `password` only as a hash. */
export interface StoredUser extends Omit<UserAddUpdateModel, 'password' | 'send_email'> {
  user_code: string;
  company_id: number;
  creation_date: string;
  /** Insertion order, so a listing is stable. */
  seq: number;
  password_sha256?: string;
}

export interface PartnerEmulatorState {
  /** `authorization\ntoken` → company id. */
  companyByKeys: Map<string, number>;
  companies: Map<number, { id: number; name: string }>;
  users: StoredUser[];
  nextSeq: number;
  listEndpoint: boolean;
  /** Emails that were sent an invitation (`send_email: true`, in the body or the query). */
  invitesSent: string[];
}

/** `authorization\ntoken`: the key `companyByKeys` is looked up by. */
export const keysOf = (authorization: string, token: string) => `${authorization}\n${token}`;

export function partnerStateFrom(fixture: unknown): PartnerEmulatorState {
  const f = (fixture ?? {}) as Partial<PartnerFixture>;
  const state: PartnerEmulatorState = {
    companyByKeys: new Map(),
    companies: new Map(),
    users: [],
    nextSeq: 1,
    listEndpoint: f.options?.listEndpoint === true,
    invitesSent: [],
  };
  const pending: PartnerFixtureUser[] = [];
  for (const c of f.companies ?? []) {
    const id = Number(c.id);
    state.companies.set(id, { id, name: c.name });
    if (c.keys) state.companyByKeys.set(keysOf(c.keys.authorization, c.keys.token), id);
    if (c.owner) pending.push({ ...c.owner, company_id: id, role: ACCOUNT_OWNER });
  }
  pending.push(...(f.users ?? []));
  for (const u of pending) {
    const { password, send_email: _sendEmail, company_id, user_code, creation_date, ...rest } = u;
    const seq = state.nextSeq++;
    const stored: StoredUser = {
      ...rest,
      user_code: user_code ?? generatedCode(seq),
      company_id: Number(company_id),
      creation_date: creation_date ?? '2025-01-01T00:00:00.000+0000',
      seq,
      state: rest.state ?? 'ACTIVE',
    };
    if (password) stored.password_sha256 = sha256(password);
    state.users.push(stored);
  }
  return state;
}

/** Users by company and user_code, and by company and lower-cased email: no scan of every user per request. */
export const indexesOf = besideState((state: PartnerEmulatorState) => ({
  byCompanyCode: new ListIndex(() => state.users, (u: StoredUser) => `${u.company_id} ${u.user_code}`),
  byCompanyEmail: new ListIndex(() => state.users, (u: StoredUser) => companyEmail(u.company_id, u.email)),
}));

/** Emails are unique per company, whatever their case (inferred); a user without one is keyed as "". */
export function companyEmail(companyId: number, email: string | null | undefined): string {
  return `${companyId} ${(email ?? '').toLowerCase()}`;
}

/** A code for a user added without one (inferred: SimplePin's own format is not documented). */
export function generatedCode(seq: number): string {
  return `U${String(seq).padStart(6, '0')}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
