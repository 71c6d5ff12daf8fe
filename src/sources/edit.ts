import path from 'node:path';
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import type { DeclaredState } from './declared.js';
import type { PersonChange } from './sync.js';

/** How the edited files are written: never folded, so a line HR did not change stays the line it was. */
const TO_STRING = { lineWidth: 0, flowCollectionPadding: false } as const;

const NEW_FILE_HEADER = (source: string) =>
  `# yaml-language-server: $schema=${'../'.repeat(2)}schema/users.schema.json\n#\n# People added from HR by \`roster source sync\` (source ${source}).\npeople: []\n`;

/**
 * The users files after the change, as text by absolute path: small edits through the yaml library's
 * Document API on the files as they are, so comments, key order and quoting of everything else stay.
 * New hires go to `newPeopleFile` (by their office), appended after the people already there.
 */
export function applyChanges(state: DeclaredState, changes: PersonChange[], usersDir: string, newPeopleFile: string, source: string): Map<string, string> {
  const touched = new Set<string>();
  for (const change of changes) {
    if (change.kind === 'hire') continue;
    const d = change.declared!;
    const file = state.files.get(d.file)!;
    const item = (file.doc.get('people', true) as YAMLSeq).items[d.index];
    if (!isMap(item)) continue;
    for (const c of change.changes) (item).set(c.field, c.to);
    touched.add(d.file);
  }
  for (const change of changes) {
    if (change.kind !== 'hire') continue;
    const office = typeof change.person!.office === 'string' ? change.person!.office : 'hr';
    const file = path.resolve(usersDir, newPeopleFile.replace('{office}', office));
    let entry = state.files.get(file);
    if (!entry) {
      const depth = path.relative(usersDir, path.dirname(file)).split(path.sep).filter(Boolean).length + 1;
      const text = NEW_FILE_HEADER(source).replace('../../', '../'.repeat(depth));
      entry = { file, text: '', doc: parseDocument(text) };
      state.files.set(file, entry);
    }
    const doc = entry.doc;
    let list = doc.get('people', true);
    if (!isSeq(list)) {
      list = doc.createNode([]);
      doc.set('people', list);
    }
    const seq = list as YAMLSeq;
    if (seq.flow) seq.flow = false;
    const node = doc.createNode(change.person) as YAMLMap;
    if (Array.isArray(change.person!.roles)) {
      const roles = node.get('roles', true) as unknown as YAMLSeq;
      roles.flow = true;
    }
    node.commentBefore = ` Hired: from HR (source ${source}, row ${change.hr.row.row})`;
    node.spaceBefore = seq.items.length > 0;
    seq.items.push(node);
    touched.add(file);
  }
  const out = new Map<string, string>();
  for (const file of touched) {
    const entry = state.files.get(file)!;
    const text = entry.doc.toString(TO_STRING);
    if (text !== entry.text) out.set(file, text);
  }
  return out;
}
