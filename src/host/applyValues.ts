/**
 * "Apply to source": write trained values back into the numeric literals of the source.
 *
 * `computeValueEdits` is pure text computation (no vscode import, unit-tested): for every input
 * with a value from a `const` declaration (InputNode.free === false) it finds the numeric
 * literal of the initializer (`const w = 0.5`, `const w: number = -0.5`, `(0.5)`, `0.5 as number`)
 * or of the array element (`[0.1, -0.4]`), and replaces only that literal's text (with its sign),
 * so the rest of the line (other declarations, comments, spacing) stays as it was.
 * `applyValuesToDocument` turns those into ONE WorkspaceEdit (one undo step).
 */
import type * as vscodeApi from 'vscode';
import type { ExprProgram, InputNode } from '../core/expr';
import type { DocumentRef } from '../shared/protocol';
import { loadParser } from './parser';
import { literalText } from '../core/format';

export interface ValueEdit {
  name: string;
  /** Offsets in the text: the literal with its sign, e.g. `-0.4`. */
  start: number;
  end: number;
  oldText: string;
  newText: string;
}

export interface SkippedValue {
  name: string;
  reason: string;
}

export interface ValueEditResult {
  edits: ValueEdit[];
  skipped: SkippedValue[];
  /** Inputs whose literal already has the value (nothing to write). */
  unchanged: string[];
}

/** Significant digits written into the source. */
export const LITERAL_DIGITS = 8;

/**
 * The literal text for a value: rounded to `digits` significant digits, then the shortest text
 * that round-trips that rounded number (String), e.g. 0.55189684, -0.014036163, 1e-7.
 * Undefined for NaN/±Infinity (not numeric literals).
 */
export function formatLiteral(x: number, digits = LITERAL_DIGITS): string | undefined {
  return literalText(x, digits);
}

const NUMBER_RE =
  /^(?:0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|0[bB][01](?:_?[01])*|0[oO][0-7](?:_?[0-7])*|(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?)/;

/** Skips whitespace and comments from `i`; returns the next significant offset. */
function skipTrivia(text: string, i: number, end = text.length): number {
  while (i < end) {
    const c = text[i];
    if (
      c === ' ' ||
      c === '\t' ||
      c === '\n' ||
      c === '\r' ||
      c === '\f' ||
      c === '\v' ||
      c === '\u00a0' ||
      c === '\ufeff'
    ) {
      i++;
    } else if (text.startsWith('//', i)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? end : nl + 1;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? end : close + 2;
    } else {
      break;
    }
  }
  return i;
}

function numericValue(lit: string): number {
  return Number(lit.replace(/_/g, ''));
}

interface LiteralSpan {
  start: number;
  end: number;
  value: number;
}

/**
 * A signed numeric literal expression starting at `i` (after trivia): `(`, `+`, `-` prefixes, the
 * number, then the matching `)`. Returns the span to replace: the sign(s) and the number when no
 * parenthesis sits between them (`-0.4`, `(-0.4)` → `-0.4`), else the whole expression (`-(0.4)`).
 */
function literalAt(text: string, i: number, limit = text.length): LiteralSpan | undefined {
  const first = skipTrivia(text, i, limit);
  let p = first;
  let sign = 1;
  let opens = 0;
  let signStart = -1;
  let parenAfterSign = false;
  for (;;) {
    p = skipTrivia(text, p, limit);
    const c = text[p];
    if (c === '(') {
      opens++;
      if (signStart >= 0) parenAfterSign = true;
    } else if (c === '-' || c === '+') {
      if (text[p + 1] === c) return undefined; // -- / ++ are not literal signs
      if (c === '-') sign = -sign;
      if (signStart < 0) signStart = p;
    } else {
      break;
    }
    p++;
    if (p >= limit) return undefined;
  }
  const m = NUMBER_RE.exec(text.slice(p, Math.min(limit, p + 400)));
  if (!m) return undefined;
  const numEnd = p + m[0].length;
  if (/[\w$.]/.test(text[numEnd] ?? '')) return undefined; // 1n, 1.2.3, 1abc: not a plain literal
  const value = sign * numericValue(m[0]);
  if (!parenAfterSign) return { start: signStart >= 0 ? signStart : p, end: numEnd, value };
  // -(0.4): replace the whole expression, closing every parenthesis it opened
  let q = numEnd;
  for (let k = 0; k < opens; k++) {
    q = skipTrivia(text, q, limit);
    if (text[q] !== ')') return undefined;
    q++;
  }
  return { start: first, end: q, value };
}

/** True when only `)`, trivia, and an `as`/`satisfies` clause follow a literal up to `end` or the statement's end. */
function endsInitializer(text: string, from: number, end?: number): boolean {
  if (end !== undefined) {
    let q = from;
    for (;;) {
      q = skipTrivia(text, q, end);
      if (q >= end) return true;
      if (text[q] === ')') {
        q++;
        continue;
      }
      return /^(?:as|satisfies)\b/.test(text.slice(q, end));
    }
  }
  let q = from;
  for (;;) {
    const next = skipTrivia(text, q);
    if (next >= text.length || text.slice(q, next).includes('\n')) return true;
    if (text[next] === ')') {
      q = next + 1;
      continue;
    }
    return /^(?:[,;\]}]|(?:as|satisfies)\b)/.test(text.slice(next, next + 10));
  }
}

