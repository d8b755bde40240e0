/**
 * The gradient panel's webview: receives a program from the host, evaluates it with the
 * pure core (so editing an input needs no round trip), renders, and keeps its state with
 * setState so the panel survives being hidden and VS Code reloading.
 */
import type { HostToWebview, PersistedState, WebviewToHost } from '../src/shared/protocol';
import { registerToolkit } from './toolkit';
import { decodeWire, encodeWire } from '../src/shared/wire';
import { createApp, type App } from './app';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): PersistedState | undefined;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
registerToolkit();

const root = document.getElementById('app')!;
const app: App = createApp(root, {
  post: (m) => vscode.postMessage(encodeWire(m) as WebviewToHost),
  persist: (s) => vscode.setState(s),
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = decodeWire(event.data) as HostToWebview;
  if (!msg || typeof msg !== 'object' || typeof (msg as { type?: unknown }).type !== 'string') return;
  try {
    app.handle(msg);
  } catch (e) {
    vscode.postMessage({ type: 'log', level: 'error', message: `webview: ${(e as Error).stack ?? e}` });
  }
});

window.addEventListener('error', (e) => {
  vscode.postMessage({ type: 'log', level: 'error', message: `webview: ${e.message}` });
});

const saved = vscode.getState();
if (saved) app.restore(saved);
vscode.postMessage({ type: 'ready' });
