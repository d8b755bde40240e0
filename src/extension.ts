/**
 * Composition root: constructs the session and its views and registers commands and providers.
 * No logic lives here: the session (src/host/session.ts) owns what is analysed, the commands are
 * in src/host/commands.ts, settings in src/host/config.ts. docs/architecture.md has the map.
 */
import * as vscode from 'vscode';
import { Session } from './host/session';
import { EditorLink, cursorSelectsNode } from './host/editorLink';
import { GradientPanel, PANEL_VIEW_TYPE } from './host/panel';
import { InlineValues } from './host/inline';
import { GradientHover } from './host/hover';
import { GradientCodeLens } from './host/codelens';
import * as commands from './host/commands';
import { DebugLink } from './host/debugSession';
import { DebugInlineValues } from './host/debugInline';
import { showRunProgress } from './host/runProgress';
import { createApi, type GradientLensApi } from './host/api';

export const SUPPORTED_LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'];

export type { GradientLensApi };

export function activate(context: vscode.ExtensionContext): GradientLensApi {
  const log = vscode.window.createOutputChannel('Gradient Lens', { log: true });
  const link = new EditorLink();
  const session: Session = new Session({
    views: {
      panelVisible: (): boolean => panel.visible,
      inlineShowing: (uri): boolean => inline.state(uri) !== undefined,
      presentInPanel: (p) => panel.present(p),
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
  // The panel shows a fresh result first (session.present: `presentInPanel`, then `onDidPresent`):
  // it must reveal itself (hiding a file editor in its group) before the inline values decorate
  // the visible editors (decorating a 20,000-line editor that is about to be hidden swamps the
  // workbench), and its message is delivered only while the extension host is idle.
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

  const track = (d: vscode.Disposable) => context.subscriptions.push(d);
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
    ...commands.registerCommands(session, panel, inline, log, (doc) => debug.prepare(doc)),
    showRunProgress(session),
    vscode.languages.registerHoverProvider(SUPPORTED_LANGUAGES, new GradientHover(inline)),
    vscode.languages.registerCodeLensProvider(SUPPORTED_LANGUAGES, lenses),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, commands.panelSerializer(session, panel, track)),
    cursorSelectsNode(session, (nodeId) => panel.post({ type: 'selectNode', nodeId })),
  );

  return createApi({ session, panel, link, inline, debug, track });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
