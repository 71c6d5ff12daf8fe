import { describe, expect, it } from 'vitest';
import { sourceLinksFromEnv } from '../../src/github/context.js';
import { planChecksum, vendorChecksums, verifyChecksum } from '../../src/reconcile/checksum.js';
import {
  escapeCommandData,
  escapeCommandProperty,
  renderAnnotations,
  renderDiagnosticsMarkdown,
  renderInvalidStateComment,
} from '../../src/render/annotations.js';
import { GITHUB_BODY_LIMIT, parseChecksumMarker, PLAN_MARKER, renderMarkdown } from '../../src/render/markdown.js';
import { maskEmail, maskPhone, maskPlan, maskSsn, sanitizeText } from '../../src/render/mask.js';
import { hugePlan, op, plan, samplePlan, SECRET_DOB, SECRET_PHONE, SECRET_PHONE_DIGITS, SECRET_SSN, vendor } from './plans.js';

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
    source.vendors[0].operations[0].desired = { key: 'x', email: 'x', active: true, fields: { phone: SECRET_PHONE }, dependsOn: [] } as never;
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
  it('starts with the summary, has a section per vendor and a table per operation', () => {
    const md = renderMarkdown(samplePlan(), { maskEmails: false });
    const lines = md.split('\n');
    expect(lines[0]).toBe(PLAN_MARKER);
    expect(lines[3]).toBe('**Plan: 2 to create, 1 to update, 1 to deactivate, 52 unchanged. 1 error needs a person.**');
    expect(md.match(/<details/g)).toHaveLength(2);
    expect(md).toContain('#### + create `jane@example.com`');
    expect(md).toContain('#### ~ update `bob@example.com` (id 42)');
    expect(md).toContain('#### - deactivate `old@example.com` (id 7)');
    expect(md).toContain('| field | before | after |');
    expect(md).toContain('| roles |  | Sales Rep, Setter |');
    expect(md).toContain('40 unchanged');
    expect(md).toContain('**Unmanaged live users**');
    expect(md).toContain('| owner@example.com | 99 | account owner |');
    expect(md).toContain('**Errors**');
    expect(md).toContain('+1 ••• ••• 0187');
    assertNoPersonalData(md);
  });

  it('escapes pipes, markdown and HTML in values', () => {
    const md = renderMarkdown(samplePlan(), { maskEmails: false });
    expect(md).toContain('| lastName | Smith \\| Jones | \\*Smith\\* &lt;b&gt; |');
    const tricky = plan([vendor('v', { operations: [op('update', 'a@example.com', [{ field: 'title', before: '@octocat', after: 'line\nbreak `code` [x](y)' }])] })]);
    const out = renderMarkdown(tricky, { maskEmails: false });
    expect(out).toContain('| title | &#64;octocat | line<br>break \\`code\\` \\[x\\]\\(y\\) |');
  });

  it('carries the checksum in a hidden marker that reads back', () => {
    const p = samplePlan();
    const md = renderMarkdown(p, { maskEmails: false });
    expect(parseChecksumMarker(md)).toEqual({ checksum: planChecksum(p), vendors: vendorChecksums(p) });
    expect(md).toContain(`<code>${planChecksum(p)}</code>`);
  });

  it('stays under the limit, says what it left out and points to the full plan', () => {
    const p = hugePlan(600);
    const md = renderMarkdown(p, { maskEmails: false, fullPlanUrl: 'https://github.com/acme/people/actions/runs/1' });
    expect(md.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(md.length).toBeGreaterThan(GITHUB_BODY_LIMIT - 5_000);
    expect(md).toMatch(/Left out: \*\*enerflo\*\* \(\d+ of 600 operations\); \*\*highlevel\*\* \(\d+ of 600 operations\)/);
    expect(md).toContain('[this workflow run](https://github.com/acme/people/actions/runs/1)');
    expect(md).toContain('more operations not shown');
    expect(parseChecksumMarker(md)?.checksum).toBe(planChecksum(p));
    assertNoPersonalData(md);
    for (const max of [3_000, 10_000, 30_000]) expect(renderMarkdown(p, { maskEmails: false, maxLength: max }).length).toBeLessThanOrEqual(max);
  });

  it('gives a small vendor its whole section next to a huge one', () => {
    const p = hugePlan(600);
    p.vendors.push(vendor('pulse', { kind: 'pulse', operations: [op('create', 'dee@example.com', [{ field: 'firstName', after: 'Dee' }])] }));
    const md = renderMarkdown(p, { maskEmails: false });
    expect(md.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(md).toContain('#### + create `dee@example.com`');
    expect(md).not.toMatch(/\*\*pulse\*\* \(/);
  });

  it('warns under the summary when the plan is over a safety threshold', () => {
    const md = renderMarkdown(samplePlan(), { maskEmails: false, thresholdWarnings: ['enerflo: the plan would update 5 of 10 live users (50%)'] });
    expect(md).toContain('> [!CAUTION]\n> Over a safety threshold: apply refuses this plan without `--force`.\n> - enerflo: the plan would update 5 of 10 live users \\(50%\\)\n');
    expect(md.indexOf('[!CAUTION]')).toBeLessThan(md.indexOf('<details'));
  });

  it('a small plan is not cut', () => {
    expect(renderMarkdown(samplePlan(), { maskEmails: false })).not.toContain('Left out');
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
