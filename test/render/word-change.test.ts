import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { planForLog } from '../../src/render/mask.js';
import { wordChange, WORD_CHANGE_MIN } from '../../src/render/values.js';
import { op, plan, vendor } from '../github/plans.js';

// A SimplePin title and HighLevel scopes as a plan carries them: long texts where only a few words change.
const TITLE_BEFORE = 'Regional Manager, Texas and Oklahoma (Austin office)';
const TITLE_AFTER = 'Regional Manager, Texas and New Mexico (Austin office)';
const SCOPES_BEFORE = ['campaigns.readonly', 'contacts.write', 'funnels.write', 'settings.write'];
const SCOPES_AFTER = ['campaigns.readonly', 'contacts.write', 'settings.write', 'socialplanner/post.write'];
// A personal field with long values: never diffed, only masked.
const EMAIL_BEFORE = 'maria.gonzalez.regional.manager@sunpath-solar.example';
const EMAIL_AFTER = 'maria.gonzalez.regional.director@sunpath-solar.example';

function changedPlan() {
  return plan([
    vendor('partner', {
      kind: 'partner',
      fields: [{ name: 'title' }, { name: 'email', personal: 'email' }, { name: 'lastName' }],
      operations: [
        op('update', 'maria.gonzalez@sunpath.example', [
          { field: 'title', before: TITLE_BEFORE, after: TITLE_AFTER },
          { field: 'email', before: EMAIL_BEFORE, after: EMAIL_AFTER },
          { field: 'lastName', before: 'Patel-Shah', after: 'Patel' },
        ], { vendorId: 'HR-1001' }),
      ],
    }),
    vendor('highlevel', {
      kind: 'highlevel',
      fields: [{ name: 'scopes' }],
      operations: [op('update', 'leah@sunpath.example', [{ field: 'scopes', before: SCOPES_BEFORE, after: SCOPES_AFTER }], { vendorId: 'Mk7tgContract0rZ2Ye5' })],
    }),
  ]);
}

describe('word-level changes of long texts', () => {
  it('finds the words that changed in a long title, and leaves short values and personal fields to old → new', () => {
    const fields = [{ name: 'title' }, { name: 'email', personal: 'email' as const }];
    expect(TITLE_BEFORE.length).toBeGreaterThan(WORD_CHANGE_MIN);
    const words = wordChange({ field: 'title', before: TITLE_BEFORE, after: TITLE_AFTER }, fields)!;
    expect(words.filter((w) => w.change === 'removed').map((w) => w.text)).toEqual(['Oklahoma']);
    expect(words.filter((w) => w.change === 'added').map((w) => w.text)).toEqual(['New Mexico']);
    expect(words.filter((w) => w.change !== 'added').map((w) => w.text).join('')).toBe(TITLE_BEFORE);
    expect(words.filter((w) => w.change !== 'removed').map((w) => w.text).join('')).toBe(TITLE_AFTER);
    expect(wordChange({ field: 'title', before: 'Regional Manager', after: 'Regional Director' }, fields)).toBeUndefined();
    expect(wordChange({ field: 'email', before: EMAIL_BEFORE, after: EMAIL_AFTER }, fields)).toBeUndefined();
    // A field named like personal data is personal even when its FieldSpec forgets to say so.
    expect(wordChange({ field: 'mobilePhone', before: `${TITLE_BEFORE} 512`, after: `${TITLE_BEFORE} 513` }, [])).toBeUndefined();
    // Nothing in common: two whole values read better than a wall of struck-out words.
    expect(wordChange({ field: 'title', before: 'a'.repeat(50), after: 'b'.repeat(50) }, fields)).toBeUndefined();
  });

  it('shows the changed words in the text plan, git --word-diff style, and short values as before', () => {
    const text = stripVTControlCharacters(renderText(changedPlan()));
    expect(text).toContain('title    : Regional Manager, Texas and [-Oklahoma-]{+New Mexico+} (Austin office)');
    expect(text).toContain('lastName : "Patel-Shah" -> "Patel"');
    expect(text).toContain(`email    : "${EMAIL_BEFORE}" -> "${EMAIL_AFTER}"`);
    expect(text).toContain('scopes : campaigns.readonly, contacts.write, [-funnels.write-], settings.write, {+socialplanner/post.write+}');
  });

  it('never diffs a masked personal field in a CI log', () => {
    const text = stripVTControlCharacters(renderText(planForLog(changedPlan(), { maskEmails: true }, { CI: 'true' })));
    expect(text).not.toContain('regional.manager');
    expect(text).not.toContain('regional.director');
    expect(text).toMatch(/email {4}: "m•+@sunpath-solar\.example" -> "m•+@sunpath-solar\.example"/);
    expect(text).not.toMatch(/email.*\[-/);
  });

  it('shows the changed words in the markdown plan, struck out and underlined, and masks personal fields whole', () => {
    const markdown = renderMarkdown(changedPlan(), { maskEmails: true });
    // Both columns hold the whole value in the same words: what goes struck out before, what comes underlined after.
    expect(markdown).toContain('| title | Regional Manager, Texas and <del>Oklahoma</del> \\(Austin office\\) | Regional Manager, Texas and <ins>New Mexico</ins> \\(Austin office\\) |');
    expect(markdown).not.toContain('words changed');
    expect(markdown).toContain('| lastName | Patel-Shah | Patel |');
    expect(markdown).toContain(
      '| scopes | campaigns.readonly, contacts.write, <del>funnels.write</del>, settings.write | campaigns.readonly, contacts.write, settings.write, <ins>socialplanner/post.write</ins> |',
    );
    expect(markdown).not.toContain('regional.manager');
    expect(markdown).not.toContain('regional.director');
    expect(markdown).toMatch(/\| email \| m•+@<!-- -->sunpath-solar\.examp<wbr>le \| m•+@<!-- -->sunpath-solar\.examp<wbr>le \|/);
  });
});
