import { readFile } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

/** One person as a users file declares them, with where each of their keys sits. */
export interface DeclaredEntry {
  /** Absolute path of the users file. */
  file: string;
  /** Index in the file's `people` list. */
  index: number;
  email: string;
  externalId?: string;
  /** The person's keys as written (plain values). */
  fields: Record<string, unknown>;
  /** Line (1-based) and text of each top-level key of the person, for "overwrites line N". */
  lines: Record<string, { line: number; text: string }>;
}

/** A users file as text and as a YAML document, edited in place by the sync. */
export interface UsersFileDoc {
  file: string;
  text: string;
  doc: Document;
}

export interface DeclaredState {
  people: DeclaredEntry[];
  files: Map<string, UsersFileDoc>;
}

/** Every person of the users files, read with the yaml library's documents (comments and order kept for the edits). */
export async function readDeclared(files: string[]): Promise<DeclaredState> {
  const people: DeclaredEntry[] = [];
  const docs = new Map<string, UsersFileDoc>();
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: counter });
    docs.set(file, { file, text, doc });
    const list = doc.get('people', true);
    if (!isSeq(list)) continue;
    const sourceLines = text.split('\n');
    list.items.forEach((item, index) => {
      if (!isMap(item)) return;
      const fields = (item).toJSON() as Record<string, unknown>;
      if (typeof fields.email !== 'string') return;
      const lines: DeclaredEntry['lines'] = {};
      for (const pair of (item).items) {
        const key = pair.key as { value?: unknown; range?: [number, number, number] };
        if (typeof key?.value !== 'string' || !key.range) continue;
        const line = counter.linePos(key.range[0]).line;
        lines[key.value] = { line, text: (sourceLines[line - 1] ?? '').trim() };
      }
      people.push({
        file,
        index,
        email: fields.email.toLowerCase(),
        ...(fields.externalId !== undefined ? { externalId: String(fields.externalId) } : {}),
        fields,
        lines,
      });
    });
  }
  return { people, files: docs };
}
