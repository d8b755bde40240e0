/**
 * The parser-only cut of the TypeScript compiler that the bundles use (scripts/ts-parser-only.mjs)
 * against the full compiler (ts-morph's `ts`, what these unit tests run on): on every source file
 * of this repository, TypeScript's own lib .d.ts files and a set of odd inputs (syntax errors,
 * JSX, JSDoc, unicode, BOM, ...), both give the same tree (kind, pos, start, end, flags, text,
 * node classes, parent pointers) and the same parse diagnostics. The parents are set by
 * src/parse's setParents (as src/parse does), TypeScript's own pass sets them in the full one.
 * And src/parse bundled with the cut (as in dist/parser.js and dist/cli.js) gives the same targets,
 * programs and errors as src/parse on the full compiler, on the examples and the corpus.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { ts } from 'ts-morph';
import * as parse from '../../src/parse/index';
import { setParents } from '../../src/parse/text';
import { tempDir } from './tempDir';

const root = resolve(__dirname, '../..');
type Ts = typeof ts;

function files(dir: string, out: string[]): string[] {
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir, { recursive: true })) {
    const p = join(dir, String(f));
    if (/\.(ts|tsx|js|mjs|cjs|jsx)$/.test(p) && !p.includes('node_modules') && statSync(p).isFile()) out.push(p);
  }
  return out;
}

const ODD: Array<[string, string]> = [
  ['empty.ts', ''],
  ['bom.ts', '\ufeffconst a = 1;\n'],
  ['shebang.js', '#!/usr/bin/env node\nconst a = 1;\n'],
  ['errors.ts', 'const = 3 +;\nfunction (a, { b = }) { return a +* b }\nlet x = [1, 2;\n'],
  ['unterminated.ts', 'const s = "abc\nconst t = `x${1 + }`;\n/* open comment'],
  ['conflict.ts', 'const a = 1;\n<<<<<<< HEAD\nconst b = 2;\n=======\nconst b = 3;\n>>>>>>> other\n'],
  ['unicode.ts', 'const ƒ = 1, π2 = 2, \\u0061b = 3, 𝑥 = 4;\nconst y = ƒ * π2 + ab + 𝑥;\n'],
  ['literals.ts', 'const a = 0x1F + 0o17 + 0b101 + 1_000.5e-3 + 10n + .5 + 5.;\nconst r = /a[/]b\\//gu;\n'],
  ['jsx.tsx', 'const e = <div a="1" {...p}>{x > 1 ? <b /> : null}text</div>;\nconst f = <T,>(x: T) => x;\n'],
  ['jsdoc.js', '/** @param {number} x @returns {number} */\nfunction f(x) { return /** @type {number} */ (x) * 2; }\n'],
  [
    'types.ts',
    'type A<T> = T extends (infer U)[] ? U : never;\nenum E { a = 1, b }\nabstract class C<T> implements I { #p = 1; static { } declare x: number; constructor(private readonly y?: T) { super(); } }\n@dec() class D {}\nnamespace N.M { export const q = 1 as const satisfies number; }\n',
  ],
  [
    'async.ts',
    'async function* g() { for await (const x of y) yield* x; await using r = z; }\nlabel: for (;;) break label;\n',
  ],
  ['sum.ts', `const s = ${Array.from({ length: 5000 }, (_, i) => `x${i % 5}`).join(' + ')};\n`],
  ['deep.ts', `const d = ${'('.repeat(300)}1${')'.repeat(300)};\n`],
];

