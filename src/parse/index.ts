/**
 * The TypeScript front end: source text → ExprProgram.
 *
 * Bundled alone into dist/parser.js (with ts-morph) and loaded lazily, so everything a caller
 * needs is exported from here, including the error class: use `isGradientLensError` /
 * `GradientLensError` from this module, since `instanceof` against a copy of the class
 * bundled elsewhere would fail.
 */
import { ts } from 'ts-morph';
import type { ExprProgram, SourceRange } from '../core/expr';
import { GradientLensError, isGradientLensError } from '../core/errors';
import { K, type Expr, type ExprStmt, type IrProgram, type IrTarget } from '../core/ir';
import { finalValueOf, type FinalValue } from './finalValue';
import { compactCount } from '../core/format';
import { interpret, interpretSlices, probeTargets, type InterpretOptions, type RunProgress } from '../core/interpret';
import { lowerProgram } from './lower';
import { isFunctionLike, Scopes, type FunctionLike } from './scope';
import {
  candidateTargets,
  functionName,
  targetAtCursor,
  targetByLine,
  targetByName,
  targetOfSelection,
  type Target,
} from './target';
import { abbreviate, setParents, SourceText, TARGET_TEXT_MAX } from './text';

export type { ExprProgram, ExprNode, ConstNode, InputNode, OpNode, CallFrame, SourceRange } from '../core/expr';
export type { ErrorCode } from '../core/errors';
export type { RunProgress } from '../core/interpret';
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

/**
 * Parses `text` with the TypeScript compiler directly (no ts-morph Project or wrapper objects:
 * they cost most of the time on big files), with parent pointers (set by setParents, faster
 * than createSourceFile's own pass).
 */
function load(text: string, fileName: string): SourceText {
  const ext = /\.(tsx|ts|mts|cts|jsx|js|mjs|cjs)$/i.exec(fileName)?.[0].toLowerCase() ?? '.ts';
  const kind =
    ext === '.tsx'
      ? ts.ScriptKind.TSX
      : ext === '.jsx'
        ? ts.ScriptKind.JSX
        : ext === '.js' || ext === '.mjs' || ext === '.cjs'
          ? ts.ScriptKind.JS
          : ts.ScriptKind.TS;
  // A leading byte order mark (files read by the CLI may have one; VS Code's document text
  // never has): parse the text without it and shift the offsets handed out by one
  // (SourceText.base) so they refer to the caller's text.
  const base = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const sf = ts.createSourceFile(
    `/gradient-lens/input${ext}`,
    base ? text.slice(1) : text,
    ts.ScriptTarget.Latest,
    false,
    kind,
  );
  setParents(sf);
  return new SourceText(sf, fileName, base);
}

/** Kept for the callers' recovery path: nothing is cached any more. */
function resetProject(): void {}

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

/** Is `name` declared by the file where `at` is (so it is not the global of that name)? */
function shadowedBy(scopes: Scopes): (name: string, at: ts.Node) => boolean {
  return (name, at) => scopes.resolve(name, at) !== undefined;
}

function functionLikeAncestor(n: ts.Node): ts.Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (isFunctionLike(p)) return p;
  return undefined;
}

/**
 * The IR and the IR target for a request. `alone`: for a selection inside a function body (the
 * target is then the function, with the selection highlighted), the selected expression as the
 * target on its own, for when it does not reach the function's result.
 */
