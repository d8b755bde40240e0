/**
 * Composition root: wires commands, the gradient panel, the editor link and disposables.
 * No logic of its own lives here: parsing is in src/parse (loaded lazily), numbers in src/core,
 * the panel in src/host/panel.ts.
 */
import * as vscode from 'vscode';
import type { Report } from './core/report';
import { toReport } from './core/report';
import type {
  CommandMessage,
  DebugValuesInfo,
  PanelError,
  PanelProbe,
  PanelSettings,
  PersistedState,
} from './shared/protocol';
import {
  analyze,
  documentRef,
  evaluateProgram,
  type Analysis,
  type AnalysisResult,
  type AnalyzeRequest,
} from './host/analyze';
import { EditorLink, nodeAtOffset } from './host/editorLink';
import { GradientPanel, PANEL_VIEW_TYPE } from './host/panel';
import { parserLoaded } from './host/parser';
import { InlineValues, type InlineSnapshot } from './host/inline';
import { GradientHover } from './host/hover';
import { GradientCodeLens, OPEN_PANEL_COMMAND, SHOW_AT_COMMAND } from './host/codelens';
import { applyValuesToSource } from './host/applyValues';
import { DebugLink } from './host/debugSession';
import { DebugInlineValues } from './host/debugInline';

export const SUPPORTED_LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'];

/** What `activate` returns: used by the extension-host tests and by other extensions. */
export interface GradientLensApi {
  /** The analysis the panel shows, as the CLI's JSON report (or the error). */
  current(): { report?: Report; error?: PanelError; values?: Record<string, number>; debug?: DebugValuesInfo };
  /** Ask the panel what it rendered, read from its DOM. */
  probePanel(): Promise<PanelProbe>;
  /** Send a command to the panel (step, play, reset, export ...). */
  postToPanel(message: CommandMessage): void;
  panelVisible(): boolean;
  parserLoaded(): boolean;
  /** The source range the panel asked the editor to highlight. */
  highlighted(): { uri: string; range: { start: number; end: number } } | undefined;
  /** The inline values rendered at line ends of the analysed document (or of `uri`), with staleness. */
  inlineDecorations(uri?: string): InlineSnapshot | undefined;
}

function config() {
  return vscode.workspace.getConfiguration('gradientLens');
}

function panelSettings(): PanelSettings {
  const c = config();
  return {
    maxRenderedNodes: c.get<number>('maxRenderedNodes', 2000),
    precision: c.get<number>('precision', 4),
    autoRefresh: c.get<boolean>('autoRefresh', false),
  };
}

