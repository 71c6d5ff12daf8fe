import { createRequire } from 'node:module';
import type openApiDocument from './users.openapi.json';

// HighLevel's OpenAPI document is the emulator's data (scope and language enums, DTO fields). Read with
// require so every Node 20 loads it (JSON import attributes need 20.10).
const spec = createRequire(import.meta.url)('./users.openapi.json') as typeof openApiDocument;
export const scopeEnum = new Set<string>(spec.components.schemas.CreateUserDto.properties.scopes.items.enum);
export const languageEnum = new Set<string>(spec.components.schemas.CreateUserDto.properties.platformLanguage.enum);
export const createFields = new Set(Object.keys(spec.components.schemas.CreateUserDto.properties));
export const updateFields = new Set(Object.keys(spec.components.schemas.UpdateUserDto.properties));
export const requiredOnCreate = spec.components.schemas.CreateUserDto.required;

// PermissionsDto's 38 booleans and their defaults, read from the document itself: the emulator keeps
// its own copy of this data and never the adapter's permission helpers. shared/vendors/README.md, rule 2
const permissionProperties = spec.components.schemas.PermissionsDto.properties as Record<string, { default?: unknown }>;
export type Permissions = Record<string, boolean>;
const permissionDefaults: Readonly<Permissions> = Object.freeze(
  Object.fromEntries(Object.entries(permissionProperties).map(([name, p]) => [name, p.default === true])),
);
export const isPermissionName = (name: string): boolean => Object.hasOwn(permissionDefaults, name);

/** Defaults, then each overlay's known boolean keys in order. */
export function fullPermissions(...overlays: (Record<string, unknown> | undefined)[]): Permissions {
  const result: Permissions = { ...permissionDefaults };
  for (const overlay of overlays) {
    for (const [name, value] of Object.entries(overlay ?? {})) if (isPermissionName(name) && typeof value === 'boolean') result[name] = value;
  }
  return result;
}
