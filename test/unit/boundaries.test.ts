/**
 * Module boundaries, checked rather than intended, over the real import graph: every import of
 * src/ and webview/ is read with the TypeScript parser and resolved with TypeScript's own module
 * resolution (the project's compiler options), so `../x`, `./x/index` and packages are told apart
 * the way the compiler and esbuild see them.
 * - src/core is pure: no vscode, no ts-morph, no node built-ins, nothing outside src/core.
 * - src/parse uses ts-morph and core only (no vscode).
 * - src/shared is imported by both sides: core types and valibot only.
 * - only webview/toolkit.ts imports @vscode/webview-ui-toolkit; webview/ never imports vscode,
 *   ts-morph, node built-ins or host code.
 * - the extension host never imports src/parse at runtime (ts-morph loads lazily from dist/parser.js).
 * - no import cycle anywhere in src/ or webview/ (type-only imports included).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '../..');

function files(dir: string): string[] {
  const out: string[] = [];
  const stack = [join(root, dir)];
  while (stack.length) {
    const d = stack.pop()!;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) stack.push(p);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
    }
  }
  return out.sort();
}

interface Import {
  spec: string;
  /** Project-relative path of the resolved file, or the package name for a package or built-in. */
  target: string;
  /** Internal to the project (resolved to a .ts file under the root, not in node_modules). */
  internal: boolean;
  typeOnly: boolean;
  line: number;
}

const compilerOptions: ts.CompilerOptions = {
  ...ts.parseJsonConfigFileContent(ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, root)
    .options,
  noEmit: true,
};
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const rel = (f: string) => relative(root, f).replace(/\\/g, '/');

function resolveSpec(spec: string, file: string): { target: string; internal: boolean } {
  if (builtins.has(spec)) return { target: spec, internal: false };
  const r = ts.resolveModuleName(spec, file, compilerOptions, ts.sys).resolvedModule;
  if (r && !r.isExternalLibraryImport && !r.resolvedFileName.includes('/node_modules/'))
    return { target: rel(r.resolvedFileName), internal: true };
  if (spec.startsWith('.')) {
    // A relative import TypeScript cannot resolve: report the path it names.
    return { target: rel(resolve(file, '..', spec)), internal: true };
  }
  // A package (resolved or not, e.g. `vscode` is types only): its name.
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  return { target: name, internal: false };
}

const cache = new Map<string, Import[]>();
function imports(file: string): Import[] {
  const hit = cache.get(file);
  if (hit) return hit;
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const add = (spec: string, node: ts.Node, typeOnly: boolean) =>
    out.push({
      spec,
      ...resolveSpec(spec, file),
      typeOnly,
      line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1,
    });
  // Explicit stack: import() and require() may sit anywhere in the file.
  const stack: ts.Node[] = [sf];
  while (stack.length) {
    const node = stack.pop()!;
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const typeOnly =
        !!c &&
        (c.isTypeOnly ||
          (!c.name &&
            !!c.namedBindings &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, node, typeOnly);
      continue;
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node, node.isTypeOnly);
      continue;
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, node, true);
    }
    if (
      ts.isCallExpression(node) &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0]) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add(node.arguments[0].text, node, false);
    }
    node.forEachChild((child) => {
      stack.push(child);
    });
  }
  cache.set(file, out);
  return out;
}

const all = () => [...files('src'), ...files('webview')];

