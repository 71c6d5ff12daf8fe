import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateState } from '../../src/compose/organisation.js';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { sanitizeText } from '../../src/render/mask.js';
import { renderAnnotations } from '../../src/render/annotations.js';
import { makeProject, removeProject } from './fixtures.js';

/** Messages a new user meets in the first hour: each names the value that was wrong and what to write. */
const projects: string[] = [];
afterAll(async () => Promise.all(projects.map(removeProject)));

async function diagnosticsOf(people: string) {
  const dir = await makeProject({ 'users/case.yaml': `people:\n${people}` });
  projects.push(dir);
  const { diagnostics } = await validateState(path.join(dir, 'roster.yaml'));
  return diagnostics;
}

const person = (email: string, extra = '') => `  - email: ${email}\n    firstName: Ann\n    lastName: Lee\n    roles: [sales-rep]\n    office: austin\n${extra}`;

describe('first-hour messages', () => {
  it('an unknown manager close to the person themself is never offered as "did you mean" them', async () => {
    // The manager's address is one letter away from the person's own and far from everyone else's.
    const [diagnostic, ...rest] = await diagnosticsOf(person('annika.lindqvist@acme.example', '    manager: annika.lindqvst@acme.example\n'));
    expect(rest).toEqual([]);
    expect(diagnostic.message).toBe('manager annika.lindqvst@acme.example is not declared in any users file');
    expect(diagnostic.hint).toBe('the manager must be a person declared under people');
    // Someone else close by is still offered.
    const [other] = await diagnosticsOf(
      person('annika.lindqvist@acme.example', '    manager: annike.lindqvist@acme.example\n') + person('annikb.lindqvist@acme.example'),
    );
    expect(other.hint).toBe('did you mean annikb.lindqvist@acme.example?');
  });

  it('a date that is no day repeats the value and says which day does not exist', async () => {
    const diagnostics = await diagnosticsOf(
      person('dates.a@acme.example', '    startDate: 2027-02-30\n') + person('dates.b@acme.example', '    endDate: 2028-13-01\n') + person('dates.c@acme.example', '    startDate: 2028-02-29\n    endDate: 2028-06-31\n'),
    );
    expect(diagnostics.map((d) => `${d.path}: ${d.message}`)).toEqual([
      'people[0].startDate: "2027-02-30" is not a date: February 2027 has 28 days, so day 30 does not exist',
      'people[1].endDate: "2028-13-01" is not a date: there is no month 13 (months are 01 to 12)',
      'people[2].endDate: "2028-06-31" is not a date: June 2028 has 30 days, so day 31 does not exist',
    ]);
  });

  it('an unquoted +phone is told to keep its +', async () => {
    const [diagnostic] = await diagnosticsOf(person('phone.a@acme.example', '    phone: +15125550100\n'));
    expect(diagnostic.message).toBe('expected text, found the number 15125550100 (written +15125550100)');
    expect(diagnostic.hint).toBe('YAML read this as a number; put it in quotes: "+15125550100"');
  });

  it("a phone hint's examples survive the masking of GitHub annotations, while the person's value is masked", async () => {
    const [diagnostic] = await diagnosticsOf(person('phone.b@acme.example', '    phone: "555-555-5555"\n'));
    expect(diagnostic.hint).toMatch(/^write it with its area code, as \(AAA\) NNN-NNNN, or in international form/);
    expect(sanitizeText(diagnostic.hint!, { maskEmails: false })).toBe(diagnostic.hint);
    const annotations = renderAnnotations([diagnostic], { maskEmails: false });
    expect(annotations).toContain(diagnostic.hint);
    expect(annotations).not.toContain('555-555-5555');
    expect(formatDiagnostic(diagnostic)).toContain('(AAA) NNN-NNNN');
  });
});
