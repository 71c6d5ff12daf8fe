import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/compose/organisation.js';
import { checkSources, renderSourceChecks } from '../../src/sources/doctor.js';
import { sampleProject, setSources } from './helpers.js';

describe('roster doctor checks HR sources', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('reads the sample export once and says how many rows it would leave out', async () => {
    const p = await sampleProject();
    cleanups.push(p.remove);
    const checks = await checkSources(await loadOrganisation(path.join(p.dir, 'roster.yaml')), {}, '2026-12-07');
    expect(checks.map((c) => `${c.step}:${c.status}`)).toEqual(['config:ok', 'tables:ok', 'read:warn']);
    expect(renderSourceChecks(checks)).toContain('hr read: 28 rows, 1 would be left out');
  });

  it('fails on a missing export, an undeclared office in the table, and a missing credential', async () => {
    const p = await sampleProject();
    cleanups.push(p.remove);
    await rm(path.join(p.dir, 'examples/hr/sunpath-hr.csv'));
    await setSources(p.dir, {
      hr: { kind: 'csv', file: 'examples/hr/sunpath-hr.csv', offices: { map: { Mars: 'mars' } } },
      bamboo: { kind: 'bamboohr', companyDomain: 'sunpath', credentials: { apiKey: { env: 'NO_SUCH_KEY' } } },
    });
    const checks = await checkSources(await loadOrganisation(path.join(p.dir, 'roster.yaml')), {}, '2026-12-07');
    const failed = checks.filter((c) => c.status === 'fail').map((c) => `${c.source} ${c.step}: ${c.detail}`);
    expect(failed).toEqual([
      'hr tables: offices map names mars, which users/ does not declare',
      expect.stringMatching(/^hr read: .*sunpath-hr\.csv: the HR export does not exist$/),
      'bamboo credentials: NO_SUCH_KEY not set in the environment',
    ]);
  });
});