/** Offset just after the `=` of a declaration whose name ends at `i` (skips `!` and a type annotation). */
function initializerStart(text: string, i: number): number | undefined {
  let p = skipTrivia(text, i);
  if (text[p] === '!') p = skipTrivia(text, p + 1);
  if (text[p] === ':') {
    // type annotation: scan to the `=` at depth 0 (not `=>`, `==`)
    let depth = 0;
    for (p++; p < text.length; p++) {
      const c = text[p];
      if (c === '(' || c === '[' || c === '{' || c === '<') depth++;
      else if (c === ')' || c === ']' || c === '}' || (c === '>' && text[p - 1] !== '=')) depth--;
      else if (c === '=' && depth <= 0 && text[p + 1] !== '>' && text[p + 1] !== '=') break;
      else if ((c === ';' || c === ',') && depth <= 0) return undefined;
    }
  }
  if (text[p] !== '=' || text[p + 1] === '=' || text[p + 1] === '>') return undefined;
  return p + 1;
}

/**
 * Edits that write `values` into the literals of `program`'s non-free inputs in `text` (the
 * document text the program was parsed from). Inputs that are free (parameters, let/var ...),
 * whose literal cannot be found, or whose literal no longer holds the parsed value (the text
 * changed) are reported in `skipped`. Names in `values` that are not inputs are ignored.
 */
export function computeValueEdits(
  text: string,
  program: ExprProgram,
  values: Readonly<Record<string, number>>,
  digits = LITERAL_DIGITS,
): ValueEditResult {
  const edits: ValueEdit[] = [];
  const skipped: SkippedValue[] = [];
  const unchanged: string[] = [];
  const seen = new Set<string>();
  const inputs = program.nodes.filter((n): n is InputNode => n.kind === 'input');
  for (const node of inputs) {
    if (seen.has(node.name) || !Object.prototype.hasOwnProperty.call(values, node.name)) continue;
    seen.add(node.name);
    const value = values[node.name];
    if (node.free || node.value === undefined) {
      skipped.push({
        name: node.name,
        reason: 'not a const with a numeric literal (a parameter, let/var or declared without a value)',
      });
      continue;
    }
    const newText = formatLiteral(value, digits);
    if (newText === undefined) {
      skipped.push({ name: node.name, reason: `${value} cannot be written as a numeric literal` });
      continue;
    }
    const { start, end } = node.range;
    const at = text.slice(start, end);
    let span: LiteralSpan | undefined;
    if (/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(at)) {
      // `const name = <literal>`: the range is the declared name
      const init = initializerStart(text, end);
      span = init === undefined ? undefined : literalAt(text, init);
      if (span && !endsInitializer(text, span.end)) span = undefined; // the literal must be the whole initializer
    } else {
      // an array element: the range is the element expression itself
      span = literalAt(text, start, end);
      if (span && !endsInitializer(text, span.end, end)) span = undefined;
    }
    if (!span) {
      skipped.push({ name: node.name, reason: `no numeric literal found at ${node.range.line}:${node.range.column}` });
      continue;
    }
    if (!Object.is(span.value, node.value) && span.value !== node.value) {
      skipped.push({
        name: node.name,
        reason: `the source changed at ${node.range.line}:${node.range.column} (refresh and train again)`,
      });
      continue;
    }
    if (Number(newText) === span.value) {
      unchanged.push(node.name);
      continue;
    }
    edits.push({
      name: node.name,
      start: span.start,
      end: span.end,
      oldText: text.slice(span.start, span.end),
      newText,
    });
  }
  edits.sort((a, b) => a.start - b.start);
  return { edits, skipped, unchanged };
}

