/**
 * The gradient panel's webview entry and its one message router: every message from the host is
 * validated against the protocol's schema and dispatched here, to the store (webview/state.ts),
 * the views (webview/app.ts) or the training run (webview/views/train.ts). The panel evaluates
 * programs with the pure core (editing an input needs no round trip) and keeps its state with
 * setState so it survives being hidden and VS Code reloading.
 */
import {
  parseHostToWebview,
  parsePersistedState,
  type HostToWebview,
  type PersistedState,
  type WebviewToHost,
} from '../src/shared/protocol';
import { registerToolkit } from './toolkit';
import { decodeWire, encodeWire } from '../src/shared/wire';
import { createApp } from './app';
import { createPanelStore } from './state';
import { trainCommand } from './views/train';
import { beginWebTrace, loadMark, setHostTrace, traceTo, wallNow, webMark } from './trace';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

loadMark('script');
{
  // When the bundle's download ended (resource timing), for the cold Show's trace.
  const js = performance.getEntriesByType('resource').find((e) => e.name.includes('webview.js'));
  if (js) loadMark('fetchedJs', performance.timeOrigin + (js as PerformanceResourceTiming).responseEnd);
  const css = performance.getEntriesByType('resource').find((e) => e.name.includes('.css'));
  if (css) loadMark('fetchedCss', performance.timeOrigin + (css as PerformanceResourceTiming).responseEnd);
}
const vscode = acquireVsCodeApi();
registerToolkit();
loadMark('toolkit');

/**
 * setState serializes the whole state as JSON on every call: ~0.1–0.3 s for a 20,000-node program.
 * So it runs after the repaint (trailing, PERSIST_DELAY_MS after the last change), and programs
 * above PERSIST_MAX_NODES are not kept (a reloaded webview asks the host, which sends its program).
 */
const PERSIST_DELAY_MS = 500;
const PERSIST_MAX_NODES = 5000;
let persistTimer: ReturnType<typeof setTimeout> | undefined;
let toPersist: PersistedState | undefined;
function flushPersist(): void {
  if (persistTimer !== undefined) clearTimeout(persistTimer);
  persistTimer = undefined;
  const s = toPersist;
  toPersist = undefined;
  if (!s) return;
  const big = (s.payload?.program.nodes.length ?? 0) > PERSIST_MAX_NODES;
  // State is kept as JSON, which turns NaN and ±Infinity into null: the values are encoded like
  // messages (decodeWire on restore); the program's own numbers are finite.
  vscode.setState({
    ...s,
    payload: s.payload && !big ? { ...s.payload, values: encodeWire(s.payload.values) } : undefined,
    values: encodeWire(s.values),
  });
}
window.addEventListener('pagehide', flushPersist);

const appRoot = document.getElementById('app')!;
traceTo((json) => (appRoot.dataset.trace = json));
const store = createPanelStore();
const app = createApp(
  document.getElementById('app')!,
  {
    post: (m) => vscode.postMessage(encodeWire(m) as WebviewToHost),
    persist: (s: PersistedState) => {
      toPersist = s;
      persistTimer ??= setTimeout(flushPersist, PERSIST_DELAY_MS);
    },
  },
  store,
);

function route(msg: HostToWebview, receivedAt: number): void {
  switch (msg.type) {
    case 'show':
      return store.show(msg.payload, receivedAt);
    case 'error':
      return store.showError(msg.error);
    case 'stale':
      return store.setStale(msg.stale);
    case 'notice':
      return store.setNotice(msg.notice);
    case 'selectNode':
      return store.select(msg.nodeId);
    case 'settings':
      return store.setSettings(msg.settings);
    case 'debug':
      return store.setDebug(msg.info);
    case 'trace':
      return setHostTrace(msg.marks);
    case 'probe':
      return app.probe(msg.requestId);
    case 'command':
      if (msg.command === 'train' || msg.command === 'stopTraining') return trainCommand(msg.command, msg.args ?? {});
      return app.command(msg.command, msg.args ?? {});
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const receivedAt = performance.now();
  const wall = wallNow();
  const decoded = decodeWire(event.data);
  const decodedAt = wallNow();
  const msg = parseHostToWebview(decoded);
  if (msg?.type === 'show') {
    beginWebTrace(wall);
    webMark('decoded', decodedAt);
    webMark('validated');
  }
  if (!msg) {
    vscode.postMessage({ type: 'log', level: 'warn', message: 'webview: ignored a malformed message from the host' });
    return;
  }
  try {
    route(msg, receivedAt);
    if (msg.type === 'show') webMark('routed');
  } catch (e) {
    vscode.postMessage({ type: 'log', level: 'error', message: `webview: ${(e as Error).stack ?? e}` });
  }
});

window.addEventListener('error', (e) => {
  vscode.postMessage({ type: 'log', level: 'error', message: `webview: ${e.message}` });
});

const saved = parsePersistedState(decodeWire(vscode.getState()));
if (saved) store.restore(saved);
loadMark('ready');
vscode.postMessage({ type: 'ready' });
