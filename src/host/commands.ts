/**
 * The commands, one small named function each. They ask the session; the views follow its events.
 */
import * as vscode from 'vscode';
import type { Presented, Session } from './session';
import type { GradientPanel } from './panel';
import type { InlineValues } from './inline';
import { applyValuesToSource } from './applyValues';

/**
 * Runs before an analysis is shown (the paused debugger reads the frame's arrays, so the first
 * result already has their shapes: src/host/debugSession.ts `prepare`).
 */
export type BeforeShow = (doc: vscode.TextDocument) => Promise<void>;

/** gradientLens.showGradients: analyse the active editor's selection. */
export async function showGradients(
  session: Session,
  before?: BeforeShow,
  editor = vscode.window.activeTextEditor,
): Promise<void> {
  if (!editor) {
    void vscode.window.showInformationMessage(
      'Gradient Lens: open a TypeScript or JavaScript file and select an expression.',
    );
    return;
  }
  const doc = editor.document;
  const selection = { start: doc.offsetAt(editor.selection.start), end: doc.offsetAt(editor.selection.end) };
  if (before) await before(doc);
  session.show(doc, selection);
}

/** gradientLens.showGradientsAt (CodeLens): analyse a range of a document. */
export async function showGradientsAt(
  session: Session,
  uri: string,
  start: number,
  end: number,
  before?: BeforeShow,
): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  if (before) await before(doc);
  session.show(doc, { start, end });
}

/** gradientLens.refresh: recompute the target from its document as it is now. */
export function refresh(session: Session): void {
  session.refresh();
}

/** gradientLens.clearGradients: remove the inline values (the panel stays). */
export function clearGradients(inline: InlineValues): void {
  inline.clear();
}

/** gradientLens.openPanel (CodeLens on the result): reveal the panel, or bring it back. */
export function openPanel(session: Session, panel: GradientPanel): void {
  if (panel.visible) panel.reveal();
  else session.refresh();
}

/** Train → Apply to source: one undoable edit of the const literals, then refresh the panel. */
export function applyValues(session: Session, values: Record<string, number>, log: vscode.LogOutputChannel): void {
  const analysis = session.current;
  if (!analysis) return;
  applyValuesToSource(vscode, analysis, values, log)
    .then((written) => {
      if (Object.keys(written).length > 0) session.refresh();
    })
    .catch((e: unknown) => {
      log.error('Apply to source failed', e);
      void vscode.window.showErrorMessage(
        `Gradient Lens: could not apply the values to the source: ${e instanceof Error ? e.message : e}`,
      );
    });
}

/** Logs every result shown in the panel; an error also pops up, with Reveal when it has a place. */
export function reportPresented({ doc, result, panel }: Presented, log: vscode.LogOutputChannel): void {
  if (!panel) return;
  if (result.ok) {
    const t = result.analysis.program.target;
    log.info(`Show gradients: ${t.name ?? t.text} = ${result.analysis.evaluation.value}`);
    return;
  }
  const { error } = result;
  log.warn(`Show gradients: ${error.message}`);
  const where = error.line ? ` (${error.line}:${error.column})` : '';
  const actions = error.start !== undefined ? ['Reveal'] : [];
  void vscode.window
    .showErrorMessage(
      `Gradient Lens: ${error.message}${error.message.includes(`${error.line}:${error.column}`) ? '' : where}`,
      ...actions,
    )
    .then((choice) => {
      if (choice === 'Reveal' && error.start !== undefined) {
        const start = doc.positionAt(error.start);
        const end = doc.positionAt(error.end ?? error.start);
        void vscode.window.showTextDocument(doc, { selection: new vscode.Range(start, end) });
      }
    });
}

/** Once `uri` is open (now or later), refresh: a restored panel recomputes from the current text. */
export function refreshWhenOpen(session: Session, uri: string): vscode.Disposable {
  if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri)) {
    session.refresh();
    return new vscode.Disposable(() => undefined);
  }
  const sub = vscode.workspace.onDidOpenTextDocument((d) => {
    if (d.uri.toString() !== uri) return;
    sub.dispose();
    session.refresh();
  });
  return sub;
}
