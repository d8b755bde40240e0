/**
 * The gradient panel's webview: receives a program from the host, evaluates it with the
 * pure core (so editing an input needs no round trip), renders, and keeps its state with
 * setState so the panel survives being hidden and VS Code reloading.
 */
import {
  parseHostToWebview,
  parsePersistedState,
  type PersistedState,
  type WebviewToHost,
} from '../src/shared/protocol';
import { registerToolkit } from './toolkit';
import { decodeWire, encodeWire } from '../src/shared/wire';
import { createApp, type App } from './app';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
registerToolkit();

const root = document.getElementById('app')!;
const app: App = createApp(root, {
  post: (m) => vscode.postMessage(encodeWire(m) as WebviewToHost),
  // Encoded like messages: JSON state would turn NaN and ±Infinity into null.
  persist: (s: PersistedState) => vscode.setState(encodeWire(s)),
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = parseHostToWebview(decodeWire(event.data));
  if (!msg) {
    vscode.postMessage({ type: 'log', level: 'warn', message: 'webview: ignored a malformed message from the host' });
    return;
  }
  try {
    app.handle(msg);
  } catch (e) {
    vscode.postMessage({ type: 'log', level: 'error', message: `webview: ${(e as Error).stack ?? e}` });
  }
});

window.addEventListener('error', (e) => {
  vscode.postMessage({ type: 'log', level: 'error', message: `webview: ${e.message}` });
});

const saved = parsePersistedState(decodeWire(vscode.getState()));
if (saved) app.restore(saved);
vscode.postMessage({ type: 'ready' });
