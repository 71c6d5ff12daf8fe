import type { Command } from 'commander';
import { SCHEMA_DIR } from '../config/json-schema.js';
import { writeJsonSchemas } from '../compose/organisation.js';
import { out } from './output.js';

/** `roster schema`: writes the JSON Schemas editors use to autocomplete and check users files and roster.yaml. */
export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('Write the JSON Schemas for users files and roster.yaml (for editor autocomplete)')
    .option('--out <dir>', 'folder to write users.schema.json and roster.schema.json into', SCHEMA_DIR)
    .action(async (options: { out: string }) => {
      for (const file of await writeJsonSchemas(options.out)) out(`wrote ${file}`);
    });
}
