// Build-time: a parser-only cut of the TypeScript compiler for the bundles that parse
// (dist/parser.js, dist/cli.js, dist/bench.js). Used by scripts/build.mjs.
//
// src/parse uses only TypeScript's scanner/parser (createSourceFile, forEachChild, the is*
// guards, SyntaxKind, ...), yet the compiler file that ts-morph ships (typescript.js, 9 MB: the
// checker, emitter, language service, tsserver) had to be read, compiled and initialised on every
// start of the CLI (~0.7 s of its 1.5 s on a 20,000-term sum). typescript.js is one flat scope of
// top-level declarations (an esbuild bundle of TypeScript's modules), so we keep only the
// top-level statements the needed exports reach:
//  - a `var`/`function`/`class` declaration is kept when a kept statement names it;
//  - `__export(X, {...})`, a namespace IIFE `(...)(X || (X = {}))` and `X.p = ...` belong to X;
//    `registerCodeFix(...)`/`registerRefactor(...)` belong to that function; the `if (sys && ...)`
//    set-ups belong to `sys`;
//  - every other statement is kept (a root), except the language service's
//    `setObjectAllocator(getServicesObjectAllocator())`, replaced by the same call with only its
//    node classes (NodeObject, IdentifierObject, SourceFileObject, ...: the objects createSourceFile
//    returns stay exactly those of the full TypeScript, with `getStart()`, identifier `.text` ...;
//    symbols, types and signatures, which only the checker makes, keep the compiler's defaults).
// Of the 2,000 diagnostic messages (`var Diagnostics = {...}`), only those the kept code names
// (`Diagnostics.Name`, its only use) are kept.
// Names are over-approximated (a property or local with a top-level name keeps that name too), so
// nothing reachable is dropped. The cut is checked against the full compiler by
// test/unit/tsParserOnly.test.ts (same trees and parse diagnostics on every source file here).
//
// The result is cached in node_modules/.cache/gradient-lens/, named by a hash of its inputs. If
// typescript.js does not have the expected shape (another TypeScript version), the full compiler
// is used (scripts/ts-morph-compiler-only.cjs), with a warning.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
/** The full compiler (ts-morph's copy): the fallback, and the input of the cut. */
export const FULL_SHIM = './scripts/ts-morph-compiler-only.cjs';
const ALLOCATOR = 'setObjectAllocator(getServicesObjectAllocator());';
const NODE_CLASSES = {
  getNodeConstructor: 'NodeObject',
  getTokenConstructor: 'TokenObject',
  getIdentifierConstructor: 'IdentifierObject',
  getPrivateIdentifierConstructor: 'PrivateIdentifierObject',
  getSourceFileConstructor: 'SourceFileObject',
  getSourceMapSourceConstructor: 'SourceMapSourceObject',
};

/** Every `ts.NAME` in the files under `dirs` that import `{ ts }` from 'ts-morph'. */
export function usedNames(dirs = ['src', 'bench']) {
  const names = new Set();
  for (const dir of dirs) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs, { recursive: true })) {
      if (!/\.tsx?$/.test(String(f))) continue;
      const text = readFileSync(join(abs, String(f)), 'utf8');
      if (!/from 'ts-morph'/.test(text)) continue;
      for (const m of text.matchAll(/^(.*)from 'ts-morph';?$/gm))
        if (!/^import (type )?\{ ts \} $/.test(m[1]))
          throw new Error(
            `${dir}/${f}: the bundles replace 'ts-morph' by its compiler: import only { ts } (got ${m[0]})`,
          );
      for (const m of text.matchAll(/(?<![\w$.])ts\.([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
    }
  }
  return [...names].sort();
}

/**
 * The path (relative to the project root, './...') of the parser-only compiler module exporting
 * `ts` with `names`, generating it if not cached; FULL_SHIM if the cut cannot be made.
 */
export function tsParserOnly(names = usedNames(), { log = console.warn } = {}) {
  const input = require.resolve('@ts-morph/common/dist/typescript.js');
  const source = readFileSync(input, 'utf8');
  const hash = createHash('sha256')
    .update(source)
    .update('\0')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update('\0')
    .update(names.join(','))
    .digest('hex')
    .slice(0, 16);
  const dir = join(root, 'node_modules', '.cache', 'gradient-lens');
  const out = join(dir, `typescript-parser-${hash}.cjs`);
  const rel = './' + relative(root, out).replace(/\\/g, '/');
  if (existsSync(out)) return rel;
  let text;
  try {
    text = cut(source, names, require(input));
  } catch (e) {
    log(`ts-parser-only: bundling the full TypeScript compiler (${e.message})`);
    return FULL_SHIM;
  }
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, out); // atomic: builds running at the same time each write their own file
  } catch (e) {
    log(`ts-parser-only: bundling the full TypeScript compiler (cannot write ${rel}: ${e.message})`);
    return FULL_SHIM;
  }
  return rel;
}

