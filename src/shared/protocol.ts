/**
 * The message protocol between the extension host and the gradient panel's webview.
 * Type-only (no runtime code): imported by src/ and webview/ alike.
 *
 * Handshake: the webview posts `ready` once its script runs; the host answers with `show`
 * (or `error`). The host never posts before `ready`. The webview re-evaluates the program
 * itself (the core is pure TypeScript), so editing an input needs no round trip.
 */
import type { ExprProgram, SourceRange } from '../core/expr';

/** What the panel shows: one expression from one document. */
export interface ShowPayload {
  program: ExprProgram;
  /** Values for inputs: given by the user in the panel, or defaults for free inputs. */
  values: Record<string, number>;
  /** Free inputs whose value is a default the user has not set yet (shown as such). */
  defaults: string[];
  document: DocumentRef;
  settings: PanelSettings;
  /** Set when the values came from a paused debug session (src/host/debugSession.ts). */
  debug?: DebugValuesInfo;
}

/** Where an input's value came from. */
export type InputSource = 'debugger' | 'source' | 'user' | 'default';

/** The paused program the values were read from (or why they were not). */
export interface DebugValuesInfo {
  /** Values were taken from the frame (false: `message` says why not). */
  applied: boolean;
  /** File name (no folder), 1-based line, and the frame's function name. */
  file: string;
  line: number;
  frame: string;
  session: string;
  /** The program continued or ended since: the numbers are the last ones it held. */
  stale: boolean;
  /** Input name → where its value came from. */
  sources: Record<string, InputSource>;
  /** Input name → why the debugger's value was not used (not a number, undefined, ...). */
  notes: Record<string, string>;
  /** Input name → remarks on values that were used (shadowing). */
  remarks: Record<string, string>;
  /** Arrays the element cap cut short. */
  truncated: Array<{ path: string; length: number; read: number }>;
  message?: string;
}

export interface DocumentRef {
  uri: string;
  fileName: string;
  version: number;
  languageId: string;
}

export interface PanelSettings {
  /** Beyond this many nodes the graph is folded/summarized; tables stay complete. */
  maxRenderedNodes: number;
  /** Significant digits shown (full precision stays in data attributes and tooltips). */
  precision: number;
  autoRefresh: boolean;
}

export interface PanelError {
  message: string;
  code: string;
  line?: number;
  column?: number;
  start?: number;
  end?: number;
}

// ---- host → webview -------------------------------------------------------------------

export interface ShowMessage {
  type: 'show';
  payload: ShowPayload;
}
export interface ErrorMessage {
  type: 'error';
  error: PanelError;
  document?: DocumentRef;
}
/** The source changed since the panel was computed. */
export interface StaleMessage {
  type: 'stale';
  stale: boolean;
}
/** The editor's cursor moved onto a node's source range (or off every node: null). */
export interface SelectNodeMessage {
  type: 'selectNode';
  nodeId: number | null;
}
/** The host asks the webview to describe what it rendered (tests and accessibility checks). */
export interface ProbeMessage {
  type: 'probe';
  requestId: number;
}
/** Host-initiated actions (from commands or tests). */
export interface CommandMessage {
  type: 'command';
  command: 'step' | 'play' | 'reset' | 'fit' | 'export' | 'train' | 'stopTraining';
  args?: Record<string, unknown>;
}
/** The debug values' banner changed (the program continued: stale), or went away (null). */
export interface DebugMessage {
  type: 'debug';
  info: DebugValuesInfo | null;
}
export interface SettingsMessage {
  type: 'settings';
  settings: PanelSettings;
}

export type HostToWebview =
  | ShowMessage
  | ErrorMessage
  | StaleMessage
  | SelectNodeMessage
  | ProbeMessage
  | CommandMessage
  | SettingsMessage
  | DebugMessage;

// ---- webview → host -------------------------------------------------------------------

export interface ReadyMessage {
  type: 'ready';
}
/** Hover/selection of a node: highlight its source range (null clears). */
export interface HighlightMessage {
  type: 'highlight';
  range: SourceRange | null;
}
/** Click on a node or an error: move the editor's selection to the range. */
export interface RevealMessage {
  type: 'reveal';
  range: SourceRange;
}
/** The user edited input values in the panel (host updates inline values). */
export interface ValuesChangedMessage {
  type: 'valuesChanged';
  values: Record<string, number>;
}
export interface RefreshMessage {
  type: 'refresh';
}
export type ExportFormat = 'svg' | 'png' | 'dot' | 'json';
/** Save exported content through VS Code's save dialog. PNG content is base64. */
export interface ExportMessage {
  type: 'export';
  format: ExportFormat;
  content: string;
  suggestedName: string;
}
/** Write trained values back into the source's const declarations. */
export interface ApplyValuesMessage {
  type: 'applyValues';
  values: Record<string, number>;
}
export interface ProbeResultMessage {
  type: 'probeResult';
  requestId: number;
  result: PanelProbe;
}
export interface LogMessage {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
}

export type WebviewToHost =
  | ReadyMessage
  | HighlightMessage
  | RevealMessage
  | ValuesChangedMessage
  | RefreshMessage
  | ExportMessage
  | ApplyValuesMessage
  | ProbeResultMessage
  | LogMessage;

/** What the webview rendered, read back from its DOM's data attributes. */
export interface PanelProbe {
  title: string;
  error?: string;
  stale: boolean;
  nodes: Array<{ id: number; label: string; value: number; grad: number; ariaLabel: string }>;
  inputs: Array<{ name: string; value: number; grad: number }>;
  /** Free-form details individual views add (stepper text, training state ...). */
  extra: Record<string, unknown>;
}

/** State kept with `vscode.setState` and restored by the panel serializer after a reload. */
export interface PersistedState {
  payload?: ShowPayload;
  error?: PanelError;
  values?: Record<string, number>;
}
