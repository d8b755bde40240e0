/**
 * Composition root: constructs the session and its views and registers commands and providers.
 * No logic lives here: the session (src/host/session.ts) owns what is analysed, the commands are
 * in src/host/commands.ts, settings in src/host/config.ts. docs/architecture.md has the map.
 */
import * as vscode from 'vscode';
import type { Report } from './core/report';
import { toReport } from './core/report';
import {
  parsePersistedState,
  type CommandMessage,
  type DebugValuesInfo,
  type PanelError,
  type PanelProbe,
} from './shared/protocol';
import { decodeWire } from './shared/wire';
import { Session } from './host/session';
import { EditorLink, nodeAtOffset } from './host/editorLink';
import { GradientPanel, PANEL_VIEW_TYPE } from './host/panel';
import { parserLoaded } from './host/parser';
import { InlineValues, type InlineSnapshot } from './host/inline';
import { GradientHover } from './host/hover';
import { GradientCodeLens, OPEN_PANEL_COMMAND, SHOW_AT_COMMAND } from './host/codelens';
import * as commands from './host/commands';
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
  /** Every error message the panel was given since activation, oldest first (tests: no error flashed). */
  panelErrors(): string[];
}

export function activate(context: vscode.ExtensionContext): GradientLensApi {
  const log = vscode.window.createOutputChannel('Gradient Lens', { log: true });
  const link = new EditorLink();
  const session: Session = new Session({
    views: {
      panelVisible: (): boolean => panel.visible,
      inlineShowing: (uri): boolean => inline.state(uri) !== undefined,
    },
    seeds: (uri) => debug.seeds(uri),
  });
  const panel = new GradientPanel(
    context.extensionUri,
    session,
    {
      applyValues: (values) => commands.applyValues(session, values, log),
      highlight: (doc, range) => link.highlight(doc, range),
      reveal: (doc, range) => void link.reveal(doc, range),
      disposed: () => {
        session.panelClosed();
        inline.panelClosed();
      },
    },
    log,
  );
  // After the panel: subscribers run in the order they subscribed, and the panel must reveal
  // itself (hiding a file editor in its group) before the inline values decorate the visible
  // editors; decorating a 20,000-line editor that is about to be hidden swamps the workbench.
  const inline = new InlineValues(session);
  const lenses = new GradientCodeLens(inline);
  // Values from a paused debug session: another source of values (src/host/debugSession.ts).
  const debug = new DebugLink(session, {
    panelVisible: () => panel.visible,
    showInPanel: (analysis, info) => panel.show({ ok: true, analysis }, { debug: info }),
    postBanner: (info) => panel.post({ type: 'debug', info: info ?? null }),
    markInlineStale: () => inline.markStale(),
    log,
  });
  const debugInline = new DebugInlineValues(debug, () => session.current);
  const panelErrors: string[] = [];

  const serializer: vscode.WebviewPanelSerializer<unknown> = {
    async deserializeWebviewPanel(webviewPanel, saved) {
      const state = parsePersistedState(decodeWire(saved));
      panel.restore(webviewPanel, state);
      if (!state?.payload) return;
      session.restore(state.payload);
      // Recompute from the document as it is now (it may have changed while the window was
      // closed); this also brings the inline values back. Untitled documents may never reopen.
      context.subscriptions.push(commands.refreshWhenOpen(session, state.payload.document.uri));
    },
  };

  const register = vscode.commands.registerCommand;
  context.subscriptions.push(
    log,
    link,
    session,
    panel,
    inline,
    lenses,
    debug,
    inline.hideLines((uri) => debugInline.coveredLines(uri), debug.onDidChange),
    vscode.languages.registerInlineValuesProvider(SUPPORTED_LANGUAGES, debugInline),
    session.onDidPresent((p) => commands.reportPresented(p, log)),
    session.onDidPresent((p) => {
      if (p.panel && !p.result.ok && panelErrors.push(p.result.error.message) > 100) panelErrors.shift();
    }),
    register('gradientLens.showGradients', () => commands.showGradients(session, (doc) => debug.prepare(doc))),
    register('gradientLens.refresh', () => commands.refresh(session)),
    register('gradientLens.clearGradients', () => commands.clearGradients(inline)),
    register(SHOW_AT_COMMAND, (uri: string, start: number, end: number) =>
      commands.showGradientsAt(session, uri, start, end, (doc) => debug.prepare(doc)),
    ),
    register(OPEN_PANEL_COMMAND, () => commands.openPanel(session, panel)),
    vscode.languages.registerHoverProvider(SUPPORTED_LANGUAGES, new GradientHover(inline)),
    vscode.languages.registerCodeLensProvider(SUPPORTED_LANGUAGES, lenses),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, serializer),
    // The editor's cursor selects the node under it in the panel.
    vscode.window.onDidChangeTextEditorSelection((e) => {
      const a = session.current;
      if (!a || e.textEditor.document.uri.toString() !== a.document.uri) return;
      if (e.textEditor.document.version !== a.document.version) return;
      const offset = e.textEditor.document.offsetAt(e.selections[0].active);
      panel.post({ type: 'selectNode', nodeId: nodeAtOffset(a.program, offset) });
    }),
  );

  return {
    current: () => ({
      report: session.current ? toReport(session.current.evaluation) : undefined,
      error: panel.error,
      values: session.current?.values,
      debug: debug.current,
    }),
    probePanel: () => panel.probe(),
    postToPanel: (message) => panel.post(message),
    panelVisible: () => panel.visible,
    parserLoaded,
    highlighted: () => link.highlighted,
    inlineDecorations: (uri) => inline.snapshot(uri),
    panelErrors: () => [...panelErrors],
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
