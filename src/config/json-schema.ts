import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { configSchemas, type SourceSchemas, type VendorSchemas } from './schema.js';

/** Where the committed JSON Schemas live, and the names the yaml-language-server lines point at. */
export const SCHEMA_DIR = 'schema';
export const USERS_SCHEMA_FILE = 'users.schema.json';
export const ROSTER_SCHEMA_FILE = 'roster.schema.json';

function toJsonSchema(schema: z.ZodType, title: string, description: string): Record<string, unknown> {
  // io 'input': what a person writes (defaults optional, ids as numbers or strings), not what roster reads back.
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...json, title, description };
}

/** JSON Schema of a file under users/: any mix of offices, roles and people. */
export function usersJsonSchema(vendors: readonly VendorSchemas[]): Record<string, unknown> {
  return toJsonSchema(configSchemas(vendors).usersFile, 'roster users file', 'Offices, roles and people declared for roster (any mix per file).');
}

/** JSON Schema of the root config (roster.yaml): users folder, vendor instances, GitHub options. */
export function rosterJsonSchema(vendors: readonly VendorSchemas[], sources?: readonly SourceSchemas[]): Record<string, unknown> {
  return toJsonSchema(configSchemas(vendors, sources).rootConfig, 'roster root config', 'roster.yaml: where users live, which vendor instances to reconcile, and their policy.');
}

/** The schema files as written to disk, by file name: stable, pretty-printed, newline-terminated. */
export function jsonSchemaFiles(vendors: readonly VendorSchemas[], sources?: readonly SourceSchemas[]): Record<string, string> {
  const render = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return { [USERS_SCHEMA_FILE]: render(usersJsonSchema(vendors)), [ROSTER_SCHEMA_FILE]: render(rosterJsonSchema(vendors, sources)) };
}

/** Writes both schema files into `dir`; returns the paths written. */
export async function writeJsonSchemas(vendors: readonly VendorSchemas[], dir: string = SCHEMA_DIR, sources?: readonly SourceSchemas[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of Object.entries(jsonSchemaFiles(vendors, sources))) {
    const file = path.join(dir, name);
    await writeFile(file, content);
    written.push(file);
  }
  return written;
}
