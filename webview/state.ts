/**
 * The panel's state, owned here: what the host sent (payload or error), the values and their
 * evaluation, staleness and selection, and the ViewContext every view renders from. Views import
 * their context from here, never from app.ts (which imports the views).
 */
import type { Evaluation, GradCheck, SourceRange } from '../src/core';
import type { PanelSettings, PersistedState, ShowPayload, WebviewToHost } from '../src/shared/protocol';

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
  /** Set new values for inputs: re-evaluates and repaints. */
  setValues(values: Record<string, number>): void;
  select(nodeId: number | null): void;
  highlight(range: SourceRange | null): void;
  reveal(range: SourceRange): void;
  post(message: WebviewToHost): void;
}
