import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../config/diagnostics.js';
import { sanitizeText, type MaskOptions } from './mask.js';
import { escapeText, GITHUB_BODY_LIMIT, PLAN_MARKER } from './markdown.js';
import { escapeCode } from './escape.js';
import { visibleControlsOneLine } from './neutral.js';

/**
 * Validation errors for GitHub: as workflow commands (`::error file=…,line=…::`) so they show on the
 * changed lines of a pull request, and as a markdown list with links for the roster comment.
 * Messages go through the same masking as the plan: a bad phone number is still a phone number.
 */

/** Where diagnostics point on GitHub: the checkout's root, and the blob URL of the commit to link to. */
export interface SourceLinks {
  /** GITHUB_WORKSPACE: annotations and links need paths inside the repository, not the cwd. */
  workspace?: string;
  /** `https://github.com/owner/repo/blob/SHA`; without it, diagnostics are plain `file:line`. */
  blobBase?: string;
}

/** Where a diagnostic's file is inside the repository. */
export function repositoryPath(file: string, workspace?: string, cwd = process.cwd()): string {
  const absolute = isAbsolute(file) ? file : resolve(cwd, file);
  return relative(workspace ?? cwd, absolute).split(sep).join('/');
}

/** `%`, CR and LF are escaped in the message of a workflow command… */
export function escapeCommandData(text: string): string {
  // Hidden characters (bidi overrides, escapes) made visible first; CR and LF stay as the runner's escapes.
  const visible = text.split(/(\r|\n)/).map((part) => (part === '\r' || part === '\n' ? part : visibleControlsOneLine(part))).join('');
  return visible.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** …and `:` and `,` too in its properties, which they would otherwise end. */
export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One `::error file=…,line=…,col=…,title=…::message` line per diagnostic. */
export function renderAnnotations(diagnostics: Diagnostic[], options: MaskOptions, links: SourceLinks = {}): string {
  return diagnostics
    .map((d) => {
      const title = d.path ? `roster: ${d.path}` : 'roster';
      const props = [
        `file=${escapeCommandProperty(repositoryPath(d.file, links.workspace))}`,
        `line=${d.line}`,
        `col=${d.col}`,
        `title=${escapeCommandProperty(sanitizeText(title, options))}`,
      ].join(',');
      const message = d.hint ? `${d.message}\nhint: ${d.hint}` : d.message;
      return `::error ${props}::${escapeCommandData(sanitizeText(message, options))}\n`;
    })
    .join('');
}

/** The problems as a markdown list, each `file:line:col` linked to that line on GitHub when known. */
export function renderDiagnosticsMarkdown(diagnostics: Diagnostic[], options: MaskOptions, links: SourceLinks = {}): string {
  const base = links.blobBase;
  const lines = diagnostics.map((d) => {
    const file = repositoryPath(d.file, links.workspace);
    const where = `${file}:${d.line}:${d.col}`;
    // A file name is anyone's text: a backtick in it would end the code span, a `)` the link.
    const link = base ? `[\`${escapeCode(where)}\`](${base}/${file.split('/').map(encodeURIComponent).join('/')}#L${d.line})` : `\`${escapeCode(where)}\``;
    const field = d.path ? ` \`${escapeCode(d.path)}\`` : '';
    const hint = d.hint ? ` _(hint: ${escapeText(sanitizeText(d.hint, options))})_` : '';
    return `- ${link}${field}: ${escapeText(sanitizeText(d.message, options))}${hint}\n`;
  });
  return lines.join('');
}

/**
 * The roster comment when the declared state does not validate: no plan, the problems instead.
 * Carries the plan marker, so the next run replaces it with the plan once the problems are fixed.
 */
export function renderInvalidStateComment(
  diagnostics: Diagnostic[],
  options: MaskOptions,
  links: SourceLinks = {},
  maxLength = GITHUB_BODY_LIMIT,
): string {
  const n = diagnostics.length;
  const head = `${PLAN_MARKER}\n### roster plan\n\n**No plan: ${n} problem${n === 1 ? '' : 's'} in the declared state.** Fix ${n === 1 ? 'it' : 'them'} and push again.\n\n`;
  const list = renderDiagnosticsMarkdown(diagnostics, options, links);
  if (head.length + list.length <= maxLength) return head + list;
  const cut = list.slice(0, maxLength - head.length - 200);
  const shown = cut.slice(0, cut.lastIndexOf('\n') + 1);
  const left = n - shown.split('\n').filter(Boolean).length;
  return `${head}${shown}- _${left} more not shown; run \`roster validate\` to see them all_\n`;
}
