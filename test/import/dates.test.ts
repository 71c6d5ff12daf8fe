import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateState } from '../../src/compose/organisation.js';
import { runImport } from '../../src/import/run.js';
import { makeWorkspace, repoRoot, type Workspace } from '../helpers/workspace.js';

/** Import writes no dates of its own (vendors have none), and a replaced file's dates stay. */
describe('roster import and dates', () => {
  let workspace: Workspace | undefined;
  afterEach(async () => {
    await workspace?.remove();
    workspace = undefined;
  });

  it('keeps the dates declared in the file it replaces with --force', { timeout: 120_000 }, async () => {
    const config = await readFile(path.join(repoRoot, 'roster.yaml'), 'utf8');
    workspace = await makeWorkspace(config.replace(/^users:.*$/m, 'users: users'), {});
    const io = { out: () => {}, err: () => {} };
    const first = await runImport(workspace.configFile, { sandbox: true, vendor: ['pulse'] }, io);
    const file = first.file!;
    const written = await readFile(file, 'utf8');
    expect(written).not.toMatch(/startDate|endDate|until:/);

    // Someone adds a leaver's last day and a role window to the imported file.
    const data = parse(written) as { people: { email: string; roles: unknown[]; endDate?: string; startDate?: string }[] };
    const jake = data.people.find((p) => p.email.toLowerCase() === 'jake.thompson@sunpath.example')!;
    const text = written
      .replace(/(- email: jake\.thompson@sunpath\.example\n)/i, `$1    startDate: 2024-01-15\n    endDate: 2027-08-31\n`)
      .replace(new RegExp(`(email: jake\\.thompson@sunpath\\.example[\\s\\S]*?roles: \\[ )${String(jake.roles[0])}( \\])`, 'i'), `$1{ role: ${String(jake.roles[0])}, until: 2027-06-30 }$2`);
    expect(text).not.toBe(written);
    await writeFile(file, text);
    expect((await validateState(workspace.configFile)).diagnostics).toEqual([]);

    await runImport(workspace.configFile, { sandbox: true, vendor: ['pulse'], force: true }, io);
    const again = parse(await readFile(file, 'utf8')) as typeof data;
    const kept = again.people.find((p) => p.email.toLowerCase() === 'jake.thompson@sunpath.example')!;
    expect(kept).toMatchObject({ startDate: '2024-01-15', endDate: '2027-08-31', roles: [{ role: String(jake.roles[0]), until: '2027-06-30' }] });
    // Nobody else gained a date.
    expect(again.people.filter((p) => p.startDate || p.endDate)).toHaveLength(1);
    expect((await validateState(workspace.configFile)).diagnostics).toEqual([]);
  });
});
