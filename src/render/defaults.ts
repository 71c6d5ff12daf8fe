import type { FieldSpec, FieldValue } from '../reconcile/types.js';

/**
 * A new user's value of an object field whose undeclared keys take the vendor's defaults (HighLevel's
 * `permissions`), as what the declaration changes: the keys that differ from the defaults in the vendor's
 * own names, then `(other permissions: HighLevel's defaults)`. Undefined for any other field or value, which
 * is shown whole. A reviewer reads the few flags a role sets, not the 38 a new user gets anyway.
 */
export function beyondDefaults(value: FieldValue | undefined, field: string, fields: FieldSpec[]): string | undefined {
  const defaults = fields.find((f) => f.name === field)?.defaults;
  if (!defaults || value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const differing = Object.entries(value).filter(([key, v]) => JSON.stringify(v) !== JSON.stringify(defaults.values[key]));
  if (differing.length === 0) return defaults.name;
  const named = differing.map(([key, v]) => `${key}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`).join(', ');
  return `${named} (other ${field}: ${defaults.name})`;
}
