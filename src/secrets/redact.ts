/**
 * Replaces every known secret value in a text, in the forms a vendor may echo it back: as it is,
 * URL-encoded (query strings, form bodies), JSON-escaped, and base64 (a Basic auth header, a token
 * wrapped by the vendor; standard or URL-safe alphabet, also when the secret is only part of what was
 * encoded, like `user:password`). Applied to anything built from a vendor exchange (errors, logs,
 * reports), so a credential never reaches output even when a vendor echoes it.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  const usable = [...secrets].filter((secret) => secret && secret.length >= 4);
  if (usable.length === 0) return text;
  let out = text;
  for (const secret of usable) {
    for (const form of encodedForms(secret)) out = out.split(form).join('***');
  }
  return out.replace(BASE64_RUN, (run) => (decodesToSecret(run, usable) ? '***' : run));
}

/** The secret and the ways it is commonly written inside other text, longest first. */
function encodedForms(secret: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, '+'), JSON.stringify(secret).slice(1, -1)]);
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  forms.add(base64);
  forms.add(base64.replace(/=+$/, ''));
  forms.add(Buffer.from(secret, 'utf8').toString('base64url'));
  return [...forms].filter((form) => form.length >= 4).sort((a, b) => b.length - a.length);
}

// Runs of base64 (either alphabet) long enough to hide a credential.
const BASE64_RUN = /[A-Za-z0-9+/_-]{8,}={0,2}/g;

/** Whether a base64 run decodes to text that holds a secret (`Basic dXNlcjpzM2NyZXQ=` holds `s3cret`). */
function decodesToSecret(run: string, secrets: string[]): boolean {
  const decoded = Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  return secrets.some((secret) => decoded.includes(secret));
}

/** Process-wide register of secret values, filled as credentials are read from the environment. */
const knownSecrets = new Set<string>();

export function registerSecret(value: string): void {
  if (value && value.length >= 4) knownSecrets.add(value);
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
