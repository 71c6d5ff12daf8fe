import path from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import type { ConfigSchemas, RootConfig } from './schema.js';
import { readYamlFile } from './yaml-source.js';
import type { YamlSource } from './yaml-source.js';
import { zodDiagnostics } from './zod-diagnostics.js';

/** The root config as read: `config` only when it parsed; `usersDir` always, so the users files are checked anyway. */
export interface RootConfigRead {
  config?: RootConfig;
  usersDir: string;
  source?: YamlSource;
  diagnostics: Diagnostic[];
}

/** Reads roster.yaml at `configPath`; `file` is that path as diagnostics print it. */
export async function readRootConfig(configPath: string, file: string, schemas: ConfigSchemas): Promise<RootConfigRead> {
  const absolute = path.resolve(configPath);
  const { source, data, diagnostics } = await readYamlFile(absolute, file, 'the root config');
  if (diagnostics.length > 0 && diagnostics[0].message === 'file not found') {
    diagnostics[0] = {
      ...diagnostics[0],
      message: 'config file not found',
      hint: `run roster where ${path.basename(configPath)} is, or pass its path with -c path/to/roster.yaml`,
    };
  }
  const usersField = typeof data?.users === 'string' && data.users ? data.users : 'users';
  const usersDir = path.resolve(path.dirname(absolute), usersField);
  if (!source || !data) return { usersDir, diagnostics };
  const parsed = schemas.rootConfig.safeParse(data);
  if (!parsed.success) {
    diagnostics.push(...zodDiagnostics(source, schemas.rootConfig, data, parsed.error.issues));
    return { usersDir, source, diagnostics };
  }
  return { config: parsed.data as RootConfig, usersDir, source, diagnostics };
}
