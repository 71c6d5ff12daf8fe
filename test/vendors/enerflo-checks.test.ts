import { describe, expect, it } from 'vitest';
import type { Organisation, ResolvedPerson } from '../../src/config/model.js';
import { enerflo as enerfloModule } from '../../src/vendors/enerflo/index.js';

const checkEnerfloPerson = (person: ResolvedPerson, org: Organisation) => enerfloModule.checkPerson!(person, org);

const source = { file: 'users/team.yaml', line: 3, col: 5 };
const rep = { key: 'sales-rep', source, enerflo: { roles: ['Sales Rep'], sendWelcomeEmail: false, canCreateLeads: true, optimusAccess: false, canReassignLeads: true } };

function orgWith(person: ResolvedPerson, timezones?: string[], roleNames?: string[]): Organisation {
  const enerflo = enerfloModule.parseConfig({
    kind: 'enerflo',
    baseUrl: 'https://enerflo.io',
    credentials: { apiKey: { env: 'ENERFLO_API_KEY' } },
    ...(timezones ? { timezones } : {}),
    ...(roleNames ? { roleNames } : {}),
  });
  return { config: { vendors: { enerflo } }, people: [person], peopleByKey: new Map([[person.key, person]]) } as unknown as Organisation;
}

const person = (timezone: string, extra: Partial<ResolvedPerson> = {}) =>
  ({ key: 'ann@acme.example', email: 'ann@acme.example', firstName: 'Ann', lastName: 'Lee', active: true, roles: [rep], timezone, source, ...extra }) as unknown as ResolvedPerson;

describe("Enerflo's timezone enum at roster validate", () => {
  it('takes the documented values', () => {
    for (const tz of ['Pacific/Honolulu', 'America/Juneau', 'America/Los_Angeles', 'America/Phoenix', 'America/Denver', 'America/Chicago', 'America/New_York', 'Asia/Manila']) {
      expect(checkEnerfloPerson(person(tz), orgWith(person(tz))), tz).toEqual([]);
    }
  });

  it('refuses another real timezone, and takes it once the instance lists it in timezones', () => {
    const p = person('America/Anchorage');
    expect(checkEnerfloPerson(p, orgWith(p)).map((i) => i.path)).toEqual([['timezone']]);
    expect(checkEnerfloPerson(p, orgWith(p, ['America/Anchorage']))).toEqual([]);
  });

  it("points at the office when the timezone is the office's", () => {
    const p = person('Europe/Paris', { office: { key: 'paris', name: 'Paris', timezone: 'Europe/Paris', source } });
    const [issue] = checkEnerfloPerson(p, orgWith(p));
    expect(issue.path).toEqual(['office']);
    expect(issue.message).toMatch(/the timezone of office "paris"/);
  });

  it('leaves names no runtime knows to the loader, and people outside Enerflo alone', () => {
    expect(checkEnerfloPerson(person('Mars/Olympus'), orgWith(person('Mars/Olympus')))).toEqual([]);
    const outsider = person('Europe/Paris', { roles: [{ key: 'admin', source }] as never });
    expect(checkEnerfloPerson(outsider, orgWith(outsider))).toEqual([]);
  });
});

describe('Enerflo Role Names: the fixed list by default, extensible with roleNames', () => {
  const custom = { ...rep, key: 'closer', enerflo: { ...rep.enerflo, roles: ['Closer'] } };
  const closer = person('America/Chicago', { roles: [custom] as never });

  it('a role outside the fixed list is refused at roster validate, naming the setting', () => {
    const issues = checkEnerfloPerson(closer, orgWith(closer));
    expect(issues.map((i) => i.path)).toEqual([['roles']]);
    expect(issues[0].message).toMatch(/^unknown Enerflo Role Name "Closer"; expected one of: .*Sales Rep/);
    expect(issues[0].hint).toMatch(/roleNames/);
  });

  it('is taken once an Enerflo instance lists it in roleNames, and the fixed names stay', () => {
    expect(checkEnerfloPerson(closer, orgWith(closer, undefined, ['Closer']))).toEqual([]);
    expect(checkEnerfloPerson(person('America/Chicago'), orgWith(person('America/Chicago'), undefined, ['Closer']))).toEqual([]);
  });

  it('a Role Slug is still refused when the role is parsed, roleNames or not', () => {
    expect(enerfloModule.roleSchema.safeParse({ roles: ['agent'] }).error?.issues[0].message).toBe('"agent" is a Role Slug; Enerflo takes the Role Name "Sales Rep"');
    expect(enerfloModule.roleSchema.safeParse({ roles: ['Closer'] }).success).toBe(true);
  });
});
