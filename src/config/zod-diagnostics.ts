import type { z } from 'zod';
import type { Diagnostic } from './diagnostics.js';
import { didYouMean } from './suggest.js';
import { credentialMessage, isCredentialPath } from './fields.js';
import type { FieldPath, YamlSource } from './yaml-source.js';

 
type AnySchema = { _zod: { def: any } };

/** The sub-schema that validates the value at `path` (discriminated unions pick the option `data` selects). */
export function schemaAt(schema: z.ZodType, path: FieldPath, data: unknown): AnySchema | undefined {
  let current: AnySchema | undefined = unwrap(schema, data);
  let value: unknown = data;
  for (const part of path) {
    if (!current) return undefined;
    const def: any = current._zod.def;
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part] : undefined;
    if (def.type === 'object') current = def.shape[part as string];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
    current = current && unwrap(current, value);
  }
  return current;
}

function unwrap(schema: AnySchema, value: unknown): AnySchema | undefined {
  let current: AnySchema | undefined = schema;
  for (let guard = 0; current && guard < 20; guard++) {
    const def: any = current._zod.def;
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)) {
      current = def.innerType;
    } else if (def.type === 'pipe') {
      current = def.in;
    } else if (def.type === 'union' && def.discriminator && value && typeof value === 'object') {
      const wanted = (value as Record<string, unknown>)[def.discriminator];
      current = def.options.find((option: AnySchema) => {
        const field = option._zod.def.shape?.[def.discriminator];
        return field?._zod.def.values?.includes(wanted);
      });
    } else {
      return current;
    }
  }
  return current;
}

/** Allowed keys of the object schema at `path`, for "did you mean" on unknown fields. */
export function allowedKeys(schema: z.ZodType, path: FieldPath, data: unknown): string[] {
  const at = schemaAt(schema, path, data);
  return at?._zod.def.type === 'object' ? Object.keys(at._zod.def.shape) : [];
}

function valueAt(data: unknown, path: FieldPath): unknown {
  let value = data;
  for (const part of path) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** How a person would name what they wrote: `a list`, `a map`, `the number 42`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}

const expectedNames: Record<string, string> = {
  object: 'a map',
  array: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  record: 'a map',
};

/** What to do about a value of the wrong type, when there is something useful to say. */
function typeHint(expected: string, value: unknown, path: FieldPath, written: string | undefined): string | undefined {
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    // Quote what was written, not what YAML made of it: `+15125550100` keeps its `+`, `0123` its zero.
    return `YAML read this as a ${typeof value}; put it in quotes: "${written ?? String(value)}"`;
  }
  if (expected === 'object' && Array.isArray(value)) return 'a list where a map belongs: remove the leading "- "';
  if (value === null && typeof path[path.length - 1] === 'number') return 'an empty list item ("-" with nothing after it): remove it or fill it in';
  if (value === null) return `an empty key reads as nothing: write ${expected === 'array' ? '[] for an empty list' : 'a value'}, or remove the key`;
  if (expected === 'array' && !Array.isArray(value)) return 'write it as a list: "- item" on its own line, or [item]';
  return undefined;
}

/** A plain scalar's text as it stands in the file (`+15125550100` where YAML read the number 15125550100). */
function writtenAs(source: YamlSource, path: FieldPath): string | undefined {
  const node = source.nodeAt(path).node as { source?: unknown } | undefined;
  return node && typeof node.source === 'string' ? node.source : undefined;
}

/** Turns zod issues on a file's data into diagnostics at the YAML node each one is about. */
export function zodDiagnostics(
  source: YamlSource,
  schema: z.ZodType,
  data: unknown,
  issues: readonly z.core.$ZodIssue[],
  skip: (path: FieldPath) => boolean = () => false,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const path = issue.path;
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(schema, path, data);
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        if (skip(keyPath)) continue;
        const hint = didYouMean(key, allowed) ?? (allowed.length ? `allowed fields here: ${allowed.join(', ')}` : undefined);
        out.push(source.diagnostic(keyPath, `unknown field "${key}"`, hint, { key: true }));
      }
      continue;
    }
    if (skip(path)) continue;
    const value = valueAt(data, path);
    if (value !== undefined && isCredentialPath(path)) {
      // What sits where a credential reference belongs may be the credential itself: never echoed, whatever its type.
      out.push(source.diagnostic(path, credentialMessage(path)));
      continue;
    }
    const { complete } = source.nodeAt(path);
    if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
      const options = (issue as { options?: unknown[] }).options?.map(String) ?? [];
      const wanted = valueAt(data, path);
      const hint = typeof wanted === 'string' ? didYouMean(wanted, options) : undefined;
      const message =
        wanted === undefined
          ? `missing required field "${issue.discriminator}" (one of: ${options.join(', ')})`
          : `unknown ${issue.discriminator} ${JSON.stringify(wanted)}; expected one of: ${options.join(', ')}`;
      out.push(source.diagnostic(path, message, hint));
      continue;
    }
    if (value === undefined && !complete && typeof path[path.length - 1] === 'string') {
      out.push(source.diagnostic(path, `missing required field "${String(path[path.length - 1])}"`));
      continue;
    }
    if (issue.code === 'invalid_format' && issue.format === 'email') {
      out.push(source.diagnostic(path, `${describeValue(value)} is not a valid email address`));
      continue;
    }
    // A schema's own message says more than any generic one ("a literal secret is not allowed in the
    // config"), except for a type mismatch on something that is not text, where "expected X, found Y" is clearer.
    const custom = !/^(Invalid|Too (small|big)|Unrecognized)/.test(issue.message);
    if (custom && (issue.code !== 'invalid_type' || typeof value === 'string')) {
      out.push(source.diagnostic(path, issue.message));
      continue;
    }
    if (issue.code === 'invalid_type') {
      const expected = expectedNames[issue.expected] ?? issue.expected;
      const written = writtenAs(source, path);
      const shown = written !== undefined && written !== String(value) ? ` (written ${written})` : '';
      out.push(source.diagnostic(path, `expected ${expected}, found ${describeValue(value)}${shown}`, typeHint(issue.expected, value, path, written)));
      continue;
    }
    if (issue.code === 'invalid_value') {
      const options = issue.values.map(String);
      const hint = typeof value === 'string' ? didYouMean(value, options) : undefined;
      out.push(source.diagnostic(path, `${describeValue(value)} is not allowed here; expected one of: ${options.map((o) => JSON.stringify(o)).join(', ')}`, hint));
      continue;
    }
    if (issue.code === 'too_small' && (issue.origin === 'array' || issue.origin === 'string') && Number(issue.minimum) <= 1 && issue.message.startsWith('Too small')) {
      out.push(source.diagnostic(path, issue.origin === 'array' ? 'the list must not be empty' : 'must not be empty'));
      continue;
    }
    out.push(source.diagnostic(path, issue.message));
  }
  return out;
}
