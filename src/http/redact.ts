/**
 * Replaces every known secret value in a text. Applied to anything built from a vendor exchange
 * (errors, logs, reports), so a credential never reaches output even when a vendor echoes it back.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    out = out.split(secret).join('***');
  }
  return out;
}

/** Process-wide register of secret values, filled as credentials are read from the environment. */
const knownSecrets = new Set<string>();

export function registerSecret(value: string): void {
  if (value && value.length >= 4) knownSecrets.add(value);
}

export function redactKnownSecrets(text: string): string {
  return redact(text, knownSecrets);
}
