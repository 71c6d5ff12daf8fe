import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isSeq, LineCounter, parseDocument, visit, isAlias } from 'yaml';
import type { Document } from 'yaml';
import { fastReadYaml } from '../../src/config/fast-yaml.js';

/*
 * The fast path (js-yaml) may only accept what the slow path (yaml, with positions) reads without a
 * problem, and must read it to the same data with every list item at the same line and column. Each
 * input here is read both ways; where the fast path declines, the loader reads the file with yaml.
 */

/** yaml exactly as yaml-source.ts parses a users file. */
function slow(text: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, logLevel: 'error' }), lines };
}

function slowAccepts(doc: Document): boolean {
  if (doc.errors.length > 0) return false;
  let refs = false;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node) || node.anchor) refs = true;
    },
  });
  return !refs;
}

/** Asserts the fast read, when there is one, is the slow read: data and every item's position. */
function sameAsSlow(text: string): 'fast' | 'declined' {
  const fast = fastReadYaml(text);
  if (!fast) return 'declined';
  const { doc, lines } = slow(text);
  expect(slowAccepts(doc), `yaml refuses what js-yaml accepted:\n${text}`).toBe(true);
  expect(isDeepStrictEqual(fast.data, doc.toJS({ maxAliasCount: 0 })), `different data:\n${text}\n${JSON.stringify(fast.data)}\n${JSON.stringify(doc.toJS())}`).toBe(true);
  for (const section of Object.keys(fast.data)) {
    const list = (doc.contents as { get(key: string, keepScalar: boolean): unknown }).get(section, true);
    if (!isSeq(list)) continue;
    list.items.forEach((item, index) => {
      const range = (item as { range?: [number] }).range;
      expect(fast.itemAt(section, index), `${section}[${index}] of:\n${text}`).toEqual(range ? lines.linePos(range[0]) : undefined);
    });
  }
  return 'fast';
}

const scalars = [
  'null', 'Null', 'NULL', '~', '', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'yes', 'no', 'on', 'off', 'y', 'n',
  '0', '-0', '+0', '12', '+12', '-12', '012', '0o17', '0o8', '-0o17', '0x1F', '0X1F', '-0x1F', '0b101', '1_000', '1,000',
  '1.5', '1.', '.5', '-.5', '+1.50', '1e3', '1E-3', '1.5e+3', '.5e3', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '-.nan', 'inf', 'NaN',
  '2024-01-05', '2024-01-05T10:00:00Z', '12:30', '1:20:30', '0.1.2', '99999999999999999999', '0x', '+', '-', '.', '.e3',
  '+15125550100', '(512) 555-0100', '"quoted"', "'single'", '"a\\tb\\u00e9"', "'it''s'", 'a # comment', 'a#b', 'https://x.example/a?b=c',
];

