import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { type Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Node } from 'yaml';
import type { Diagnostic } from './diagnostics.js';

/** A field path as zod and the YAML tree both see it: `['people', 3, 'phone']`. */
export type FieldPath = readonly PropertyKey[];

/**
 * Files larger than this are refused before parsing: a users file is a few kilobytes, and reading a
 * 50 MB file into a YAML tree would take the process's memory with it.
 */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** `people[3].phone`, `roles[0].enerflo.roles[1]`, `vendors["my vendor"].baseUrl`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_$][\w$-]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

/** A parsed YAML file that can say where any field path sits in it. */
export class YamlSource {
  constructor(
    /** Path relative to the working directory, as diagnostics print it. */
    readonly file: string,
    readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Line and column (1-based) of a byte offset into the file. */
  position(offset: number): { line: number; col: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  /**
   * The deepest node the path reaches, and whether it reached all of it (a missing field stops at its
   * parent map). With `key`, a map entry resolves to its key rather than its value, for "unknown field".
   */
  nodeAt(path: FieldPath, options: { key?: boolean } = {}): { node: Node | undefined; complete: boolean } {
    let node: unknown = this.doc.contents;
    for (let i = 0; i < path.length; i++) {
      const part = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
        if (!pair) return { node: node, complete: false };
        const last = i === path.length - 1;
        if (last && options.key) return { node: pair.key as Node, complete: true };
        if (!isNode(pair.value)) return { node: pair.key as Node, complete: last };
        node = pair.value;
      } else if (isSeq(node) && typeof part === 'number' && isNode(node.items[part])) {
        node = node.items[part];
      } else {
        return { node: isNode(node) ? node : undefined, complete: false };
      }
    }
    return { node: isNode(node) ? node : undefined, complete: true };
  }

  /** Where a field path sits; the file's first line when the path reaches nothing. */
  locate(path: FieldPath, options: { key?: boolean } = {}): { line: number; col: number } {
    const { node } = this.nodeAt(path, options);
    const offset = node?.range?.[0];
    return offset === undefined ? { line: 1, col: 1 } : this.position(offset);
  }

  diagnostic(path: FieldPath, message: string, hint?: string, options: { key?: boolean } = {}): Diagnostic {
    return { file: this.file, ...this.locate(path, options), path: formatPath(path), message, ...(hint ? { hint } : {}) };
  }
}

/**
 * A file that was read and parsed, by name only: at 100,000 people the YAML trees of every users file
 * together take most of a gigabyte, so the loader lets each tree go once the file's own checks have
 * run and its items know where they start. A later check that needs another position in the file (the
 * field of a diagnostic) parses it again with `reparse`; a valid organisation never does.
 */
export class SourceFile {
  constructor(
    /** Path relative to the working directory, as diagnostics print it. */
    readonly file: string,
    private readonly absolutePath: string,
    /** Digest of the bytes first read, so a file changed since is never located in wrongly. */
    private readonly digest: string,
  ) {}

  /** The file parsed again exactly as it was first read; undefined when it has changed or gone since. */
  reparse(): YamlSource | undefined {
    try {
      const bytes = readFileSync(this.absolutePath);
      if (digestOf(bytes) !== this.digest) return undefined;
      return parseYaml(this.file, new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      return undefined;
    }
  }
}

const digestOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64');

/** The one way roster parses YAML, so a file parsed again has the same positions as the first time. */
function parseYaml(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  return new YamlSource(file, doc, lines);
}

export interface ReadResult {
  source?: YamlSource;
  /** The file by name, to parse again later without keeping `source` (set whenever `source` is). */
  sourceFile?: SourceFile;
  /** The file's content as plain data; set only when it parsed into a map without problems. */
  data?: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

function fileProblem(file: string, message: string, hint?: string, line = 1, col = 1): Diagnostic {
  return { file, line, col, path: '', message, ...(hint ? { hint } : {}) };
}

/** Byte offset of the first byte that is not valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let extra: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [extra, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [extra, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [extra, min] = [3, 0x10000];
    else return i;
    if (i + extra >= bytes.length) return i;
    let code = b & (0xff >> (extra + 2));
    for (let k = 1; k <= extra; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += extra + 1;
  }
  return -1;
}

function describeYamlNode(node: unknown): string {
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'nothing' : `the value ${JSON.stringify(node.value)}`;
  return 'something else';
}

const yamlErrorMessages: Record<string, string> = {
  MULTIPLE_DOCS: 'the file holds several YAML documents (separated by ---); put one document per file',
};

/**
 * Reads and parses one YAML file, refusing what roster never accepts: files over MAX_FILE_BYTES, bytes
 * that are not UTF-8, syntax errors (all of them), duplicate keys, anchors and aliases (the "billion
 * laughs" bomb needs them, and a users file is clearer without them), empty files and non-map content.
 */
export async function readYamlFile(absolutePath: string, file: string, what: string): Promise<ReadResult> {
  const read = await readYamlText(absolutePath, file);
  return 'diagnostics' in read ? { diagnostics: read.diagnostics } : parseYamlText(read, absolutePath, file, what);
}

/** A file's bytes and its text, once they passed the size and UTF-8 checks. */
export interface YamlText {
  bytes: Uint8Array;
  text: string;
}

/** Reads a file, refusing files over MAX_FILE_BYTES and bytes that are not UTF-8. */
export async function readYamlText(absolutePath: string, file: string): Promise<YamlText | { diagnostics: Diagnostic[] }> {
  let size: number;
  try {
    size = (await stat(absolutePath)).size;
  } catch {
    return { diagnostics: [fileProblem(file, 'file not found')] };
  }
  if (size > MAX_FILE_BYTES) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    return {
      diagnostics: [
        fileProblem(file, `file is ${mb(size)}; roster reads YAML files up to ${mb(MAX_FILE_BYTES)}`, 'split it into several files under users/, or check that it is the file you meant'),
      ],
    };
  }

