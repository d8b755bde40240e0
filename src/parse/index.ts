/**
 * The TypeScript front end: source text → ExprProgram.
 *
 * Bundled alone into dist/parser.js (with ts-morph) and loaded lazily, so everything a caller
 * needs is exported from here, including the error class: use `isGradientLensError` /
 * `GradientLensError` from this module, since `instanceof` against a copy of the class
 * bundled elsewhere would fail.
 */
import { Project, ts } from 'ts-morph';
import type { ExprProgram, SourceRange } from '../core/expr';
import { GradientLensError, isGradientLensError } from '../core/errors';
import { Evaluator } from './evaluate';
import { Scopes } from './scope';
import { candidateTargets, targetAtCursor, targetByLine, targetByName, targetOfSelection, type Target } from './target';
import { abbreviate, SourceText, TARGET_TEXT_MAX } from './text';

export type { ExprProgram, ExprNode, ConstNode, InputNode, OpNode, CallFrame, SourceRange } from '../core/expr';
export type { ErrorCode } from '../core/errors';
export { GradientLensError, isGradientLensError };

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
  const sf = project.createSourceFile(path, text, { overwrite: true });
  return new SourceText(sf.compilerNode, fileName);
}

type Diagnostics = { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] };

/** The first syntax error inside [start, end), if any. */
function syntaxErrorIn(src: SourceText, start: number, end: number): GradientLensError | undefined {
  const diags = (src.sf as unknown as Diagnostics).parseDiagnostics ?? [];
  // Include the token right after the range: `1 + ;` reports its error at the `;`.
  const t = src.text;
  while (end < t.length && (t[end] === ' ' || t[end] === '\t' || t[end] === '\n' || t[end] === '\r')) end++;
  for (const d of diags) {
    if (d.start === undefined || d.start < start || d.start > end) continue;
    const r = src.rangeOf(d.start, d.start + (d.length ?? 0));
    const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    return new GradientLensError('syntax', `Syntax error: ${msg} at ${r.line}:${r.column}`, {
      line: r.line,
      column: r.column,
      start: r.start,
      end: r.end,
    });
  }
  return undefined;
}

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff';
}

function findTarget(src: SourceText, req: ParseRequest): Target {
  if (req.selection) {
    const len = src.text.length;
    let s = Math.max(0, Math.min(len, Math.min(req.selection.start, req.selection.end)));
    let e = Math.max(0, Math.min(len, Math.max(req.selection.start, req.selection.end)));
    if (!Number.isFinite(s) || !Number.isFinite(e)) throw new GradientLensError('usage', 'Selection offsets must be numbers');
    const t = src.text;
    while (s < e && isBlank(t[s])) s++;
    while (s < e && (isBlank(t[e - 1]) || t[e - 1] === ';')) e--;
    return s === e ? targetAtCursor(src, s) : targetOfSelection(src, s, e);
  }
  if (req.name !== undefined) return targetByName(src, req.name);
  return targetByLine(src, req.line!);
}

function evaluate(ev: Evaluator, src: SourceText, t: Target): number {
  const err = syntaxErrorIn(src, src.start(t.expr), t.expr.end);
  if (err) throw err;
  return t.decl ? ev.evalDeclaration(t.decl) : ev.evalExpression(t.expr);
}

/** Builds the expression program of the target the request designates. Throws GradientLensError. */
export function parseTarget(req: ParseRequest): ExprProgram {
  const given = (req.selection ? 1 : 0) + (req.name !== undefined ? 1 : 0) + (req.line !== undefined ? 1 : 0);
  if (given !== 1) {
    throw new GradientLensError('usage', `parseTarget needs exactly one of selection, name or line (got ${given})`);
  }
  if (typeof req.text !== 'string') throw new GradientLensError('usage', 'parseTarget needs the file text');
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
  return { nodes: ev.nodes, root, frames: ev.frames, target };
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
  } catch {
    return [];
  }
}