describe('the parser-only TypeScript of the bundles (scripts/ts-parser-only.mjs)', function () {
  this.timeout(600_000);
  let cut: Ts;
  let cutPath: string;

  before(() => {
    const out = execFileSync(
      process.execPath,
      ['-e', "import('./scripts/ts-parser-only.mjs').then((m) => console.log(m.tsParserOnly()))"],
      { cwd: root, encoding: 'utf8' },
    ).trim();
    const path = out.split('\n').pop()!;
    assert.notEqual(path, './scripts/ts-morph-compiler-only.cjs', `the cut was not made: ${out}`);
    const abs = join(root, path);
    cutPath = abs;
    // A fraction of the full compiler's size.
    const full = readFileSync(join(dirname(require.resolve('@ts-morph/common/package.json')), 'dist/typescript.js'));
    assert.ok(statSync(abs).size < full.length / 3, `${path}: ${statSync(abs).size} bytes`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cut = (require(abs) as { ts: Ts }).ts;
    assert.equal(cut.version, ts.version);
  });

  let jsDocs = 0;
  function compare(fileName: string, text: string): number {
    const kind = fileName.endsWith('x')
      ? ts.ScriptKind.TSX
      : /\.[mc]?js$/.test(fileName)
        ? ts.ScriptKind.JS
        : ts.ScriptKind.TS;
    const a = ts.createSourceFile('/x/' + fileName, text, ts.ScriptTarget.Latest, true, kind);
    const b = cut.createSourceFile('/x/' + fileName, text, cut.ScriptTarget.Latest, false, kind);
    setParents(b);
    type D = { parseDiagnostics: ts.DiagnosticWithLocation[] };
    const diags = (sf: ts.SourceFile, t: Ts) =>
      (sf as unknown as D).parseDiagnostics.map(
        (d) => `${d.start}+${d.length} ${d.code} ${t.flattenDiagnosticMessageText(d.messageText, ' ')}`,
      );
    assert.deepEqual(diags(b, cut), diags(a, ts), `${fileName}: parse diagnostics`);
    const stack: Array<[ts.Node, ts.Node, ts.Node | undefined]> = [[a, b, undefined]];
    let count = 0;
    while (stack.length) {
      const [x, y, parent] = stack.pop()!;
      count++;
      const where = `${fileName}: ${ts.SyntaxKind[x.kind]} at ${x.pos}`;
      assert.equal(y.kind, x.kind, where);
      assert.equal(y.pos, x.pos, where);
      assert.equal(y.end, x.end, where);
      assert.equal(y.flags, x.flags, where);
      assert.equal(y.getStart(b), x.getStart(a), where);
      assert.equal(y.parent, parent, `${where}: parent`);
      assert.equal(Object.getPrototypeOf(y).constructor.name, Object.getPrototypeOf(x).constructor.name, where);
      const tx = (x as { text?: unknown }).text;
      if (typeof tx === 'string') assert.equal((y as { text?: unknown }).text, tx, where);
      const cx: ts.Node[] = [];
      const cy: ts.Node[] = [];
      ts.forEachChild(x, (c) => void cx.push(c));
      cut.forEachChild(y, (c) => void cy.push(c));
      // JSDoc comments: children whose parent is the node they document.
      const jx = (x as { jsDoc?: ts.Node[] }).jsDoc ?? [];
      const jy = (y as { jsDoc?: ts.Node[] }).jsDoc ?? [];
      assert.equal(jy.length, jx.length, `${where}: JSDoc`);
      jsDocs += jx.length;
      if (parent === undefined || !ts.isJSDoc(parent)) {
        cx.push(...jx);
        cy.push(...jy);
      }
      assert.equal(cy.length, cx.length, `${where}: children`);
      for (let i = cx.length - 1; i >= 0; i--) stack.push([cx[i], cy[i], y]);
    }
    assert.deepEqual(b.getLineStarts(), a.getLineStarts(), fileName);
    return count;
  }

  it('gives the same trees and parse diagnostics as the full compiler on odd inputs', () => {
    for (const [name, text] of ODD) compare(name, text);
  });

  it('gives the same trees on every source file here and on TypeScript lib .d.ts files', () => {
    const all = ['src', 'test', 'bench', 'webview', 'scripts', 'examples'].flatMap((d) => files(join(root, d), []));
    const lib = dirname(require.resolve('typescript/package.json')) + '/lib';
    for (const f of ['lib.es5.d.ts', 'lib.dom.iterable.d.ts', 'lib.es2015.core.d.ts', 'lib.decorators.d.ts'])
      all.push(join(lib, f));
    let nodes = 0;
    for (const f of all) nodes += compare(f.slice(f.lastIndexOf('/') + 1), readFileSync(f, 'utf8'));
    assert.ok(all.length > 100 && nodes > 100_000, `${all.length} files, ${nodes} nodes`);
    assert.ok(jsDocs > 1000, `${jsDocs} JSDoc comments`);
  });

  it('src/parse bundled with it (as dist/parser.js is) answers like src/parse on the full compiler', () => {
    const outfile = join(tempDir('gl-parser-'), 'parser.js');
    esbuild.buildSync({
      entryPoints: [join(root, 'src/parse/index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'warning',
      alias: { 'ts-morph': cutPath },
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bundled = require(outfile) as typeof parse;
    const show = (f: () => unknown) => {
      try {
        return JSON.stringify(f(), (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
      } catch (e) {
        return `error: ${(e as Error).message}`;
      }
    };
    const sources = [...files(join(root, 'examples'), []), ...files(join(root, 'test/corpus'), [])];
    let answers = 0;
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      const asks: Array<(m: typeof parse) => unknown> = [(m) => m.listTargets(text, file)];
      for (let line = 1; line <= text.split('\n').length; line += 3)
        asks.push((m) => m.parseTarget({ text, fileName: file, line }));
      for (let at = 0; at < text.length; at += 113)
        asks.push((m) => m.parseTarget({ text, fileName: file, selection: { start: at, end: at } }));
      for (const ask of asks) {
        const expected = show(() => ask(parse));
        assert.equal(
          show(() => ask(bundled)),
          expected,
          file,
        );
        if (!expected.startsWith('error')) answers++;
      }
    }
    assert.ok(sources.length > 40 && answers > 250, `${sources.length} files, ${answers} answers`);
  });
});
