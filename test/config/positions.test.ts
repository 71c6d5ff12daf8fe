import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { validateState } from '../../src/compose/organisation.js';
import { readYamlFile, SourceFile } from '../../src/config/yaml-source.js';
import { BASE_USERS, makeProject, positionOf, removeProject } from './fixtures.js';

/*
 * The loader lets each users file's YAML tree go once the file's own checks have run (at 100,000
 * people the trees together took most of a gigabyte). Items keep where they start; a semantic
 * diagnostic about one of their fields parses its file again, once.
 */

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map(removeProject));
});
afterEach(() => {
  vi.restoreAllMocks();
});

const person = (email: string, extra = '', lines = '    roles: [sales-rep]\n    office: austin\n') => `  - email: ${email}\n    firstName: Ann\n    lastName: Lee\n${lines}${extra}`;
const team = (prefix: string, count: number, extra: Record<number, string> = {}) =>
  `people:\n${Array.from({ length: count }, (_, i) => person(`${prefix}${i}@acme.example`, extra[i])).join('')}`;

async function project(files: Record<string, string>): Promise<string> {
  const dir = await makeProject(files);
  dirs.push(dir);
  return dir;
}

describe('positions in users files whose tree was let go', () => {
  it('a valid organisation never parses a file a second time', async () => {
    const reparse = vi.spyOn(SourceFile.prototype, 'reparse');
    const dir = await project({ 'users/a.yaml': team('a', 40), 'users/b.yaml': team('b', 40) });
    const { org, diagnostics } = await validateState(path.join(dir, 'roster.yaml'));
    expect(diagnostics).toEqual([]);
    expect(org!.people).toHaveLength(82);
    expect(reparse).not.toHaveBeenCalled();
    const a30 = org!.peopleByKey.get('a30@acme.example')!;
    expect(a30.source).toEqual({ file: path.relative(process.cwd(), path.join(dir, 'users/a.yaml')), ...positionOf(team('a', 40), 'email: a30@') });
  });

  it('semantic diagnostics deep in files point at their field: each file is parsed again once, the others not at all', async () => {
    const reparse = vi.spyOn(SourceFile.prototype, 'reparse');
    const a = team('a', 40, { 25: '    phone: 555-01\n    manager: nobody@acme.example\n', 33: '    timezone: Mars/Olympus\n' });
    const b = `${team('b', 20, { 12: '    manager: a25@acme.exmaple\n' })}${person('A3@acme.example')}`;
    const dir = await project({ 'users/a.yaml': a, 'users/b.yaml': b });
    const { org, diagnostics } = await validateState(path.join(dir, 'roster.yaml'));
    expect(org).toBeUndefined();
    const fileA = path.relative(process.cwd(), path.join(dir, 'users/a.yaml'));
    const fileB = path.relative(process.cwd(), path.join(dir, 'users/b.yaml'));
    const where = (file: string, text: string, needle: string) => ({ file, ...positionOf(text, needle) });
    expect(diagnostics.map(({ file, line, col, path: at, message }) => ({ file, line, col, path: at, message }))).toEqual([
      { ...where(fileA, a, '555-01'), path: 'people[25].phone', message: '"555-01" is not a phone number roster can read' },
      { ...where(fileA, a, 'nobody@'), path: 'people[25].manager', message: 'manager nobody@acme.example is not declared in any users file' },
      { ...where(fileA, a, 'Mars/'), path: 'people[33].timezone', message: 'unknown timezone "Mars/Olympus"' },
      { ...where(fileB, b, 'a25@acme.exmaple'), path: 'people[12].manager', message: 'manager a25@acme.exmaple is not declared in any users file' },
      {
        ...where(fileB, b, 'A3@'),
        path: 'people[20].email',
        message: `A3@acme.example is declared twice (emails compare case-insensitively); the other one is at ${fileA}:${positionOf(a, 'a3@').line}:${positionOf(a, 'a3@').col}`,
      },
    ]);
    expect(reparse).toHaveBeenCalledTimes(2);
  });

  it('a diagnostic about a whole item needs no second parse', async () => {
    const reparse = vi.spyOn(SourceFile.prototype, 'reparse');
    const users = `${team('a', 10)}${person('hl@acme.example', '', '    roles: [hl-user]\n')}`;
    const dir = await project({ 'users/a.yaml': users });
    const { diagnostics } = await validateState(path.join(dir, 'roster.yaml'));
    expect(diagnostics).toMatchObject([{ ...positionOf(users, 'email: hl@'), path: 'people[10]', message: expect.stringMatching(/HighLevel account user needs a location/) }]);
    expect(reparse).not.toHaveBeenCalled();
  });

  it('a file changed since it was read is not parsed again as if it were the same', async () => {
    const dir = await project({});
    const file = path.join(dir, 'users/base.yaml');
    const { sourceFile } = await readYamlFile(file, 'users/base.yaml', 'users files');
    expect(sourceFile!.reparse()!.locate(['people', 1, 'phone'])).toEqual(positionOf(BASE_USERS, '(512) 555-0100'));
    await writeFile(file, `# a comment moves every line\n${BASE_USERS}`);
    expect(sourceFile!.reparse()).toBeUndefined();
  });
});