describe('the fast path reads users files exactly as yaml does', () => {
  it.each(scalars)('the plain scalar %j', (scalar) => {
    sameAsSlow(`people:\n  - email: a@x.example\n    title: ${scalar}\n    n: [${scalar}]\n`);
  });

  it.each([
    ['block list, indented', 'people:\n  - email: a@x.example\n    firstName: Ann\n  - email: b@x.example\n'],
    ['block list, not indented', 'people:\n- email: a@x.example\n- email: b@x.example\n'],
    ['comments and blank lines before items', 'people:\n  # lead\n\n  - # first\n    email: a@x.example\n  -\n    email: b@x.example\n'],
    ['flow list of flow maps', 'people: [ {email: a@x.example}, { email: "b@x.example" } ]\n'],
    ['flow list over lines', 'people: [\n  {email: a@x.example},\n\n  {email: b@x.example}\n]\n'],
    ['several sections', 'offices:\n  - key: austin\n    name: Austin\nroles:\n  - key: rep\npeople:\n  - email: a@x.example\n    office: austin\n'],
    ['quoted section keys', '"people":\n  - email: a@x.example\n\'roles\': [ {key: r} ]\n'],
    ['CRLF line ends', 'people:\r\n  - email: a@x.example\r\n    firstName: Ann\r\n  - email: b@x.example\r\n'],
    ['a byte order mark', '\uFEFFpeople:\n  - email: a@x.example\n'],
    ['multi-line strings', 'people:\n  - email: a@x.example\n    note: |\n      - email: fake@x.example\n      line two\n    more: >-\n      folded\n      text\n    plain: one\n      two\n    dq: "one\n      two"\n  - email: b@x.example\n'],
    ['unicode before items', 'people:\n  - email: é@x.example\n    firstName: "Zoë 😀"\n  - email: b@x.example\n'],
    ['tabs after values', 'people:\n  - email: a@x.example\t\n    firstName:\tAnn\n'],
    ['nested maps and lists', 'people:\n  - email: a@x.example\n    enerflo:\n      roles: [a, b]\n      extra: {x: 1, y: [2, 3]}\n'],
    ['explicit document start and end', '---\npeople:\n  - email: a@x.example\n...\n'],
    ['a scalar item', 'people:\n  - a@x.example\n  - [nested]\n'],
    ['__proto__ key', 'people:\n  - email: a@x.example\n    __proto__: {admin: true}\n'],
    ['keys that only contain a forbidden word', 'people:\n  - email: a@x.example\n    passwordHint: none\n    "dob_note": x\n'],
    
  ])('%s', (_name, text) => {
    sameAsSlow(text);
  });

  it.each([
    ['an anchor', 'people:\n  - &a {email: a@x.example}\n'],
    ['an alias', 'x: &a [1]\npeople: *a\n'],
    ['an alias bomb', 'a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n'],
    ['a merge key with an alias', 'base: &b {office: austin}\npeople:\n  - <<: *b\n    email: a@x.example\n'],
    ['a local tag', 'people:\n  - !person {email: a@x.example}\n'],
    ['a core tag', 'people:\n  - email: !!str 12\n'],
    ['a %YAML 1.1 directive (yes is true there)', '%YAML 1.1\n---\npeople:\n  - email: a@x.example\n    active: yes\n'],
    ['a %TAG directive', '%TAG ! tag:x.example,2000:\n---\npeople: []\n'],
    ['two documents', 'people: []\n---\nroles: []\n'],
    ['a duplicate key', 'people:\n  - email: a@x.example\n    email: b@x.example\n'],
    ['a duplicate top-level key', 'people: []\npeople: []\n'],
    ['a list at the top', '- email: a@x.example\n'],
    ['a scalar at the top', 'just text\n'],
    ['an empty file', ''],
    ['only a comment', '# nothing\n'],
    ['a syntax error', 'people:\n  - email: a@x.example\n   bad: indent\n'],
    ['an unclosed flow list', 'people: [ {email: a@x.example}\n'],
    ['an unclosed quote', 'people:\n  - email: "a@x.example\n'],
    ['an empty item', 'people:\n  -\n  - email: a@x.example\n'],
    ['a null key (yaml reads it as "")', 'people:\n  - email: a@x.example\n    null: x\n'],
    ['a number key', 'people:\n  - 1.50: one\n'],
    ['a boolean key', 'people:\n  - true: one\n'],
    ['a list as a key', 'people:\n  - ? [a, b]\n    : one\n'],
    ['a tab for indentation', 'people:\n\t- email: a@x.example\n'],
    ['a forbidden key on a person', 'people:\n  - email: a@x.example\n    password: hunter2\n'],
    ['a forbidden key written its own way', 'people:\n  - email: a@x.example\n    Date_Of-Birth: 1990-01-01\n'],
    ['a forbidden key in quotes, deep down', 'people:\n  - email: a@x.example\n    vendors:\n      enerflo: {"ssn": "1"}\n'],
    ['a forbidden key in a flow map in a list', 'roles:\n  - key: r\n    x: [{a: 1}, {\'DOB\': 2}]\n'],
    ['a forbidden key at the top', 'ownership: 5\npeople: []\n'],
  ])('declines %s (yaml reports it, or reads it its own way)', (_name, text) => {
    expect(sameAsSlow(text)).toBe('declined');
  });

  it('item positions of a generated 1,000-person file are yaml\'s, item by item', () => {
    const people = Array.from({ length: 1000 }, (_, i) => `  - email: p${i}@x.example\n    firstName: "N${i}"\n    roles: [sales-rep]\n${i % 7 === 0 ? '    # a comment\n\n' : ''}`);
    expect(sameAsSlow(`# header\npeople:\n${people.join('')}`)).toBe('fast');
  });
});
