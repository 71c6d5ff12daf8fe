import type { DeclaredItem } from './declared.js';
import type { Diagnostic } from './diagnostics.js';
import { formatPath } from './yaml-source.js';
import type { FieldPath, SourceFile } from './yaml-source.js';

/** The path of `sub` inside `item` in its file: `['people', 3, 'roles', 0]`. */
function pathIn(item: DeclaredItem<unknown>, sub: FieldPath): FieldPath {
  return [item.section, item.index, ...sub];
}

/**
 * Positions of fields inside declared items, looked up once every check has run. Each item knows
 * where it starts; a diagnostic about one of its fields needs the file's tree, which the loader let go,
 * so each file that any diagnostic points into is parsed again, once, one file at a time. A valid
 * organisation looks nothing up.
 */
class FieldPositions {
  private readonly wanted = new Map<SourceFile, { item: DeclaredItem<unknown>; sub: FieldPath; set: (line: number, col: number) => void }[]>();

  /** Calls `set` with the position of `sub` inside `item`, at once for the item itself, else on `lookUp`. */
  want(item: DeclaredItem<unknown>, sub: FieldPath, set: (line: number, col: number) => void): void {
    if (sub.length === 0) return set(item.line, item.col);
    const inFile = this.wanted.get(item.source) ?? [];
    if (inFile.length === 0) this.wanted.set(item.source, inFile);
    inFile.push({ item, sub, set });
  }

  lookUp(): void {
    for (const [file, wanted] of this.wanted) {
      const source = file.reparse();
      for (const { item, sub, set } of wanted) {
        // A file that changed since it was read: the item's own position is the best still known.
        const { line, col } = source ? source.locate(pathIn(item, sub)) : item;
        set(line, col);
      }
    }
    this.wanted.clear();
  }
}

/**
 * The diagnostics of one resolution, in the order the checks found them, each about a field of a
 * declared item. Their lines and columns wait in `positions` until every check has run.
 */
export class ItemDiagnostics {
  private readonly found: Diagnostic[] = [];
  private readonly positions = new FieldPositions();

  /** A diagnostic about `sub` inside `item`; its line and column are filled in by `withPositions`. */
  at(item: DeclaredItem<unknown>, sub: FieldPath, message: string, hint?: string): Diagnostic {
    const diagnostic: Diagnostic = { file: item.source.file, line: 1, col: 1, path: formatPath(pathIn(item, sub)), message, ...(hint ? { hint } : {}) };
    this.positions.want(item, sub, (line, col) => Object.assign(diagnostic, { line, col }));
    this.found.push(diagnostic);
    return diagnostic;
  }

  /** `item` repeats the key `first` declared: the message names the other place, once it is known. */
  declaredTwice(item: DeclaredItem<unknown>, first: DeclaredItem<unknown>, sub: FieldPath, message: (otherPlace: string) => string, hint: string): void {
    const diagnostic = this.at(item, sub, message('?'), hint);
    this.positions.want(first, sub, (line, col) => (diagnostic.message = message(`${first.source.file}:${line}:${col}`)));
  }

  /** Every diagnostic found, with its position: call once, after the last check. */
  withPositions(): Diagnostic[] {
    this.positions.lookUp();
    return this.found;
  }
}
