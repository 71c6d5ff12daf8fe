import { DEFAULT_CONFIG_FILE, loadOrganisation as loadWith, validateState as validateWith, type ValidationResult } from '../config/loader.js';
import { jsonSchemaFiles as jsonSchemaFilesWith, writeJsonSchemas as writeWith } from '../config/json-schema.js';
import type { Organisation } from '../config/model.js';
import { configSchemas, type ConfigSchemas } from '../config/schema.js';
import { vendorModules } from '../vendors/registry.js';
import { sourceModules } from '../sources/registry.js';

/*
 * The config layer knows no vendor registry: here, above both, the file formats are assembled with every
 * vendor roster is built with, so a new vendor folder extends roster.yaml and the users files.
 */

/** The schemas of roster.yaml and the users files, with every vendor's parts. */
export function rosterSchemas(): ConfigSchemas {
  return configSchemas(vendorModules, sourceModules);
}

/** Reads and checks the declared state without any network call; never throws for bad input. */
export function validateState(configPath: string = DEFAULT_CONFIG_FILE): Promise<ValidationResult> {
  return validateWith(configPath, vendorModules, sourceModules);
}

/** The declared state, resolved; throws InvalidStateError with every problem found. */
export function loadOrganisation(configPath: string = DEFAULT_CONFIG_FILE): Promise<Organisation> {
  return loadWith(configPath, vendorModules, sourceModules);
}

/** The JSON Schema files of roster.yaml and the users files, by file name. */
export function jsonSchemaFiles(): Record<string, string> {
  return jsonSchemaFilesWith(vendorModules, sourceModules);
}

export function writeJsonSchemas(dir?: string): Promise<string[]> {
  return writeWith(vendorModules, dir, sourceModules);
}
