/**
 * The gradient panel: one reusable webview beside the editor. Owns the handshake, the
 * message queue before `ready`, validation of incoming messages, and restoring after reload.
 */
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ExprProgram, SourceRange } from '../core/expr';
import { sourceOf } from '../core/evaluate';
import type { ProgramSource } from '../core/interpret';
import type {
  DocumentRef,
  HostToWebview,
  PanelError,
  PanelProbe,
  PanelSettings,
  PersistedState,
  ShowPayload,
  WebviewToHost,
} from '../shared/protocol';
import type { AnalysisResult } from './analyze';
import { config } from './config';
import type { Presented, Session } from './session';
import { parseWebviewToHost } from '../shared/protocol';
import { decodeWire, encodeWire } from '../shared/wire';
import { mark, traceMarks } from './trace';

export const PANEL_VIEW_TYPE = 'gradientLens.panel';

export interface PanelCallbacks {
  applyValues(values: Record<string, number>): void;
  highlight(doc: DocumentRef, range: SourceRange | null): void;
  reveal(doc: DocumentRef, range: SourceRange): void;
  disposed(): void;
}

export class GradientPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private ready = false;
  private queue: HostToWebview[] = [];
  /**
   * The `show` of a webview still loading, encoded meanwhile (packing a big program takes
   * 0.05–0.3 s, that the first Show would otherwise add after the webview's `ready`): posted as it
   * is on `ready` when the payload and the settings are still those it was made from.
   */
  private preEncoded?: { payload: ShowPayload; settings: string; encoded: unknown };
  private probes = new Map<number, (p: PanelProbe) => void>();
  private nextProbe = 1;
  /** What the panel currently shows (host's view of it). */
  document?: DocumentRef;
  payload?: ShowPayload;
  error?: PanelError;
  /** The note above what the panel shows (a cancelled run), until the next show or error. */
  notice?: string;
  private readonly log: vscode.LogOutputChannel;
  private readonly subscriptions: vscode.Disposable[];
  private readonly settings: () => PanelSettings = config.panelSettings;

  /** Shows what the session presents to the panel; tells the webview about edits and settings. */
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: Session,
    private readonly callbacks: PanelCallbacks,
    log: vscode.LogOutputChannel,
  ) {
    this.log = log;
    this.subscriptions = [
      session.onDidEdit(() => this.post({ type: 'stale', stale: true })),
      // Show gradients opens the panel as its run starts: the webview loads (seconds on a cold
      // start) while the program runs, instead of after it.
      session.onDidStartRun((run) => {
        if (run.request === 'Show gradients') this.ensurePanel();
      }),
      // A cancelled run: the panel keeps its numbers (or its error) and says so.
      session.onDidCancel(({ message, panel }) => {
        if (!panel && !this.visible) return;
        this.showNotice(
          this.payload ? `${message}; the numbers below are from the last run that finished.` : `${message}.`,
        );
      }),
      config.onDidChange(() => this.post({ type: 'settings', settings: this.settings() })),
    ];
  }

  get visible(): boolean {
    return this.panel !== undefined;
  }

  /**
   * The panel's share of a fresh result (the session calls it before telling the other views):
   * shows it and settles when VS Code has delivered the message to the webview, or at once when
   * nothing waits for delivery (not for the panel, the webview not ready yet, an error). VS Code
   * delivers a webview message only while the extension host is idle, so the inline values,
   * CodeLens and the rest wait for this (issue 11: their 6–80 ms of work, and their messages to
   * the workbench, came right after the 2 MB `show` of a big program). At most `maxWaitMs`, so the
   * other views always follow.
   */
  present({ doc, result, panel }: Presented, maxWaitMs = 2_000): Promise<void> {
    if (!panel) return Promise.resolve();
    const delivered = this.show(result);
    // A run in slices may end after the text changed: its numbers are stale already.
    const ran = result.ok ? result.analysis.document : result.document;
    this.post({ type: 'stale', stale: ran.version !== doc.version });
    if (!delivered) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, maxWaitMs);
      void delivered.finally(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Show an analysis (or its error) in the panel, creating it beside the editor if needed. Returns
   * the `show` message's delivery when it was posted now (not queued for a webview still loading).
   */
  show(result: AnalysisResult, extra: Pick<ShowPayload, 'debug'> = {}): Promise<void> | undefined {
    mark('present');
    this.ensurePanel();
    let delivered: Promise<void> | undefined;
    this.notice = undefined;
    this.document = result.ok ? result.analysis.document : result.document;
    if (result.ok) {
      const { analysis } = result;
      this.error = undefined;
      const hostEvaluates = !postable(sourceOf(analysis.program));
      this.payload = {
        program: hostEvaluates ? withoutSource(analysis.program) : analysis.program,
        ...(hostEvaluates ? { hostEvaluates } : {}),
        values: analysis.values,
        defaults: analysis.defaults,
        document: analysis.document,
        settings: this.settings(),
        ...(extra.debug ? { debug: extra.debug } : {}),
      };
      delivered = this.post({ type: 'show', payload: this.payload });
    } else {
      this.payload = undefined;
      this.error = result.error;
      this.post({ type: 'error', error: result.error, document: result.document });
    }
    this.panel!.title = `Gradients: ${result.ok ? (result.analysis.program.target.name ?? 'expression') : 'error'}`;
    // Keep an existing panel in its group: revealing it "Beside" the now active editor would
    // move it to another group, and a moved webview reloads.
    this.panel!.reveal(this.panel!.viewColumn ?? vscode.ViewColumn.Beside, true);
    return delivered;
  }

  /** A note above what the panel shows, which stays ("Cancelled: …"); opens the panel if needed. */
  showNotice(notice: string): void {
    this.ensurePanel();
    this.notice = notice;
    this.post({ type: 'notice', notice });
    this.panel!.reveal(this.panel!.viewColumn ?? vscode.ViewColumn.Beside, true);
  }

  /** Posts to the webview (or queues until it is ready); a `show` posted now returns its delivery. */
  post(message: HostToWebview): Promise<void> | undefined {
    if (message.type === 'debug' && this.payload) this.payload = { ...this.payload, debug: message.info ?? undefined };
    if (!this.panel) return undefined;
    if (!this.ready) {
      this.queue.push(message);
      if (message.type === 'show') setTimeout(() => this.preEncode(), 0);
      return undefined;
    }
    return this.send(message);
  }

  private preEncode(): void {
    this.preEncoded = undefined;
    if (this.ready || !this.panel || !this.payload) return;
    const settings = this.settings();
    const message: HostToWebview = { type: 'show', payload: { ...this.payload, settings } };
    this.preEncoded = { payload: this.payload, settings: JSON.stringify(settings), encoded: encodeWire(message) };
  }

  /** Posts to the webview; a `show` records its timing marks and sends them after it (`trace`). */
  private send(message: HostToWebview, preEncoded?: unknown): Promise<void> | undefined {
    if (!this.panel) return undefined;
    if (message.type !== 'show') {
      void this.panel.webview.postMessage(encodeWire(message));
      return undefined;
    }
    mark('encode');
    const encoded = preEncoded ?? encodeWire(message);
    mark('post');
    const delivered = this.panel.webview.postMessage(encoded);
    mark('posted');
    return Promise.resolve(delivered).then(
      () => {
        mark('delivered');
        void this.panel?.webview.postMessage({ type: 'trace', marks: traceMarks() });
      },
      () => undefined,
    );
  }

  /** Ask the webview what it rendered (read from its DOM). */
  probe(timeoutMs = 10_000): Promise<PanelProbe> {
    if (!this.panel) return Promise.reject(new Error('The gradient panel is not open'));
    const requestId = this.nextProbe++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.probes.delete(requestId);
        reject(new Error('The gradient panel did not answer'));
      }, timeoutMs);
      this.probes.set(requestId, (p) => {
        clearTimeout(timer);
        resolve(p);
      });
      this.post({ type: 'probe', requestId });
    });
  }

  /** Re-attach to a panel VS Code restored after a reload (WebviewPanelSerializer). */
  restore(panel: vscode.WebviewPanel, state: PersistedState | undefined): void {
    this.panel?.dispose();
    this.attach(panel);
    this.payload = state?.payload;
    this.error = state?.error;
    this.document = state?.payload?.document;
    // The webview restores its own view from getState(); the host only needs the document link.
  }

  reveal(): void {
    this.panel?.reveal(this.panel.viewColumn, true);
  }

  close(): void {
    this.panel?.dispose();
  }

  private ensurePanel(): void {
    if (this.panel) return;
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'Gradients',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      this.webviewOptions(),
    );
    this.attach(panel);
  }

  webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.extensionUri, 'dist'),
        vscode.Uri.joinPath(this.extensionUri, 'media'),
      ],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.preEncoded = undefined;
    mark('panel');
    void vscode.commands.executeCommand('setContext', 'gradientLens.panelOpen', true);
    panel.webview.options = this.webviewOptions();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    panel.webview.html = this.html(panel.webview);
    const subs = [
      panel.webview.onDidReceiveMessage((raw) => this.receive(raw)),
      panel.onDidDispose(() => {
        subs.forEach((d) => d.dispose());
        this.panel = undefined;
        this.ready = false;
        this.queue = [];
        this.preEncoded = undefined;
        void vscode.commands.executeCommand('setContext', 'gradientLens.panelOpen', false);
        this.callbacks.disposed();
      }),
    ];
  }

  private receive(raw: unknown): void {
    const msg: WebviewToHost | undefined = parseWebviewToHost(decodeWire(raw));
    if (!msg) {
      this.log.warn('Ignored a malformed message from the gradient panel', raw);
      return;
    }
    switch (msg.type) {
      case 'ready': {
        // Every `ready` is a fresh document (first load, a reload after the panel moved between
        // groups, or a restore): send what the panel must show, then anything queued after it.
        this.ready = true;
        const queued = this.queue.filter((m) => m.type !== 'show' && m.type !== 'error' && m.type !== 'notice');
        this.queue = [];
        const current: HostToWebview | undefined = this.payload
          ? { type: 'show', payload: { ...this.payload, settings: this.settings() } }
          : this.error
            ? { type: 'error', error: this.error, document: this.document }
            : undefined;
        const notice: HostToWebview[] = this.notice ? [{ type: 'notice', notice: this.notice }] : [];
        mark('ready');
        const pre = this.preEncoded;
        this.preEncoded = undefined;
        const reuse =
          pre &&
          current?.type === 'show' &&
          pre.payload === this.payload &&
          pre.settings === JSON.stringify(current.payload.settings);
        if (current) this.send(current, reuse ? pre.encoded : undefined);
        for (const m of [...notice, ...queued]) this.send(m);
        return;
      }
      case 'probeResult':
        this.probes.get(msg.requestId)?.(msg.result);
        this.probes.delete(msg.requestId);
        return;
      case 'refresh':
        return void this.session.refresh();
      case 'valuesChanged': {
        if (this.payload) this.payload = { ...this.payload, values: msg.values };
        const before = this.session.current?.program;
        this.session.setValues(msg.values, 'panel');
        // A program the webview cannot re-run (hostEvaluates) was re-run here; the webview evaluated
        // its recorded graph, which is right only if the run recorded the same graph (evaluate keeps
        // the program object then). Otherwise the panel shows the new run.
        const after = this.session.current;
        if (this.payload?.hostEvaluates && after && after.program !== before) this.show({ ok: true, analysis: after });
        return;
      }
      case 'applyValues':
        return this.callbacks.applyValues(msg.values);
      case 'highlight':
        if (this.document) this.callbacks.highlight(this.document, msg.range);
        return;
      case 'reveal':
        if (this.document) this.callbacks.reveal(this.document, msg.range);
        return;
      case 'export':
        this.saveExport(msg.format, msg.content, msg.suggestedName).catch((e: unknown) => {
          this.log.error('Export failed', e);
          void vscode.window.showErrorMessage(`Gradient Lens: export failed: ${e instanceof Error ? e.message : e}`);
        });
        return;
      case 'log':
        this.log[msg.level](`[webview] ${msg.message}`);
        if (msg.level === 'error' && process.env.GRADIENT_LENS_TEST) console.error(`[webview] ${msg.message}`);
        return;
    }
  }

  private async saveExport(format: string, content: string, suggestedName: string): Promise<void> {
    const base = this.document ? vscode.Uri.joinPath(vscode.Uri.parse(this.document.uri), '..') : undefined;
    const target = await vscode.window.showSaveDialog({
      defaultUri: base ? vscode.Uri.joinPath(base, suggestedName) : undefined,
      filters: { [format.toUpperCase()]: [format] },
      title: `Export gradient graph as ${format.toUpperCase()}`,
    });
    if (!target) return;
    const bytes = format === 'png' ? Buffer.from(content, 'base64') : Buffer.from(content, 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
    this.log.info(`Exported ${format} to ${target.fsPath}`);
  }

  private html(webview: vscode.Webview): string {
    const nonce = makeNonce();
    const asset = (...parts: string[]) => vscode.Uri.joinPath(this.extensionUri, ...parts);
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data: blob:`,
      // Styles may be inline: the toolkit's components (FAST templates, e.g. the data grid's
      // grid-template-columns) bind `style` attributes, which CSP cannot allow by nonce or hash.
      // Scripts stay strict: only our bundle, by nonce; no inline script, no eval.
      `style-src ${webview.cspSource} 'unsafe-inline'`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    const styles = styleElements(asset, (u) => webview.asWebviewUri(u).toString());
    const script = webview.asWebviewUri(asset('dist', 'webview.js'));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>Gradients</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="placeholder">Select an expression and run <b>Show gradients</b>.</p></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.panel?.dispose();
    this.subscriptions.forEach((d) => d.dispose());
  }
}

const STYLESHEETS = ['panel.css', 'train.css', 'vector.css'];

/**
 * The panel's stylesheets, written into its HTML instead of linked: a webview loads a linked file
 * through VS Code's resource loading (in code-server a service worker asking the workbench, which
 * fetches it from the server), round trips that the first paint waits for. They are small and
 * read here, synchronously. A file that cannot be read is linked as before. (The script stays a
 * linked file: written into the HTML too, its 0.4 MB made the webview's document start later,
 * 2.6–5.4 s after the command instead of 1.3–2.5 s, in three runs each; docs/benchmarks.md.)
 */
function styleElements(asset: (...parts: string[]) => vscode.Uri, webviewUri: (u: vscode.Uri) => string): string {
  return STYLESHEETS.map((name) => {
    const uri = asset('media', name);
    let css: string | undefined;
    try {
      css = readFileSync(uri.fsPath, 'utf8');
    } catch {
      css = undefined;
    }
    return css !== undefined && !/<\/style/i.test(css)
      ? `<style>\n${css}\n</style>`
      : `<link rel="stylesheet" href="${webviewUri(uri)}">`;
  }).join('\n');
}

function makeNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64').replace(/[+/=]/g, '');
}

/**
 * Beyond this nesting of the IR, the program's source is not posted. JSON and structured clone
 * recurse once per nesting level: in Node, structured clone of an IR fails from about 2,000
 * levels (a 2,000-term sum) and JSON from about 5,000; the webview's side clones it again.
 */
export const MAX_POSTED_IR_DEPTH = 1000;

/** Can this program source be posted to the webview? The lowering recorded how deeply its IR nests. */
function postable(source: ProgramSource | undefined): boolean {
  return source === undefined || (source.ir.depth ?? 0) <= MAX_POSTED_IR_DEPTH;
}

function withoutSource(program: ExprProgram): ExprProgram {
  const copy = { ...program } as ExprProgram & { source?: unknown };
  delete copy.source;
  return copy;
}
