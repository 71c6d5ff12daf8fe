/**
 * Redaction inside a JSON value, so a trace line stays JSON after it: every string and key goes through
 * `redactText`, and a number that holds a secret (a numeric session id, an account PIN) becomes the
 * string "***" instead of a bare `***` that no JSON parser reads.
 */
export function redactJsonValue(value: unknown, redactText: (s: string) => string): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const text = String(value);
    return redactText(text) === text ? value : HIDDEN;
  }
  if (Array.isArray(value)) return value.map((item) => redactJsonValue(item, redactText));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [redactText(key), redactJsonValue(inner, redactText)]));
  }
  return value;
}

/**
 * One JSON text (a line, or indented by `indent` spaces), redacted inside its structure, then once more as
 * text: a secret written across it (in an escaped form, or split by JSON syntax) is still caught, and if
 * hiding it broke the JSON, the text is kept as one redacted string, `{"redacted": "…"}`, still JSON.
 */
export function redactedJsonLine(value: unknown, redactText: (s: string) => string, indent?: number): string {
  const line = JSON.stringify(redactJsonValue(value, redactText), null, indent);
  const again = redactText(line);
  if (again === line) return line;
  try {
    JSON.parse(again);
    return again;
  } catch {
    return JSON.stringify({ redacted: again });
  }
}

const HIDDEN = '***';
