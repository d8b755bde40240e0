/**
 * The panel's state, owned here: what the host sent (payload or error), the values and their
 * evaluation, staleness and selection, and the ViewContext every view renders from. Views import
 * their context from here, never from app.ts (which imports the views).
 */
import { evaluate, gradientCheck, type Evaluation, type GradCheck, type SourceRange } from '../src/core';
import type {
  DebugValuesInfo,
  PanelError,
  PanelSettings,
  PersistedState,
  ShowPayload,
  WebviewToHost,
} from '../src/shared/protocol';
import { webMark } from './trace';

export interface AppHost {
  post(message: WebviewToHost): void;
  persist(state: PersistedState): void;
}

/** Everything a view needs to render. */
export interface ViewContext {
  payload: ShowPayload;
  ev: Evaluation;
  check: GradCheck[] | undefined;
  values: Record<string, number>;
  defaults: Set<string>;
  settings: PanelSettings;
  selected: number | null;
  /** When the current program or values arrived, for the views' timings (performance.now()). */
  timing?: PanelTiming;
  /** Set new values for inputs: re-evaluates and repaints. */
  setValues(values: Record<string, number>): void;
  select(nodeId: number | null): void;
  highlight(range: SourceRange | null): void;
  reveal(range: SourceRange): void;
  post(message: WebviewToHost): void;
}

/** Timestamps (performance.now()) for the views' measurements (the scale UI tests read them). */
export interface PanelTiming {
  /** The host's `show` message arrived (before validation) or the state was restored. */
  shownAt?: number;
  /** The last input edit started (setValues). */
  editAt?: number;
  /** The last evaluation (re-trace, forward, backward, diagnostics), ms. */
  evaluateMs?: number;
}

/** The panel's state; views read it through the ViewContext. */
export interface PanelState {
  payload?: ShowPayload;
  error?: PanelError;
  /** Current input values (the host's, then the user's edits). */
  values: Record<string, number>;
  /** Free inputs still at a default value. */
  defaults: Set<string>;
  ev?: Evaluation;
  check?: GradCheck[];
  /** Why the program could not be evaluated with these values. */
  evalError?: string;
  stale: boolean;
  selected: number | null;
  /** A note about the last run (a cancelled run), shown above what the panel shows. */
  notice?: string;
  timing: PanelTiming;
}

/**
 * What changed: `all` (new program, error, settings or staleness: render everything), `values`
 * (same program, new numbers: repaint in place), `selection` (the selected node).
 */
export type Change = 'all' | 'values' | 'selection';

export interface PanelStore {
  get(): Readonly<PanelState>;
  /** `listener` runs after every change; returns the unsubscribe function. */
  subscribe(listener: (change: Change, state: Readonly<PanelState>) => void): () => void;
  /** A new program; `receivedAt` (performance.now()) is when its message arrived. */
  show(payload: ShowPayload, receivedAt?: number): void;
  showError(error: PanelError): void;
  setStale(stale: boolean): void;
  setNotice(notice: string | null): void;
  setSettings(settings: PanelSettings): void;
  /** Where the values came from in a paused program (the debugger banner), or no banner (null). */
  setDebug(info: DebugValuesInfo | null): void;
  /** New values for some inputs (no longer defaults): re-evaluates. */
  setValues(values: Record<string, number>): void;
  select(nodeId: number | null): void;
  restore(state: PersistedState): void;
  /** What `vscode.setState` keeps. */
  persisted(): PersistedState;
}

/** The panel's store: every state change goes through it; the panel evaluates with the pure core. */
export function createPanelStore(): PanelStore {
  let s: PanelState = { values: {}, defaults: new Set(), stale: false, selected: null, timing: {} };
  const listeners = new Set<(change: Change, state: Readonly<PanelState>) => void>();
  const emit = (change: Change) => listeners.forEach((l) => l(change, s));

  /** Evaluates with the current values; true when a program re-traced for them has another graph. */
  function compute(): boolean {
    if (!s.payload) return false;
    const t0 = performance.now();
    try {
      const ev = evaluate(s.payload.program, s.values);
      // A program re-traced for new values may have another graph (a loop bound, a branch taken);
      // `evaluate` keeps the same program object when the graph's structure is unchanged.
      const retraced = ev.program !== s.payload.program;
      const payload = retraced ? { ...s.payload, program: ev.program } : s.payload;
      s = { ...s, payload, ev, check: gradientCheck(ev, 2e6), evalError: undefined };
      s.timing = { ...s.timing, evaluateMs: performance.now() - t0 };
      webMark('evaluated');
      return retraced;
    } catch (e) {
      s = { ...s, ev: undefined, evalError: (e as Error).message };
      return false;
    }
  }

  return {
    get: () => s,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    show(payload, receivedAt = performance.now()) {
      s = {
        ...s,
        timing: { shownAt: receivedAt },
        payload,
        error: undefined,
        values: { ...payload.values },
        defaults: new Set(payload.defaults),
        stale: false,
        selected: null,
        notice: undefined,
      };
      compute();
      emit('all');
    },
    showError(error) {
      s = { ...s, error, payload: undefined, ev: undefined, stale: false, notice: undefined };
      emit('all');
    },
    setNotice(notice) {
      s = { ...s, notice: notice ?? undefined };
      emit('all');
    },
    setStale(stale) {
      if (s.stale === stale) return; // e.g. `stale: false` right after a fresh `show`
      s = { ...s, stale };
      emit('all');
    },
    setSettings(settings) {
      if (!s.payload) return;
      s = { ...s, payload: { ...s.payload, settings } };
      emit('all');
    },
    setDebug(info) {
      if (!s.payload) return;
      s = { ...s, payload: { ...s.payload, debug: info ?? undefined } };
      emit('all');
    },
    setValues(next) {
      performance.mark('gl:edit');
      s = { ...s, timing: { ...s.timing, editAt: performance.now() } };
      const defaults = new Set(s.defaults);
      for (const k of Object.keys(next)) defaults.delete(k);
      s = { ...s, values: { ...s.values, ...next }, defaults };
      // Typed over a value from the debugger: that input is "typed" now.
      const debug = s.payload?.debug;
      if (debug) s = { ...s, payload: { ...s.payload!, debug: markTyped(debug, Object.keys(next)) } };
      const retraced = compute();
      emit(retraced ? 'all' : 'values');
    },
    select(nodeId) {
      s = { ...s, selected: nodeId };
      emit('selection');
    },
    restore(state) {
      const payload = state.payload;
      s = {
        ...s,
        timing: { shownAt: performance.now() },
        payload,
        error: state.error,
        values: state.values ?? payload?.values ?? {},
        defaults: new Set(payload?.defaults ?? []),
      };
      compute();
      emit('all');
    },
    persisted: () => ({
      payload: s.payload && { ...s.payload, values: s.values, defaults: [...s.defaults] },
      error: s.error,
      values: s.values,
    }),
  };
}

/** After the user typed values over the debugger's: those inputs are "typed", not "debugger". */
export function markTyped(info: DebugValuesInfo, names: readonly string[]): DebugValuesInfo {
  if (!info.applied) return info;
  const sources = { ...info.sources };
  for (const n of names) if (n in sources) sources[n] = 'user';
  return { ...info, sources };
}
