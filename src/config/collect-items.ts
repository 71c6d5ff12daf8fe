import type { z } from 'zod';
import type { DeclaredStrings } from './declared-strings.js';
import type { Declarations, DeclaredItem } from './declared.js';
import type { ConfigSchemas, UsersFile } from './schema.js';
import type { SourceFile } from './yaml-source.js';

/**
 * The items of one users file, each with where it starts, so nothing needs the file's tree once this
 * returns. `valid` is the file's data as the schema parsed it, when the whole file passed; otherwise a
 * file with schema errors still contributes the items that are valid on their own, and the keys of
 * the broken ones, so a typo in one role does not turn every reference to it into a second, misleading
 * "unknown role".
 */
export function collectItems(
  locate: (section: 'offices' | 'roles' | 'people', index: number) => { line: number; col: number } | undefined,
  sourceFile: SourceFile,
  data: Record<string, unknown>,
  valid: UsersFile | undefined,
  strings: DeclaredStrings,
  into: Declarations,
  schemas: ConfigSchemas,
): void {
  const sections = [
    ['offices', schemas.office, into.offices, 'key'],
    ['roles', schemas.role, into.roles, 'key'],
    ['people', schemas.person, into.people, 'email'],
  ] as const;
  for (const [section, schema, list, keyField] of sections) {
    const items = data[section];
    if (!Array.isArray(items)) continue;
    const validItems = valid?.[section];
    items.forEach((raw: unknown, index) => {
      // Items of a file that passed as a whole were parsed with it, by the very same item schema.
      const parsed = validItems ? { success: true as const, data: validItems[index] } : (schema as z.ZodType).safeParse(raw);
      const rawKey = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[keyField] : undefined;
      const { line, col } = locate(section, index) ?? { line: 1, col: 1 };
      const value = parsed.success ? strings.own(parsed.data) : undefined;
      const partial = !parsed.success && section === 'people' ? strings.own(validFields(raw, schemas.person)) : undefined;
      const own = (value ?? partial) as Record<string, unknown> | undefined;
      if (section === 'people' && Array.isArray(own?.roles) && own.roles.every((r) => typeof r === 'string')) own.roles = strings.list(own.roles);
      const key = typeof rawKey !== 'string' ? undefined : own?.[keyField] === rawKey ? (own[keyField]) : strings.copy(rawKey);
      // Every field in one literal, set or not: V8 then lays the item out in one object of one shape.
      const item: DeclaredItem<unknown> = { source: sourceFile, section, index, line, col, value, partial, key };
      (list as DeclaredItem<unknown>[]).push(item);
    });
  }
}

/**
 * The fields of a person that are valid on their own, so a person with one wrong field still gets the
 * semantic checks (unknown role, bad phone, ...) on the rest.
 */
function validFields(raw: unknown, personSchema: z.ZodObject): Record<string, unknown> | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const partial: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(personSchema.shape)) {
    const value = (raw as Record<string, unknown>)[field];
    if (value === undefined) continue;
    const parsed = (schema as z.ZodType).safeParse(value);
    if (parsed.success) partial[field] = parsed.data;
  }
  return partial;
}
