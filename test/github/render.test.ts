import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/render/json.js';
import { labelsOf } from '../../src/render/labels.js';
import { renderText } from '../../src/render/text.js';
import { sourceLinksFromEnv } from '../../src/github/context.js';
import { checksumOfParts, planChecksum, vendorChecksums, verifyChecksum } from '../../src/reconcile/checksum.js';
import { decodeSeal, encodeSeal, markerSeal } from '../../src/reconcile/checksum-seal.js';
import {
  escapeCommandData,
  escapeCommandProperty,
  renderAnnotations,
  renderDiagnosticsMarkdown,
  renderInvalidStateComment,
} from '../../src/render/annotations.js';
import { GITHUB_BODY_LIMIT, parseChecksumMarker, PLAN_MARKER, renderMarkdown } from '../../src/render/markdown.js';
import { maskEmail, maskPhone, maskPlan, maskSsn, sanitizeText } from '../../src/render/mask.js';
import { hugePlan, op, plan, reviewLabels, reviewPlan, samplePlan, SECRET_DOB, SECRET_PHONE, SECRET_PHONE_DIGITS, SECRET_SSN, vendor } from './plans.js';

function assertNoPersonalData(text: string): void {
  expect(text).not.toContain(SECRET_PHONE);
  expect(text).not.toContain(SECRET_PHONE_DIGITS);
  expect(text).not.toContain('555-0187');
  expect(text).not.toContain(SECRET_SSN);
  expect(text).not.toContain(SECRET_DOB);
}

describe('masking', () => {
  it('keeps the country code and the last four digits of a phone', () => {
    expect(maskPhone('+15125550100')).toBe('+1 ••• ••• 0100');
    expect(maskPhone('(512) 555-0100')).toBe('+1 ••• ••• 0100');
    expect(maskPhone('+447911123456')).toBe('+44 ••• ••• 3456');
  });

  it('masks SSNs, emails and dates in free text', () => {
    expect(maskSsn('123-45-6789')).toBe('•••-••-6789');
    expect(maskEmail('jane.doe@example.com')).toBe('j•••@example.com');
    const text = sanitizeText(`rejected ${SECRET_PHONE} / (512) 555-0187, ssn ${SECRET_SSN}, born ${SECRET_DOB} for jane@example.com`, { maskEmails: false });
    assertNoPersonalData(text);
    expect(text).toContain('jane@example.com');
    expect(sanitizeText('jane@example.com', { maskEmails: true })).toBe('j•••@example.com');
  });

  it('leaves timestamps alone: a date with a time is when something happened, not a birthday', () => {
    expect(sanitizeText('"startedAt": "2026-11-23T08:00:00.000Z"', { maskEmails: false })).toBe('"startedAt": "2026-11-23T08:00:00.000Z"');
  });

  it('leaves ids and hashes alone', () => {
    const text = 'user 1234567 (location a1b2c3d4e5f6g7h8i9, checksum 0123456789abcdef0123)';
    expect(sanitizeText(text, { maskEmails: false })).toBe(text);
  });

  it('masks personal fields by their FieldSpec, keys only when emails are masked, and drops records', () => {
    const source = samplePlan();
    source.vendors[0].operations[0].desired = { key: 'x', email: 'x', active: true, fields: { phone: SECRET_PHONE }, dependsOn: [] };
    const masked = maskPlan(source, { maskEmails: false });
    assertNoPersonalData(JSON.stringify(masked));
    expect(masked.vendors[0].operations[0].key).toBe('jane@example.com');
    expect(masked.vendors[0].operations[1].changes[1].after).toBe('•••-••-6789');
    const withEmails = maskPlan(source, { maskEmails: true });
    expect(JSON.stringify(withEmails)).not.toContain('jane@example.com');
    expect(withEmails.vendors[0].operations[0].key).toBe('j•••@example.com');
    // The plan itself is not touched: apply still needs the real values.
    expect(source.vendors[0].operations[0].changes[1].after).toBe(SECRET_PHONE);
  });
});

