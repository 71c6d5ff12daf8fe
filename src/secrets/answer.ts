import { registerSecret } from './redact.js';

/**
 * Registers the credentials in an authentication answer (a login's JSON), wherever the answer puts
 * them: the token field, a copy of it under another name (`session.id`, `jwt`, `data.accessToken`),
 * a refresh token. Every string that could be a credential is registered before the exchange is seen
 * by a trace, `roster doctor` or an error message; returns what it registered.
 *
 * Left out, because hiding them would hide ordinary output and they grant nothing: text with spaces
 * (messages), single words (`Bearer`, `success`), dates and times, and email addresses.
 */
export function registerAnswerSecrets(answer: unknown): string[] {
  const found = new Set<string>();
  collect(typeof answer === 'string' ? parsedOrText(answer) : answer, undefined, found, 0);
  for (const value of found) registerSecret(value);
  return [...found];
}

/** A JSON answer as data; other text (form-encoded, XML) as its credential-shaped runs. */
function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.match(/[A-Za-z0-9._~+/=-]{16,}/g) ?? [];
  }
}

const SECRET_KEY = /token|secret|session|jwt|key|password|credential|auth|bearer|sid|cookie/i;
const MAX_DEPTH = 32;

/**
 * What an identifier may name and still grant nothing: a tenant, a place, a person, a group. The output
 * needs these (a 422 naming the account, the `x-account-id` a request sends), so they are not hidden.
 * Any other `…Id` (`accessId`, `sessionId`, `apiKeyId`, `refreshId`, `clientSecretId`) may be a
 * credential under an innocent name, and is registered like any other string of the answer.
 */
const ENTITY = String.raw`(?:primary)?(?:account|company|location|user|tenant|org|organi[sz]ation|team|office|role|permission|partner|customer|agency|member|employee|owner|creator|person)s?`;
const NON_SECRET_ID = new RegExp(String.raw`^${ENTITY}[-_]?ids?$`, 'i');
/** A bare `id` is the answer's own (a UserSession is the user) or an entity's (`primaryAccount.id`). */
const ENTITY_PARENT = new RegExp(String.raw`^${ENTITY}$`, 'i');

/** Whether `key` (inside `parent`) holds an identifier that names something and grants nothing. */
function namesSomething(key: string, parent: string | undefined): boolean {
  if (SECRET_KEY.test(key)) return false;
  if (NON_SECRET_ID.test(key)) return true;
  return /^id$/i.test(key) && (parent === undefined || ENTITY_PARENT.test(parent));
}

function collect(value: unknown, key: string | undefined, found: Set<string>, depth: number, parent?: string): void {
  if (depth > MAX_DEPTH) return;
  // Hiding a tenant's id would hide it in every message that names the tenant (a 422 naming the account, say).
  if (key !== undefined && namesSomething(key, parent) && (typeof value === 'string' || typeof value === 'number')) return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, key, found, depth + 1, parent);
  } else if (value !== null && typeof value === 'object') {
    for (const [inner, item] of Object.entries(value)) collect(item, inner, found, depth + 1, key);
  } else if (typeof value === 'string') {
    if ((key !== undefined && SECRET_KEY.test(key) && value.length >= 4) || couldBeCredential(value)) found.add(value);
  } else if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 1e7) {
    // A numeric token (a session number); small numbers are counts and lifetimes (`expiresIn: 3600`).
    found.add(String(value));
  }
}

function couldBeCredential(text: string): boolean {
  if (text.length < 8 || /\s/.test(text)) return false;
  if (/^[A-Za-z][a-z]*$/.test(text)) return false;
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) return false;
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(text)) return false;
  return true;
}
