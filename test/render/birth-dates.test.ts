import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSink } from '../../src/output/sink.js';
import { sanitizeText } from '../../src/render/mask.js';
import { forgetPersonalValues, rememberDeclaredPeople } from '../../src/secrets/personal-values.js';
import { openTrace } from '../../src/trace/writer.js';
import { liveFromWire } from '../../src/vendors/partner/fields.js';

const masked = (text: string) => sanitizeText(text, { maskEmails: false });

/** A CI sink writing into an array, as GitHub Actions would read it. */
function ciSink() {
  const written: string[] = [];
  const stream = { isTTY: false, write: (text: string) => written.push(text) };
  return { sink: createSink({ env: { CI: 'true', GITHUB_ACTIONS: 'true' }, stdout: () => stream, stderr: () => stream }), written };
}

/** SimplePin answers a user with its date of birth and SSN (shared/vendors/README.md): the adapter drops them at the boundary. */
const simplePinUser = { user_code: 'U-1001', email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe', role: 'Sales Rep', date_of_birth: '1990-01-02', ssn: '078-05-1120' };

describe('dates in CI logs: starts, ends and schedules stay; birth dates never appear', () => {
  beforeEach(() => forgetPersonalValues());

  it('leaves dates of starts, ends and schedules readable in a CI log', () => {
    const { sink, written } = ciSink();
    const message = 'jane@example.com starts 2026-12-01, ends 2027-01-31 (scheduled 12/01/2026, reviewed as of 2026-11-23)';
    expect(sink.text(message, { maskEmails: false })).toBe(message);
    sink.out(sink.text(message, { maskEmails: false }));
    expect(written.join('')).toContain('2026-12-01');
    expect(written.join('')).toContain('2027-01-31');
  });

  it.each([
    ['dateOfBirth: 1990-01-02', 'dateOfBirth: ••••-••-••'],
    ['{"date_of_birth":"1990-01-02"}', '{"date_of_birth":"••••-••-••"}'],
    ['dob=01/02/1990&x=1', 'dob=••••-••-••&x=1'],
    ['<date_of_birth>1990/01/02</date_of_birth>', '<date_of_birth>••••-••-••</date_of_birth>'],
    ['birth_date = 19900102', 'birth_date = ••••-••-••'],
    ['Born on January 2, 1990', 'Born on ••••-••-••'],
  ])('masks a date a label calls a birth date: %s', (text, expected) => {
    expect(masked(text)).toBe(expected);
  });

  it('masks a birth date roster has seen, echoed unlabelled by a vendor, in any format', () => {
    liveFromWire(simplePinUser);
    for (const form of ['1990-01-02', '1990/01/02', '1990.01.02', '01/02/1990', '1/2/1990', '02.01.1990', '19900102', 'January 2, 1990', '2 Jan 1990', '02-Jan-1990', '1990-01-02T00:00:00Z', '1990-01-02T09:30:00Z']) {
      const text = `error 422: user U-1001 rejected (${form}) while starting 2026-12-01`;
      const out = masked(text);
      expect(out, form).not.toContain(form.slice(0, 10));
      expect(out, form).not.toMatch(/1990/);
      expect(out, form).toContain('2026-12-01');
    }
  });

  it('masks an SSN roster has seen in separators the shape check does not know', () => {
    liveFromWire(simplePinUser);
    for (const form of ['078/05/1120', '078-051120', '(078) 05-1120']) expect(masked(`ssn was ${form}`)).not.toMatch(/078.?05/);
  });

  it('masks a declared person\'s phone in a format the shape check does not know, once the organisation is loaded', () => {
    expect(masked('call 512/555/0142')).toBe('call 512/555/0142');
    rememberDeclaredPeople([{ phone: '+15125550142' }]);
    expect(masked('call 512/555/0142')).not.toContain('555/0142');
  });

  it('a CI log, JSON included, never shows a seen birth date; JSON stays JSON', () => {
    liveFromWire(simplePinUser);
    const { sink, written } = ciSink();
    const json = JSON.stringify({ error: 'partner said: 01/02/1990 is not allowed', startDate: '2026-12-01' });
    const shown = sink.text(json, { maskEmails: false });
    sink.out(shown);
    expect(written.join('')).not.toMatch(/1990/);
    expect(JSON.parse(shown)).toEqual({ error: 'partner said: ••••-••-•• is not allowed', startDate: '2026-12-01' });
  });

  it('a trace line shows neither the labelled birth date nor the same date echoed in an HTML error page', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'roster-dob-trace-'));
    try {
      const file = path.join(dir, 'trace.jsonl');
      const trace = openTrace(file, { maskEmails: false });
      const base = { vendor: 'partner', method: 'GET', requestHeaders: {}, startedAt: 0, ms: 1, status: 200, secrets: [] };
      trace.write('partner', { ...base, url: new URL('https://partner.example/v2/user/get?code=U-1001'), responseHeaders: { 'content-type': 'application/json' }, responseBody: JSON.stringify(simplePinUser) });
      trace.write('partner', { ...base, status: 500, url: new URL('https://partner.example/v2/user/update'), responseHeaders: { 'content-type': 'text/html' }, responseBody: '<p>Invalid value 01/02/1990 (expected after 2026-12-01)</p>' });
      trace.close();
      const text = await readFile(file, 'utf8');
      expect(text).not.toMatch(/1990/);
      expect(text).toContain('2026-12-01');
      for (const line of text.trim().split('\n')) JSON.parse(line);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