describe('module boundaries', function () {
  this.timeout(60_000); // the first test parses and resolves every file: slow on a busy machine
  it('the import scanner sees and resolves imports (guards against a scanner that finds nothing)', () => {
    const ext = imports(join(root, 'src/extension.ts'));
    assert.ok(ext.some((i) => i.target === 'vscode' && !i.internal));
    assert.ok(ext.some((i) => i.target === 'src/host/session.ts' && i.internal && !i.typeOnly));
    assert.ok(imports(join(root, 'src/host/api.ts')).some((i) => i.target === 'src/core/report.ts' && i.typeOnly));
    assert.ok(imports(join(root, 'webview/toolkit.ts')).some((i) => i.target === '@vscode/webview-ui-toolkit'));
    // `../core` resolves to the folder's index.
    assert.ok(imports(join(root, 'src/host/analyze.ts')).some((i) => i.target === 'src/core/index.ts'));
    // src/core's subfolder (the interpreter's parts): `../tape` is src/core/tape.ts, and the
    // purity check below walks into it.
    assert.ok(imports(join(root, 'src/core/interp/machine.ts')).some((i) => i.target === 'src/core/tape.ts'));
    assert.ok(files('src/core').includes(join(root, 'src/core/interp/machine.ts')));
  });

  it('src/core is pure TypeScript: imports only other src/core modules', () => {
    for (const f of files('src/core')) {
      for (const i of imports(f)) {
        assert.ok(i.internal && i.target.startsWith('src/core/'), `${rel(f)}:${i.line} imports '${i.spec}'`);
      }
    }
  });

  it('src/parse uses ts-morph and core only, never vscode', () => {
    for (const f of files('src/parse')) {
      for (const i of imports(f)) {
        assert.ok(
          i.target === 'ts-morph' || i.target.startsWith('src/core/') || i.target.startsWith('src/parse/'),
          `${rel(f)}:${i.line} imports '${i.spec}'`,
        );
      }
    }
  });

  it('src/shared (imported by host and webview) uses core types and valibot only', () => {
    for (const f of files('src/shared')) {
      for (const i of imports(f)) {
        const ok =
          i.target === 'valibot' ||
          i.target.startsWith('src/shared/') ||
          (i.target.startsWith('src/core/') && i.typeOnly);
        assert.ok(ok, `${rel(f)}:${i.line} imports '${i.spec}'`);
      }
    }
  });

  it('only webview/toolkit.ts touches the UI toolkit; the webview never imports vscode, ts-morph, node or host code', () => {
    for (const f of all()) {
      for (const i of imports(f)) {
        if (i.target === '@vscode/webview-ui-toolkit')
          assert.equal(rel(f), 'webview/toolkit.ts', `${rel(f)}:${i.line}`);
        if (rel(f).startsWith('webview/')) {
          assert.ok(
            (i.internal &&
              (i.target.startsWith('webview/') ||
                i.target.startsWith('src/core/') ||
                i.target.startsWith('src/shared/'))) ||
              (!i.internal && ['@vscode/webview-ui-toolkit', 'valibot'].includes(i.target)),
            `${rel(f)}:${i.line} imports '${i.spec}'`,
          );
        }
      }
    }
  });

  it('the extension host loads the parser lazily: no runtime import of src/parse or ts-morph', () => {
    for (const f of [join(root, 'src/extension.ts'), ...files('src/host')]) {
      for (const i of imports(f)) {
        if (i.target === 'ts-morph' || i.target.startsWith('src/parse')) {
          assert.ok(i.typeOnly, `${rel(f)}:${i.line} imports '${i.spec}' at runtime`);
        }
        assert.ok(!i.target.startsWith('webview/'), `${rel(f)}:${i.line} imports webview code`);
      }
    }
  });

  it('no import cycle in src/ or webview/ (type-only imports included)', () => {
    const graph = new Map<string, string[]>();
    for (const f of all())
      graph.set(rel(f), [
        ...new Set(
          imports(f)
            .filter((i) => i.internal)
            .map((i) => i.target),
        ),
      ]);
    assert.ok(graph.size > 50 && [...graph.values()].some((d) => d.length > 3), 'the graph has edges');
    assert.deepEqual(findCycles(graph), []);
  });

  it('the cycle check finds cycles (guards against a check that cannot fail)', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c', 'd']],
      ['c', ['a']],
      ['d', []],
      ['e', ['e']],
    ]);
    assert.deepEqual(findCycles(g), ['a → b → c → a', 'e → e']);
    assert.deepEqual(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
      [],
    );
  });
});

/** Every back edge of an iterative depth-first search (grey = on the current path), as a path. */
function findCycles(graph: Map<string, string[]>): string[] {
  const colour = new Map<string, 'grey' | 'black'>();
  const cycles: string[] = [];
  for (const start of graph.keys()) {
    if (colour.has(start)) continue;
    const path = [start];
    const stack: Array<{ file: string; next: number }> = [{ file: start, next: 0 }];
    colour.set(start, 'grey');
    while (stack.length) {
      const top = stack[stack.length - 1];
      const deps = graph.get(top.file) ?? [];
      if (top.next >= deps.length) {
        colour.set(top.file, 'black');
        stack.pop();
        path.pop();
        continue;
      }
      const dep = deps[top.next++];
      const c = colour.get(dep);
      if (c === 'grey') cycles.push([...path.slice(path.indexOf(dep)), dep].join(' → '));
      else if (c === undefined && graph.has(dep)) {
        colour.set(dep, 'grey');
        path.push(dep);
        stack.push({ file: dep, next: 0 });
      }
    }
  }
  return cycles;
}
