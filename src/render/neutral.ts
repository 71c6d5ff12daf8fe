/**
 * Text from YAML, file names and vendors, made inert where it lands. Pure functions: the output sink
 * (src/output/sink.ts) and the renderers apply them.
 */

/**
 * Characters that change how the text around them shows without showing themselves: C0 and C1
 * controls (terminal escapes, carriage returns), bidirectional overrides and isolates (Trojan Source,
 * CVE-2021-42574), line and paragraph separators, zero-width space and the byte-order mark. Tab and
 * line feed are ordinary layout and stay.
 */
export const HIDDEN_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/g;

const codePoint = (c: string) => c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');

/** Each hidden character as `\u202E` (as JSON and JavaScript write it), so a reader sees it is there. */
export function visibleControls(text: string): string {
  // A carriage return before a line feed is a CRLF line ending (CSV, RFC 4180): harmless; a bare one rewrites a line.
  return text.replace(HIDDEN_CHARS, (c, offset: number) => (c === '\r' && text[offset + 1] === '\n' ? c : `\\u${codePoint(c)}`));
}

/** Like `visibleControls`, but line feeds too: for one-line contexts (a code span, a log line's field). */
export function visibleControlsOneLine(text: string): string {
  return visibleControls(text).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

// SGR colour sequences (`ESC[31m`), which roster's own colours are: the only escape a terminal gets.
const COLOUR = /\u001B\[[0-9;]*m/g;

/**
 * For a terminal or a log: hidden characters made visible, except roster's colour codes (picocolors
 * writes them; a vendor's colour code is harmless too, unlike cursor moves, title changes or hyperlinks).
 */
export function visibleControlsKeepingColour(text: string): string {
  let out = '';
  let from = 0;
  for (const match of text.matchAll(COLOUR)) {
    out += visibleControls(text.slice(from, match.index)) + match[0];
    from = match.index + match[0].length;
  }
  return out + visibleControls(text.slice(from));
}

/**
 * A GitHub Actions log runs every line that starts (after blanks) with `::` as a workflow command
 * (`::warning::`, `::add-mask::`, `::stop-commands::`), and the older `##[...]` / `##vso[...]` forms are
 * read too. Such a line is shown with a backslash in front, so it is printed instead of run. A newline
 * in a value is what lets a file name start a line; the sink applies this to every line it writes.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
 */
export function neutraliseWorkflowCommands(text: string): string {
  return text.replace(/^([ \t]*(?:\u001B\[[0-9;]*m)*)(::|##\[|##vso\[)/gim, '$1\\$2');
}

/** Invisible HTML comment: splits a token for GitHub's parsers without changing what shows. */
const SPLIT = '<!-- -->';

/**
 * GitHub acts on some plain text in comments and issues: `@user`, `@org/team` (also after `-`, `.` or
 * `(`) notify people; `#12`, `GH-12` and `owner/repo#12` link and leave a back-reference in that issue;
 * `https://…`, `www.…` become links. Backslashes and entities do not stop mentions (github/cmark-gfm#181,
 * openjdk/skara#1548); an empty HTML comment between the `@` and the name does (openjdk/skara#1045), and
 * between a scheme and `://`. For text already HTML-escaped (the comment is inserted as markup).
 */
export function neutraliseGithubRefs(text: string): string {
  return text
    .replace(/(?<![\p{L}\p{N}_])@(?=[\p{L}\p{N}_-])/gu, `@${SPLIT}`)
    .replace(/(?<![\p{L}\p{N}_&])#(?=\d)/gu, `#${SPLIT}`)
    .replace(/\b(gh)-(?=\d)/gi, `$1${SPLIT}-`)
    .replace(/\b([a-z][a-z0-9+.-]*)(:\/\/)/gi, `$1${SPLIT}$2`)
    .replace(/\b(www)(\.)/gi, `$1${SPLIT}$2`)
    .replace(/\b(mailto|xmpp)(:)/gi, `$1${SPLIT}$2`);
}