/** The cut itself (see the top of this file); `ts` is the full compiler, used to parse `source`. */
export function cut(source, names, ts) {
  const lines = source.split('\n');
  const at = (line) => {
    const i = lines.indexOf(line);
    if (i < 0 || lines.indexOf(line, i + 1) >= 0) throw new Error(`typescript.js: no single line '${line}'`);
    return i;
  };
  const iStrict = at('"use strict";');
  const iExports = at('var typescript_exports = {};');
  const iModule = at('module.exports = __toCommonJS(typescript_exports);');
  const iEnd = at('// Annotate the CommonJS export names for ESM import in node:');
  // The export list: `  name: () => local,`
  const exportsOf = new Map();
  for (const l of lines.slice(iExports + 2, iModule - 1)) {
    const m = /^ {2}([\w$]+): \(\) => ([\w$]+),?$/.exec(l);
    if (!m) throw new Error(`typescript.js: unexpected export line '${l}'`);
    exportsOf.set(m[1], m[2]);
  }
  const wanted = [...new Set([...names, 'version'])].filter((n) => exportsOf.has(n));
  for (const n of ['createSourceFile', 'forEachChild', 'SyntaxKind'])
    if (!wanted.includes(n)) throw new Error(`no export '${n}' is used`);
  const header = lines.slice(0, lines.indexOf('var ts = {}; ((module) => {')).join('\n');
  const body = [...lines.slice(iStrict + 1, iExports), ...lines.slice(iModule + 1, iEnd)].join('\n');

  const sf = ts.createSourceFile('typescript.js', body, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const K = ts.SyntaxKind;
  const stmts = sf.statements;
  /** top-level name -> indices of the statements that belong to it */
  const owners = new Map();
  const own = (name, i) => (owners.get(name) ?? owners.set(name, []).get(name)).push(i);
  const roots = [];
  let allocator = -1;
  stmts.forEach((s, i) => {
    if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) return roots.push(i);
        own(d.name.text, i);
      }
      return;
    }
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) return own(s.name.text, i);
    if (ts.isExpressionStatement(s)) {
      const e = s.expression;
      if (ts.isCallExpression(e)) {
        const callee = ts.isIdentifier(e.expression) ? e.expression.text : '';
        const [a0] = e.arguments;
        if (callee === '__export' && a0 && ts.isIdentifier(a0)) return own(a0.text, i);
        if (/^register(CodeFix|Refactor)$/.test(callee)) return own(callee, i);
        if (
          e.arguments.length === 1 &&
          ts.isBinaryExpression(a0) &&
          a0.operatorToken.kind === K.BarBarToken &&
          ts.isIdentifier(a0.left)
        )
          return own(a0.left.text, i);
      }
      if (
        ts.isBinaryExpression(e) &&
        e.operatorToken.kind === K.EqualsToken &&
        ts.isPropertyAccessExpression(e.left) &&
        ts.isIdentifier(e.left.expression)
      )
        return own(e.left.expression.text, i);
      if (s.getText(sf) === ALLOCATOR) {
        if (allocator >= 0) throw new Error(`two '${ALLOCATOR}'`);
        allocator = i;
        return roots.push(i);
      }
    }
    if (ts.isIfStatement(s) && /^sys && /.test(s.expression.getText(sf))) return own('sys', i);
    if (ts.isBlock(s) && s.statements.length === 0) return;
    roots.push(i);
  });
  if (allocator < 0) throw new Error(`typescript.js: no '${ALLOCATOR}'`);
  const services = stmts.find((s) => ts.isFunctionDeclaration(s) && s.name?.text === 'getServicesObjectAllocator');
  for (const cls of Object.values(NODE_CLASSES)) {
    if (!owners.has(cls)) throw new Error(`typescript.js: no '${cls}'`);
    if (!services?.getText(sf).includes(`=> ${cls},`) && !services?.getText(sf).includes(`=> ${cls}\n`))
      throw new Error(`getServicesObjectAllocator does not use ${cls}`);
  }
  const allocatorText =
    'setObjectAllocator({\n' +
    Object.entries(NODE_CLASSES)
      .map(([k, v]) => `  ${k}: () => ${v},\n`)
      .join('') +
    '});';

  /** The top-level names each statement mentions (not as a property name). */
  const mentions = (s, i) => {
    if (i === allocator) return ['setObjectAllocator', ...Object.values(NODE_CLASSES)];
    const out = new Set();
    const stack = [s];
    while (stack.length) {
      const n = stack.pop();
      if (ts.isIdentifier(n)) {
        if (owners.has(n.text)) out.add(n.text);
        continue;
      }
      const skip =
        (ts.isPropertyAccessExpression(n) ||
          ts.isPropertyAssignment(n) ||
          ts.isMethodDeclaration(n) ||
          ts.isPropertyDeclaration(n) ||
          ts.isGetAccessorDeclaration(n) ||
          ts.isSetAccessorDeclaration(n)) &&
        ts.isIdentifier(n.name)
          ? n.name
          : undefined;
      ts.forEachChild(n, (c) => {
        if (c !== skip) stack.push(c);
      });
    }
    return [...out];
  };

  const keep = new Set();
  const seen = new Set();
  const work = [...roots];
  const reach = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const i of owners.get(name) ?? []) work.push(i);
  };
  for (const n of wanted) reach(exportsOf.get(n));
  while (work.length) {
    const i = work.pop();
    if (keep.has(i)) continue;
    keep.add(i);
    for (const n of mentions(stmts[i], i)) reach(n);
  }
  for (const n of wanted) if (!owners.has(exportsOf.get(n))) throw new Error(`typescript.js: no declaration of ${n}`);

  const kept = [...keep].sort((a, b) => a - b);
  const parts = [
    header,
    `// Generated by scripts/ts-parser-only.mjs from ${relative(root, require.resolve('@ts-morph/common/dist/typescript.js'))}`,
    `// (TypeScript ${ts.version}): the ${kept.length} of ${stmts.length} top-level statements the parser needs.`,
    '"use strict";',
  ];
  const messages = diagnosticMessages(ts, sf, kept, wanted);
  for (const i of kept) {
    if (i === allocator) parts.push(allocatorText);
    else if (i === messages?.index) parts.push(messages.text);
    else parts.push(body.slice(stmts[i].getFullStart(), stmts[i].end));
  }
  parts.push('exports.ts = {', ...wanted.map((n) => `  get ${n}() { return ${exportsOf.get(n)}; },`), '};', '');
  return parts.join('\n');
}

