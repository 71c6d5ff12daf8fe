import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { loadOrganisation, validateState } from '../../src/compose/organisation.js';
import { InvalidStateError } from '../../src/config/diagnostics.js';
import { BASE_CONFIG, BASE_USERS, makeProject, positionOf, removeProject, roster, STACK_LINE } from './fixtures.js';
import type { CliResult, FileContent } from './fixtures.js';

interface BadCase {
  name: string;
  /** Content of the one users file the case adds (users/<slug>.yaml) ... */
  content?: FileContent;
  /** ... or whole files that replace the base project's (roster.yaml, say). */
  files?: Record<string, FileContent | null>;
  /** The file the diagnostic is about (default: the case's users file). */
  file?: string;
  /** Where: the first (or n-th) appearance of a text in that file, or an explicit position. */
  at: string | [string, number] | { line: number; col: number };
  path: string;
  message: RegExp;
  hint?: RegExp;
  /** Config file to pass with -c, relative to the project (default roster.yaml). */
  config?: string;
}

/** A person in a case's users file; `extra` lines follow the office line. */
function person(email: string, extra = '', roles = '[sales-rep]', office: string | null = 'austin'): string {
  return `  - email: ${email}\n    firstName: Ann\n    lastName: Lee\n    roles: ${roles}\n${office ? `    office: ${office}\n` : ''}${extra}`;
}
const people = (...items: string[]) => `people:\n${items.join('')}`;
const config = (text: string) => ({ 'roster.yaml': text });

const billionLaughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  .concat('bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`))
  .join('\n');

const cases: BadCase[] = [
  // Files that are not usable YAML at all.
  { name: 'YAML syntax error', content: 'people:\n  - email: yaml-syntax-error.a@acme.example\n    roles: [sales-rep\n', at: { line: 4, col: 1 }, path: '', message: /YAML syntax: Flow sequence/ },
  { name: 'bad indentation', content: 'people:\n  - email: x@acme.example\n     firstName: A\n', at: 'x@acme', path: '', message: /YAML syntax: Nested mappings are not allowed/ },
  { name: 'empty file', content: '', at: { line: 1, col: 1 }, path: '', message: /the file is empty/ },
  { name: 'file with only comments', content: '# nobody here yet\n', at: { line: 1, col: 1 }, path: '', message: /the file is empty/ },
  { name: 'a list at the top of the file', content: '- email: a-list-at-the-top-of.a@acme.example\n', at: { line: 1, col: 1 }, path: '', message: /expected a map of fields at the top of the file, found a list/ },
  { name: 'plain text instead of YAML', content: 'just some notes\n', at: { line: 1, col: 1 }, path: '', message: /found the value "just some notes"/ },
  { name: 'people is a map, not a list', content: 'people:\n  email: people-is-a-map-not.a@acme.example\n', at: 'email', path: 'people', message: /expected a list, found a map/ },
  { name: 'a list where a person map belongs', content: 'people:\n  - - a-list-where-a-perso.a@acme.example\n', at: '- a-list', path: 'people[0]', message: /expected a map, found a list/, hint: /a list where a map belongs/ },
  { name: 'non-UTF-8 bytes', content: Buffer.concat([Buffer.from('people:\n  - email: caf'), Buffer.from([0xe9]), Buffer.from('@acme.example\n')]), at: { line: 2, col: 15 }, path: '', message: /not valid UTF-8 \(byte 0xe9/ },
  { name: 'YAML anchors', content: people(`  - &ann\n    email: yaml-anchors.a@acme.example\n    firstName: A\n    lastName: L\n    roles: [sales-rep]\n`), at: '&ann', path: '', message: /YAML anchors \(&ann\) are not allowed/ },
  { name: 'alias bomb', content: billionLaughs, at: '&a', path: '', message: /anchors \(&a\) are not allowed/, hint: /alias bomb/ },
  { name: 'a 50 MB file', content: { sparseBytes: 50 * 1024 * 1024 }, at: { line: 1, col: 1 }, path: '', message: /file is 50\.0 MB; roster reads YAML files up to 5\.0 MB/ },
  { name: 'duplicate key at the top', content: 'people: []\npeople: []\n', at: ['people', 2], path: '', message: /the key "people" appears twice/ },
  { name: 'duplicate key in a person', content: people(person('duplicate-key-in-a-p.a@acme.example', '    firstName: Bob\n')), at: ['firstName', 2], path: '', message: /the key "firstName" appears twice/ },
  { name: 'several YAML documents', content: 'people: []\n---\nroles: []\n', at: '---', path: '', message: /several YAML documents/ },

  // Schema errors.
  { name: 'unknown top-level key (typo)', content: 'peeple: []\n', at: 'peeple', path: 'peeple', message: /unknown field "peeple"/, hint: /did you mean "people"\?/ },
  { name: 'unknown person field (typo)', content: people(person('unknown-person-field.a@acme.example', '    fristName: Ann\n')), at: 'fristName', path: 'people[0].fristName', message: /unknown field "fristName"/, hint: /did you mean "firstName"\?/ },
  { name: 'unknown office field (typo)', content: 'offices:\n  - key: dallas\n    name: Dallas\n    timezon: America/Chicago\n', at: 'timezon', path: 'offices[0].timezon', message: /unknown field "timezon"/, hint: /did you mean "timezone"\?/ },
  { name: 'wrong type: text for a boolean', content: people(person('wrong-type-text-for.a@acme.example', '    active: "yes"\n')), at: '"yes"', path: 'people[0].active', message: /expected true or false, found the text "yes"/ },
  { name: 'wrong type: text where a list belongs', content: people(person('wrong-type-text-wher.a@acme.example', '', 'sales-rep')), at: 'sales-rep', path: 'people[0].roles', message: /expected a list, found the text "sales-rep"/ },
  { name: 'wrong type: an unquoted phone read as a number', content: people(person('wrong-type-an-unquot.a@acme.example', '    phone: +15125550100\n')), at: '+1512', path: 'people[0].phone', message: /expected text, found the number 15125550100 \(written \+15125550100\)/, hint: /put it in quotes: "\+15125550100"/ },
  { name: 'a start date that is no day on the calendar', content: people(person('start-date-no-day.a@acme.example', '    startDate: 2027-02-30\n')), at: '2027-02-30', path: 'people[0].startDate', message: /"2027-02-30" is not a date: February 2027 has 28 days, so day 30 does not exist/ },
  { name: 'missing required field', content: 'people:\n  - email: missing-required-fie.a@acme.example\n    firstName: Ann\n    roles: [sales-rep]\n', at: 'email', path: 'people[0].lastName', message: /missing required field "lastName"/ },
  { name: 'invalid email', content: people(person('not-an-email')), at: 'not-an-email', path: 'people[0].email', message: /not a valid email address/ },
  { name: 'empty roles list', content: people(person('empty-roles-list.a@acme.example', '', '[]')), at: '[]', path: 'people[0].roles', message: /a person needs at least one role/ },
  { name: 'badly formed role key', content: 'roles:\n  - key: Sales Rep\n', at: 'Sales Rep', path: 'roles[0].key', message: /use lower-case letters/ },
  { name: 'Enerflo Role Slug instead of Name', content: 'roles:\n  - key: rep2\n    enerflo:\n      roles: [agent]\n', at: 'agent', path: 'roles[0].enerflo.roles[0]', message: /"agent" is a Role Slug; Enerflo takes the Role Name "Sales Rep"/ },
  { name: 'HighLevel type typo', content: 'roles:\n  - key: hl2\n    highlevel:\n      type: acount\n      role: user\n', at: 'acount', path: 'roles[0].highlevel.type', message: /the text "acount" is not allowed here/, hint: /did you mean "account"\?/ },
  { name: 'partner ACCOUNT_OWNER declared', content: 'roles:\n  - key: owner\n    partner:\n      role: ACCOUNT_OWNER\n', at: 'ACCOUNT_OWNER', path: 'roles[0].partner.role', message: /ACCOUNT_OWNER cannot be declared/ },

  // Secrets and personal data.
  { name: 'password on a person', content: people(person('password-on-a-person.a@acme.example', '    password: hunter2\n')), at: ['password', 2], path: 'people[0].password', message: /"password" must not be in git: a password is a secret, and roster never sends it/ },
  { name: 'ssn on a person', content: people(person('ssn-on-a-person.a@acme.example', '    ssn: 123-45-6789\n')), at: ['ssn', 2], path: 'people[0].ssn', message: /social security number is sensitive personal data/ },
  { name: 'dateOfBirth on a person', content: people(person('dateofbirth-on-a-per.a@acme.example', '    dateOfBirth: 1990-01-01\n')), at: 'dateOfBirth', path: 'people[0].dateOfBirth', message: /a date of birth is personal data/ },
  { name: 'date_of_birth under vendor overrides', content: people(person('date-of-birth-under.a@acme.example', '    vendors:\n      partner:\n        date_of_birth: 1990-01-01\n')), at: 'date_of_birth', path: 'people[0].vendors.partner.date_of_birth', message: /date of birth/ },
  { name: 'owner_ship on a person', content: people(person('owner-ship-on-a-pers.a@acme.example', '    owner_ship: 25\n')), at: 'owner_ship', path: 'people[0].owner_ship', message: /an ownership share is sensitive personal data/ },
  { name: 'ownershipShare on a role', content: 'roles:\n  - key: founder\n    ownershipShare: 10\n', at: 'ownershipShare', path: 'roles[0].ownershipShare', message: /ownership share/ },

  // Semantic errors across files.
  { name: 'duplicate email across files (case-insensitive)', content: people(person('REP@acme.example')), at: 'REP@', path: 'people[0].email', message: new RegExp(`REP@acme.example is declared twice .*the other one is at .*users/base.yaml:${positionOf(BASE_USERS, 'rep@acme').line}:${positionOf(BASE_USERS, 'rep@acme').col}`) },
  { name: 'duplicate role key', content: 'roles:\n  - key: setter\n', at: 'setter', path: 'roles[0].key', message: /role "setter" is declared twice; the other one is at .*users\/base.yaml:/ },
  { name: 'duplicate office key', content: 'offices:\n  - key: austin\n    name: Austin 2\n    timezone: America/Chicago\n', at: 'austin', path: 'offices[0].key', message: /office "austin" is declared twice/ },
  { name: 'unknown role', content: people(person('unknown-role.a@acme.example', '', '[sales-rpe]')), at: 'sales-rpe', path: 'people[0].roles[0]', message: /unknown role "sales-rpe"/, hint: /did you mean "sales-rep"\?/ },
  { name: 'unknown office', content: people(person('unknown-office.a@acme.example', '', '[sales-rep]', 'austn')), at: 'austn', path: 'people[0].office', message: /unknown office "austn"/, hint: /did you mean "austin"\?/ },
  { name: 'unknown manager', content: people(person('unknown-manager.a@acme.example', '    manager: bos@acme.example\n')), at: 'bos@', path: 'people[0].manager', message: /manager bos@acme.example is not declared/, hint: /did you mean boss@acme.example\?/ },
  { name: 'manager is oneself', content: people(person('manager-is-oneself.a@acme.example', '    manager: MANAGER-IS-ONESELF.A@acme.example\n')), at: 'MANAGER-IS', path: 'people[0].manager', message: /cannot be their own manager/ },
  { name: 'manager cycle', content: people(person('manager-cycle.a@acme.example', '    manager: manager-cycle.b@acme.example\n'), person('manager-cycle.b@acme.example', '    manager: manager-cycle.c@acme.example\n'), person('manager-cycle.c@acme.example', '    manager: manager-cycle.a@acme.example\n')), at: 'manager-cycle.b@acme.example', path: 'people[0].manager', message: /manager cycle: manager-cycle.a@acme.example → manager-cycle.b@acme.example → manager-cycle.c@acme.example → manager-cycle.a@acme.example/ },
  { name: 'offboarded manager', content: people(person('offboarded-manager.a@acme.example', '    active: false\n', '[manager]'), person('offboarded-manager.b@acme.example', '    manager: offboarded-manager.a@acme.example\n')), at: ['offboarded-manager.a@acme.example', 2], path: 'people[1].manager', message: /manager offboarded-manager.a@acme.example is offboarded \(active: false\), but offboarded-manager.b@acme.example is active/ },
  { name: 'phone that cannot be normalised', content: people(person('phone-that-cannot-be.a@acme.example', '    phone: 555-0100\n')), at: '555-0100', path: 'people[0].phone', message: /"555-0100" is not a phone number roster can read/ },
  { name: 'unknown person timezone', content: people(person('unknown-person-timez.a@acme.example', '    timezone: America/Chicgo\n')), at: 'America/Chicgo', path: 'people[0].timezone', message: /unknown timezone "America\/Chicgo"/, hint: /did you mean America\/Chicago\?/ },
  { name: 'unknown office timezone', content: 'offices:\n  - key: base\n    name: Base\n    timezone: Mars/Olympus\n', at: 'Mars', path: 'offices[0].timezone', message: /unknown timezone "Mars\/Olympus"/ },

  // Vendor rules checked before any network call.
  { name: 'Enerflo manager on a non-Sales-Rep', content: people(person('enerflo-manager-on-a.a@acme.example', '    manager: boss@acme.example\n', '[setter]', null)), at: 'boss@', path: 'people[0].manager', message: /Enerflo keeps a manager only on Sales Reps, and their Enerflo roles are "Setter"/ },
  { name: 'Enerflo office on a non-Sales-Rep', content: people(person('enerflo-office-on-a.a@acme.example', '', '[setter]')), at: 'austin', path: 'people[0].office', message: /Enerflo keeps an office only on Sales Reps and Regional Managers.*Enerflo office id 101/ },
  { name: 'Enerflo extra office ids without Regional Manager', content: people(person('enerflo-extra-office.a@acme.example', '    vendors:\n      enerflo:\n        officeIds: [102]\n')), at: '[102]', path: 'people[0].vendors.enerflo.officeIds', message: /extra office ids only to the Regional Manager role/ },
  { name: 'Enerflo timezone outside its enum', content: people(person('enerflo-timezone-enum.a@acme.example', '    timezone: Europe/Paris\n')), at: 'Europe/Paris', path: 'people[0].timezone', message: /Enerflo's timezone list does not have "Europe\/Paris"/, hint: /add it to timezones: \[\.\.\.\] of the enerflo vendor/ },
  { name: 'Enerflo timezone override outside its enum', content: people(person('enerflo-timezone-over.a@acme.example', '    vendors:\n      enerflo:\n        timezone: Europe/Berlin\n')), at: 'Europe/Berlin', path: 'people[0].vendors.enerflo.timezone', message: /Enerflo's timezone list does not have "Europe\/Berlin"/ },
  { name: 'two roles mapping to different partner roles', content: people(person('two-roles-mapping-to.a@acme.example', '', '[manager, care]')), at: '[manager', path: 'people[0].roles', message: /roles "manager" \(MANAGER\), "care" \(CUSTOMER_CARE\) map to different partner roles/ },
  { name: 'HighLevel account user whose office has no location', content: people(person('hl-no-location.a@acme.example', '', '[hl-user]', 'remote')), at: 'remote', path: 'people[0].office', message: /a HighLevel account user needs a location, and office "remote" has no highlevel.locationIds/ },
  { name: 'HighLevel account user without an office', content: people(person('hl-no-office.a@acme.example', '', '[hl-user]', null)), at: 'email', path: 'people[0]', message: /a HighLevel account user needs a location, and this person has no office/ },
  { name: 'roles giving two HighLevel user types', content: people(person('roles-giving-two-hig.a@acme.example', '', '[hl-user, agency]')), at: '[hl-user', path: 'people[0].roles', message: /different HighLevel user types/ },

  // The root config.
  { name: 'literal token in roster.yaml', files: config(BASE_CONFIG.replace('apiKey: { env: ENERFLO_API_KEY }', 'apiKey: sk_live_abc123')), file: 'roster.yaml', at: 'sk_live', path: 'vendors.enerflo.credentials.apiKey', message: /a literal secret is not allowed in the config/ },
  { name: 'unknown vendor kind', files: config(BASE_CONFIG.replace('kind: enerflo', 'kind: enerflow')), file: 'roster.yaml', at: 'enerflow', path: 'vendors.enerflo.kind', message: /unknown kind "enerflow"/, hint: /did you mean "enerflo"\?/ },
  { name: 'typo in a vendor field', files: config(BASE_CONFIG.replace('baseUrl: https://enerflo.io', 'baseURL: https://enerflo.io')), file: 'roster.yaml', at: 'baseURL', path: 'vendors.enerflo.baseURL', message: /unknown field "baseURL"/, hint: /did you mean "baseUrl"\?/ },
  { name: 'baseUrl that is not a URL', files: config(BASE_CONFIG.replace('baseUrl: https://enerflo.io', 'baseUrl: enerflo.io')), file: 'roster.yaml', at: 'enerflo.io', path: 'vendors.enerflo.baseUrl', message: /a full URL/ },
  { name: 'offboarding deactivate on HighLevel', files: config(BASE_CONFIG.replace('companyId: Rk7mQ2vX9pLs4TnB8cWd', 'companyId: Rk7mQ2vX9pLs4TnB8cWd\n    offboarding: deactivate')), file: 'roster.yaml', at: 'deactivate', path: 'vendors.highlevel.offboarding', message: /offboarding: deactivate is not possible on HighLevel: its API has no deactivation.*HighLevel supports offboarding: delete \(with policy\.allowDelete: true\) or manual/ },
  { name: 'offboarding delete on Enerflo', files: config(BASE_CONFIG.replace('    credentials:\n      apiKey', '    offboarding: delete\n    policy: { allowDelete: true }\n    credentials:\n      apiKey')), file: 'roster.yaml', at: 'delete', path: 'vendors.enerflo.offboarding', message: /offboarding: delete is not possible on Enerflo: its API removes users by deactivation only; Enerflo supports offboarding: deactivate or manual/ },
  { name: 'offboarding typo', files: config(BASE_CONFIG.replace('kind: pulse', 'kind: pulse\n    offboarding: deactivat')), file: 'roster.yaml', at: 'deactivat', path: 'vendors.pulse.offboarding', message: /the text "deactivat" is not allowed here; expected one of: "deactivate", "delete", "manual"$/, hint: /did you mean "deactivate"\?/ },
  { name: 'offboarding revoke', files: config(BASE_CONFIG.replace('kind: pulse', 'kind: pulse\n    offboarding: revoke')), file: 'roster.yaml', at: 'revoke', path: 'vendors.pulse.offboarding', message: /offboarding: revoke is not available: .*use deactivate, delete or manual$/ },
  { name: 'users folder that does not exist', files: config(`users: team\n${BASE_CONFIG}`), file: 'roster.yaml', at: 'team', path: 'users', message: /the users folder .*team\/ does not exist/ },
  { name: 'empty roster.yaml', files: config(''), file: 'roster.yaml', at: { line: 1, col: 1 }, path: '', message: /the file is empty/, hint: /needs at least "vendors:"/ },
  { name: 'roster.yaml without vendors', files: config('users: users\n'), file: 'roster.yaml', at: 'users', path: 'vendors', message: /missing required field "vendors"/ },
  { name: 'config file that does not exist', files: {}, config: 'rooster.yaml', file: 'rooster.yaml', at: { line: 1, col: 1 }, path: '', message: /config file not found/ },
];

const slug = (c: BadCase) => c.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const caseFile = (c: BadCase) => `users/${slug(c)}.yaml`;
const filesOf = (c: BadCase): Record<string, FileContent | null> => ({ ...(c.content !== undefined ? { [caseFile(c)]: c.content } : {}), ...c.files });

function expectedWhere(c: BadCase): { file: string; line: number; col: number } {
  const file = c.file ?? caseFile(c);
  if (typeof c.at === 'object' && !Array.isArray(c.at)) return { file, ...c.at };
  const content = filesOf(c)[file] ?? (file === 'roster.yaml' ? BASE_CONFIG : undefined);
  if (typeof content !== 'string') throw new Error(`case "${c.name}": give an explicit position for non-text content`);
  const [needle, occurrence] = Array.isArray(c.at) ? c.at : [c.at, 1];
  return { file, ...positionOf(content, needle, occurrence) };
}

/** `users/x.yaml:3:5 people[0].phone: ` — how a diagnostic line starts. */
function lead(c: BadCase): string {
  const where = expectedWhere(c);
  return `${where.file}:${where.line}:${where.col}${c.path ? ` ${c.path}:` : ''} `;
}

function expectReported(c: BadCase, result: CliResult): void {
  const line = result.stderr.split('\n').find((l) => l.startsWith(lead(c)));
  expect(line, `no diagnostic starting with "${lead(c)}" in:\n${result.stderr}`).toBeDefined();
  expect(line).toMatch(c.message);
  if (c.hint) expect(result.stderr).toMatch(c.hint);
}

function expectCleanFailure(result: CliResult): void {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(result.stderr).toMatch(/error: \d+ problems? found/);
}

const projects: string[] = [];
afterAll(async () => {
  await Promise.all(projects.map(removeProject));
});

async function project(files: Record<string, FileContent | null>): Promise<string> {
  const dir = await makeProject(files);
  projects.push(dir);
  return dir;
}

it('has at least 30 bad-input cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(30);
});

describe.concurrent.each(cases)('bad input: $name', (c) => {
  it('validateState and loadOrganisation report it at file:line:col with the field path', async () => {
    const dir = await project(filesOf(c));
    const configFile = path.join(dir, c.config ?? 'roster.yaml');
    const { org, diagnostics } = await validateState(configFile);
    expect(org).toBeUndefined();
    const where = expectedWhere(c);
    const file = path.relative(process.cwd(), path.join(dir, where.file));
    const found = diagnostics.find((d) => d.file === file && d.line === where.line && d.col === where.col && d.path === c.path);
    expect(found, diagnostics.map(formatDiagnostic).join('\n')).toBeDefined();
    expect(found!.message).toMatch(c.message);
    if (c.hint) expect(diagnostics.map((d) => d.hint ?? '').join('\n')).toMatch(c.hint);
    const error = await loadOrganisation(configFile).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidStateError);
    expect((error as InvalidStateError).diagnostics).toEqual(diagnostics);
  });
});

/*
 * The built CLI, as a user runs it. Starting node costs seconds on a busy machine, so the cases that
 * each add one users file run together in one project (one file per case; emails, role and office
 * keys are unique across cases), and the built CLI must report every one of them at its place. Cases
 * that replace roster.yaml get a run each.
 */
describe('the built CLI: roster validate', () => {
  const together = cases.filter((c) => c.content !== undefined && !c.files && !c.config);
  const alone = cases.filter((c) => !together.includes(c));

  it(`reports all ${together.length} users-file cases in one run: exit 1, file:line:col, field path, no stack trace`, async () => {
    const files = Object.assign({}, ...together.map(filesOf)) as Record<string, FileContent>;
    const dir = await project(files);
    const result = await roster(['validate', '-c', path.join(dir, 'roster.yaml')], dir);
    expectCleanFailure(result);
    for (const c of together) expectReported(c, result);
  });

  it.concurrent.each(alone)('$name: exit 1, file:line:col, field path, no stack trace', async (c) => {
    const dir = await project(filesOf(c));
    const result = await roster(['validate', '-c', path.join(dir, c.config ?? 'roster.yaml')], dir);
    expectCleanFailure(result);
    expectReported(c, result);
  });

  it.concurrent.each(cases.slice(0, 3))('$name, alone in a project: exit 1', async (c) => {
    const dir = await project(filesOf(c));
    const result = await roster(['validate', '-c', path.join(dir, 'roster.yaml')], dir);
    expectCleanFailure(result);
    expectReported(c, result);
  });
});
