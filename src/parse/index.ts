/**
 * The TypeScript front end: source text → ExprProgram.
 *
 * Bundled alone into dist/parser.js (with ts-morph) and loaded lazily, so everything a caller
 * needs is exported from here, including the error class: use `isGradientLensError` /
 * `GradientLensError` from this module, since `instanceof` against a copy of the class
 * bundled elsewhere would fail.
 */
import { Project, ts } from 'ts-morph';
import type { ExprNode, ExprProgram, InputNode, SourceRange } from '../core/expr';
import { GradientLensError, isGradientLensError } from '../core/errors';
import { Evaluator } from './evaluate';
import { Scopes } from './scope';
import { candidateTargets, targetAtCursor, targetByLine, targetByName, targetOfSelection, type Target } from './target';
import { abbreviate, SourceText, TARGET_TEXT_MAX } from './text';

export type { ExprProgram, ExprNode, ConstNode, InputNode, OpNode, CallFrame, SourceRange } from '../core/expr';
export type { ErrorCode } from '../core/errors';
export { GradientLensError, isGradientLensError };
export { declarationScopes, type DeclarationScope } from './declarationScope';

export interface ParseRequest {
  /** Full file text (unsaved editor contents). */
  text: string;
  /** For messages; its extension picks the dialect (.ts, .tsx, .js, ...). Default 'input.ts'. */
  fileName?: string;
  /** Offsets; empty (start === end) = cursor. */
  selection?: { start: number; end: number };
  /** A declaration name (CLI --name). */
  name?: string;
  /** 1-based line (CLI --line). */
  line?: number;
}

export interface TargetInfo {
  /** Declaration (or function) name, when there is one. */
  name?: string;
  /**
   * The declaration or return statement. Passing it back as a selection selects the same target.
   */
  range: SourceRange;
  /** The target expression's text (abbreviated to 200 characters). */
  text: string;
}

let project: Project | undefined;
let lastPath: string | undefined;

/** Parses `text` into the one reused in-memory project (created on first use). */
function load(text: string, fileName: string): SourceText {
  if (!project) {
    project = new Project({
      useInMemoryFileSystem: true,
      skipLoadingLibFiles: true,
      skipFileDependencyResolution: true,
      compilerOptions: { allowJs: true, noLib: true },
    });
  }
  const ext = /\.(tsx|ts|mts|cts|jsx|js|mjs|cjs)$/i.exec(fileName)?.[0].toLowerCase() ?? '.ts';
  const path = `/gradient-lens/input${ext}`;
  if (lastPath && lastPath !== path) {
    const old = project.getSourceFile(lastPath);
    if (old) project.removeSourceFile(old);
  }
  lastPath = path;
  // A leading byte order mark (files read by the CLI may have one; VS Code's document text
  // never has): parse the text without it, so offsets do not depend on whether the compiler
  // strips it (it did on the first parse of a path only), and shift the offsets handed out
  // by one (SourceText.base) so they refer to the caller's text.
  const base = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const sf = project.createSourceFile(path, base ? text.slice(1) : text, { overwrite: true });
  return new SourceText(sf.compilerNode, fileName, base);
}

/** Drops the cached project (after a failure that may have left it half updated). */
function resetProject(): void {
  project = undefined;
  lastPath = undefined;
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/** 1-based line and column (BOM not counted) of an offset into the caller's text. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const end = Math.max(0, Math.min(offset, text.length));
  for (let i = lineStart; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10 && i + 1 < end) continue; // \r\n: count at the \n
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: Math.max(0, end - lineStart) + 1 };
}

/**
 * TypeScript's parser (and nothing of ours: every pass here is iterative) recurses once per
 * nesting level and overflows the stack at a few thousand levels. The error points at the
 * start of the target as far as it can be found without a syntax tree.
 */
function nestedTooDeeply(req: ParseRequest): GradientLensError {
  const text = typeof req.text === 'string' ? req.text : '';
  let where: { line: number; column: number; start?: number; end?: number } | undefined;
  if (req.selection && Number.isFinite(req.selection.start) && Number.isFinite(req.selection.end)) {
    const start = Math.max(0, Math.min(text.length, Math.min(req.selection.start, req.selection.end)));
    where = { ...lineColumn(text, start), start, end: start };
  } else if (req.line !== undefined && Number.isInteger(req.line) && req.line >= 1) {
    where = { line: req.line, column: 1 };
  } else if (req.name !== undefined) {
    const escaped = req.name.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
    const m = new RegExp(`\\b(?:const|let|var|function)\\s+(${escaped})(?![\\w$])`).exec(text);
    if (m) {
      const start = m.index + m[0].length - m[1].length;
      where = { ...lineColumn(text, start), start, end: start + m[1].length };
    }
  }
  where ??= { line: 1, column: 1 };
  return new GradientLensError(
    'unsupported',
    `Expression nested too deeply to parse (the TypeScript parser ran out of stack) at ${where.line}:${where.column}`,
    where,
  );
}

const TRIVIA = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.WhitespaceTrivia,
  ts.SyntaxKind.NewLineTrivia,
  ts.SyntaxKind.SingleLineCommentTrivia,
  ts.SyntaxKind.MultiLineCommentTrivia,
  ts.SyntaxKind.ShebangTrivia,
  ts.SyntaxKind.ConflictMarkerTrivia,
]);

/**
 * The selection [s, e) without leading/trailing whitespace and comments and without trailing
 * semicolons: from the first token's start to the last (non-`;`) token's end. `undefined` when
 * the selection holds no such token (then it is treated as a cursor).
 */
