import { neutraliseGithubRefs, visibleControls, visibleControlsOneLine } from './neutral.js';

/**
 * Text that must show as itself in markdown, table cells included: hidden characters made visible,
 * markdown punctuation escaped, HTML as entities, mentions, issue references and links made inert
 * (see neutraliseGithubRefs), line breaks as `<br>`.
 */
export function escapeText(text: string): string {
  const escaped = escapeHtml(visibleControls(text.replace(/\r\n?/g, '\n'))).replace(/[\\`*_[\]()#|~!]/g, (c) => `\\${c}`);
  return neutraliseGithubRefs(escaped).replace(/\n/g, '<br>');
}

/**
 * Inside a code span GitHub neither mentions nor links, so only what could end the span or the table
 * matters: a backtick (shown as `'`), the table's `|`, line breaks, and hidden characters (made visible).
 */
export function escapeCode(text: string): string {
  return visibleControlsOneLine(text.replace(/\r\n?|\n/g, ' ')).replace(/`/g, "'").replace(/\|/g, '\\|');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
