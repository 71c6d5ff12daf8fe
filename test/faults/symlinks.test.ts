import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { makeWorkspace, repoRoot, runCli, type Workspace } from '../helpers/workspace.js';

const person = (email: string) => ({ email, firstName: 'Link', lastName: 'Ed', roles: ['sales-rep'], office: 'austin' });

let workspace: Workspace | undefined;
let outside: string | undefined;
afterEach(async () => {
  await workspace?.remove();
  if (outside) await rm(outside, { recursive: true, force: true });
  workspace = undefined;
  outside = undefined;
});

async function setUp() {
  workspace = await makeWorkspace(await readFile(path.join(repoRoot, 'roster.yaml'), 'utf8'), {
    'offices.yaml': await readFile(path.join(repoRoot, 'users/offices.yaml'), 'utf8'),
    'roles.yaml': await readFile(path.join(repoRoot, 'users/roles.yaml'), 'utf8'),
    'people.yaml': { people: [person('local.person@sunpath.example')] },
  });
  return workspace;
}

describe('users files that are symbolic links', () => {
  it('a link to a file inside the project is read like any users file', async () => {
    const ws = await setUp();
    await mkdir(path.join(ws.dir, 'shared'));
    await writeFile(path.join(ws.dir, 'shared/linked.yaml'), stringify({ people: [person('linked.person@sunpath.example')] }));
    await symlink(path.join(ws.dir, 'shared/linked.yaml'), path.join(ws.dir, 'users/linked.yaml'));
    await mkdir(path.join(ws.dir, 'shared/more'));
    await writeFile(path.join(ws.dir, 'shared/more/team.yaml'), stringify({ people: [person('folder.person@sunpath.example')] }));
    await symlink(path.join(ws.dir, 'shared/more'), path.join(ws.dir, 'users/more'));
    const result = await runCli(['validate', '-c', ws.configFile]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^3 people/m);
  });

  it('a link pointing outside the project, or at nothing, is refused with an error naming it', async () => {
    const ws = await setUp();
    outside = await mkdtemp(path.join(tmpdir(), 'roster-outside-'));
    await writeFile(path.join(outside, 'people.yaml'), stringify({ people: [person('outside.person@sunpath.example')] }));
    await symlink(path.join(outside, 'people.yaml'), path.join(ws.dir, 'users/outside.yaml'));
    await symlink(path.join(ws.dir, 'nowhere.yaml'), path.join(ws.dir, 'users/dangling.yaml'));
    const result = await runCli(['validate', '-c', ws.configFile]);
    expect(result.code).toBe(1);
    const output = result.stdout + result.stderr;
    expect(output).toMatch(/users\/outside\.yaml:1:1 this users file is a symbolic link to .*people\.yaml, outside the project/);
    expect(output).toMatch(/users\/dangling\.yaml:1:1 this users file is a symbolic link to nothing/);
  });
});
