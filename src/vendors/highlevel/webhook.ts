import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { BodyTooLargeError, listen, readBody } from '../../http/listen.js';
import type { Organisation } from '../../config/model.js';
import { highlevelDesired } from './mapping.js';

/**
 * HighLevel webhook deliveries. The body carries `timestamp` and `webhookId`; HighLevel signs the raw
 * body bytes in one of two ways (published.md, HighLevel "Webhooks"):
 * - `x-ghl-signature`: base64 Ed25519, the current scheme (the SDK v3.0.0 checks it first);
 * - `x-wh-signature`: base64 RSA-SHA256, the legacy scheme docs/oauth/WebhookAuthentication.md still
 *   describes, with a public key HighLevel publishes there.
 * Each scheme has its own configurable public key. As in the SDK, a delivery with `x-ghl-signature` is
 * judged by it alone when the Ed25519 key is configured (no fallback to the legacy header); one with
 * neither header, or only a header no configured key can check, is refused. A delivery
 * is accepted only when its signature holds, its timestamp is within 5 minutes and its webhookId is new.
 */

export const SIGNATURE_HEADER = 'x-ghl-signature';
export const LEGACY_SIGNATURE_HEADER = 'x-wh-signature';
export const DEFAULT_MAX_AGE_MS = 5 * 60_000;
const MAX_BODY_BYTES = 1024 * 1024;

export type WebhookCheck =
  | { ok: true; event: Record<string, unknown>; webhookId: string }
  | { ok: false; status: number; reason: string };

/** A public key from PEM text, a PEM file, or a KeyObject, checked to be of the type `scheme` signs with. */
function publicKeyOf(source: KeyObject | string, type: 'ed25519' | 'rsa', scheme: string): KeyObject {
  let key: KeyObject;
  if (typeof source === 'string') {
    const pem = source.includes('-----BEGIN') ? source : readFileSync(source, 'utf8');
    try {
      key = createPublicKey(pem);
    } catch (error) {
      throw new Error(`the ${scheme} public key is not a PEM public key: ${(error as Error).message}`);
    }
  } else {
    key = source;
  }
  if (key.asymmetricKeyType !== type) {
    const expected = type === 'ed25519' ? 'Ed25519' : 'RSA';
    throw new Error(`the ${scheme} public key is ${key.asymmetricKeyType ?? 'not asymmetric'}; HighLevel signs ${scheme} with ${expected}`);
  }
  return key;
}

/** An Ed25519 public key (for x-ghl-signature) from PEM text, a PEM file, or a KeyObject. */
export function ed25519PublicKey(source: KeyObject | string): KeyObject {
  return publicKeyOf(source, 'ed25519', SIGNATURE_HEADER);
}

/** Shortest RSA modulus accepted. */
export const MIN_RSA_BITS = 2048;

/** An RSA public key (for the legacy x-wh-signature) from PEM text, a PEM file, or a KeyObject. */
export function rsaPublicKey(source: KeyObject | string): KeyObject {
  const key = publicKeyOf(source, 'rsa', LEGACY_SIGNATURE_HEADER);
  // A short RSA key can be factored and signatures forged: NIST SP 800-131A disallows under 2048 bits.
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new Error(`the ${LEGACY_SIGNATURE_HEADER} RSA public key has ${bits} bits; at least ${MIN_RSA_BITS} are required (a shorter key lets anyone forge webhooks)`);
  }
  return key;
}

export interface WebhookKeys {
  /** Ed25519 key for `x-ghl-signature`. */
  publicKey?: KeyObject | string;
  /** RSA key for the legacy `x-wh-signature` (published in HighLevel's WebhookAuthentication.md). */
  legacyPublicKey?: KeyObject | string;
}

function timestampOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value;
  if (typeof value === 'string' && value.trim() !== '') {
    if (/^\d+$/.test(value)) return timestampOf(Number(value));
    const parsed = Date.parse(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** Checks deliveries one by one, remembering webhookIds for as long as their timestamps stay fresh. */
export class WebhookVerifier {
  private readonly key?: KeyObject;
  private readonly legacyKey?: KeyObject;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly seen = new Map<string, number>();

  constructor(options: WebhookKeys & { maxAgeMs?: number; now?: () => number }) {
    if (!options.publicKey && !options.legacyPublicKey) {
      throw new Error(`no webhook public key: give the Ed25519 key (${SIGNATURE_HEADER}), the legacy RSA key (${LEGACY_SIGNATURE_HEADER}), or both`);
    }
    this.key = options.publicKey ? ed25519PublicKey(options.publicKey) : undefined;
    this.legacyKey = options.legacyPublicKey ? rsaPublicKey(options.legacyPublicKey) : undefined;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.now = options.now ?? Date.now;
  }

  /** `headers` are the delivery's request headers (lower-cased names, as node gives them). */
  check(raw: Buffer, headers: IncomingHttpHeaders): WebhookCheck {
    const signatureCheck = this.checkSignature(raw, headers);
    if (signatureCheck) return signatureCheck;

    let event: unknown;
    try {
      event = JSON.parse(raw.toString('utf8'));
    } catch {
      return { ok: false, status: 400, reason: 'body is not JSON' };
    }
    if (!event || typeof event !== 'object' || Array.isArray(event)) return { ok: false, status: 400, reason: 'body is not a JSON object' };
    const body = event as Record<string, unknown>;

    const at = timestampOf(body.timestamp);
    if (at === undefined) return { ok: false, status: 400, reason: 'missing or unreadable timestamp' };
    const now = this.now();
    if (now - at > this.maxAgeMs) return { ok: false, status: 401, reason: `stale delivery: timestamp ${String(body.timestamp)} is older than ${Math.round(this.maxAgeMs / 1000)} s` };
    if (at - now > this.maxAgeMs) return { ok: false, status: 401, reason: `timestamp ${String(body.timestamp)} is in the future` };

    const webhookId = body.webhookId;
    if (typeof webhookId !== 'string' || webhookId === '') return { ok: false, status: 400, reason: 'missing webhookId' };
    this.forgetExpired(now);
    if (this.seen.has(webhookId)) return { ok: false, status: 409, reason: `replayed delivery: webhookId ${webhookId} was already received` };
    // Kept until its timestamp could no longer pass the age check anyway.
    this.seen.set(webhookId, at + this.maxAgeMs);
    return { ok: true, event: body, webhookId };
  }

  /** Undefined when the signature holds; otherwise why the delivery is refused. */
  private checkSignature(raw: Buffer, headers: IncomingHttpHeaders): WebhookCheck | undefined {
    const current = firstHeader(headers[SIGNATURE_HEADER]);
    const legacy = firstHeader(headers[LEGACY_SIGNATURE_HEADER]);
    // As the SDK (v3.0.0, lib/webhook/webhook-manager.ts): x-ghl-signature with the Ed25519 key first, and
    // alone when both are there; x-wh-signature only when there is no Ed25519 key or no x-ghl-signature.
    if (current !== undefined && this.key) {
      const bytes = base64(current);
      if (!bytes || bytes.length !== 64) return { ok: false, status: 401, reason: `${SIGNATURE_HEADER} is not a base64 Ed25519 signature` };
      return safeVerify(null, raw, this.key, bytes) ? undefined : { ok: false, status: 401, reason: 'signature does not match the body' };
    }
    if (legacy !== undefined && this.legacyKey) {
      const bytes = base64(legacy);
      if (!bytes) return { ok: false, status: 401, reason: `${LEGACY_SIGNATURE_HEADER} is not a base64 RSA signature` };
      // RSA-SHA256 over the raw body, base64 (docs/oauth/WebhookAuthentication.md).
      return safeVerify('sha256', raw, this.legacyKey, bytes) ? undefined : { ok: false, status: 401, reason: 'signature does not match the body' };
    }
    if (current !== undefined) return { ok: false, status: 401, reason: `${SIGNATURE_HEADER} received, but no Ed25519 public key is configured` };
    if (legacy !== undefined) return { ok: false, status: 401, reason: `${LEGACY_SIGNATURE_HEADER} received, but no legacy RSA public key is configured` };
    return { ok: false, status: 401, reason: `missing ${SIGNATURE_HEADER} (or legacy ${LEGACY_SIGNATURE_HEADER}) header` };
  }

  /** Lets a delivery we failed to process be accepted again when HighLevel retries it. */
  forget(webhookId: string): void {
    this.seen.delete(webhookId);
  }

  private forgetExpired(now: number): void {
    for (const [id, until] of this.seen) if (until < now) this.seen.delete(id);
  }
}

/** How a new user's email stands against git; a plain boolean is "described" or not. */
export type Described = boolean | { described: boolean; detail?: string };

export interface WebhookServerOptions extends WebhookKeys {
  host?: string;
  /** 0 lets the OS choose. */
  port?: number;
  isDescribed(email: string): Described | Promise<Described>;
  log?: (line: string) => void;
  maxAgeMs?: number;
  now?: () => number;
}

export interface WebhookServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface UserCreateAnswer {
  ok: true;
  type: 'UserCreate';
  userId?: string;
  email: string;
  described: boolean;
  detail?: string;
}

/**
 * The `roster webhook` endpoint: POST deliveries on any path. UserCreate events are answered (and
 * logged) with whether git describes the new user; other events are acknowledged and ignored.
 * HighLevel retries only a 429 (§2.6), so a failure to read git answers 429 and the delivery comes back.
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const verifier = new WebhookVerifier(options);
  const log = options.log ?? (() => undefined);

  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST') {
      send(405, { ok: false, error: 'deliveries are POSTed' });
      return;
    }
    const raw = await readRaw(req);
    if (raw === undefined) {
      send(413, { ok: false, error: 'body too large' });
      return;
    }
    const check = verifier.check(raw, req.headers);
    if (!check.ok) {
      log(`rejected a delivery: ${check.reason}`);
      send(check.status, { ok: false, error: check.reason });
      return;
    }
    const { event, webhookId } = check;
    if (event.type !== 'UserCreate') {
      log(`ignored a ${String(event.type ?? 'untyped')} event (${webhookId})`);
      send(200, { ok: true, type: event.type ?? null, ignored: true });
      return;
    }
    const email = typeof event.email === 'string' ? event.email.trim() : '';
    if (!email) {
      log(`rejected UserCreate ${webhookId}: no email in the event`);
      send(400, { ok: false, error: 'UserCreate without an email' });
      return;
    }
    let described: Described;
    try {
      described = await options.isDescribed(email);
    } catch (error) {
      verifier.forget(webhookId);
      log(`could not check UserCreate ${email} against git (${(error as Error).message}); asked HighLevel to retry`);
      send(429, { ok: false, error: 'could not read the declared state; retry later' });
      return;
    }
    const verdict = typeof described === 'boolean' ? { described } : described;
    const userId = typeof event.id === 'string' ? event.id : undefined;
    const where = typeof event.locationId === 'string' ? `location ${event.locationId}` : typeof event.companyId === 'string' ? `agency ${event.companyId}` : 'HighLevel';
    const detail = verdict.detail ? ` (${verdict.detail})` : '';
    log(
      verdict.described
        ? `UserCreate ${email} in ${where}: described in git${detail}`
        : `UserCreate ${email} in ${where}: NOT described in git${detail}; add them under users/ or remove them from HighLevel`,
    );
    const answer: UserCreateAnswer = { ok: true, type: 'UserCreate', userId, email, described: verdict.described, ...(verdict.detail ? { detail: verdict.detail } : {}) };
    send(200, answer);
  });

  return listen(server, options);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

function base64(text: string): Buffer | undefined {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : undefined;
}

function safeVerify(algorithm: 'sha256' | null, raw: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify(algorithm, raw, key, signature);
  } catch {
    return false;
  }
}

/** The body, or undefined when it is over the limit; a client hanging up mid-body rejects (listen() answers it). */
async function readRaw(req: http.IncomingMessage): Promise<Buffer | undefined> {
  try {
    return await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return undefined;
    throw error;
  }
}

/**
 * Whether git describes a HighLevel user: a person with this email who is active and has a role that
 * maps onto HighLevel. Anything else is a user someone added by hand that the next plan will show.
 */
export function describedInGit(org: Organisation, email: string): { described: boolean; detail?: string } {
  const person = org.peopleByKey.get(email.trim().toLowerCase());
  if (!person) return { described: false };
  if (!person.active) return { described: false, detail: 'in git, but offboarded (active: false)' };
  if (!highlevelDesired(person)) return { described: false, detail: 'in git, but none of their roles maps onto HighLevel' };
  return { described: true, detail: `${person.source.file}:${person.source.line}` };
}
