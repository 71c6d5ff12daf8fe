import { Document, isMap, isScalar, isSeq, visit, type Node, type YAMLMap } from 'yaml';
import { HIDDEN_CHARS, visibleControls } from '../render/neutral.js';
import { vendorModules } from '../vendors/registry.js';
import { CONFLICT_RULE } from './build.js';
import type { GeneratedOffice, GeneratedRole, ImportedPerson, ImportResult } from './model.js';

export interface RenderOptions {
  /** Path of users.schema.json relative to the file written, for the yaml-language-server line. */
  schemaPath: string;
}

/** Vendor kinds in registry order, so every section lists vendors the same way. */
const kindOrder = vendorModules.map((v) => v.kind);
const byKindOrder = (a: string, b: string) => kindOrder.indexOf(a) - kindOrder.indexOf(b) || (a < b ? -1 : a > b ? 1 : 0);

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The import as a users file a person could have written: offices, roles, then people by email; no
 * anchors, no empty keys, short lists inline, and comments wherever import made a choice.
 */
export function renderImport(result: ImportResult, options: RenderOptions): string {
  const data: Record<string, unknown> = {};
  if (result.offices.length > 0) data.offices = result.offices.map(officeData);
  if (result.roles.length > 0) data.roles = result.roles.map(roleData);
  if (result.people.length > 0) data.people = result.people.map(personData);

  // aliasDuplicateObjects: false — two people with equal settings stay two plain copies, never &a/*a.
  const doc = new Document(data, { aliasDuplicateObjects: false });
  doc.commentBefore = header(result, options).join('\n');

  result.offices.forEach((office, i) => {
    const node = doc.getIn(['offices', i], true) as YAMLMap;
    const members = plural(office.members.length, 'person', 'people');
    node.commentBefore = ` Generated from ${office.name} (${members}); the name is a placeholder: give it the office's real name.`;
    if (office.placeholderTimezone) lineComment(node, 'timezone', ' placeholder: no one here has a timezone in any vendor');
  });
  result.roles.forEach((role, i) => {
    const node = doc.getIn(['roles', i], true) as YAMLMap;
    const vendors = [...role.vendors].sort().join(', ');
    node.commentBefore = ` Generated from ${plural(role.people, 'live user')} of ${vendors} with exactly this ${titleOf(role.kind)} role.`;
  });
  result.people.forEach((person, i) => {
    const node = doc.getIn(['people', i], true) as YAMLMap;
    for (const [field, texts] of person.comments) {
      const text = ` ${texts.join('; ')}`;
      if (field === 'email') node.commentBefore = text;
      else if (!lineComment(node, field, text)) node.commentBefore = [node.commentBefore, ` ${field}: ${texts.join('; ')}`].filter(Boolean).join('\n');
    }
  });

  inlineShortLists(doc.contents);
  markHiddenCharacters(doc);
  // Every hidden character left (in quoted values, in comments) as a `\u` escape: none is written raw.
  return visibleControls(doc.toString({ lineWidth: 0, indentSeq: true }));
}

const HAS_HIDDEN = new RegExp(HIDDEN_CHARS.source);

/**
 * Vendor text may hold control or bidirectional characters (a right-to-left override makes a line
 * read differently from what it is, CVE-2021-42574). Such a value is written double-quoted, where YAML
 * reads `\u202E` back as the character, so the file shows it and loads the same; a comment says why.
 */
function markHiddenCharacters(doc: Document): void {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !HAS_HIDDEN.test(node.value)) return;
      node.type = 'QUOTE_DOUBLE';
      const note = ' holds hidden control or bidirectional characters, written as \\u escapes: check it';
      node.comment = node.comment ? `${node.comment};${note}` : note;
    },
  });
}

function header(result: ImportResult, options: RenderOptions): string[] {
  const lines = [
    ` yaml-language-server: $schema=${options.schemaPath}`,
    '',
    ` Imported by \`roster import\` from the live users of ${result.vendors.join(', ')}.`,
    ' Review before committing: generated offices and roles say where they came from. Where vendors',
    ` disagree about a person, ${CONFLICT_RULE}.`,
  ];
  if (result.notImported.length > 0) {
    lines.push('', ' Not imported (roster cannot declare them; `roster plan` lists them as unmanaged):');
    for (const n of result.notImported) lines.push(`   ${n.vendor} ${n.email || '(no email)'} (id ${n.vendorId}): ${n.reason}`);
  }
  return lines;
}

function titleOf(kind: string): string {
  return vendorModules.find((v) => v.kind === kind)?.title ?? kind;
}

function officeData(office: GeneratedOffice): Record<string, unknown> {
  const data: Record<string, unknown> = { key: office.key, name: office.name, timezone: office.timezone };
  for (const kind of [...office.mappings.keys()].sort(byKindOrder)) data[kind] = clean(office.mappings.get(kind)!.mapping);
  return data;
}

function roleData(role: GeneratedRole): Record<string, unknown> {
  return { key: role.key, [role.kind]: clean(role.mapping) };
}

function personData(person: ImportedPerson): Record<string, unknown> {
  const data: Record<string, unknown> = {
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    phone: person.phone,
    timezone: person.timezone,
    title: person.title,
    roles: person.roles.map((r) => (person.dates?.roleWindows?.[r.key] ? { role: r.key, ...person.dates.roleWindows[r.key] } : r.key)),
    office: (person.office)?.key,
    manager: person.manager,
    externalId: person.externalId,
    // `active: true` is the default; only an offboarded person says so.
    active: person.active ? undefined : false,
    startDate: person.dates?.startDate,
    endDate: person.dates?.endDate,
  };
  const vendors: Record<string, unknown> = {};
  for (const kind of Object.keys(person.vendors).sort(byKindOrder)) vendors[kind] = person.vendors[kind];
  data.vendors = vendors;
  return clean(data) as Record<string, unknown>;
}

/** Drops undefined, null, empty strings, empty lists and empty maps, at every depth. */
export function clean(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(clean).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => [k, clean(v)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  if (value === null || value === undefined || value === '') return undefined;
  return value;
}

/** A trailing comment on a scalar field's line; false when the field is not a scalar. */
function lineComment(map: YAMLMap, field: string, text: string): boolean {
  const value = map.get(field, true);
  if (isScalar(value)) {
    value.comment = value.comment ? `${value.comment};${text}` : text;
    return true;
  }
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === field);
  if (pair && isScalar(pair.key)) {
    pair.key.commentBefore = pair.key.commentBefore ? `${pair.key.commentBefore}\n${text}` : text;
    return true;
  }
  return false;
}

/** Lists of a few short scalars read best inline: `roles: [enerflo-sales-rep, pulse-sales-rep]`. */
function inlineShortLists(node: Node | null): void {
  if (isMap(node)) for (const pair of node.items) inlineShortLists(pair.value as Node);
  else if (isSeq(node)) {
    if (node.items.every(isScalar)) {
      const width = node.items.reduce((n, item) => n + String((item as { value: unknown }).value).length + 2, 0);
      if (width <= 72) node.flow = true;
    } else {
      for (const item of node.items) inlineShortLists(item as Node);
    }
  }
}
