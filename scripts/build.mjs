// One esbuild build for every bundle in dist/. `node scripts/build.mjs [--watch] [--minify]`
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { FULL_SHIM, tsParserOnly } from './ts-parser-only.mjs';

const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');
mkdirSync('dist', { recursive: true });

/**
 * src/parse needs only ts-morph's `ts` (the compiler it ships), and of that only the parser: the
 * bundles get the cut of it made by scripts/ts-parser-only.mjs (or the whole compiler,
 * scripts/ts-morph-compiler-only.cjs, if the cut cannot be made, and in --watch mode, where
 * src/parse may start using a part of the compiler the cut left out).
 */
const compilerOnly = { alias: { 'ts-morph': watch ? FULL_SHIM : tsParserOnly() } };

/**
 * Node bundles stay pure ASCII. esbuild escapes every non-ASCII character of strings, regular
 * expressions and names (charset 'ascii', its default) but keeps comments as written, and one
 * `≤` in a comment makes Node read the whole file as a two-byte string (2.6 MB instead of 1.3 for
 * dist/cli.js) that V8 then scans as UTF-16: slower to load on every start of the CLI. What is
 * left can only be in comments, where any text will do; `\uXXXX` would also mean the same
 * character anywhere else.
 */
const asciiOnly = {
  name: 'ascii-only',
  setup(build) {
    build.onEnd((result) => {
      const file = build.initialOptions.outfile;
      if (result.errors.length || !file || !existsSync(file)) return;
      const text = readFileSync(file, 'utf8');
      if (!/[\u0080-\uffff]/.test(text)) return;
      writeFileSync(
        file,
        text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      );
    });
  },
};

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify,
  logLevel: 'warning',
  plugins: [asciiOnly],
};

/** [entry, outfile, extra options]; entries that do not exist yet are skipped. */
const bundles = [
  // Extension host: stays small, ts-morph is NOT in here (loaded lazily from dist/parser.js).
  ['src/extension.ts', 'dist/extension.js', { ...node, external: ['vscode', './parser.js'] }],
  // The ts-morph front end, required by the extension on the first command only.
  ['src/parse/index.ts', 'dist/parser.js', { ...node, ...compilerOnly }],
  ['src/cli/main.ts', 'dist/cli.js', { ...node, ...compilerOnly, banner: { js: '#!/usr/bin/env node' } }],
  ['bench/bench.ts', 'dist/bench.js', { ...node, ...compilerOnly, external: ['@tensorflow/tfjs-core'] }],
  // Webview: a browser bundle with its own tsconfig.
  [
    'webview/main.ts',
    'dist/webview.js',
    {
      bundle: true,
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
      sourcemap: true,
      // Always minified, as the .vsix ships it (the tests load what users get): the webview reads
      // and compiles half the bytes before its first line runs (0.4 MB instead of 0.83 MB; the
      // webview's load is most of a cold Show gradients). The source map names the sources.
      minify: true,
      logLevel: 'warning',
      tsconfig: 'webview/tsconfig.json',
    },
  ],
  // Extension-host test suite (mocha runs inside VS Code).
  ['test/suite/index.ts', 'dist/test/suite/index.js', { ...node, external: ['vscode', 'mocha'] }],
  ['test/runTest.ts', 'dist/test/runTest.js', { ...node, external: ['@vscode/test-electron', 'playwright-core'] }],
  ['test/vscode/launcher.ts', 'dist/test/launcher.js', { ...node, external: ['playwright-core'] }],
];
// Every extension-host test file test/suite/**/*.test.ts -> dist/test/suite/**/*.test.js (found by index.js).
for (const f of existsSync('test/suite') ? readdirSync('test/suite', { recursive: true }) : []) {
  if (!String(f).endsWith('.test.ts')) continue;
  const rel = String(f).replace(/\\/g, '/');
  bundles.push([
    `test/suite/${rel}`,
    `dist/test/suite/${rel.replace(/\.ts$/, '.js')}`,
    { ...node, external: ['vscode', 'mocha'] },
  ]);
}

const contexts = [];
for (const [entry, outfile, options] of bundles) {
  if (!existsSync(entry)) continue;
  const ctx = await esbuild.context({ entryPoints: [entry], outfile, ...options });
  contexts.push(ctx);
  await ctx.rebuild();
  if (outfile === 'dist/cli.js') chmodSync(outfile, 0o755);
}
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching for changes...');
} else {
  await Promise.all(contexts.map((c) => c.dispose()));
}
