import { describe, expect, it } from 'vitest';
import type { Organisation, ResolvedPerson } from '../../src/config/model.js';
import { enerflo as enerfloModule } from '../../src/vendors/enerflo/index.js';

const checkEnerfloPerson = (person: ResolvedPerson, org: Organisation) => enerfloModule.checkPerson!(person, org);

const source = { file: 'users/team.yaml', line: 3, col: 5 };
const rep = { key: 'sales-rep', source, enerflo: { roles: ['Sales Rep'], sendWelcomeEmail: false, canCreateLeads: true, optimusAccess: false, canReassignLeads: true } };

function orgWith(person: ResolvedPerson, timezones?: string[]): Organisation {
  const enerflo = enerfloModule.parseConfig({ kind: 'enerflo', baseUrl: 'https://enerflo.io', credentials: { apiKey: { env: 'ENERFLO_API_KEY' } }, ...(timezones ? { timezones } : {}) });
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
