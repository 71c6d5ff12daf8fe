/**
 * Text that must show as itself in markdown, table cells included: markdown punctuation escaped,
 * HTML as entities, `@` not a mention, line breaks as `<br>`.
 */
export function escapeText(text: string): string {
  return escapeHtml(text)
    .replace(/[\\`*_[\]()#|~!]/g, (c) => `\\${c}`)
    .replace(/(^|[^\w.+-])@(?=\w)/g, '$1&#64;')
    .replace(/\r?\n/g, '<br>');
}

/** Inside a code span only the backtick and the table's `|` matter. */
export function escapeCode(text: string): string {
  return text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
