import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createSink, type OutputSink } from '../../src/output/sink.js';
import { redact, registerSecret } from '../../src/secrets/redact.js';
import { registerAnswerSecrets } from '../../src/secrets/answer.js';
import { escapeCode, escapeText } from '../../src/render/escape.js';
import { renderDiagnosticsMarkdown, renderAnnotations } from '../../src/render/annotations.js';
import { renderImport } from '../../src/import/render.js';
import type { ImportResult } from '../../src/import/model.js';
import { canonicalTimezone, isValidTimezone, timezoneHint } from '../../src/config/timezones.js';
import { WebhookVerifier } from '../../src/vendors/highlevel/webhook.js';

/** A sink writing into strings, as the program builds it (streams looked up at each write). */
function capture(env: NodeJS.ProcessEnv, isTTY = false): { sink: OutputSink; stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  const sink = createSink({
    env,
    stdout: () => ({ isTTY, write: (t: string) => (stdout += t) }),
    stderr: () => ({ isTTY, write: (t: string) => (stderr += t) }),
  });
  return { sink, stdout: () => stdout, stderr: () => stderr };
}

const CI = { CI: 'true', GITHUB_ACTIONS: 'true' };
const LOCAL = {};

describe('the output sink knows who reads it', () => {
  it('names its destination: a CI log when CI is set, else a terminal or a file', () => {
    expect(capture(CI).sink.stdout).toBe('ci-log');
    expect(capture(CI).sink.shared).toBe(true);
    expect(capture(LOCAL, true).sink.stdout).toBe('terminal');
    expect(capture(LOCAL, false).sink.stdout).toBe('file');
    expect(capture({ CI: 'false' }).sink.shared).toBe(false);
  });

  for (const [where, env] of [['in CI', CI], ['on a terminal', LOCAL]] as const) {
    it(`hides every registered secret ${where}, upper-cased, lower-cased or cut, on stdout and stderr`, () => {
      const secret = 'Sk_Live_4eC39HqLyjWDarjtT1zdp7dc';
      registerSecret(secret);
      const { sink, stdout, stderr } = capture(env, true);
      const echoes = [secret, secret.toUpperCase(), secret.toLowerCase(), `${secret.slice(0, 8)}…`, `key=${secret.slice(0, 14).toUpperCase()}"`, `${secret.slice(0, 20)} is invalid`];
      for (const echo of echoes) {
        sink.out(`vendor said: ${echo}`);
        sink.err(`vendor said: ${echo}`);
      }
      for (const text of [stdout(), stderr()]) {
        expect(text.toLowerCase()).not.toContain(secret.slice(0, 8).toLowerCase());
        expect(text.match(/\*\*\*/g)).toHaveLength(echoes.length);
      }
    });
  }

  it('keeps words that only start like a secret (a cut echo ends where the secret would go on)', () => {
    expect(redact('sandbox-only values; SANDBOX-PULSE-KEY; sandbox-pulse-k…', ['sandbox-pulse-key'])).toBe('sandbox-only values; ***; ***…');
    // Short secrets are hidden whole and in any case, never by a part of them.
    expect(redact('pin 4821 / PIN 48', ['pin 4821'])).toBe('*** / PIN 48');
  });

  it('in a CI log, a line from a file name or a vendor never runs as a workflow command', () => {
    const { sink, stdout, stderr } = capture(CI);
    sink.err('users/a\n::warning::pwned.yaml:1:1 bad\n  ::add-mask::x\n##[error]fake\n\u001b[31m::stop-commands::t');
    sink.out('::set-output name=x::y');
    for (const line of [...stdout().split('\n'), ...stderr().split('\n')]) {
      expect(line.replace(/\u001b\[[0-9;]*m/g, '').trimStart()).not.toMatch(/^(::|##\[)/);
    }
    expect(stderr()).toContain('\\::warning::pwned.yaml');
  });

  it('shows hidden characters instead of passing them to the screen or log, keeping roster\'s colours', () => {
    for (const env of [CI, LOCAL]) {
      const { sink, stdout } = capture(env, true);
      sink.out('\u001b[32mok\u001b[39m name \u202Egnp.exe\u202C \u001b]0;owned\u0007 \u001b[2J');
      expect(stdout()).toContain('\u001b[32mok\u001b[39m');
      expect(stdout()).toContain('\\u202Egnp.exe\\u202C');
      expect(stdout()).not.toMatch(/[\u202A-\u202E\u0007]|\u001b\]|\u001b\[2J/);
    }
  });

  it('masks a plan for others (CI) and leaves it alone for its owner', () => {
    const plan = {
      version: 1,
      summary: { creates: 1, updates: 0, deletes: 0, deactivates: 0, errors: 0, manual: 0 },
      vendors: [
        {
          vendor: 'v',
          kind: 'v',
          fields: [{ name: 'phone', personal: 'phone' }],
          operations: [{ action: 'create', key: 'a@example.com', changes: [{ field: 'phone', after: '+15125550100' }], dependsOn: [] }],
          unmanaged: [],
          errors: [],
          unchanged: 0,
        },
      ],
    } as never;
    const show = (s: OutputSink) => JSON.stringify(s.plan(plan, { maskEmails: false }));
    expect(show(capture(CI).sink)).not.toContain('5125550100');
    expect(show(capture(CI).sink)).toContain('0100');
    expect(show(capture(LOCAL).sink)).toContain('+15125550100');
  });
});

describe('tokens received are secrets before anything is printed', () => {
  it('every credential-shaped string of a login answer, whatever its field', () => {
    const found = registerAnswerSecrets(
      JSON.stringify({ token: 'tok-aaaa-1111-bbbb', session: { id: 'tok-aaaa-1111-bbbb' }, data: { jwt: 'eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl' }, refresh: 'r3fr3sh-T0k3n-value', sid: 12345678901, type: 'Bearer', message: 'Login successful', expires: '2026-12-07T10:00:00Z', user: { email: 'api@example.com' }, expiresIn: 3600 }),
    );
    expect(found.sort()).toEqual(['12345678901', 'eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl', 'r3fr3sh-T0k3n-value', 'tok-aaaa-1111-bbbb'].sort());
    const { sink, stdout } = capture(CI);
    sink.out('x R3FR3SH-T0K3N-VALUE y eyJhbGciOi.eyJzdWIi z 12345678901 2026-12-07 Bearer');
    expect(stdout()).toBe('x *** y *** z *** 2026-12-07 Bearer\n');
  });
});

describe('markup from YAML, file names and vendors is neutral', () => {
  it('mentions, team mentions, issue references, links, HTML and hidden characters in markdown text', () => {
    const text = escapeText('hi @octocat -@org/team .@user (@x) #12 GH-3 https://evil.example/x www.evil.example <img src=x onerror=alert(1)> `code` \u202Eabc jane@example.com');
    expect(text).not.toMatch(/(^|[^\p{L}\p{N}_])@[\w-]/u);
    expect(text).not.toMatch(/#\d|https?:\/\/|www\./);
    expect(text).not.toContain('<img');
    expect(text).not.toMatch(/(^|[^\\])`/);
    expect(text).not.toContain('\u202E');
    expect(text).toContain('\\\\u202E');
    // An email stays readable (not a mention).
    expect(text).toContain('jane@example.com');
  });

  it('a backtick, a newline or a bidi override in a file name stays inside its code span', () => {
    const file = 'users/x`@team <img src=x>\n\u202Eevil`.yaml';
    const md = renderDiagnosticsMarkdown([{ file, line: 1, col: 1, path: 'people[0]`@x', message: 'bad @team' }], { maskEmails: false }, { blobBase: 'https://github.com/o/r/blob/abc' });
    const spans = md.match(/`[^`]*`/g) ?? [];
    expect(md.replace(/`[^`]*`/g, '')).not.toMatch(/(^|[^\p{L}\p{N}_])@[\w-]|<img|\u202E/u);
    expect(spans.join('')).not.toMatch(/[\n\u202E]/);
    expect(md.split('\n').filter(Boolean)).toHaveLength(1);
    expect(escapeCode('a`b|c\nd\u202E')).toBe("a'b\\|c d\\u202E");
  });

  it('annotations keep a file name with a newline on one workflow command line', () => {
    const out = renderAnnotations([{ file: 'users/a\n::warning::x.yaml', line: 1, col: 1, path: '', message: 'm\n::error::y \u202E' }], { maskEmails: false });
    expect(out.trimEnd().split('\n')).toHaveLength(1);
    expect(out).not.toContain('\u202E');
  });
});

describe('inputs are checked at the door', () => {
  it('timezones: only the canonical IANA name passes; case variants and links get the name to write', () => {
    expect(isValidTimezone('America/Chicago')).toBe(true);
    expect(isValidTimezone('Asia/Kolkata')).toBe(true);
    expect(isValidTimezone('UTC')).toBe(true);
    for (const [written, canonical] of [['america/CHICAGO', 'America/Chicago'], ['US/Pacific', 'America/Los_Angeles'], ['Asia/Calcutta', 'Asia/Kolkata'], ['Europe/Kiev', 'Europe/Kyiv']]) {
      expect(isValidTimezone(written)).toBe(false);
      expect(canonicalTimezone(written)).toBe(canonical);
      expect(timezoneHint(written)).toContain(`write ${canonical}`);
    }
    expect(isValidTimezone('US/Pacific-New')).toBe(false);
    expect(canonicalTimezone('US/Pacific-New')).toBeUndefined();
    expect(timezoneHint('US/Pacific-New')).toContain('withdrawn');
  });

  it('RSA webhook keys under 2048 bits are refused', () => {
    for (const bits of [512, 1024]) {
      const weak = generateKeyPairSync('rsa', { modulusLength: bits }).publicKey;
      expect(() => new WebhookVerifier({ legacyPublicKey: weak })).toThrow(new RegExp(`${bits} bits; at least 2048`));
    }
    expect(() => new WebhookVerifier({ legacyPublicKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey })).not.toThrow();
  });

  it('import writes no control or bidi character: escaped in double quotes, with a comment, and read back the same', () => {
    const name = 'Ann\u202Eeci\u202C\u0007';
    const result: ImportResult = {
      offices: [],
      roles: [],
      people: [{ email: 'ann@example.com', firstName: name, lastName: 'Lee\u2066', roles: [], vendors: {}, comments: new Map(), active: true } as never],
      notImported: [{ vendor: 'pulse', email: 'b@example.com', vendorId: '1', reason: 'no \u202E email' }],
      alreadyDeclared: [],
      vendors: ['pulse'],
    };
    const yaml = renderImport(result, { schemaPath: 'users.schema.json' });
    expect(yaml).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/);
    expect(yaml).toMatch(/firstName: "Ann\\u202Eeci\\u202C\\a" # holds hidden control or bidirectional characters/);
    expect(parse(yaml).people[0]).toMatchObject({ firstName: name, lastName: 'Lee\u2066' });
  });
});
