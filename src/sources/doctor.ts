import path from 'node:path';
import type { Organisation } from '../config/model.js';
import { mapRows } from './map.js';
import { sourceModule } from './registry.js';

export interface SourceCheck {
  source: string;
  step: 'config' | 'credentials' | 'tables' | 'read';
  status: 'ok' | 'warn' | 'fail';
  detail: string;
}

/**
 * `roster doctor` for HR sources: the settings, the credentials named, the office and role tables against
 * users/, and one read of the export (never a write anywhere), with how many rows would be left out.
 */
export async function checkSources(org: Organisation, env: NodeJS.ProcessEnv, today: string): Promise<SourceCheck[]> {
  const checks: SourceCheck[] = [];
  const configDir = path.dirname(path.resolve(org.configFile));
  for (const [name, config] of Object.entries(org.config.sources ?? {})) {
    const add = (step: SourceCheck['step'], status: SourceCheck['status'], detail: string) => checks.push({ source: name, step, status, detail });
    const module = sourceModule(config.kind);
    if (!module) {
      add('config', 'fail', `unknown kind ${config.kind}`);
      continue;
    }
    add('config', 'ok', module.describe(config));
    const missing = Object.values(module.credentialRefs?.(config) ?? {}).filter((ref) => !env[ref]);
    if (missing.length) {
      add('credentials', 'fail', `${missing.join(' and ')} not set in the environment`);
      continue;
    }
    const unknownOffices = Object.values(config.offices?.map ?? {}).filter((k) => !org.offices.has(k));
    const unknownRoles = [...Object.values(config.roles?.map ?? {}).flat(), ...(config.roles?.default ?? [])].filter((k) => !org.roles.has(k));
    if (unknownOffices.length || unknownRoles.length) {
      add('tables', 'fail', [unknownOffices.length && `offices map names ${unknownOffices.join(', ')}`, unknownRoles.length && `roles map names ${unknownRoles.join(', ')}`].filter(Boolean).join('; ') + ', which users/ does not declare');
    } else add('tables', 'ok', `${Object.keys(config.offices?.map ?? {}).length} offices, ${Object.keys(config.roles?.map ?? {}).length} roles mapped`);
    try {
      const exp = await module.read(name, config, { configDir, env });
      const { problems } = mapRows(exp, config, { officeKeys: new Set(org.offices.keys()), roleKeys: new Set(org.roles.keys()), today });
      const notes = exp.notes.length ? `; ${exp.notes.join('; ')}` : '';
      add('read', problems.length || exp.notes.length ? 'warn' : 'ok', `${exp.rows.length} rows, ${problems.length} would be left out${notes}`);
    } catch (error) {
      add('read', 'fail', (error as Error).message);
    }
  }
  return checks;
}

export function renderSourceChecks(checks: SourceCheck[]): string {
  if (checks.length === 0) return '';
  const mark = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
  return ['', 'HR sources', ...checks.map((c) => `  ${mark[c.status]} ${c.source} ${c.step}: ${c.detail}`)].join('\n');
}