export function activate(context: vscode.ExtensionContext): GradientLensApi {
  const log = vscode.window.createOutputChannel('Gradient Lens', { log: true });
  const link = new EditorLink();
  let analysis: Analysis | undefined;
  let lastGood: Analysis | undefined;
  let target: { uri: string; name?: string; selection: { start: number; end: number } } | undefined;
  let refreshTimer: NodeJS.Timeout | undefined;

  const panel = new GradientPanel(
    context.extensionUri,
    {
      refresh: () => void refresh(),
      valuesChanged: (values) => {
        if (!analysis) return;
        analysis = lastGood = evaluateProgram(analysis.program, analysis.document, values, defaultFreeValue());
        inline.update(analysis);
      },
      applyValues: (values) => {
        // Train → Apply to source: one undoable edit of the const literals, then refresh the panel
        if (!analysis) return;
        applyValuesToSource(vscode, analysis, values, log)
          .then((written) => {
            if (Object.keys(written).length === 0) return;
            return refresh();
          })
          .catch((e: unknown) => {
            log.error('Apply to source failed', e);
            void vscode.window.showErrorMessage(
              `Gradient Lens: could not apply the values to the source: ${e instanceof Error ? e.message : e}`,
            );
          });
      },
      highlight: (doc, range) => link.highlight(doc, range),
      reveal: (doc, range) => void link.reveal(doc, range),
      disposed: () => {
        analysis = undefined;
        inline.panelClosed();
      },
    },
    panelSettings,
    log,
  );

  const defaultFreeValue = () => config().get<number>('defaultFreeInputValue', 1);
  // Inline values, hover and CodeLens (src/host/inline.ts, hover.ts, codelens.ts).
  const inline = new InlineValues(() => {
    const r = reanalyze();
    if (!r) return;
    if (!r.result.ok) return inline.markStale();
    if (panel.visible) {
      present(r.doc, r.result);
      panel.post({ type: 'stale', stale: false });
    } else {
      const t = r.result.analysis.program.target;
      target = { uri: r.doc.uri.toString(), name: t.name, selection: { start: t.range.start, end: t.range.end } };
      inline.show(r.result.analysis, r.doc);
    }
  });

  function runAnalysis(doc: vscode.TextDocument, where: AnalyzeRequest['where']): AnalysisResult {
    // Carry over only what the user typed for free inputs: a const's value comes from the source,
    // so a refresh after editing `const x = 3` (by hand or by Apply to source) shows the new value.
    // The last good analysis, not the current one: a transient syntax error while typing (recompute,
    // autoRefresh) must not reset the values the user typed.
    const previous = lastGood && lastGood.document.uri === doc.uri.toString() ? freeValues(lastGood) : undefined;
    const result = analyze({
      text: doc.getText(),
      document: documentRef(doc),
      where,
      values: previous,
      defaultFreeValue: defaultFreeValue(),
    });
    if (result.ok) analysis = lastGood = result.analysis;
    return result;
  }

  function present(doc: vscode.TextDocument, result: AnalysisResult): void {
    // The panel shows the error now, or this analysis (whose values debug.apply() may have set).
    analysis = result.ok ? (lastGood = result.analysis) : undefined;
    panel.show(result, { debug: debug.infoFor(result) });
    if (result.ok) inline.show(result.analysis, doc);
    else inline.markStale();
    if (result.ok) {
      const t = result.analysis.program.target;
      target = { uri: doc.uri.toString(), name: t.name, selection: { start: t.range.start, end: t.range.end } };
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

  async function showGradients(editor = vscode.window.activeTextEditor): Promise<void> {
    if (!editor) {
      void vscode.window.showInformationMessage(
        'Gradient Lens: open a TypeScript or JavaScript file and select an expression.',
      );
      return;
    }
    const doc = editor.document;
    const selection = { start: doc.offsetAt(editor.selection.start), end: doc.offsetAt(editor.selection.end) };
    present(doc, await debug.apply(doc, runAnalysis(doc, { selection })));
  }

  async function refresh(): Promise<void> {
    const r = reanalyze();
    if (!r) return;
    present(r.doc, await debug.apply(r.doc, r.result));
    panel.post({ type: 'stale', stale: false });
  }

  function reanalyze(): { doc: vscode.TextDocument; result: AnalysisResult } | undefined {
    if (!target) return undefined;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target!.uri);
    if (!doc) return undefined;
    // Re-target by the last range; when edits above moved the declaration, by its name.
    let result = runAnalysis(doc, { selection: target.selection });
    if (target.name && (!result.ok || result.analysis.program.target.name !== target.name)) {
      // The declaration's own result wins, its error included (a syntax error typed into it must
      // show, not a still-valid piece of it); only a name that no longer exists keeps the first.
      const byName = runAnalysis(doc, { name: target.name });
      if (byName.ok || byName.error.code !== 'no-expression') result = byName;
    }
    return { doc, result };
  }

  const serializer: vscode.WebviewPanelSerializer<PersistedState | undefined> = {
    async deserializeWebviewPanel(webviewPanel, state) {
      panel.restore(webviewPanel, state);
      if (state?.payload) {
        const p = state.payload;
        target = {
          uri: p.document.uri,
          name: p.program.target.name,
          selection: { start: p.program.target.range.start, end: p.program.target.range.end },
        };
        try {
          analysis = lastGood = evaluateProgram(p.program, p.document, p.values, defaultFreeValue());
        } catch {
          analysis = undefined;
        }
        // Recompute from the document as it is now (it may have changed while the window was
        // closed); this also brings the inline values back. Untitled documents may never reopen.
        refreshWhenOpen(p.document.uri);
      }
    },
  };

  function refreshWhenOpen(uri: string): void {
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri)) {
      void refresh();
      return;
    }
    const sub = vscode.workspace.onDidOpenTextDocument((d) => {
      if (d.uri.toString() !== uri) return;
      sub.dispose();
      void refresh();
    });
    context.subscriptions.push(sub);
  }

  // Values from a paused debug session (src/host/debugSession.ts).
  const debug = new DebugLink({
    refresh: () => void refresh(),
    stale: (info) => {
      panel.post({ type: 'debug', info });
      inline.markStale();
    },
    targetUri: () => (panel.visible ? target?.uri : undefined),
    defaultFreeValue,
    log,
  });

  context.subscriptions.push(
    log,
    debug,
    vscode.languages.registerInlineValuesProvider(SUPPORTED_LANGUAGES, new DebugInlineValues(debug, () => analysis)),
    link,
    panel,
    vscode.commands.registerCommand('gradientLens.showGradients', () => showGradients()),
    vscode.commands.registerCommand('gradientLens.refresh', () => refresh()),
    inline,
    vscode.commands.registerCommand('gradientLens.clearGradients', () => inline.clear()),
    vscode.commands.registerCommand(SHOW_AT_COMMAND, async (uri: string, start: number, end: number) => {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      present(doc, await debug.apply(doc, runAnalysis(doc, { selection: { start, end } })));
    }),
    vscode.commands.registerCommand(OPEN_PANEL_COMMAND, () => (panel.visible ? panel.reveal() : refresh())),
    vscode.languages.registerHoverProvider(SUPPORTED_LANGUAGES, new GradientHover(inline)),
    (() => {
      const lenses = new GradientCodeLens(inline);
      return vscode.Disposable.from(lenses, vscode.languages.registerCodeLensProvider(SUPPORTED_LANGUAGES, lenses));
    })(),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, serializer),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (!target || e.document.uri.toString() !== target.uri || e.contentChanges.length === 0) return;
      panel.post({ type: 'stale', stale: true });
      if (panelSettings().autoRefresh) {
        clearTimeout(refreshTimer);
        refreshTimer = setTimeout(() => void refresh(), config().get<number>('autoRefreshDelay', 400));
      }
    }),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (!analysis || e.textEditor.document.uri.toString() !== analysis.document.uri) return;
      if (e.textEditor.document.version !== analysis.document.version) return;
      const offset = e.textEditor.document.offsetAt(e.selections[0].active);
      panel.post({ type: 'selectNode', nodeId: nodeAtOffset(analysis.program, offset) });
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gradientLens')) panel.post({ type: 'settings', settings: panelSettings() });
    }),
    { dispose: () => clearTimeout(refreshTimer) },
  );

  return {
    current: () => ({
      report: analysis ? toReport(analysis.evaluation) : undefined,
      error: panel.error,
      values: analysis?.values,
      debug: debug.current,
    }),
    probePanel: () => panel.probe(),
    postToPanel: (message) => panel.post(message),
    panelVisible: () => panel.visible,
    parserLoaded,
    highlighted: () => link.highlighted,
    inlineDecorations: (uri) => inline.snapshot(uri),
  };
}

/** The values of free inputs (parameters, let/var): the ones a refresh must keep. */
function freeValues(analysis: Analysis): Record<string, number> {
  const free = new Set(analysis.program.nodes.flatMap((n) => (n.kind === 'input' && n.free ? [n.name] : [])));
  const defaults = new Set(analysis.defaults);
  return Object.fromEntries(Object.entries(analysis.values).filter(([name]) => free.has(name) && !defaults.has(name)));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
