import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datedEvents, eventsBetween, personAsOf, upcomingEvents } from '../../src/config/as-of.js';
import { addDays, checkPersonDates, localDay, managerLeavesFirst } from '../../src/config/dates.js';
import { validateState } from '../../src/compose/organisation.js';
import type { ResolvedPerson, ResolvedRole } from '../../src/config/model.js';
import { makeProject, positionOf, removeProject } from './fixtures.js';

const role = (key: string) => ({ key, source: { file: 'x', line: 1, col: 1 } }) as ResolvedRole;

function person(fields: Partial<ResolvedPerson> & { tz?: string }): ResolvedPerson {
  const { tz = 'America/Chicago', ...rest } = fields;
  return {
    key: 'p@acme.example',
    email: 'p@acme.example',
    firstName: 'P',
    lastName: 'Q',
    active: true,
    roles: [role('sales-rep')],
    office: { key: 'o', name: 'O', timezone: tz, source: { file: 'x', line: 1, col: 1 } },
    source: { file: 'x', line: 1, col: 1 },
    ...rest,
  };
}

describe('the calendar day at an instant, in a timezone', () => {
  it.each([
    // 05:59 UTC is still the day before in Chicago (UTC-6 in winter), 06:00 is midnight there.
    ['2026-12-02T05:59:59Z', 'America/Chicago', '2026-12-01'],
    ['2026-12-02T06:00:00Z', 'America/Chicago', '2026-12-02'],
    // Summer time: UTC-5.
    ['2026-07-01T04:59:59Z', 'America/Chicago', '2026-06-30'],
    ['2026-07-01T05:00:00Z', 'America/Chicago', '2026-07-01'],
    // Phoenix keeps UTC-7 all year.
    ['2026-07-01T06:59:59Z', 'America/Phoenix', '2026-06-30'],
    // Ahead of UTC: Auckland's day begins the evening before in UTC.
    ['2026-12-01T11:00:00Z', 'Pacific/Auckland', '2026-12-02'],
    ['2026-12-01T23:59:59Z', 'UTC', '2026-12-01'],
  ])('%s in %s is %s', (instant, timezone, day) => {
    expect(localDay(new Date(instant), timezone)).toBe(day);
  });

  it('adds days across months and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
  });
});