  const bytes = await readFile(absolutePath);
  // Checked again on what was read: the file may have grown between stat and read.
  if (bytes.length > MAX_FILE_BYTES) return readYamlText(absolutePath, file);
  try {
    return { bytes, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const offset = Math.max(0, firstInvalidUtf8(bytes));
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) [line, lineStart] = [line + 1, i + 1];
    const col = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset)).length + 1;
    const byte = bytes[offset]?.toString(16).padStart(2, '0');
    return {
      diagnostics: [
        fileProblem(file, `the file is not valid UTF-8 (byte 0x${byte} at offset ${offset})`, 'save the file as UTF-8 (most editors: "Save with encoding")', line, col),
      ],
    };
  }
}

/** The file by name, to locate in later: see SourceFile. */
export function sourceFileOf(file: string, absolutePath: string, bytes: Uint8Array): SourceFile {
  return new SourceFile(file, absolutePath, digestOf(bytes));
}

/** Parses text that passed readYamlText with yaml, with every check readYamlFile promises. */
export function parseYamlText({ bytes, text }: YamlText, absolutePath: string, file: string, what: string): ReadResult {
  const source = parseYaml(file, text);
  const doc = source.doc;
  const sourceFile = new SourceFile(file, absolutePath, digestOf(bytes));
  const diagnostics: Diagnostic[] = doc.errors.map((error) => {
    const { line, col } = source.position(error.pos[0]);
    if (error.code === 'DUPLICATE_KEY') {
      const key = text.slice(error.pos[0]).split('\n')[0].split(/:(\s|$)/)[0].trim();
      return fileProblem(file, `the key "${key}" appears twice in the same map; YAML would keep only one of them`, 'say it once: merge the two entries', line, col);
    }
    return fileProblem(file, yamlErrorMessages[error.code] ?? `YAML syntax: ${error.message.split('\n')[0]}`, undefined, line, col);
  });
  if (diagnostics.length > 0) return { source, sourceFile, diagnostics };

  // One diagnostic for the first anchor and one for the first alias: a bomb has thousands of them.
  const anchors: { offset: number; name: string }[] = [];
  const aliases: { offset: number; name: string }[] = [];
  // Every anchor is written with "&" and every alias with "*": a file with neither needs no walk.
  if (text.includes('&') || text.includes('*')) {
    visit(doc, {
      Node(_key, node) {
        if (isAlias(node)) aliases.push({ offset: node.range?.[0] ?? 0, name: node.source });
        else if (node.anchor) {
          const start = node.range?.[0] ?? 0;
          const at = text.lastIndexOf(`&${node.anchor}`, start);
          anchors.push({ offset: at >= 0 ? at : start, name: node.anchor });
        }
      },
    });
  }
  const hint = 'write the values out in full; roster refuses anchors and aliases so no file can expand into an "alias bomb"';
  const more = (n: number) => (n > 1 ? ` (${n} in this file)` : '');
  if (anchors.length > 0) {
    const { line, col } = source.position(anchors[0].offset);
    diagnostics.push(fileProblem(file, `YAML anchors (&${anchors[0].name}) are not allowed in ${what}${more(anchors.length)}`, hint, line, col));
  }
  if (aliases.length > 0) {
    const { line, col } = source.position(aliases[0].offset);
    diagnostics.push(fileProblem(file, `YAML aliases (*${aliases[0].name}) are not allowed in ${what}${more(aliases.length)}`, hint, line, col));
  }
  if (diagnostics.length > 0) return { source, sourceFile, diagnostics };

  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    const hint = what === 'users files' ? 'declare offices, roles or people in it, or delete it' : 'the root config needs at least "vendors:"';
    return { source, sourceFile, diagnostics: [fileProblem(file, 'the file is empty', hint)] };
  }
  if (!isMap(doc.contents)) {
    const { line, col } = source.locate([]);
    return {
      source,
      sourceFile,
      diagnostics: [fileProblem(file, `expected a map of fields at the top of the file, found ${describeYamlNode(doc.contents)}`, what === 'users files' ? 'a users file is a map: "offices:", "roles:" or "people:" at the start of a line' : undefined, line, col)],
    };
  }
  return { source, sourceFile, data: doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown>, diagnostics };
}
