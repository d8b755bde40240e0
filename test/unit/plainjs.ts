/**
 * Test-only oracle: runs TypeScript/JavaScript source that lives in this repository (the corpus
 * snippets, and programs the differential test generated itself) as plain JavaScript in node.
 *
 * This is the one place that executes code with `new Function`, and only in tests, never in the
 * product: the product interprets the syntax tree itself. Types are stripped by esbuild.
 *
 * Run directly (`npx tsx test/unit/plainjs.ts SPEC.json`), it prints `{ file: value }` for a list
 * of `{ file, target, values? }` specs; test/corpus/oracle.py uses that to cross-check PyTorch.
 */
import { transformSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** Strips TypeScript syntax (types, `as`, `!`, parameter properties ...) with esbuild. */
export function stripTypes(source: string): string {
  return transformSync(source, { loader: 'ts', target: 'es2022' }).code;
}

/**
 * Runs `source` (plain JS) as a function body and returns the value of the top-level binding
 * `target`, or, when `args` is given, of calling `target(...args)`.
 */
export function runJs(source: string, target: string, args?: readonly unknown[]): unknown {
  const tail = args ? `\nreturn (${target})(...__args);` : `\nreturn (${target});`;
  // eslint-disable-next-line no-new-func -- test oracle: runs source that the repository itself holds (corpus snippets) or that the test generated; never user code, never in the product.
  const fn = new Function('__args', source + tail) as (a: readonly unknown[] | undefined) => unknown;
  return fn(args);
}

/** Value of `target` in a TypeScript file; for a function target, `values` are its arguments in order. */
export function runTsFile(file: string, target: string, values?: Record<string, number>): number {
  const js = stripTypes(readFileSync(file, 'utf8'));
  const out = runJs(js, target, values ? Object.values(values) : undefined);
  if (typeof out !== 'number') throw new Error(`${file}: ${target} is ${typeof out}, not a number`);
  return out;
}

/**
 * `source` with the number literal at access path `path` (`x`, `v[1]`, `xs[2][0]`, `p.lat`) of a
 * top-level declaration replaced by `value`: how the tests perturb an input of a snippet.
 */
export function setLiteral(source: string, path: string, value: number): string {
  const [start, end] = literalSpan(source, path);
  return source.slice(0, start) + `(${value})` + source.slice(end);
}

/** Offsets [start, end) of the number literal (with its minus sign) at `path`; see setLiteral. */
export function literalSpan(source: string, path: string): [number, number] {
  const m = /^([^.[\]]+)((?:\[\d+\]|\.[^.[\]]+)*)$/u.exec(path);
  if (!m) throw new Error(`not an access path: ${path}`);
  const steps = [...m[2].matchAll(/\[(\d+)\]|\.([^.[\]]+)/gu)].map((s) => (s[1] !== undefined ? Number(s[1]) : s[2]));
  const sf = ts.createSourceFile('snippet.ts', source, ts.ScriptTarget.ES2022, true);
  const unwrap = (n: ts.Expression): ts.Expression => {
    while (ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isSatisfiesExpression(n)) n = n.expression;
    return n;
  };
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || d.name.text !== m[1] || !d.initializer) continue;
      let node = unwrap(d.initializer);
      for (const step of steps) {
        if (typeof step === 'number' && ts.isArrayLiteralExpression(node)) node = unwrap(node.elements[step]);
        else if (typeof step === 'string' && ts.isObjectLiteralExpression(node)) {
          const prop = node.properties.find(
            (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(sf) === step,
          );
          if (!prop) throw new Error(`${path}: no field ${step}`);
          node = unwrap(prop.initializer);
        } else throw new Error(`${path}: cannot follow ${String(step)}`);
      }
      const isNumber =
        ts.isNumericLiteral(node) ||
        (ts.isPrefixUnaryExpression(node) &&
          node.operator === ts.SyntaxKind.MinusToken &&
          ts.isNumericLiteral(node.operand));
      if (!isNumber) throw new Error(`${path} is not a number literal: ${node.getText(sf)}`);
      return [node.getStart(sf), node.getEnd()];
    }
  }
  throw new Error(`no top-level declaration for ${path}`);
}

if (require.main === module) {
  const specs = JSON.parse(readFileSync(process.argv[2], 'utf8')) as {
    file: string;
    target: string;
    values?: Record<string, number>;
  }[];
  const out: Record<string, number> = {};
  for (const s of specs) out[s.file] = runTsFile(s.file, s.target, s.values);
  process.stdout.write(JSON.stringify(out));
}
