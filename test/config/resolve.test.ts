import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listUsersFiles } from '../../src/config/loader.js';
import { loadOrganisation, validateState } from '../../src/compose/organisation.js';
import { isValidTimezone, normalisePhone } from '../../src/config/resolve.js';
import { closeMatches, editDistance } from '../../src/config/suggest.js';
import { formatPath } from '../../src/config/yaml-source.js';
import { firstInvalidUtf8 } from '../../src/config/yaml-source.js';
import { makeProject, removeProject, repoRoot } from './fixtures.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map(removeProject));
});

describe('loadOrganisation on the sample', () => {
  it('resolves people: lower-cased key, E.164 phone, office timezone by default, roles and office objects', async () => {
    const org = await loadOrganisation(path.join(repoRoot, 'roster.yaml'));
    expect(org.people).toHaveLength(25);
    expect(org.files).toEqual(['users/offices.yaml', 'users/people/austin.yaml', 'users/people/denver.yaml', 'users/people/headquarters.yaml', 'users/people/phoenix.yaml', 'users/roles.yaml'].map((f) => path.relative(process.cwd(), path.join(repoRoot, f))));
    const jake = org.peopleByKey.get('jake.thompson@sunpath.example')!;
    expect(jake.phone).toBe('+15125550102');
    expect(jake.timezone).toBe('America/Chicago');
    expect(jake.roles.map((r) => r.key)).toEqual(['sales-rep']);
    expect(jake.office?.key).toBe('austin');
    expect(jake.manager).toBe('maria.gonzalez@sunpath.example');
    expect(jake.active).toBe(true);
    expect(jake.source).toMatchObject({ file: expect.stringMatching(/users\/people\/austin.yaml$/), line: 18, col: 5 });
    expect(org.peopleByKey.get('sofia.martinez@sunpath.example')!.timezone).toBe('America/Los_Angeles');
    expect(org.peopleByKey.get('diego.ramirez@sunpath.example')!.active).toBe(false);
    expect(org.peopleByKey.get('emily.davis@sunpath.example')!.office).toBeUndefined();
    expect([...org.offices.keys()]).toEqual(['austin', 'phoenix', 'denver']);
    expect([...org.roles.keys()]).toEqual(['sales-rep', 'regional-manager', 'office-admin', 'customer-care', 'accounting']);
    expect(Object.keys(org.config.vendors)).toEqual(['enerflo', 'highlevel', 'pulse', 'partner']);
    expect(org.config.vendors.pulse.policy.prune).toBe(false);
  });

  it('covers all four vendors with the roles people hold', async () => {
    const org = await loadOrganisation(path.join(repoRoot, 'roster.yaml'));
    for (const kind of ['enerflo', 'highlevel', 'pulse', 'partner']) {
      expect(org.people.some((p) => p.roles.some((r) => (r as unknown as Record<string, unknown>)[kind])), kind).toBe(true);
    }
  });
});