export function lowerTarget(req: ParseRequest): { ir: IrProgram; target: IrTarget; alone?: IrTarget } {
  const src = load(req.text, req.fileName ?? 'input.ts');
  const t = findTarget(src, req);
  if (t.expr) {
    const err = src.syntaxErrorIn(src.start(t.expr), t.expr.end);
    if (err) throw err;
  } else if (t.fn) {
    const err = src.syntaxErrorInNode(t.fn);
    if (err) throw err;
  }
  const scopes = new Scopes(src.sf);
  const targets = new Set<ts.Node>();
  // `let loss = 0; for (…) loss += …;` with the cursor on (or --name) loss: its final value.
  const final = t.decl && !t.selected && !t.fn ? finalValueOf(src.sf, scopes, t.decl) : undefined;
  if (t.expr && !t.fn && !final) targets.add(t.expr);
  const { program: ir, lowerer } = lowerProgram(src, targets, shadowedBy(scopes));
  if (final) return { ir, target: readFinalValue(src, ir, t.decl!, final) };
  const textNode = t.expr ?? t.fn!;
  const start = src.start(textNode);
  let text = abbreviate(src.text, start, textNode.end, TARGET_TEXT_MAX);
  if (!t.expr && t.fn) text = `${t.name ?? 'function'}(…)`;
  const target: IrTarget = { text, range: src.rangeOf(start, textNode.end) };
  if (t.name !== undefined) target.name = t.name;
  if (t.fn) {
    const fi = lowerer.functionIndex(t.fn);
    if (fi === undefined) throw noTarget(src, t.fn);
    // The outermost function around it is the one to call.
    let outer: ts.Node = t.fn;
    for (let f = functionLikeAncestor(t.fn); f; f = functionLikeAncestor(f)) outer = f;
    target.fn = lowerer.functionIndex(outer) ?? fi;
    if (outer !== t.fn) {
      // A nested function: analyse the outermost one, its result.
      target.fn = lowerer.functionIndex(outer)!;
    }
    return { ir, target };
  }
  const place = lowerer.tgtPlace.get(t.expr!);
  if (!place) throw noTarget(src, t.expr!);
  target.expr = true;
  if (place.fn >= 0) target.fn = place.fn;
  else target.stmt = place.stmt;
  if (t.selected && place.fn >= 0) {
    // A selection inside a function body: analyse the (outermost) enclosing function, its
    // result, and highlight the selection's nodes in it (issue 10). Its range stays the
    // target's, so a refresh selects the same expression again.
    let outer = functionLikeAncestor(t.expr!) as FunctionLike | undefined;
    for (let f = outer && functionLikeAncestor(outer); f; f = functionLikeAncestor(f)) outer = f as FunctionLike;
    const fi = outer && lowerer.functionIndex(outer);
    if (outer && fi !== undefined) {
      const name = functionName(outer);
      const selection = { text, range: target.range, ...(name !== undefined ? { fn: name } : {}) };
      const inContext: IrTarget = {
        text: `${name ?? 'function'}(…)`,
        range: target.range,
        fn: fi,
        selection,
        ...(name !== undefined ? { name } : {}),
      };
      return { ir, target: inContext, alone: { ...target, selection: { ...selection, alone: true } } };
    }
  }
  return { ir, target };
}

/**
 * The target of a top-level `let`/`var` that later statements change: a read of the variable,
 * appended to the program right after the last top-level statement that writes it (at the end
 * when a function writes it), so the run stops there. The text says which value is shown.
 */
function readFinalValue(src: SourceText, ir: IrProgram, decl: ts.VariableDeclaration, final: FinalValue): IrTarget {
  const r = src.rangeOf(src.start(decl.name), decl.name.end);
  let at = ir.body.length;
  let after = ', at the end of the file';
  if (final.lastWriter) {
    // The IR statement lowered from the writer: the last one starting before its end.
    const w = final.lastWriter;
    const end = src.rangeOf(src.start(w), w.end).end;
    at = 0;
    while (at < ir.body.length && ir.body[at].r.start < end) at++;
    after = `, after line ${src.where(w).line}`;
  }
  const read: ExprStmt = {
    k: K.ExprStmt,
    r,
    e: { k: K.Tgt, r, a: { k: K.Ident, r, name: final.name } } as Expr,
  };
  ir.body.splice(at, 0, read);
  return { text: `${final.name} (its final value${after})`, range: r, name: final.name, expr: true, stmt: at };
}

function noTarget(src: SourceText, n: ts.Node): GradientLensError {
  const w = src.where(n);
  return new GradientLensError(
    'no-expression',
    `No computed expression at ${w.line}:${w.column} in ${src.fileName}`,
    w,
  );
}

/** Builds the expression program of the target the request designates. Throws GradientLensError. */
export function parseTarget(req: ParseRequest, options: InterpretOptions = {}): ExprProgram {
  const lowered = lowerRequest(req);
  return alongside(lowered, interpret(lowered.ir, lowered.target, options), options);
}

/**
 * A selected expression that does not reach its function's result (its gradient there is 0) is
 * shown on its own, as the target, and the panel says why. (Not evaluated at all, in a branch
 * these values do not take: the function is shown, and the panel says that.)
 */
function alongside(
  lowered: { ir: IrProgram; alone?: IrTarget },
  program: ExprProgram,
  options: InterpretOptions,
): ExprProgram {
  const sel = program.target.selection;
  if (lowered.alone && sel?.evaluated && !sel.reaches) return interpret(lowered.ir, lowered.alone, options);
  return program;
}

/** What a run in slices is computing: the target's name, text and 1-based line. */
export interface RunTarget {
  name?: string;
  text: string;
  line: number;
}

export interface RunControl {
  /** Asked between slices: true ends the run with GradientLensError('cancelled'). */
  isCancelled?: () => boolean;
  /** Aborting it ends the run like `isCancelled`. */
  signal?: AbortSignal;
  /** After each slice: what runs and how far it is (run time, steps, tape nodes). */
  onProgress?: (target: RunTarget, progress: RunProgress) => void;
  /** Milliseconds of running per slice before the event loop gets its turn. Default 40. */
  sliceMillis?: number;
}

