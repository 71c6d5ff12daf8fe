/**
 * Replaces every known secret value in a text, in the forms a vendor may echo it back: as it is,
 * URL-encoded (query strings, form bodies), JSON-escaped, and base64 (a Basic auth header, a token
 * wrapped by the vendor; standard or URL-safe alphabet, also when the secret is only part of what was
 * encoded, like `user:password`). Applied to anything built from a vendor exchange (errors, logs,
 * reports), so a credential never reaches output even when a vendor echoes it.
 *
 * Echoes are not always exact: a vendor may upper-case a key or cut it (`sk_live_4eC39Hq…`). Matching
 * ignores case, and any leading run of PREFIX_RUN or more of a secret's characters is hidden too,
 * unless letters or digits go on after it (then it is another word that starts the same way).
 */
export function redact(text: string, secrets: Iterable<string>): string {
  const prepared = prepare(secrets);
  if (!prepared) return text;
  let out = text;
  // Whole forms first, every one of them, so a cut match of one form never eats part of another whole.
  for (const form of prepared.forms) out = hideForm(out, form.text, form.whole, form.text.length);
  for (const form of prepared.forms) if (form.prefix) out = hideForm(out, form.text, form.prefix, PREFIX_RUN);
  // Decoding every word of a long output is slow: only when part of a secret's base64 shows at all.
  if (!prepared.cores.some((core) => out.includes(core))) return out;
  return out.replace(BASE64_RUN, (run) => (decodesToSecret(run, prepared.usable) ? HIDDEN : run));
}

interface Prepared {
  usable: string[];
  forms: { text: string; whole: RegExp; prefix?: RegExp }[];
  cores: string[];
}

/**
 * The forms and their finders for one set of secrets, built once and kept until the set changes: a
 * report masks tens of thousands of short texts, and building the forms for each was most of its time.
 */
const preparedFor = new Map<string, Prepared | undefined>();
/** A few sets are in use at once (the process's, a client's, a trace's): each keeps its own. */
const PREPARED_SETS = 8;

function prepare(secrets: Iterable<string>): Prepared | undefined {
  const usable = [...secrets].filter((secret) => secret && secret.length >= MIN_SECRET);
  const key = usable.join('\u0000');
  if (preparedFor.has(key)) return preparedFor.get(key);
  const prepared =
    usable.length === 0
      ? undefined
      : {
          usable,
          forms: usable
            .flatMap(encodedForms)
            .sort((a, b) => b.text.length - a.text.length)
            .map((form) => ({
              text: form.text,
              whole: new RegExp(escapeRegExp(form.text), 'gi'),
              ...(form.prefixes && form.text.length > PREFIX_RUN ? { prefix: new RegExp(escapeRegExp(form.text.slice(0, PREFIX_RUN)), 'gi') } : {}),
            })),
          cores: usable.flatMap(base64Cores),
        };
  if (preparedFor.size >= PREPARED_SETS) preparedFor.delete(preparedFor.keys().next().value!);
  preparedFor.set(key, prepared);
  return prepared;
}

/**
 * The base64 characters that any encoding of a secret contains, whatever bytes come before it (three
 * alignments), in both alphabets and in upper and lower case: text without one of them cannot hold the
 * secret base64-encoded.
 */
function base64Cores(secret: string): string[] {
  let cores = coresBySecret.get(secret);
  if (!cores) {
    const found = new Set<string>();
    for (const variant of new Set([secret, secret.toUpperCase(), secret.toLowerCase()])) {
      const bytes = Buffer.from(variant, 'utf8');
      for (const pad of [0, 1, 2]) {
        const encoded = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
        const core = encoded.slice(Math.ceil((8 * pad) / 6), Math.floor((8 * (pad + bytes.length)) / 6));
        found.add(core);
        found.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
      }
    }
    cores = [...found];
    coresBySecret.set(secret, cores);
  }
  return cores;
}

const coresBySecret = new Map<string, string[]>();

const HIDDEN = '***';
/** Shorter values are not secrets (and hiding them would hide ordinary words). */
const MIN_SECRET = 4;
/** A cut echo as short as this still gives away enough of a secret to hide it. */
export const PREFIX_RUN = 8;

interface Form {
  text: string;
  /** Whether a leading run of it is hidden too (not for base64: a cut base64 run is handled by decoding). */
  prefixes: boolean;
}

/** The secret and the ways it is commonly written inside other text, longest first. */
function encodedForms(secret: string): Form[] {
  const plain = new Set<string>([secret, encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, '+'), JSON.stringify(secret).slice(1, -1)]);
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  const encoded = new Set<string>([base64, base64.replace(/=+$/, ''), Buffer.from(secret, 'utf8').toString('base64url')]);
  return [...[...plain].map((text) => ({ text, prefixes: true })), ...[...encoded].filter((e) => !plain.has(e)).map((text) => ({ text, prefixes: false }))]
    .filter((form) => form.text.length >= MIN_SECRET)
    .sort((a, b) => b.text.length - a.text.length);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sameLetter = (a: string, b: string) => a === b || a.toLowerCase() === b.toLowerCase();

/**
 * Hides each occurrence of `form` in `text`, whatever its case, found by `finder` (the whole form, or
 * its first PREFIX_RUN characters: then also each leading run of at least PREFIX_RUN of its characters
 * that no letter or digit follows).
 */
function hideForm(text: string, form: string, finder: RegExp, headLength: number): string {
  const head = form.slice(0, headLength);
  finder.lastIndex = 0;
  let out = '';
  let from = 0;
  for (let match = finder.exec(text); match; match = finder.exec(text)) {
    let end = match.index + head.length;
    let k = head.length;
    while (k < form.length && end < text.length && sameLetter(text[end], form[k])) {
      end++;
      k++;
    }
    const whole = k === form.length;
    if (!whole && /[\p{L}\p{N}]/u.test(text[end] ?? '')) {
      // `sandbox-only` is not a cut `sandbox-pulse-key`: a word goes on after the shared start.
      finder.lastIndex = match.index + 1;
      continue;
    }
    out += text.slice(from, match.index) + HIDDEN;
    from = end;
    finder.lastIndex = end;
  }
  return from === 0 ? text : out + text.slice(from);
}

// Runs of base64 (either alphabet) long enough to hide a credential.
const BASE64_RUN = /[A-Za-z0-9+/_-]{8,}={0,2}/g;

/** Whether a base64 run decodes to text that holds a secret (`Basic dXNlcjpzM2NyZXQ=` holds `s3cret`), in any case. */
function decodesToSecret(run: string, secrets: string[]): boolean {
  const decoded = Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8').toLowerCase();
  return secrets.some((secret) => decoded.includes(secret.toLowerCase()));
}

/** Process-wide register of secret values, filled as credentials are read and as tokens are received. */
const knownSecrets = new Set<string>();

export function registerSecret(value: string): void {
  if (value && value.length >= MIN_SECRET) knownSecrets.add(value);
}

/** Whether a value is registered as a secret (exactly). */
export function isKnownSecret(value: string): boolean {
  return knownSecrets.has(value);
}

export function redactKnownSecrets(text: string): string {
  return redact(text, knownSecrets);
}

/**
 * Registers the credentials a URL carries (`https://user:password@host`) as secrets, so the URL is
 * never printed with them; `roster validate` refuses such a base URL, this covers any that slips by.
 */
export function registerUrlCredentials(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  for (const part of [parsed.password, parsed.username]) {
    if (!part) continue;
    registerSecret(part);
    try {
      registerSecret(decodeURIComponent(part));
    } catch {
      // Not valid percent-encoding: the raw form is registered.
    }
  }
}