describe('markdown plan', () => {
  it('starts with people: the summary counts people, then one table of who changes where', () => {
    const md = renderMarkdown(samplePlan(), { maskEmails: false });
    const lines = md.split('\n');
    expect(lines[0]).toBe(PLAN_MARKER);
    expect(lines[2]).toBe('**4 people change: 2 added, 1 changed, 1 removed \\(not in git\\) · 1 needs a person.**');
    expect(md).toContain('<sub>Vendor operations: 2 to create, 1 to update, 1 to deactivate, 52 unchanged. 1 error needs a person.</sub>');
    expect(md).toContain('| change | person | enerflo | pulse |');
    // Removals first, then who needs a person, then changes, then arrivals.
    const order = ['`old@example.com`', '`carl@example.com`', '`bob@example.com`', '`dee@example.com`'].map((k) => md.indexOf(`| ${k}`, md.indexOf('Who changes where')));
    expect(order.every((at) => at > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(md).toContain('| ~ changed | `bob@example.com` | ~ phone, ssn, birthday, lastName |  |');
    expect(md).toContain('| + added | `dee@example.com` |  | + create |');
    // The table is never folded; the details per vendor are.
    expect(md.indexOf('Who changes where')).toBeLessThan(md.indexOf('<details'));
  });

  it('keeps the details per vendor below: a table per operation, removals first, errors and users left alone', () => {
    const p = samplePlan();
    p.vendors[1].unmanaged.push({ vendorId: 'u1', email: 'hand@example.com', reason: 'not described in git', drift: true, name: 'Hand Made' });
    const md = renderMarkdown(p, { maskEmails: false });
    expect(md.match(/<details/g)).toHaveLength(3);
    expect(md).toContain('##### + create `jane@example.com`');
    expect(md).toContain('##### ~ update `bob@example.com` (id 42)');
    expect(md).toContain('##### − deactivate `old@example.com` (id 7)');
    expect(md.indexOf('− deactivate `old@example.com`')).toBeLessThan(md.indexOf('+ create `jane@example.com`'));
    expect(md).toContain('| field | before | after |');
    expect(md).toContain('| roles | Sales Rep, Setter |');
    expect(md).toContain('40 unchanged');
    expect(md).toContain('· 1 live user not described in git.**');
    expect(md).toContain('| pulse | Hand Made | hand@example.com | u1 | not described in git |');
    expect(md).toContain('**Left alone** (protected, or accepted by policy)');
    expect(md).toContain('| owner@example.com | 99 | account owner |');
    expect(md).toContain('**Errors**');
    expect(md).toContain('+1 ••• ••• 0187');
    assertNoPersonalData(md);
  });

  it('shows offices and roles by their roster keys with the vendor ids, and a set of flags as the names that are on', () => {
    const md = renderMarkdown(reviewPlan(), { maskEmails: false, labels: reviewLabels });
    expect(md).toContain('| office | phoenix \\(102\\) |');
    expect(md).toContain('| roles | regional-manager \\(Regional Manager\\) |');
    expect(md).toContain('| locationIds | phoenix \\(pH8xR3dK6wNq1YcJ5tGv\\) |');
    expect(md).toContain('| permissions | on: contactsEnabled, conversationsEnabled, opportunitiesEnabled, appointmentsEnabled \\(34 others off\\) |');
    expect(md).not.toContain('{"');
    // Without labels, the ids alone.
    expect(renderMarkdown(reviewPlan(), { maskEmails: false })).toContain('| office | 102 |');
  });

  it('puts the four people of "3 added, 1 offboarded" and their vendors at the top, with the step left to a person', () => {
    const md = renderMarkdown(reviewPlan(), { maskEmails: false, labels: reviewLabels });
    expect(md.split('\n')[2]).toBe('**4 people change: 3 added, 1 offboarded · 1 step for a person.**');
    const table = md.slice(md.indexOf('Who changes where'), md.indexOf('<details'));
    expect(table).toContain('| − offboarded | **Diego Ramirez**<br>`diego.ramirez@sunpath.example` | − deactivate | ☐ by hand (id Dg4RamirezPx8Lm2QwZt) |  |');
    expect(table).toContain('| + added | **Ana Lopez**<br>`ana.lopez@sunpath.example` | + create | + create |  |');
    expect(table).toContain('| + added | **Cara Nguyen**<br>`cara.nguyen@sunpath.example` | + create |  | + create |');
    expect(md.indexOf('To do by hand')).toBeLessThan(md.indexOf('Who changes where'));
    expect(md).toContain('`diego.ramirez@sunpath.example` (id Dg4RamirezPx8Lm2QwZt): offboarded in git; remove this user from highlevel by hand');
  });

  it('wraps long unbroken values so a column cannot push the next off screen', () => {
    const long = 'x'.repeat(60);
    const md = renderMarkdown(plan([vendor('v', { operations: [op('update', 'a@example.com', [{ field: 'title', before: 'a', after: long }], { vendorId: '1' })] })]), { maskEmails: false });
    expect(md).toContain(`| title | a | ${'x'.repeat(24)}<wbr>${'x'.repeat(24)}<wbr>${'x'.repeat(12)} |`);
  });

  it('shows notices per person, and never claims anything about unknown users of a vendor read person by person', () => {
    const p = plan([
      vendor('enerflo', {
        operations: [op('update', 'ann@example.com', [{ field: 'title', before: 'Rep', after: 'Lead' }], { vendorId: '5' })],
        notices: [
          { key: 'ann@example.com', vendorId: '5', field: 'timezone', message: "Enerflo's API cannot change timezone after create; live has America/Denver, git says America/Phoenix" },
          { key: 'bo@example.com', vendorId: '6', field: 'timezone', message: 'cannot change timezone after create' },
        ],
      }),
      vendor('partner', { kind: 'partner', readMode: 'byKey', unchanged: 3 }),
    ]);
    const md = renderMarkdown(p, { maskEmails: false });
    expect(md).toContain('| ~ changed | `ann@example.com` | ~ title<br>ℹ note |  |');
    expect(md).toContain('| ℹ note | `bo@example.com` | ℹ note |  |');
    expect(md).toContain('- ℹ timezone: Enerflo\'s API cannot change timezone after create; live has America/Denver, git says America/Phoenix');
    expect(md).toContain('- ℹ `bo@example.com` timezone: cannot change timezone after create');
    expect(md).toContain('**partner** is read person by person: users not described in git cannot be detected there');
    expect(md).toContain('<b>partner</b> (partner): no changes · 3 unchanged · users not in git cannot be detected');
    expect(md).not.toMatch(/no unmanaged/i);
  });

  it('escapes pipes, markdown and HTML in values', () => {
    const md = renderMarkdown(samplePlan(), { maskEmails: false });
    expect(md).toContain('| lastName | Smith \\| Jones | \\*Smith\\* &lt;b&gt; |');
    const tricky = plan([vendor('v', { operations: [op('update', 'a@example.com', [{ field: 'title', before: '@octocat', after: 'line\nbreak `code` [x](y)' }])] })]);
    const out = renderMarkdown(tricky, { maskEmails: false });
    // An entity (`&#64;`) does not stop a mention on GitHub (github/cmark-gfm#181); an empty comment does.
    expect(out).toContain('| title | @<!-- -->octocat | line<br>break \\`code\\` \\[x\\]\\(y\\) |');
  });

  it('carries the checksum in a hidden marker that reads back', () => {
    const p = samplePlan();
    const md = renderMarkdown(p, { maskEmails: false });
    expect(parseChecksumMarker(md)).toEqual({ checksum: planChecksum(p), vendors: vendorChecksums(p), seal: encodeSeal(markerSeal(p)) });
    expect(md).toContain(`<code>${planChecksum(p)}</code>`);
    // The seal's parts hash to the checksum and to each vendor's; decoded, they hold no personal data.
    const parts = decodeSeal(parseChecksumMarker(md)!.seal!);
    expect(checksumOfParts(parts)).toBe(planChecksum(p));
    for (const [name, sum] of Object.entries(vendorChecksums(p))) expect(checksumOfParts(parts, [name])).toBe(sum);
    assertNoPersonalData(JSON.stringify(parts));
    for (const email of p.vendors.flatMap((v) => v.operations.map((o) => o.key))) expect(JSON.stringify(parts)).not.toContain(email);
  });

  it('stays under the limit, names the people it left out and points to the full plan', () => {
    const p = hugePlan(600);
    const md = renderMarkdown(p, { maskEmails: false, fullPlanUrl: 'https://github.com/acme/people/actions/runs/1' });
    expect(md.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(md.length).toBeGreaterThan(GITHUB_BODY_LIMIT - 5_000);
    expect(md).toMatch(/Not in the table above \(\d+ people\): `/);
    expect(md).toMatch(/\*\*enerflo\*\*, details not shown for \d+ of 600 operations: `/);
    expect(md).toContain('[this workflow run](https://github.com/acme/people/actions/runs/1)');
    expect(parseChecksumMarker(md)?.checksum).toBe(planChecksum(p));
    // 600 operations: the marker keeps each vendor's operations root, not a leaf per operation, and stays small.
    const marker = /<!-- roster-plan-checksum: [^>]*-->/.exec(md)![0];
    expect(marker.length).toBeLessThan(3_000);
    const parts = decodeSeal(parseChecksumMarker(md)!.seal!);
    expect(Object.values(parts.vendors).every((v) => v.leaves === undefined)).toBe(true);
    expect(checksumOfParts(parts)).toBe(planChecksum(p));
    assertNoPersonalData(md);
    for (const max of [3_000, 10_000, 30_000]) expect(renderMarkdown(p, { maskEmails: false, maxLength: max }).length).toBeLessThanOrEqual(max);
  });

  it('when cut, keeps every removal and access change before creates', () => {
    const creates = Array.from({ length: 1500 }, (_, i) => op('create', `new${i}@example.com`, [{ field: 'firstName', after: `New${i}` }, { field: 'title', after: 'Sales representative, residential solar' }]));
    const removals = Array.from({ length: 40 }, (_, i) => op('deactivate', `zz-gone${i}@example.com`, [{ field: 'active', before: true, after: false }], { vendorId: `g${i}`, reason: 'offboarded in git' }));
    const updates = Array.from({ length: 40 }, (_, i) => op('update', `zz-moved${i}@example.com`, [{ field: 'office', before: '101', after: '102' }], { vendorId: `m${i}` }));
    const md = renderMarkdown(plan([vendor('enerflo', { operations: [...creates, ...updates, ...removals] })]), { maskEmails: false });
    expect(md.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(md).toContain('Not in the table above');
    for (let i = 0; i < 40; i++) {
      expect(md).toContain(`| − offboarded | \`zz-gone${i}@example.com\``);
      expect(md).toContain(`##### − deactivate \`zz-gone${i}@example.com\``);
      expect(md).toContain(`| ~ changed | \`zz-moved${i}@example.com\``);
    }
    // Only creates are left out, and the note names as many as fit, then counts the rest.
    expect(md).toMatch(/Not in the table above \(\d+ people\): `new[^\n]* and \d+ more\n/);
  });

  it('gives a small vendor its whole section next to a huge one', () => {
    const p = hugePlan(600);
    p.vendors.push(vendor('pulse', { kind: 'pulse', operations: [op('create', 'dee@example.com', [{ field: 'firstName', after: 'Dee' }])] }));
    const md = renderMarkdown(p, { maskEmails: false });
    expect(md.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(md).toContain('##### + create `dee@example.com`');
    expect(md).not.toMatch(/\*\*pulse\*\*, details not shown/);
  });

  it('warns under the summary when the plan is over a safety threshold, and says how the label overrides it', () => {
    const warnings = ['enerflo: the plan would update 5 of 10 live users (50%)'];
    const md = renderMarkdown(samplePlan(), { maskEmails: false, thresholdWarnings: warnings, override: { name: 'roster-force', present: false } });
    expect(md).toContain('> [!CAUTION]\n> Over a safety threshold: apply refuses this plan without `--force`.\n> - enerflo: the plan would update 5 of 10 live users \\(50%\\)\n');
    expect(md).toContain('add the label `roster-force` to this pull request');
    expect(md.indexOf('[!CAUTION]')).toBeLessThan(md.indexOf('<details'));

    const labelled = renderMarkdown(samplePlan(), { maskEmails: false, thresholdWarnings: warnings, override: { name: 'roster-force', present: true } });
    expect(labelled).toContain('The label `roster-force` is on this pull request: the apply after the merge runs with `--force` and overrides these safety thresholds.');
    expect(labelled).toContain('> - enerflo: the plan would update 5 of 10 live users');
    const nothing = renderMarkdown(samplePlan(), { maskEmails: false, override: { name: 'roster-force', present: true } });
    expect(nothing).toContain('over no safety threshold, so it overrides nothing');
  });

  it('a small plan is not cut', () => {
    expect(renderMarkdown(samplePlan(), { maskEmails: false })).not.toContain('longer than GitHub allows');
  });
});

describe('checksum', () => {
  it('is the same for the same plan in any order, and differs when apply would do something else', () => {
    const a = samplePlan();
    const b = samplePlan();
    b.vendors.reverse();
    b.vendors[1].operations.reverse();
    b.vendors[1].operations[1].changes.reverse();
    b.vendors[1].unchanged = 3;
    b.vendors[1].unmanaged = [];
    expect(planChecksum(b)).toBe(planChecksum(a));
    expect(planChecksum(a)).toMatch(/^[0-9a-f]{64}$/);
    const c = samplePlan();
    c.vendors[0].operations[0].changes[0].after = 'Janet';
    expect(planChecksum(c)).not.toBe(planChecksum(a));
  });

  it('of one vendor equals the per-vendor checksum of the full plan', () => {
    const p = samplePlan();
    expect(planChecksum({ ...p, vendors: [p.vendors[1]] })).toBe(vendorChecksums(p).pulse);
  });

  it('verifyChecksum explains a mismatch', () => {
    const p = samplePlan();
    expect(verifyChecksum(p, planChecksum(p)).ok).toBe(true);
    const other = verifyChecksum(p, 'a'.repeat(64));
    expect(other.ok).toBe(false);
    expect(other.message).toContain('differs from the reviewed plan');
    expect(other.message).toContain('nothing was applied');
    expect(verifyChecksum(p, 'nonsense').message).toContain('is not a plan checksum');
  });
});

describe('validation errors', () => {
  const diagnostics = [
    { file: 'users/team.yaml', line: 12, col: 7, path: 'people[3].phone', message: `not a valid phone number: ${SECRET_PHONE}`, hint: 'use +1…' },
    { file: 'users/a,b:c%.yaml', line: 1, col: 1, path: '', message: '100% wrong\nsecond line' },
  ];

  it('escapes workflow command data and properties', () => {
    expect(escapeCommandData('a%b\r\nc:d,e')).toBe('a%25b%0D%0Ac:d,e');
    expect(escapeCommandProperty('a%b\r\nc:d,e')).toBe('a%25b%0D%0Ac%3Ad%2Ce');
  });

  it('renders ::error annotations with file, line, col and title', () => {
    const out = renderAnnotations(diagnostics, { maskEmails: false }, { workspace: process.cwd() });
    const [first, second] = out.trimEnd().split('\n');
    expect(first).toBe('::error file=users/team.yaml,line=12,col=7,title=roster%3A people[3].phone::not a valid phone number: +1 ••• ••• 0187%0Ahint: use +1…');
    expect(second).toBe('::error file=users/a%2Cb%3Ac%25.yaml,line=1,col=1,title=roster::100%25 wrong%0Asecond line');
  });

  it('links file:line to the pull request head on GitHub', () => {
    const links = sourceLinksFromEnv({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/people', GITHUB_SHA: 'abc123' });
    const md = renderDiagnosticsMarkdown(diagnostics, { maskEmails: false }, links);
    expect(md).toContain('- [`users/team.yaml:12:7`](https://github.com/acme/people/blob/abc123/users/team.yaml#L12) `people[3].phone`: not a valid phone number: +1 ••• ••• 0187');
    expect(renderDiagnosticsMarkdown(diagnostics, { maskEmails: false })).toContain('- `users/team.yaml:12:7`');
    const comment = renderInvalidStateComment(diagnostics, { maskEmails: false }, links);
    expect(comment.startsWith(PLAN_MARKER)).toBe(true);
    expect(comment).toContain('No plan: 2 problems');
    assertNoPersonalData(comment);
  });
});

describe('text and JSON plan', () => {
  const p = () =>
    plan([
      vendor('enerflo', {
        operations: [op('update', 'ann@example.com', [{ field: 'title', before: 'Rep', after: 'Lead' }], { vendorId: '5' })],
        notices: [{ key: 'ann@example.com', vendorId: '5', field: 'timezone', message: 'cannot change after create' }],
        unmanaged: [{ vendorId: '9', email: 'hand@example.com', reason: 'not described in git', drift: true, name: 'Hand Made' }],
      }),
      vendor('highlevel', { kind: 'highlevel', manual: [{ key: 'off@example.com', vendorId: 'H1', message: 'offboarded in git; remove this user from highlevel by hand' }] }),
      vendor('partner', { kind: 'partner', readMode: 'byKey' }),
    ]);

  it('shows notices with their person, steps left to a person, drift users, and what a vendor read person by person cannot see', () => {
    const text = stripVTControlCharacters(renderText(p()));
    expect(text).toContain('  ~ update ann@example.com (id 5)\n      title : "Rep" -> "Lead"\n      i note timezone: cannot change after create\n');
    expect(text).toContain('  ☐ by hand off@example.com (id H1): offboarded in git; remove this user from highlevel by hand');
    expect(text).toContain('  ? unmanaged Hand Made <hand@example.com> (id 9): not described in git');
    expect(text).toContain('partner (partner)\n  read person by person: users not described in git cannot be detected in this vendor');
    expect(text).toContain('1 step left to a person (☐ above)');
    expect(text).toContain('1 live user not described in git (? above).');
  });

  it('carries notices, manual steps, the read mode and drift flags in JSON', () => {
    const json = JSON.parse(renderJson(p())) as { vendors: { notices: unknown[]; manual: unknown[]; readMode: string; unmanaged: { drift?: boolean }[] }[] };
    expect(json.vendors[0].notices).toHaveLength(1);
    expect(json.vendors[0].unmanaged[0].drift).toBe(true);
    expect(json.vendors[1].manual).toEqual([{ key: 'off@example.com', vendorId: 'H1', message: 'offboarded in git; remove this user from highlevel by hand' }]);
    expect(json.vendors[2].readMode).toBe('byKey');
  });
});

describe('labels of offices and roles', () => {
  it('maps vendor ids to roster keys, and leaves out a vendor value two roster keys share', () => {
    const org = {
      config: { vendors: { enerflo: { kind: 'enerflo' }, gohl: { kind: 'highlevel' } } },
      offices: new Map([
        ['austin', { key: 'austin', enerflo: { officeId: 101 }, highlevel: { locationIds: ['aT4k'] } }],
        ['phoenix', { key: 'phoenix', enerflo: { officeId: 102 } }],
      ]),
      roles: new Map([
        ['sales-rep', { key: 'sales-rep', enerflo: { roles: ['Sales Rep'] }, highlevel: { role: 'user', type: 'account' } }],
        ['setter', { key: 'setter', enerflo: { roles: ['Setter'] }, highlevel: { role: 'user' } }],
      ]),
    };
    expect(labelsOf(org as never)).toEqual({
      enerflo: { '101': 'austin', '102': 'phoenix', 'Sales Rep': 'sales-rep', Setter: 'setter' },
      gohl: { aT4k: 'austin' },
    });
  });
});

describe('one masking path for every reader', () => {
  it('maskPlan masks notices and manual steps and keeps drift names, so CI logs match the PR comment', () => {
    const source = plan([
      vendor('enerflo', {
        unmanaged: [{ vendorId: '9', email: 'brandon@example.com', reason: 'not described in git', drift: true, name: 'Brandon Cole' }],
        notices: [{ key: 'jane@example.com', vendorId: '1', field: 'timezone', message: `call ${SECRET_PHONE} about it` }],
        manual: [{ key: 'old@example.com', vendorId: '7', message: `offboarded in git; SSN ${SECRET_SSN} on file` }],
      }),
    ]);
    const masked = maskPlan(source, { maskEmails: false }).vendors[0];
    expect(masked.unmanaged[0]).toMatchObject({ drift: true, name: 'Brandon Cole' });
    expect(JSON.stringify(masked)).not.toContain(SECRET_PHONE_DIGITS.slice(-7));
    expect(JSON.stringify(masked)).not.toContain(SECRET_SSN);
    const hidden = maskPlan(source, { maskEmails: true }).vendors[0];
    expect(hidden.unmanaged[0].name).toBeUndefined();
    expect(JSON.stringify(hidden)).not.toContain('old@example.com');
  });
});

describe('a cut comment and the steps left to a person (issue 23)', () => {
  it('names every by-hand step it could not show, in the note at the top', () => {
    const big = hugePlan(900);
    const manual = Array.from({ length: 400 }, (_, i) => ({
      key: `leaver${i}@example.com`,
      vendorId: `H${i}`,
      message: 'offboarded in git; remove this user from highlevel by hand',
      hint: 'highlevel has no deactivation: remove the user in Settings → My Staff',
    }));
    big.vendors[1].manual = manual;
    const md = renderMarkdown(big, { maskEmails: false, drift: true, title: 'roster drift', fullPlanUrl: 'https://github.example/acme/people/actions/runs/5' });
    expect(md.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(md).toContain('the full plan is in the `roster-plan` artifact of [this workflow run](https://github.example/acme/people/actions/runs/5)');
    // Every step is either shown in the details or counted (and named, as far as room goes) in the note.
    const note = /\*\*highlevel\*\*, (\d+) steps? to do by hand not shown: ([^\n]*)/.exec(md);
    expect(note, 'the note names the by-hand steps left out').not.toBeNull();
    const shownInDetails = manual.filter((m) => md.includes(`- ☐ \`${m.key}\``)).length;
    expect(shownInDetails + Number(note![1])).toBe(manual.length);
    expect(note![2]).toMatch(/`leaver\d+@example\.com`/);
  });
});
