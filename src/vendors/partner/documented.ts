/**
 * SimplePin's user models (API v2.0; the seed page's UserAddUpdateV2Model and published.md's UserResponseV2Model),
 * shared by the adapter and the emulator as documented data only. Field names are the wire's snake_case; the
 * same model serves add and update.
 */

export const PARTNER_ROLES = ['ACCOUNT_OWNER', 'MANAGER', 'CUSTOMER_CARE', 'ACCOUNTING'] as const;
export type PartnerRoleName = (typeof PARTNER_ROLES)[number];
export const ACCOUNT_OWNER: PartnerRoleName = 'ACCOUNT_OWNER';

/** States (shared/vendors/README.md, SimplePin): leaving is an update with `state: INACTIVE`. */
export const PARTNER_STATES = ['ACTIVE', 'INACTIVE'] as const;
export type PartnerState = (typeof PARTNER_STATES)[number];

/**
 * Write-only personal data: never in YAML, a plan, a message or a log (shared/vendors/README.md). The adapter
 * never sends them and drops them from everything it reads.
 */
export const WRITE_ONLY_FIELDS = ['password', 'ssn', 'date_of_birth', 'owner_ship'] as const;

export interface PartnerAddress {
  id?: number;
  zip?: string;
  city?: string;
  country?: number;
  province?: number;
  address?: string;
  selected?: boolean;
}

/** UserAddUpdateV2Model: every field optional on the wire; add requires some of them. */
export interface UserAddUpdateModel {
  account_title?: string | null;
  address?: PartnerAddress | null;
  address_same_as_company?: boolean | null;
  date_of_birth?: string | null;
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  logo?: string | null;
  owner_ship?: number | null;
  password?: string | null;
  phone?: string | null;
  role?: string | null;
  send_email?: boolean | null;
  ssn?: string | null;
  state?: string | null;
  time_zone_id?: string | null;
  user_code?: string | null;
}

/**
 * UserResponseV2Model: a user as `GET /v2/user/get` answers (published.md, SimplePin get-user). It has no `id`
 * (users are addressed by `user_code`) and no `time_zone_id`; it does carry `ssn`, `date_of_birth` and
 * `owner_ship`, which the adapter drops at the boundary.
 */
export interface UserResponseModel {
  account_title: string | null;
  address: PartnerAddress | null;
  creation_date: string | null;
  date_of_birth: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  logo_url: string | null;
  owner_ship: number | null;
  phone: string | null;
  role: string | null;
  ssn: string | null;
  state: string | null;
  user_code: string | null;
}

/** The XML root of a UserResponseV2Model answer (published.md, SimplePin get-user). */
export const RESPONSE_XML_ROOT = 'user_response_model';

/** How each model field is typed, so XML text can be coerced and JSON checked the way Jackson would. */
export const MODEL_FIELD_TYPES: Record<keyof UserAddUpdateModel, 'string' | 'boolean' | 'number' | 'address'> = {
  account_title: 'string',
  address: 'address',
  address_same_as_company: 'boolean',
  date_of_birth: 'string',
  email: 'string',
  first_name: 'string',
  last_name: 'string',
  logo: 'string',
  owner_ship: 'number',
  password: 'string',
  phone: 'string',
  role: 'string',
  send_email: 'boolean',
  ssn: 'string',
  state: 'string',
  time_zone_id: 'string',
  user_code: 'string',
};

export const ADDRESS_FIELD_TYPES: Record<keyof PartnerAddress, 'string' | 'boolean' | 'number'> = {
  id: 'number',
  zip: 'string',
  city: 'string',
  country: 'number',
  province: 'number',
  address: 'string',
  selected: 'boolean',
};

/** The XML root element of a request body (seed page). */
export const XML_ROOT = 'user_add_update_model';

/**
 * A copy of any value with the write-only fields removed at every depth. Used on whatever the adapter
 * keeps from a vendor answer (error bodies included), so personal data cannot travel further.
 */
export function withoutWriteOnly(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutWriteOnly);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if ((WRITE_ONLY_FIELDS as readonly string[]).includes(key)) continue;
    out[key] = withoutWriteOnly(inner);
  }
  return out;
}

/** Inferred budget (the documents give none, shared/vendors/README.md): 120 requests a minute per company key. */
export const PARTNER_RATE_LIMIT: Readonly<{ limit: number; windowMs: number }> = Object.freeze({ limit: 120, windowMs: 60_000 });
