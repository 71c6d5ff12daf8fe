import type { SourceRef } from './model.js';
import type { DeclaredOffice, DeclaredPerson, DeclaredRole } from './schema.js';
import type { SourceFile } from './yaml-source.js';

/** One office, role or person as declared, with where it sits. `value` is unset when it failed the schema. */
export interface DeclaredItem<T> {
  /** Its file, by name: the file's YAML tree is not kept (see SourceFile). */
  source: SourceFile;
  /** Where in its file: `people` and 3 for the path `['people', 3]` (two fields, not an array per item). */
  section: 'offices' | 'roles' | 'people';
  index: number;
  /** Where the item starts (1-based), located while its file was read. */
  line: number;
  col: number;
  value?: T;
  /** For an item that failed the schema: its fields that are valid on their own (people only). */
  partial?: Partial<T>;
  /** The key (offices, roles) or email (people) as written, when there is one. */
  key?: string;
}

export interface Declarations {
  offices: DeclaredItem<DeclaredOffice>[];
  roles: DeclaredItem<DeclaredRole>[];
  people: DeclaredItem<DeclaredPerson>[];
}

export function sourceRef(item: DeclaredItem<unknown>): SourceRef {
  return { file: item.source.file, line: item.line, col: item.col };
}