describe('a person as of a day', () => {
  // Access begins at the start of startDate and ends after the end of endDate, in the office timezone.
  it.each([
    ['the day before the start', { startDate: '2026-12-03' }, { day: '2026-12-02' }, false],
    ['the start day itself', { startDate: '2026-12-03' }, { day: '2026-12-03' }, true],
    ['the last day', { endDate: '2026-12-01' }, { day: '2026-12-01' }, true],
    ['the day after the last', { endDate: '2026-12-01' }, { day: '2026-12-02' }, false],
    ['23:59 on the last day in Chicago (05:59 UTC the next day)', { endDate: '2026-12-01' }, { instant: new Date('2026-12-02T05:59:00Z') }, true],
    ['00:00 after the last day in Chicago', { endDate: '2026-12-01' }, { instant: new Date('2026-12-02T06:00:00Z') }, false],
    ['00:00 on the start day in Chicago', { startDate: '2026-12-03' }, { instant: new Date('2026-12-03T06:00:00Z') }, true],
    ['23:59 before the start day in Chicago', { startDate: '2026-12-03' }, { instant: new Date('2026-12-03T05:59:00Z') }, false],
    ['an offboarded person inside the window', { startDate: '2026-01-01', active: false }, { day: '2026-06-01' }, false],
  ] as const)('%s', (_, fields, asOf, active) => {
    expect(personAsOf(person(fields), asOf).active).toBe(active);
  });

  it('reads the day in the office timezone, not UTC', () => {
    const at = { instant: new Date('2026-12-02T03:00:00Z') }; // Dec 1, 21:00 in Chicago; Dec 2, 16:00 in Auckland
    expect(personAsOf(person({ endDate: '2026-12-01', tz: 'America/Chicago' }), at).active).toBe(true);
    expect(personAsOf(person({ endDate: '2026-12-01', tz: 'Pacific/Auckland' }), at).active).toBe(false);
  });

  it('drops a role outside its window and keeps the rest; the same object when nothing changes', () => {
    const p = person({ roles: [role('sales-rep'), role('team-lead')], roleWindows: { 'team-lead': { until: '2027-03-31' } } });
    expect(personAsOf(p, { day: '2027-03-31' })).toBe(p);
    expect(personAsOf(p, { day: '2027-04-01' }).roles.map((r) => r.key)).toEqual(['sales-rep']);
    const later = person({ roles: [role('sales-rep'), role('team-lead')], roleWindows: { 'team-lead': { from: '2027-01-01' } } });
    expect(personAsOf(later, { day: '2026-12-31' }).roles.map((r) => r.key)).toEqual(['sales-rep']);
    expect(personAsOf(later, { day: '2027-01-01' }).roles.map((r) => r.key)).toEqual(['sales-rep', 'team-lead']);
  });

  it('lists events with the day each takes effect (an end, the day after), between two moments and in the coming days', () => {
    const p = person({ startDate: '2026-12-03', endDate: '2027-08-31', roles: [role('a'), role('b')], roleWindows: { b: { until: '2026-12-10' } } });
    expect(datedEvents(p).map((e) => [e.kind, e.effective])).toEqual([['start', '2026-12-03'], ['role-end', '2026-12-11'], ['end', '2027-09-01']]);
    expect(eventsBetween(p, { day: '2026-12-02' }, { day: '2026-12-03' }).map((e) => e.kind)).toEqual(['start']);
    expect(eventsBetween(p, { day: '2026-12-03' }, { day: '2026-12-10' })).toEqual([]);
    expect(upcomingEvents(p, { day: '2026-12-01' }, 14).map((e) => e.kind)).toEqual(['start', 'role-end']);
    expect(upcomingEvents(p, { day: '2026-12-01' }, 2).map((e) => e.kind)).toEqual(['start']);
    expect(datedEvents({ ...p, active: false })).toEqual([]);
  });
});

describe('date rules', () => {
  it.each([
    [{ startDate: '2027-01-02', endDate: '2027-01-01' }, ['endDate'], 'endDate 2027-01-01 is before startDate 2027-01-02'],
    [{ startDate: '2027-01-01', endDate: '2027-01-01' }, undefined, undefined],
    [{ roles: [{ role: 'a', from: '2027-02-01', until: '2027-01-01' }] }, ['roles', 0, 'until'], 'role "a" ends (until 2027-01-01) before it starts (from 2027-02-01)'],
    [{ startDate: '2027-01-10', roles: ['b', { role: 'a', from: '2027-01-01' }] }, ['roles', 1, 'from'], 'role "a" starts on 2027-01-01, before the person\'s startDate 2027-01-10'],
    [{ endDate: '2027-01-10', roles: [{ role: 'a', until: '2027-02-01' }] }, ['roles', 0, 'until'], 'role "a" lasts until 2027-02-01, after the person\'s endDate 2027-01-10'],
    [{ endDate: '2027-01-10', roles: [{ role: 'a', from: '2027-02-01' }] }, ['roles', 0, 'from'], 'role "a" starts on 2027-02-01, after the person\'s endDate 2027-01-10'],
    [{ startDate: '2027-01-10', endDate: '2027-03-01', roles: [{ role: 'a', from: '2027-01-10', until: '2027-03-01' }] }, undefined, undefined],
  ])('%j', (fields, pathTo, message) => {
    const issues = checkPersonDates(fields);
    if (!pathTo) return expect(issues).toEqual([]);
    expect(issues[0]).toMatchObject({ path: pathTo, message });
  });

  it.each([
    [{ endDate: '2027-06-30' }, { endDate: '2027-01-31' }, true],
    [{}, { endDate: '2027-01-31' }, true],
    [{ endDate: '2027-01-31' }, { endDate: '2027-01-31' }, false],
    [{ endDate: '2027-01-01' }, { endDate: '2027-01-31' }, false],
    [{ endDate: '2027-06-30' }, {}, false],
  ])('a report %j under a manager %j: refused %s', (report, manager, refused) => {
    const message = managerLeavesFirst({ email: 'r@x', active: true, ...report }, { email: 'm@x', active: true, ...manager });
    expect(message !== undefined).toBe(refused);
    if (message) expect(message).toMatch(/^manager m@x leaves on 2027-01-31 \(endDate\), before their report r@x/);
  });
});