function trimSelection(src: SourceText, s: number, e: number): { start: number; end: number } | undefined {
  const scanner = ts.createScanner(
    ts.ScriptTarget.Latest,
    false,
    ts.LanguageVariant.Standard,
    src.text,
    undefined,
    s,
    e - s,
  );
  let first = -1;
  let last = -1;
  for (;;) {
    const k = scanner.scan();
    if (k === ts.SyntaxKind.EndOfFileToken) break;
    if (TRIVIA.has(k)) continue;
    if (first < 0) first = scanner.getTokenStart();
    if (k !== ts.SyntaxKind.SemicolonToken) last = scanner.getTokenEnd();
  }
  return first >= 0 && last > first ? { start: first, end: Math.min(last, e) } : undefined;
}

function isBlank(c: string): boolean {
  return (
    c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff'
  );
}

function findTarget(src: SourceText, req: ParseRequest): Target {
  if (req.selection) {
    if (!Number.isFinite(req.selection.start) || !Number.isFinite(req.selection.end)) {
      throw new GradientLensError('usage', 'Selection offsets must be numbers');
    }
    // Selection offsets refer to the caller's text (see SourceText.base).
    const len = src.text.length;
    const a = req.selection.start - src.base;
    const b = req.selection.end - src.base;
    let s = Math.max(0, Math.min(len, Math.min(a, b)));
    const e = Math.max(0, Math.min(len, Math.max(a, b)));
    const t = src.text;
    while (s < e && isBlank(t[s])) s++;
    const trimmed = s < e ? trimSelection(src, s, e) : undefined;
    return trimmed ? targetOfSelection(src, trimmed.start, trimmed.end) : targetAtCursor(src, s);
  }
  if (req.name !== undefined) return targetByName(src, req.name);
  return targetByLine(src, req.line!);
}

function evaluate(ev: Evaluator, src: SourceText, t: Target): number {
  const err = src.syntaxErrorIn(src.start(t.expr), t.expr.end);
  if (err) throw err;
  return t.decl ? ev.evalDeclaration(t.decl) : ev.evalExpression(t.expr);
}

/**
 * Input names are unique in a program: the core (and `--set NAME=…`, the panel) binds values
 * to inputs by name. When distinct declarations would give inputs the same name (a parameter
 * `x` and a `const x` outside its function, shadowing declarations, two arrays `w` in different
 * scopes, ...), the input declared first in the file keeps the plain name and each later one is
 * qualified with the position of its declaring identifier (its range): `x@4:12`, i.e.
 * name@line:column. '@' cannot occur in an identifier, so qualified names never collide with
 * plain ones, and they stay the same as long as the declarations do not move. The label
 * (display text shown at the declaration) stays the plain name.
 */
function uniqueInputNames(nodes: ExprNode[]): void {
  const byName = new Map<string, InputNode[]>();
  for (const n of nodes) {
    if (n.kind !== 'input') continue;
    const g = byName.get(n.name);
    if (g) g.push(n);
    else byName.set(n.name, [n]);
  }
  for (const [name, g] of byName) {
    if (g.length < 2) continue;
    g.sort((a, b) => a.range.start - b.range.start);
    for (let i = 1; i < g.length; i++) {
      const n = g[i];
      n.name = `${name}@${n.range.line}:${n.range.column}`;
    }
  }
}

/** Builds the expression program of the target the request designates. Throws GradientLensError. */
export function parseTarget(req: ParseRequest): ExprProgram {
  const given = (req.selection ? 1 : 0) + (req.name !== undefined ? 1 : 0) + (req.line !== undefined ? 1 : 0);
  if (given !== 1) {
    throw new GradientLensError('usage', `parseTarget needs exactly one of selection, name or line (got ${given})`);
  }
  if (typeof req.text !== 'string') throw new GradientLensError('usage', 'parseTarget needs the file text');
  try {
    const src = load(req.text, req.fileName ?? 'input.ts');
    const t = findTarget(src, req);
    const ev = new Evaluator(src, new Scopes(src.sf));
    const root = evaluate(ev, src, t);
    const start = src.start(t.expr);
    const target: ExprProgram['target'] = {
      text: abbreviate(src.text, start, t.expr.end, TARGET_TEXT_MAX),
      range: src.rangeOf(start, t.expr.end),
    };
    if (t.name !== undefined) target.name = t.name;
    uniqueInputNames(ev.nodes);
    return { nodes: ev.nodes, root, frames: ev.frames, target };
  } catch (e) {
    if (isStackOverflow(e)) {
      resetProject();
      throw nestedTooDeeply(req);
    }
    throw e;
  }
}

/**
 * Every `const/let/var NAME = <arithmetic expression>` and `return <expr>` in the file that
 * parseTarget accepts (for CodeLens), plus helpers' result expressions. Never throws.
 * One evaluator is shared by all candidates, so the cost is linear in the file size.
 */
export function listTargets(text: string, fileName = 'input.ts'): TargetInfo[] {
  try {
    const src = load(text, fileName);
    const ev = new Evaluator(src, new Scopes(src.sf));
    const out: TargetInfo[] = [];
    const seen = new Set<ts.Node>();
    for (const t of candidateTargets(src)) {
      if (seen.has(t.expr)) continue;
      seen.add(t.expr);
      try {
        evaluate(ev, src, t);
      } catch (e) {
        if (isGradientLensError(e)) continue;
        throw e;
      }
      const start = src.start(t.anchor);
      let end = t.anchor.end;
      while (end > start && src.text[end - 1] === ';') end--;
      const info: TargetInfo = {
        range: src.rangeOf(start, end),
        text: abbreviate(src.text, src.start(t.expr), t.expr.end, TARGET_TEXT_MAX),
      };
      if (t.name !== undefined) info.name = t.name;
      out.push(info);
    }
    return out;
  } catch (e) {
    if (isStackOverflow(e)) resetProject();
    return [];
  }
}