/**
 * parseTarget without blocking the event loop for long: lowers the file (in one go), then
 * interprets it in slices of `sliceMillis`, yielding to the event loop (setImmediate) between
 * them; the program is the same as parseTarget's. The time budget (`maxMillis`) counts the
 * slices' running time, not the waits. A cancelled run rejects with GradientLensError
 * ('cancelled') whose message starts with "Cancelled:".
 */
export async function parseTargetAsync(
  req: ParseRequest,
  options: InterpretOptions = {},
  control: RunControl = {},
): Promise<ExprProgram> {
  const cancelled = () => control.isCancelled?.() === true || control.signal?.aborted === true;
  const lowered = lowerRequest(req);
  const t = lowered.target;
  const what: RunTarget = { text: t.text, line: t.range.line, ...(t.name !== undefined ? { name: t.name } : {}) };
  const run = interpretSlices(lowered.ir, t, options, control.sliceMillis ?? 40);
  for (;;) {
    const r = run.next();
    if (r.done) return alongside(lowered, r.value, options);
    control.onProgress?.(what, r.value);
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (cancelled()) {
      run.return(undefined as never);
      const p = r.value;
      throw new GradientLensError(
        'cancelled',
        `Cancelled: the run of ${what.name ?? `"${what.text}"`} (line ${what.line}) was stopped after ` +
          `${(p.millis / 1000).toFixed(1)} s (${compactCount(p.steps)} steps)`,
        where(t.range),
      );
    }
  }
}

function where(r: SourceRange): { line: number; column: number; start: number; end: number } {
  return { line: r.line, column: r.column, start: r.start, end: r.end };
}

/** Checks the request and lowers its file: the IR and the IR target. */
function lowerRequest(req: ParseRequest): { ir: IrProgram; target: IrTarget; alone?: IrTarget } {
  const given = (req.selection ? 1 : 0) + (req.name !== undefined ? 1 : 0) + (req.line !== undefined ? 1 : 0);
  if (given !== 1) {
    throw new GradientLensError('usage', `parseTarget needs exactly one of selection, name or line (got ${given})`);
  }
  if (typeof req.text !== 'string') throw new GradientLensError('usage', 'parseTarget needs the file text');
  let lowered: { ir: IrProgram; target: IrTarget; alone?: IrTarget };
  try {
    lowered = lowerTarget(req);
  } catch (e) {
    if (isStackOverflow(e)) {
      resetProject();
      throw nestedTooDeeply(req);
    }
    throw e;
  }
  return lowered;
}

/**
 * Every `const/let/var NAME = <expression>` with a numeric value, every `return <expr>` and every
 * function in the file that parseTarget accepts (for CodeLens). Never throws. The file is lowered
 * and its top level run once; declarations at top level are listed when they gave a number,
 * returns and functions when the file lowers. The run is capped at 300 ms (CodeLens runs on every
 * open and edit): targets after a longer-running loop get no CodeLens.
 */
export function listTargets(text: string, fileName = 'input.ts'): TargetInfo[] {
  try {
    const src = load(text, fileName);
    const cands: Target[] = [];
    const seen = new Set<ts.Node>();
    for (const t of candidateTargets(src)) {
      const key = t.expr ?? t.fn!;
      if (seen.has(key)) continue;
      seen.add(key);
      cands.push(t);
    }
    const targets = new Set<ts.Node>();
    for (const t of cands) if (t.expr) targets.add(t.expr);
    const { program: ir, lowerer } = lowerProgram(src, targets, shadowedBy(new Scopes(src.sf)));
    const hits = probeTargets(ir, { maxSteps: 5_000_000, maxNodes: 1_000_000, maxMillis: 300 });
    const out: TargetInfo[] = [];
    for (const t of cands) {
      if (t.expr) {
        const place = lowerer.tgtPlace.get(t.expr);
        if (!place) continue;
        if (src.syntaxErrorIn(src.start(t.expr), t.expr.end)) continue;
        if (place.fn < 0 && !hits.has(lowerer.tgts.get(t.expr)!)) continue;
      } else if (!t.fn || src.syntaxErrorInNode(t.fn)) continue;
      const start = src.start(t.anchor);
      let end = t.anchor.end;
      while (end > start && src.text[end - 1] === ';') end--;
      const textNode = t.expr ?? t.fn!;
      const info: TargetInfo = {
        range: src.rangeOf(start, end),
        text: t.expr
          ? abbreviate(src.text, src.start(textNode), textNode.end, TARGET_TEXT_MAX)
          : `${t.name ?? 'function'}(…)`,
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