/**
 * `var Diagnostics = { Name: diag(...), ... }` (2,000 messages, a third of what is left) with only
 * the messages the kept statements name: {index, text}, or undefined (kept whole) unless every
 * other mention of `Diagnostics` in them is a read `Diagnostics.Name`.
 */
function diagnosticMessages(ts, sf, kept, wanted) {
  if (wanted.includes('Diagnostics')) return undefined;
  const stmts = sf.statements;
  const index = kept.find((i) => {
    const s = stmts[i];
    return ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => d.name.text === 'Diagnostics');
  });
  if (index === undefined) return undefined;
  const decl = stmts[index].declarationList.declarations;
  const init = decl[0].initializer;
  if (decl.length !== 1 || !init || !ts.isObjectLiteralExpression(init)) return undefined;
  const named = new Set();
  for (const i of kept) {
    if (i === index) continue;
    const stack = [[stmts[i], undefined]];
    while (stack.length) {
      const [n, p] = stack.pop();
      if (ts.isIdentifier(n) && n.text === 'Diagnostics') {
        if (!p || !ts.isPropertyAccessExpression(p) || p.expression !== n || !ts.isIdentifier(p.name)) return undefined;
        named.add(p.name.text);
        continue;
      }
      ts.forEachChild(n, (c) => {
        stack.push([c, n]);
      });
    }
  }
  if (!init.properties.every((p) => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name))) return undefined;
  const props = init.properties.filter((p) => named.has(p.name.text));
  if (props.length !== named.size) return undefined; // a name with no message: keep them all
  const text = `\nvar Diagnostics = {\n${props.map((p) => `  ${p.getText(sf)},\n`).join('')}};`;
  return { index, text };
}
