/**
 * Enerflo takes "a 10-digit phone number ... with or without formatting" (Update a User seed page):
 * `555-555-5555`, `5555555555`, `(555) 555-5555`. The stored form, and the form both sides of a
 * diff are compared in, is the bare ten digits. A leading `+1`/`1` (E.164 from git) is accepted and
 * dropped (inferred, shared/vendors/README.md).
 */
export function enerfloPhone(value: string): string | undefined {
  const trimmed = value.trim();
  if (!/^[+\d\s().\-]+$/.test(trimmed)) return undefined;
  let digits = trimmed.replace(/\D/g, '');
  if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
  else if (trimmed.startsWith('+')) return undefined;
  return digits.length === 10 ? digits : undefined;
}

/**
 * The comparable form of a phone on either side of a diff: the ten digits when it is a valid
 * Enerflo number, otherwise the digits as they are (so a bad number still shows, and the vendor's
 * refusal names it), or null when there is none.
 */
export function comparablePhone(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  if (text === '') return null;
  return enerfloPhone(text) ?? text.replace(/[^\d+]/g, '');
}
