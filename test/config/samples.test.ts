import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROSTER_SCHEMA_FILE, USERS_SCHEMA_FILE } from '../../src/config/json-schema.js';
import { jsonSchemaFiles } from '../../src/compose/organisation.js';
import { listUsersFiles } from '../../src/config/loader.js';
import { loadOrganisation } from '../../src/compose/organisation.js';
import { makeProject, removeProject, repoRoot, roster, STACK_LINE } from './fixtures.js';

const configs = ['roster.yaml', 'examples/single-vendor/roster.yaml', 'examples/multi-vendor/roster.yaml'];

describe('the sample organisation and every example validate', () => {
  it.each(configs)('roster validate -c %s exits 0 with a one-line summary', async (config) => {
    const result = await roster(['validate', '-c', config], undefined, { spawn: true });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+ (people|person), \d+ roles?, \d+ offices?, vendors: [a-z, -]+\n$/);
  });

  it('the sample: 25 people, 5 roles, 3 offices, all four vendors', async () => {
    const result = await roster(['validate']);
    expect(result.stdout).toBe('25 people, 5 roles, 3 offices, vendors: enerflo, highlevel, pulse, partner\n');
  });

  it.each(configs)('loadOrganisation(%s) resolves', async (config) => {
    const org = await loadOrganisation(path.join(repoRoot, config));
    expect(org.people.length).toBeGreaterThan(0);
  });
});

describe('the JSON Schemas', () => {
  it('the committed schema/ files are what `roster schema` writes today', async () => {
    for (const [name, content] of Object.entries(jsonSchemaFiles())) {
      const committed = await readFile(path.join(repoRoot, 'schema', name), 'utf8');
      expect(committed, `schema/${name} is stale: run \`npm run build && node dist/cli.js schema\``).toBe(content);
    }
  });

  it('every users file and roster.yaml carries a yaml-language-server $schema line that points at the schema', async () => {
    const files: [string, string][] = [];
    for (const config of configs) {
      files.push([path.join(repoRoot, config), ROSTER_SCHEMA_FILE]);
      for (const file of await listUsersFiles(path.join(repoRoot, path.dirname(config), 'users'))) files.push([file, USERS_SCHEMA_FILE]);
    }
    expect(files.length).toBeGreaterThan(6);
    for (const [file, schema] of files) {
      const first = (await readFile(file, 'utf8')).split('\n')[0];
      const match = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
      expect(match, `${file} lacks the $schema line`).not.toBeNull();
      expect(path.resolve(path.dirname(file), match![1])).toBe(path.join(repoRoot, 'schema', schema));
    }
  });

  it('describes the file formats: users files and vendor instances', () => {
    const users = JSON.parse(jsonSchemaFiles()[USERS_SCHEMA_FILE]);
    expect(Object.keys(users.properties)).toEqual(['offices', 'roles', 'people']);
    expect(users.additionalProperties).toBe(false);
    const person = users.properties.people.items;
    expect(person.required).toEqual(expect.arrayContaining(['email', 'firstName', 'lastName', 'roles']));
    expect(person.required).not.toContain('active');
    const root = JSON.parse(jsonSchemaFiles()[ROSTER_SCHEMA_FILE]);
    expect(JSON.stringify(root.properties.vendors)).toContain('"enerflo"');
  });

  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map(removeProject));
  });

  it('roster schema --out DIR writes both files', async () => {
    const dir = await makeProject();
    dirs.push(dir);
    const result = await roster(['schema', '--out', path.join(dir, 'out')], undefined, { spawn: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('users.schema.json');
    for (const [name, content] of Object.entries(jsonSchemaFiles())) {
      expect(await readFile(path.join(dir, 'out', name), 'utf8')).toBe(content);
    }
  });
});

describe('the validate command', () => {
  it('--help explains it and exits 0', async () => {
    const result = await roster(['validate', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No network');
  });

  it('reports every problem in every file at once, sorted by file and line', async () => {
    const dir = await makeProject({
      'users/a.yaml': 'people:\n  - email: x@acme.example\n    firstName: X\n    lastName: Y\n    roles: [nope]\n    phone: "12"\n',
      'users/b.yaml': 'peeple: []\n',
      'users/sub/c.yaml': '',
    });
    const result = await roster(['validate', '-c', path.join(dir, 'roster.yaml')], dir);
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter((l) => /^users\//.test(l));
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['users/a.yaml:5:13', 'users/a.yaml:6:12', 'users/b.yaml:1:1', 'users/sub/c.yaml:1:1']);
    expect(result.stderr).toContain('error: 4 problems found');
    expect(result.stderr).not.toMatch(STACK_LINE);
    await removeProject(dir);
  });
});
