/**
 * Every `gradientLens.*` setting, read and clamped in one place: one getter per setting
 * (package.json `contributes.configuration` declares them; the bounds here are the same).
 * Everything else in the host asks this module; nothing else calls getConfiguration.
 */
import * as vscode from 'vscode';
import type { PanelSettings } from '../shared/protocol';
import type { Budgets } from '../core/interpret';
import type { InlineShow } from './inlineText';

const SECTION = 'gradientLens';

function read(key: string): unknown {
  return vscode.workspace.getConfiguration(SECTION).get<unknown>(key);
}

function num(key: string, fallback: number, min = -Infinity, max = Infinity, integer = false): number {
  const v = read(key);
  if (typeof v !== 'number' || !Number.isFinite(v)) return fallback;
  return Math.max(min, Math.min(max, integer ? Math.round(v) : v));
}

function bool(key: string, fallback: boolean): boolean {
  const v = read(key);
  return typeof v === 'boolean' ? v : fallback;
}

function oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  const v = read(key);
  return allowed.includes(v as T) ? (v as T) : fallback;
}

export type InlineOnEdit = 'stale' | 'recompute';

export interface InlineSettings {
  show: InlineShow;
  precision: number;
  onEdit: InlineOnEdit;
  debounceMs: number;
  clearOnPanelClose: boolean;
  /** Inline values are shortened so that code + values end by this column (0: never shortened). */
  maxColumn: number;
}

export const config = {
  /** Graphs with more nodes are folded in the panel. */
  maxRenderedNodes: () => num('maxRenderedNodes', 2000, 10, Infinity, true),
  /** Significant digits in the panel. */
  precision: () => num('precision', 4, 1, 17, true),
  /** Recompute the open panel after edits. */
  autoRefresh: () => bool('autoRefresh', false),
  /** Milliseconds after the last edit before an automatic refresh. */
  autoRefreshDelay: () => num('autoRefreshDelay', 400, 0),
  /** Value of free inputs (parameters, let/var) until the user sets one. */
  defaultFreeInputValue: () => num('defaultFreeInputValue', 1),
  inlineShow: () => oneOf<InlineShow>('inline.show', ['both', 'value', 'gradient', 'off'], 'both'),
  inlinePrecision: () => num('inline.precision', 4, 1, 17, true),
  inlineOnEdit: () => oneOf<InlineOnEdit>('inline.onEdit', ['stale', 'recompute'], 'stale'),
  inlineDebounceMs: () => num('inline.debounceMs', 500, 0),
  inlineClearOnPanelClose: () => bool('inline.clearOnPanelClose', false),
  // The panel opens beside the editor: about 60 columns of a half-width editor are visible (VS Code
  // tells extensions no editor width: microsoft/vscode#174159, #211579).
  inlineMaxColumn: () => num('inline.maxColumn', 60, 0, 10_000, true),
  /** Interpreter budgets for one run of the program in the editor (core/interpret.ts DEFAULT_BUDGETS). */
  budgets: (): Required<Budgets> => ({
    maxSteps: num('budget.maxSteps', 100_000_000, 1000, Infinity, true),
    maxNodes: num('budget.maxNodes', 8_000_000, 1000, Infinity, true),
    maxDepth: num('budget.maxCallDepth', 10_000, 10, Infinity, true),
    maxMillis: num('budget.maxMillis', 1000, 50, Infinity, true),
  }),
  hoverEnabled: () => bool('hover.enabled', true),
  codeLensEnabled: () => bool('codeLens.enabled', true),
  /** Take free inputs' values from a paused debug session in the analysed file. */
  debugUseValues: () => bool('debug.useValues', true),
  /** At most this many elements of each array are read from a paused program. */
  debugMaxArrayElements: () => num('debug.maxArrayElements', 1000, 1, Infinity, true),
  /**
   * VS Code's own `debug.inlineValues` (not ours): whether it shows inline values of a paused
   * program, so our debug inline values provider's gradients appear (`auto`: with a provider, yes).
   */
  debugInlineValuesShown: (): boolean => {
    const v = vscode.workspace.getConfiguration('debug').get<unknown>('inlineValues');
    return v !== false && v !== 'off';
  },

  /** What the webview needs (sent with every `show` and on change). */
  panelSettings: (): PanelSettings => ({
    maxRenderedNodes: config.maxRenderedNodes(),
    precision: config.precision(),
    autoRefresh: config.autoRefresh(),
  }),
  inlineSettings: (): InlineSettings => ({
    show: config.inlineShow(),
    precision: config.inlinePrecision(),
    onEdit: config.inlineOnEdit(),
    debounceMs: config.inlineDebounceMs(),
    clearOnPanelClose: config.inlineClearOnPanelClose(),
    maxColumn: config.inlineMaxColumn(),
  }),

  /** Fires `listener` when any setting under `gradientLens.<prefix>` changes (all of them without a prefix). */
  onDidChange(listener: () => void, ...prefixes: string[]): vscode.Disposable {
    const keys = prefixes.length ? prefixes.map((p) => `${SECTION}.${p}`) : [SECTION];
    return vscode.workspace.onDidChangeConfiguration((e) => {
      if (keys.some((k) => e.affectsConfiguration(k))) listener();
    });
  },
};
