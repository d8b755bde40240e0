/**
 * "Apply to source": write trained values back into the numeric literals of the source.
 *
 * `computeValueEdits` is pure text computation (no vscode import, unit-tested): for every input
 * with a value from the source (InputNode.free === false) it replaces the text of the numeric
 * literal the parser found for it (InputNode.literal: `0.5` in `const w = 0.5`, `-0.4` in
 * `[0.1, -0.4]`, `1.5` in `{ x: 1.5 }`, with its sign), so the rest of the line (other
 * declarations, comments, spacing) stays as it was.
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

/**
 * The value of a numeric literal's source text as the parser delimited it: an optional sign (or
 * several), parentheses and spaces around the number (`-0.4`, `- 2`, `-(4)`, `1_000`, `0x1F`).
 * Undefined when the text is anything else (the source changed under the range).
 */
function literalValue(text: string): number | undefined {
  const m = /^([\s(+-]*)([0-9][0-9a-fA-FxXoObB_.eE+-]*|\.[0-9][0-9_eE+-]*)([\s)]*)$/.exec(text);
  if (!m) return undefined;
  const prefix = m[1].replace(/[\s(]/g, '');
  if (/--|\+\+/.test(prefix)) return undefined;
  const opens = (m[1].match(/\(/g) ?? []).length;
  const closes = (m[3].match(/\)/g) ?? []).length;
  if (opens !== closes) return undefined;
  const body = m[2].replace(/_/g, '');
  const v = Number(body);
  if (body === '' || Number.isNaN(v)) return undefined;
  const negatives = (prefix.match(/-/g) ?? []).length;
  return negatives % 2 ? -v : v;
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
    // The parser gives every input from the source the range of its literal (with its sign).
    const lit = node.literal;
    const litText = lit && lit.end <= text.length ? text.slice(lit.start, lit.end) : undefined;
    const litValue = litText === undefined ? undefined : literalValue(litText);
    if (!lit || litValue === undefined) {
      skipped.push({ name: node.name, reason: `no numeric literal found at ${node.range.line}:${node.range.column}` });
      continue;
    }
    const span = { start: lit.start, end: lit.end, value: litValue };
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
