import { partner } from '../../src/vendors/partner/index.js';
import type { PartnerConfig } from '../../src/vendors/partner/schema.js';
import { HttpClient } from '../../src/http/client.js';
import type { EmulatorOptions } from '../../src/sandbox/emulator-kit.js';
import { PartnerAdapter } from '../../src/vendors/partner/adapter.js';
import { partnerSandboxFixture } from '../../src/vendors/partner/fixture.js';
import { startPartnerEmulator, type PartnerEmulatorState, type PartnerFixture } from '../../src/vendors/partner/emulator.js';
import type { DesiredRecord, FieldValue } from '../../src/vendors/types.js';

/** The two API keys of the sandbox fixture's company 1001, and of company 2002. */
export const AUTHORIZATION_KEY = 'sandbox-simplepin-authorization-key';
export const TOKEN = 'sandbox-simplepin-token';
export const OTHER_KEYS = { authorization: 'other-company-authorization-key', token: 'other-company-token' };

/** The shipped sandbox fixture, fresh for each test. */
export function sandboxFixture(): PartnerFixture {
  return partnerSandboxFixture();
}

/** Every write-only personal value the fixture holds (ssn, date of birth, ownership, password). */
export function secretValues(fixture: PartnerFixture): string[] {
  const users = [...fixture.companies.map((c) => c.owner), ...(fixture.users ?? [])];
  const values: string[] = [];
  for (const u of users) {
    if (u.ssn) values.push(u.ssn, u.ssn.replace(/\D/g, ''));
    if (u.date_of_birth) values.push(u.date_of_birth);
    if (u.owner_ship != null) values.push(`"owner_ship"`);
    if (u.password) values.push(u.password);
  }
  return values;
}

export async function startPartner(fixture: unknown = sandboxFixture(), options: EmulatorOptions = {}) {
  const emulator = await startPartnerEmulator(fixture, options);
  return { emulator, state: emulator.state as PartnerEmulatorState };
}

export function partnerConfig(baseUrl: string, extra: Record<string, unknown> = {}): PartnerConfig {
  return partner.parseConfig({
    kind: 'partner',
    baseUrl,
    credentials: { authorizationKey: { env: 'PARTNER_AUTHORIZATION_KEY' }, token: { env: 'PARTNER_TOKEN' } },
    timeoutMs: 5_000,
    ...extra,
  });
}

export function partnerAdapter(
  baseUrl: string,
  options: { authorizationKey?: string; token?: string; config?: Record<string, unknown> } = {},
): PartnerAdapter {
  const authorizationKey = options.authorizationKey ?? AUTHORIZATION_KEY;
  const token = options.token ?? TOKEN;
  const http = new HttpClient({
    vendor: 'partner',
    baseUrl,
    timeoutMs: 5_000,
    secrets: () => [authorizationKey, token],
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  });
  return new PartnerAdapter({ instanceName: 'partner', config: partnerConfig(baseUrl, options.config), credentials: { authorizationKey, token }, http });
}

export function desiredRecord(email: string, fields: Record<string, FieldValue>, extra: Partial<DesiredRecord> & { timezone?: string } = {}): DesiredRecord {
  const { timezone, ...rest } = extra;
  // The timezone is a write-only field, as partnerDesired makes it.
  return { key: email.toLowerCase(), email, active: true, fields: timezone ? { ...fields, timezone } : fields, dependsOn: [], ...rest };
}

/** A raw HTTP call to the emulator, the way any client would make it. */
export async function call(
  url: string,
  path: string,
  init: {
    method?: string;
    authorization?: string | null;
    token?: string | null;
    body?: unknown;
    xml?: string;
    accept?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const headers: Record<string, string> = { ...init.headers };
  // SimplePin's two keys, as the Authorization and Token headers (shared/vendors/README.md).
  const authorization = init.authorization === undefined ? AUTHORIZATION_KEY : init.authorization;
  const token = init.token === undefined ? TOKEN : init.token;
  if (authorization !== null) headers.authorization = authorization;
  if (token !== null) headers.token = token;
  if (init.accept) headers.accept = init.accept;
  let body: string | undefined;
  if (init.xml !== undefined) {
    headers['content-type'] ??= 'application/xml';
    body = init.xml;
  } else if (init.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(init.body);
  }
  const res = await fetch(url + path, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