describe('loading', () => {
  it('reads users files in any layout of sub-folders, .yml too, sorted; hidden folders are skipped', async () => {
    const dir = await makeProject({ 'users/z/deep/more.yml': 'people: []\n', 'users/a.yaml': 'roles: []\n', 'users/.git/x.yaml': 'nonsense: [', 'users/readme.md': '# hi' });
    dirs.push(dir);
    const files = (await listUsersFiles(path.join(dir, 'users'))).map((f) => path.relative(dir, f));
    expect(files).toEqual(['users/a.yaml', 'users/base.yaml', 'users/z/deep/more.yml']);
    const { org, diagnostics } = await validateState(path.join(dir, 'roster.yaml'));
    expect(diagnostics).toEqual([]);
    expect(org!.people.map((p) => p.key)).toEqual(['boss@acme.example', 'rep@acme.example']);
  });

  it('the users folder is relative to the config file, and diagnostics to the working directory', async () => {
    const dir = await makeProject({ 'roster.yaml': null, 'users/base.yaml': null, 'conf/roster.yaml': (await import('./fixtures.js')).BASE_CONFIG.replace('vendors:', 'users: ../team\nvendors:'), 'team/x.yaml': 'roles: [1]\n' });
    dirs.push(dir);
    const { diagnostics } = await validateState(path.join(dir, 'conf/roster.yaml'));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ file: path.relative(process.cwd(), path.join(dir, 'team/x.yaml')), line: 1, col: 9, path: 'roles[0]', message: 'expected a map, found the number 1' });
  });

  it('a semantic error in a person still lets the rest of them be checked', async () => {
    const dir = await makeProject({ 'users/x.yaml': 'people:\n  - email: x@acme.example\n    firstName: 5\n    lastName: Y\n    roles: [nope]\n    office: nowhere\n' });
    dirs.push(dir);
    const { diagnostics } = await validateState(path.join(dir, 'roster.yaml'));
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.path}`)).toEqual(['3:16 people[0].firstName', '5:13 people[0].roles[0]', '6:13 people[0].office']);
  });

  it('a broken role does not turn references to it into "unknown role"', async () => {
    // A Role Slug breaks the role itself (a name outside the fixed list is a person check now: roleNames).
    const dir = await makeProject({ 'users/x.yaml': 'roles:\n  - key: closer\n    enerflo: { roles: [agent] }\npeople:\n  - email: x@acme.example\n    firstName: X\n    lastName: Y\n    roles: [closer]\n' });
    dirs.push(dir);
    const { diagnostics } = await validateState(path.join(dir, 'roster.yaml'));
    expect(diagnostics.map((d) => d.path)).toEqual(['roles[0].enerflo.roles[0]']);
  });

  it('an Enerflo Role Name outside the fixed list is refused at validate unless the instance lists it in roleNames', async () => {
    const dir = await makeProject({ 'users/x.yaml': 'roles:\n  - key: closer\n    enerflo: { roles: [Closer] }\npeople:\n  - email: x@acme.example\n    firstName: X\n    lastName: Y\n    roles: [closer]\n' });
    dirs.push(dir);
    const { diagnostics } = await validateState(path.join(dir, 'roster.yaml'));
    expect(diagnostics.map((d) => `${d.path}: ${d.message}`)).toEqual([expect.stringMatching(/^people\[0\]\.roles: unknown Enerflo Role Name "Closer"/)]);
  });

  it('reports each manager cycle once, however many chains lead into it', async () => {
    const person = (name: string, manager?: string) =>
      `  - email: ${name}@acme.example\n    firstName: X\n    lastName: Y\n    roles: [care]\n${manager ? `    manager: ${manager}@acme.example\n` : ''}`;
    const users = `people:\n${[['h', 'd'], ['d', 'a'], ['a', 'b'], ['b', 'c'], ['c', 'a'], ['e', 'e'], ['f', 'g'], ['g', 'f'], ['i'], ['j', 'i']].map(([name, manager]) => person(name, manager)).join('')}`;
    const dir = await makeProject({ 'users/x.yaml': users });
    dirs.push(dir);
    const { diagnostics } = await validateState(path.join(dir, 'roster.yaml'));
    expect(diagnostics.map((d) => `${d.path}: ${d.message}`)).toEqual([
      'people[2].manager: manager cycle: a@acme.example → b@acme.example → c@acme.example → a@acme.example',
      'people[5].manager: a person cannot be their own manager',
      'people[6].manager: manager cycle: f@acme.example → g@acme.example → f@acme.example',
    ]);
  });

  it('people who hold the same roles share one list of them, frozen', async () => {
    const org = await loadOrganisation(path.join(repoRoot, 'roster.yaml'));
    const reps = org.people.filter((p) => p.roles.map((r) => r.key).join() === 'sales-rep');
    expect(reps.length).toBeGreaterThan(1);
    expect(new Set(reps.map((p) => p.roles)).size).toBe(1);
    expect(Object.isFrozen(reps[0].roles)).toBe(true);
  });

  it('vendor checks run only for vendor kinds the config uses', async () => {
    const config = 'vendors:\n  pulse:\n    kind: pulse\n    baseUrl: https://api.pulse.com\n    accountId: "1"\n    credentials:\n      apiKey: { env: A }\n      apiSecret: { env: B }\n';
    const users = 'roles:\n  - key: hl\n    highlevel: { type: account, role: user }\npeople:\n  - email: x@acme.example\n    firstName: X\n    lastName: Y\n    roles: [hl]\n';
    const dir = await makeProject({ 'roster.yaml': config, 'users/base.yaml': users });
    dirs.push(dir);
    expect((await validateState(path.join(dir, 'roster.yaml'))).diagnostics).toEqual([]);
  });
});

describe('helpers', () => {
  it('normalisePhone stores E.164 and refuses what is not a number', () => {
    expect(normalisePhone('(512) 555-0100')).toBe('+15125550100');
    expect(normalisePhone('512.555.0100')).toBe('+15125550100');
    expect(normalisePhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(normalisePhone('555-0100')).toBeUndefined();
    expect(normalisePhone('call me')).toBeUndefined();
  });

  it('isValidTimezone knows IANA names', () => {
    expect(isValidTimezone('America/Chicago')).toBe(true);
    expect(isValidTimezone('UTC')).toBe(true);
    expect(isValidTimezone('America/Austin')).toBe(false);
  });

  it('formatPath writes paths as people read them', () => {
    expect(formatPath(['people', 3, 'phone'])).toBe('people[3].phone');
    expect(formatPath(['roles', 0, 'enerflo', 'roles', 1])).toBe('roles[0].enerflo.roles[1]');
    expect(formatPath(['vendors', 'my vendor', 'baseUrl'])).toBe('vendors["my vendor"].baseUrl');
  });

  it('suggestions are the closest keys only', () => {
    expect(editDistance('fristName', 'firstName')).toBe(2);
    expect(closeMatches('fristName', ['firstName', 'lastName', 'email'])).toEqual(['firstName']);
    expect(closeMatches('zzz', ['firstName'])).toEqual([]);
  });

  it('firstInvalidUtf8 finds the first bad byte', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe9, 0x62]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
  });
});

describe('odd input never throws', () => {
  const inputs = [
    'people:\n  - null\n',
    'people: [1, "x", [], {}]\n',
    'roles:\n  - key: x\n    enerflo: []\n',
    'people:\n  - email: a@b.example\n    firstName: A\n    lastName: B\n    roles: [1, {a: 1}]\n    manager: 5\n    vendors: []\n',
    '1: 2\n',
    '? [a]\n: b\n',
    'people: !!binary aGVsbG8=\n',
    `x: ${'['.repeat(500)}${']'.repeat(500)}\n`,
    '"unterminated\n',
    '\t- a\n',
    'roles: {}\n',
    '<<: {a: 1}\n',
  ];
  it.each(inputs.map((text, i) => [i, text] as const))('input %i is reported, with positions', async (_i, text) => {
    const dir = await makeProject({ 'users/x.yaml': text });
    dirs.push(dir);
    const { org, diagnostics } = await validateState(path.join(dir, 'roster.yaml'));
    expect(org).toBeUndefined();
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const d of diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.col).toBeGreaterThanOrEqual(1);
      expect(d.message.length).toBeGreaterThan(0);
    }
  });

  it('a key named like a property every object has is an unknown field, not a secret', async () => {
    const dir = await makeProject({ 'users/x.yaml': 'people:\n  - email: x@acme.example\n    firstName: X\n    lastName: Y\n    roles: [care]\n    constructor: 1\n' });
    dirs.push(dir);
    const { diagnostics } = await validateState(path.join(dir, 'roster.yaml'));
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.path}: ${d.message}`)).toEqual(['6:5 people[0].constructor: unknown field "constructor"']);
  });

  it('a missing email says so, rather than "not a valid email"', async () => {
    const dir = await makeProject({ 'users/x.yaml': 'people:\n  - firstName: A\n    lastName: B\n    roles: [sales-rep]\n' });
    dirs.push(dir);
    const { diagnostics } = await validateState(path.join(dir, 'roster.yaml'));
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.path}: ${d.message}`)).toEqual(['2:5 people[0].email: missing required field "email"']);
  });
});
