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

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
registerToolkit();

const store = createPanelStore();
const app = createApp(
  document.getElementById('app')!,
  {
    post: (m) => vscode.postMessage(encodeWire(m) as WebviewToHost),
    // State is kept as JSON, which turns NaN and ±Infinity into null: the values are encoded like
    // messages (decodeWire on restore). Only the values: encoding the whole program costs ~0.3 s
    // per change at 20,000 nodes, and the program's own numbers are finite.
    persist: (s: PersistedState) =>
      vscode.setState({
        ...s,
        payload: s.payload && { ...s.payload, values: encodeWire(s.payload.values) },
        values: encodeWire(s.values),
      }),
  },
  store,
);

function route(msg: HostToWebview): void {
  switch (msg.type) {
    case 'show':
      return store.show(msg.payload);
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
    case 'probe':
      return app.probe(msg.requestId);
    case 'command':
      if (msg.command === 'train' || msg.command === 'stopTraining') return trainCommand(msg.command, msg.args ?? {});
      return app.command(msg.command, msg.args ?? {});
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = parseHostToWebview(decodeWire(event.data));
  if (!msg) {
    vscode.postMessage({ type: 'log', level: 'warn', message: 'webview: ignored a malformed message from the host' });
    return;
  }
  try {
    route(msg);
  } catch (e) {
    vscode.postMessage({ type: 'log', level: 'error', message: `webview: ${(e as Error).stack ?? e}` });
  }
});

window.addEventListener('error', (e) => {
  vscode.postMessage({ type: 'log', level: 'error', message: `webview: ${e.message}` });
});

const saved = parsePersistedState(decodeWire(vscode.getState()));
if (saved) store.restore(saved);
vscode.postMessage({ type: 'ready' });
