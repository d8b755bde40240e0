/**
 * The commands, one small named function each, and their registration. They ask the session; the
 * views follow its events. A command that analyses settles when the result is shown (the
 * extension-host tests await it).
 */
import * as vscode from 'vscode';
import type { Cancelled, Presented, Session } from './session';
import type { GradientPanel } from './panel';
import type { InlineValues } from './inline';
import { applyValuesToSource } from './applyValues';
import { OPEN_PANEL_COMMAND, SHOW_AT_COMMAND } from './codelens';
import { parsePersistedState } from '../shared/protocol';
import { decodeWire } from '../shared/wire';
import { beginTrace } from './trace';

export const CANCEL_RUN_COMMAND = 'gradientLens.cancelRun';

/** Registers every command, and logs (and pops up) what the session presents or cancels. */
export function registerCommands(
  session: Session,
  panel: GradientPanel,
  inline: InlineValues,
  log: vscode.LogOutputChannel,
  before?: BeforeShow,
): vscode.Disposable[] {
  const register = vscode.commands.registerCommand;
  return [
    session.onDidPresent((p) => reportPresented(p, log)),
    session.onDidCancel((c) => reportCancelled(c, log)),
    register('gradientLens.showGradients', () => showGradients(session, before)),
    register('gradientLens.refresh', () => refresh(session)),
    register('gradientLens.clearGradients', () => clearGradients(inline)),
    register(SHOW_AT_COMMAND, (uri: string, start: number, end: number) =>
      showGradientsAt(session, uri, start, end, before),
    ),
    register(OPEN_PANEL_COMMAND, () => openPanel(session, panel)),
    register(CANCEL_RUN_COMMAND, () => cancelRun(session)),
  ];
}

/**
 * VS Code restored the panel after a reload: the panel takes its webview back, the session its
 * target and values, and the target is recomputed once its document is open.
 */
export function panelSerializer(
  session: Session,
  panel: GradientPanel,
  track: (d: vscode.Disposable) => void,
): vscode.WebviewPanelSerializer<unknown> {
  return {
    async deserializeWebviewPanel(webviewPanel, saved) {
      const state = parsePersistedState(decodeWire(saved));
      panel.restore(webviewPanel, state);
      if (!state?.payload) return;
      session.restore(state.payload);
      // Recompute from the document as it is now (it may have changed while the window was
      // closed); this also brings the inline values back. Untitled documents may never reopen.
      track(refreshWhenOpen(session, state.payload.document.uri));
    },
  };
}

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
  beginTrace('command');
  if (!editor) {
    void vscode.window.showInformationMessage(
      'Gradient Lens: open a TypeScript or JavaScript file and select an expression.',
    );
    return;
  }
  const doc = editor.document;
  const selection = { start: doc.offsetAt(editor.selection.start), end: doc.offsetAt(editor.selection.end) };
  if (before) await before(doc);
  await session.show(doc, selection);
}

/** gradientLens.showGradientsAt (CodeLens): analyse a range of a document. */
export async function showGradientsAt(
  session: Session,
  uri: string,
  start: number,
  end: number,
  before?: BeforeShow,
): Promise<void> {
  beginTrace('command');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  if (before) await before(doc);
  await session.show(doc, { start, end });
}

/** gradientLens.refresh: recompute the target from its document as it is now. */
export function refresh(session: Session): Promise<void> {
  return session.refresh();
}

/** gradientLens.cancelRun: stop the running analysis (the last numbers stay). False: none ran. */
export function cancelRun(session: Session): boolean {
  return session.cancelRun();
}

/** gradientLens.clearGradients: remove the inline values (the panel stays). */
export function clearGradients(inline: InlineValues): void {
  inline.clear();
}

/** gradientLens.openPanel (CodeLens on the result): reveal the panel, or bring it back. */
export async function openPanel(session: Session, panel: GradientPanel): Promise<void> {
  if (panel.visible) panel.reveal();
  else await session.refresh();
}

/** Train → Apply to source: one undoable edit of the const literals, then refresh the panel. */
export function applyValues(session: Session, values: Record<string, number>, log: vscode.LogOutputChannel): void {
  const analysis = session.current;
  if (!analysis) return;
  applyValuesToSource(vscode, analysis, values, log)
    .then((written) => {
      if (Object.keys(written).length > 0) return session.refresh();
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

/** A cancelled run: logged; without the panel (inline values only), said in the status bar. */
export function reportCancelled({ message, panel }: Cancelled, log: vscode.LogOutputChannel): void {
  log.info(`Show gradients: ${message}`);
  if (!panel) vscode.window.setStatusBarMessage(`Gradient Lens: ${message}`, 8000);
}

/** Once `uri` is open (now or later), refresh: a restored panel recomputes from the current text. */
export function refreshWhenOpen(session: Session, uri: string): vscode.Disposable {
  if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri)) {
    void session.refresh();
    return new vscode.Disposable(() => undefined);
  }
  const sub = vscode.workspace.onDidOpenTextDocument((d) => {
    if (d.uri.toString() !== uri) return;
    sub.dispose();
    void session.refresh();
  });
  return sub;
}
