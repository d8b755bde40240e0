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
