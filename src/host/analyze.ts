/** Text + selection → program → evaluation: the one path every feature of the host uses. */
import type * as vscode from 'vscode';
import { evaluate, isGradientLensError, type Evaluation, type ExprProgram, type InputNode } from '../core';
import type { Budgets } from '../core/interpret';
import type { DocumentRef, PanelError } from '../shared/protocol';
import type { RunControl } from '../parse';
import { loadParser } from './parser';
import { mark } from './trace';

export interface Analysis {
  document: DocumentRef;
  program: ExprProgram;
  evaluation: Evaluation;
  /** Every input's value used (given, from the source, or default). */
  values: Record<string, number>;
  /** Free inputs that got a default value. */
  defaults: string[];
}

export type AnalysisResult = { ok: true; analysis: Analysis } | { ok: false; error: PanelError; document: DocumentRef };

export function documentRef(doc: vscode.TextDocument): DocumentRef {
  return { uri: doc.uri.toString(), fileName: doc.fileName, version: doc.version, languageId: doc.languageId };
}

export interface AnalyzeRequest {
  text: string;
  document: DocumentRef;
  /** Where the target is: a selection (offsets), or a declaration's name (like the CLI's --name). */
  where: { selection: { start: number; end: number } } | { name: string };
  /** Values the user already set for inputs (kept across refreshes). */
  values?: Record<string, number>;
  defaultFreeValue: number;
  /** Interpreter budgets (settings `gradientLens.budget.*`); the interpreter's defaults without. */
  budgets?: Budgets;
}

/**
 * Analyses in slices (parseTargetAsync): the extension host stays responsive while the program
 * runs; `control` reports progress and stops the run (then the error's code is `cancelled`).
 */
export async function analyze(req: AnalyzeRequest, control: RunControl = {}): Promise<AnalysisResult> {
  try {
    // The given values also shape function parameters (`w[0]` makes `w` an array) as the trace runs.
    const parser = loadParser();
    mark('parserLoaded');
    const program = await parser.parseTargetAsync(
      { text: req.text, fileName: req.document.fileName, ...req.where },
      { ...(req.budgets ?? {}), ...(req.values ? { values: req.values } : {}) },
      control,
    );
    mark('parsed');
    const analysis = evaluateProgram(program, req.document, req.values ?? {}, req.defaultFreeValue);
    mark('evaluated');
    return { ok: true, analysis };
  } catch (e) {
    if (isGradientLensError(e)) {
      return {
        ok: false,
        document: req.document,
        error: { message: e.message, code: e.code, line: e.line, column: e.column, start: e.start, end: e.end },
      };
    }
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, document: req.document, error: { message: `Internal error: ${message}`, code: 'internal' } };
  }
}

export function evaluateProgram(
  program: ExprProgram,
  document: DocumentRef,
  given: Record<string, number>,
  defaultFreeValue: number,
): Analysis {
  const known = new Set(program.nodes.flatMap((n) => (n.kind === 'input' ? [n.name] : [])));
  const values = Object.fromEntries(Object.entries(given).filter(([k]) => known.has(k)));
  const defaults: string[] = [];
  const evaluation = evaluate(program, values, {
    defaultForFree: (input: InputNode) => {
      defaults.push(input.name);
      return input.suggested ?? defaultFreeValue;
    },
  });
  return {
    document,
    // Programs are re-traced for the values: the evaluation's program is the one that ran.
    program: evaluation.program,
    evaluation,
    values: Object.fromEntries(evaluation.inputs.map((i) => [i.name, i.value])),
    defaults,
  };
}
