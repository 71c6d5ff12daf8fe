import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/ hold: every import of every `src/**\/*.ts` file is read and checked against the
 * rules below, and a failure names the importing and the imported file.
 *
 * Imports are read with the TypeScript compiler API (already a dependency). dependency-cruiser, the usual
 * tool for this, needs Node 22 and roster runs on Node 20.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');

interface ImportEdge {
  /** Both paths relative to the repository root, with forward slashes: `src/config/where.ts`. */
  from: string;
  to: string;
  /** `import type` / `export type`, or every named binding type-only: erased from the JavaScript. */
  typeOnly: boolean;
}

const show = (e: ImportEdge) => `${e.from} -> ${e.to}`;

/**
 * Files of src/ the shipped build leaves out (tsconfig.build.json): a vendor's facts, e2e scenario and
 * benchmark profile are test data that drive the whole stack, so they may import any layer.
 */
const testDataInSrc: RegExp[] = (JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as { exclude: string[] }).exclude.map(
  (glob) => new RegExp(`^${glob.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]+')}$`),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(rel);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Every relative import, re-export and dynamic import of one file, resolved to a repository path. */
function importsOf(file: string): ImportEdge[] {
  const source = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, false);
  const edges: ImportEdge[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (!specifier || !ts.isStringLiteralLike(specifier) || !specifier.text.startsWith('.')) return;
    // NodeNext imports name the emitted `.js`; the source is the `.ts` beside it.
    const to = path.posix.join(path.posix.dirname(file), specifier.text).replace(/\.js$/, '.ts');
    edges.push({ from: file, to, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allNamedTypeOnly = !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, !!clause && (clause.isTypeOnly || (!clause.name && allNamedTypeOnly)));
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** `src/config/where.ts` → `config`; a file directly in src/ (program.ts, cli.ts) → `(top)`. */
function layerOf(file: string): string | undefined {
  const parts = file.split('/');
  if (parts[0] !== 'src') return undefined;
  return parts.length === 2 ? '(top)' : parts[1];
}

/** Folders of src/ that import each other round a circle, each with the file edges that close it. */
function folderCircles(edges: ImportEdge[]): string[] {
  const between = new Map<string, Map<string, ImportEdge[]>>();
  for (const e of edges) {
    const a = layerOf(e.from);
    const b = layerOf(e.to);
    if (!a || !b || a === b) continue;
    const out = between.get(a) ?? new Map<string, ImportEdge[]>();
    out.set(b, [...(out.get(b) ?? []), e]);
    between.set(a, out);
  }
  // Tarjan's strongly connected components: a component of two or more folders is a circle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const connect = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of between.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...between.keys()].sort()) if (!index.has(v)) connect(v);
  return components.map((folders) => {
    const inside = folders.flatMap((a) => folders.flatMap((b) => between.get(a)?.get(b) ?? []));
    return `${folders.join(' <-> ')}: ${inside.map(show).join('; ')}`;
  });
}

const inside = (file: string, folder: string) => file.startsWith(`${folder}/`);

/** Every edge that breaks a layer rule, with the rule it breaks. */
function layerViolations(edges: ImportEdge[]): string[] {
  const found: string[] = [];
  const forbid = (rule: string, broken: (e: ImportEdge) => boolean) => {
    for (const e of edges) if (broken(e)) found.push(`${show(e)}  (${rule})`);
  };
  forbid('the engine imports no HTTP', (e) => inside(e.from, 'src/reconcile') && inside(e.to, 'src/http'));
  forbid('the engine imports no config at run time (a type is fine)', (e) => inside(e.from, 'src/reconcile') && inside(e.to, 'src/config') && !e.typeOnly);
  // The desired stage (src/desired) sits in front of the engine and composition (src/compose) above it:
  // the engine takes their records through its own interface (DesiredStage), not even a type from them.
  forbid('the engine imports neither the desired stage nor composition', (e) => inside(e.from, 'src/reconcile') && (inside(e.to, 'src/desired') || inside(e.to, 'src/compose')));
  forbid('renderers talk to nobody: no HTTP', (e) => inside(e.from, 'src/render') && inside(e.to, 'src/http'));
  forbid(
    'renderers talk to nobody: no vendors (a type from src/vendors/types.ts at most)',
    (e) => inside(e.from, 'src/render') && inside(e.to, 'src/vendors') && !(e.typeOnly && e.to === 'src/vendors/types.ts'),
  );
  forbid('config knows no vendor registry', (e) => inside(e.from, 'src/config') && inside(e.to, 'src/vendors'));
  forbid('an emulator is an independent witness: none of its vendor\'s adapter-side code', (e) => {
    const emulator = /^src\/vendors\/([^/]+)\/emulator[^/]*\.ts$/.exec(e.from);
    if (!emulator) return false;
    const folder = `src/vendors/${emulator[1]}`;
    if (e.to === 'src/vendors/types.ts') return !e.typeOnly;
    if (path.posix.dirname(e.to) !== folder) return false;
    // documented.ts holds what the vendor's documents say, shared as data; *.openapi.json is the vendor's own spec.
    const name = path.posix.basename(e.to);
    return !name.startsWith('emulator') && name !== 'documented.ts' && !name.endsWith('.openapi.json');
  });
  forbid(
    'shipped code never imports the benchmark (only a vendor\'s bench.ts profile does)',
    (e) => inside(e.from, 'src') && inside(e.to, 'bench') && !/^src\/vendors\/[^/]+\/bench\.ts$/.test(e.from),
  );
  return found;
}

describe('layers of src/', () => {
  const edges = sourceFiles('src')
    .filter((file) => !testDataInSrc.some((pattern) => pattern.test(file)))
    .flatMap(importsOf);

  it('reads the imports it checks', () => {
    // A reader that found nothing would pass every rule below.
    expect(edges.length).toBeGreaterThan(200);
    expect(edges).toContainEqual({ from: 'src/program.ts', to: 'src/commands/index.ts', typeOnly: false });
    expect(edges).toContainEqual({ from: 'src/render/json.ts', to: 'src/reconcile/types.ts', typeOnly: true });
    // The desired stage is where config is read for planning (issue 24 point 3), and it feeds the engine.
    expect(edges).toContainEqual({ from: 'src/desired/stage.ts', to: 'src/config/overrides.ts', typeOnly: false });
    expect(edges).toContainEqual({ from: 'src/compose/plan.ts', to: 'src/reconcile/plan.ts', typeOnly: false });
  });

  it('has no import circle between top-level folders', () => {
    expect(folderCircles(edges)).toEqual([]);
  });

  it('keeps every layer rule', () => {
    expect(layerViolations(edges)).toEqual([]);
  });

});

describe('the layer rules themselves', () => {
  const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly });

  it('finds a circle between folders, naming the files', () => {
    const circles = folderCircles([edge('src/a/x.ts', 'src/b/y.ts'), edge('src/b/y.ts', 'src/c/z.ts'), edge('src/c/z.ts', 'src/a/w.ts'), edge('src/a/x.ts', 'src/d/v.ts')]);
    expect(circles).toEqual(['a <-> b <-> c: src/a/x.ts -> src/b/y.ts; src/b/y.ts -> src/c/z.ts; src/c/z.ts -> src/a/w.ts']);
    expect(folderCircles([edge('src/program.ts', 'src/commands/a.ts'), edge('src/commands/a.ts', 'src/cli.ts')])).toHaveLength(1);
  });

  it('flags each forbidden edge and lets the allowed ones through', () => {
    const bad = [
      edge('src/reconcile/plan.ts', 'src/http/client.ts', true),
      edge('src/render/text.ts', 'src/http/exchange.ts', true),
      edge('src/render/text.ts', 'src/vendors/registry.ts', true),
      edge('src/render/text.ts', 'src/vendors/types.ts'),
      edge('src/config/schema.ts', 'src/vendors/types.ts', true),
      edge('src/vendors/pulse/emulator.ts', 'src/vendors/pulse/mapping.ts'),
      edge('src/vendors/pulse/emulator.ts', 'src/vendors/types.ts'),
      edge('src/commands/plan.ts', 'bench/run.ts'),
      edge('src/reconcile/match.ts', 'src/config/resolve.ts'),
      edge('src/reconcile/plan.ts', 'src/config/loader.ts'),
      edge('src/reconcile/plan.ts', 'src/config/overrides.ts'),
      edge('src/reconcile/dated.ts', 'src/config/as-of.ts'),
      edge('src/reconcile/plan.ts', 'src/desired/stage.ts'),
      edge('src/reconcile/plan.ts', 'src/desired/stage.ts', true),
      edge('src/reconcile/read.ts', 'src/compose/plan.ts', true),
    ];
    const good = [
      edge('src/render/text.ts', 'src/vendors/types.ts', true),
      edge('src/vendors/pulse/emulator.ts', 'src/vendors/types.ts', true),
      edge('src/vendors/partner/emulator.ts', 'src/vendors/partner/emulator-codec.ts'),
      edge('src/vendors/enerflo/emulator.ts', 'src/vendors/enerflo/documented.ts'),
      edge('src/vendors/highlevel/emulator.ts', 'src/vendors/highlevel/users.openapi.json'),
      edge('src/vendors/enerflo/emulator.ts', 'src/sandbox/emulator-kit.ts'),
      edge('src/vendors/enerflo/bench.ts', 'bench/profile.ts'),
      edge('src/vendors/pulse/adapter.ts', 'src/http/client.ts'),
      edge('src/reconcile/match.ts', 'src/config/model.ts', true),
      edge('src/desired/stage.ts', 'src/config/overrides.ts'),
      edge('src/desired/stage.ts', 'src/reconcile/plan.ts'),
      edge('src/compose/plan.ts', 'src/desired/stage.ts'),
    ];
    expect(layerViolations(bad)).toHaveLength(bad.length);
    expect(layerViolations(good)).toEqual([]);
  });
});