describe('roster validate with dates', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map(removeProject));
  });

  const CASE = `people:
  - email: lead@acme.example
    firstName: Lee
    lastName: Lead
    roles: [manager]
    office: austin
    endDate: 2027-01-31
  - email: seasonal@acme.example
    firstName: Sam
    lastName: Season
    roles: [sales-rep, { role: setter, from: 2027-05-01, until: 2027-09-30 }]
    office: austin
    manager: lead@acme.example
    startDate: 2027-06-01
    endDate: 2027-05-31
  - email: typo@acme.example
    firstName: Ty
    lastName: Po
    roles: [{ role: setter, until: 2027-02-30 }]
    office: austin
    startDate: next monday
`;

  it('refuses an end before a start, a role window outside the person\'s, a manager who leaves first and dates that are not dates, each located', async () => {
    const dir = await makeProject({ 'users/case.yaml': CASE });
    dirs.push(dir);
    const { org, diagnostics } = await validateState(path.join(dir, 'roster.yaml'));
    expect(org).toBeUndefined();
    const found = diagnostics.map((d) => ({ where: `${path.basename(d.file)}:${d.line}:${d.col}`, path: d.path, message: d.message }));
    const at = (needle: string, occurrence = 1) => {
      const { line, col } = positionOf(CASE, needle, occurrence);
      return `case.yaml:${line}:${col}`;
    };
    expect(found).toEqual(
      expect.arrayContaining([
        { where: at('2027-05-31'), path: 'people[1].endDate', message: 'endDate 2027-05-31 is before startDate 2027-06-01' },
        { where: at('2027-05-01'), path: 'people[1].roles[1].from', message: "role \"setter\" starts on 2027-05-01, before the person's startDate 2027-06-01" },
        { where: at('2027-09-30'), path: 'people[1].roles[1].until', message: "role \"setter\" lasts until 2027-09-30, after the person's endDate 2027-05-31" },
        {
          where: at('lead@acme.example', 2),
          path: 'people[1].manager',
          message: 'manager lead@acme.example leaves on 2027-01-31 (endDate), before their report seasonal@acme.example, who stays until 2027-05-31',
        },
        { where: at('2027-02-30'), path: 'people[2].roles[0].until', message: expect.stringContaining('"2027-02-30" is not a date') },
        { where: at('next monday'), path: 'people[2].startDate', message: expect.stringContaining('YYYY-MM-DD') },
      ]),
    );
  });

  it('accepts valid dates and resolves them, role windows by role key', async () => {
    const dir = await makeProject({
      'users/case.yaml': `people:
  - email: summer@acme.example
    firstName: Sum
    lastName: Mer
    roles: [sales-rep, { role: setter, until: 2027-07-31 }]
    office: austin
    startDate: 2027-06-01
    endDate: 2027-08-31
`,
    });
    dirs.push(dir);
    const { org, diagnostics } = await validateState(path.join(dir, 'roster.yaml'));
    expect(diagnostics).toEqual([]);
    const summer = org!.peopleByKey.get('summer@acme.example')!;
    expect(summer).toMatchObject({ startDate: '2027-06-01', endDate: '2027-08-31', roleWindows: { setter: { until: '2027-07-31' } } });
    expect(summer.roles.map((r) => r.key)).toEqual(['sales-rep', 'setter']);
  });
});