/** `text` with the edits applied (for tests and previews). */
export function applyEditsToText(text: string, edits: readonly ValueEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/**
 * Writes the edits into the document as ONE WorkspaceEdit (a single undo step). The vscode
 * module is passed in so this file has no runtime dependency on it.
 */
export async function applyValuesToDocument(
  vscode: typeof vscodeApi,
  doc: vscodeApi.TextDocument,
  program: ExprProgram,
  values: Readonly<Record<string, number>>,
): Promise<ValueEditResult & { applied: boolean }> {
  const result = computeValueEdits(doc.getText(), program, values);
  if (result.edits.length === 0) return { ...result, applied: false };
  const edit = new vscode.WorkspaceEdit();
  for (const e of result.edits) {
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
  }
  const applied = await vscode.workspace.applyEdit(edit);
  return { ...result, applied };
}

/**
 * The panel's "Apply to source": finds the document the panel shows, re-parses it when it
 * changed since (so ranges are current), writes the values as one edit, and tells the user
 * what was written and what was not. Returns the values written (empty when none).
 */
export async function applyValuesToSource(
  vscode: typeof vscodeApi,
  shown: { document: DocumentRef; program: ExprProgram },
  values: Readonly<Record<string, number>>,
  log?: vscodeApi.LogOutputChannel,
): Promise<Record<string, number>> {
  const uri = vscode.Uri.parse(shown.document.uri);
  let doc: vscodeApi.TextDocument;
  try {
    doc =
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === shown.document.uri) ??
      (await vscode.workspace.openTextDocument(uri));
  } catch (e) {
    void vscode.window.showErrorMessage(
      `Gradient Lens: cannot open ${shown.document.fileName} to apply the values: ${(e as Error).message}`,
    );
    return {};
  }
  let program = shown.program;
  if (doc.version !== shown.document.version) {
    const t = program.target;
    try {
      program = loadParser().parseTarget({
        text: doc.getText(),
        fileName: doc.fileName,
        ...(t.name ? { name: t.name } : { selection: { start: t.range.start, end: t.range.end } }),
      });
    } catch (e) {
      void vscode.window.showWarningMessage(
        `Gradient Lens: the source changed and no longer parses (${(e as Error).message}); nothing applied.`,
      );
      return {};
    }
  }
  const r = await applyValuesToDocument(vscode, doc, program, values);
  const file = doc.fileName.split(/[\\/]/).pop();
  const written = Object.fromEntries(r.applied ? r.edits.map((e) => [e.name, Number(e.newText)]) : []);
  log?.info(
    `Apply to source: ${r.applied ? r.edits.length : 0} literal(s) written in ${file}` +
      (r.skipped.length ? `; skipped ${r.skipped.map((s) => `${s.name} (${s.reason})`).join(', ')}` : ''),
  );
  if (r.edits.length > 0 && !r.applied) {
    void vscode.window.showErrorMessage(`Gradient Lens: VS Code refused the edit to ${file}; nothing applied.`);
  } else if (r.skipped.length > 0) {
    const list = r.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
    void vscode.window.showWarningMessage(
      `Gradient Lens: wrote ${r.edits.length} value${r.edits.length === 1 ? '' : 's'} into ${file}; not written: ${list}.`,
    );
  } else {
    vscode.window.setStatusBarMessage(
      r.edits.length
        ? `Gradient Lens: wrote ${r.edits.length} trained value${r.edits.length === 1 ? '' : 's'} into ${file} (one edit: Undo reverts it)`
        : `Gradient Lens: the source already has these values`,
      6000,
    );
  }
  return written;
}
