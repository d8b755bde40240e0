/**
 * The analysis session: the one owner of what Gradient Lens is looking at.
 *
 * It holds the analysed target (document, selection, declaration name), the current analysis
 * and the last good one, the input values with where each came from, the staleness after
 * edits, the one edit debounce, and re-targeting after lines move. It never imports a view:
 * the panel, inline values, hover and CodeLens subscribe to its events and ask it.
 *
 * Extension points (the program interpreter and the debugger plug in here):
 * - `analyze` turns text + where into an analysis (default: src/host/analyze.ts);
 * - `evaluate` re-evaluates an analysis with new values; it may return a different program
 *   (a re-traced one whose shape depends on the values), the views follow;
 * - `setValues(values, source)` tags every value with its source (`panel`, `debugger`, ...).
 *
 * Runs: every analysis runs the program in slices (src/host/run.ts); one run at a time, a newer
 * request (Show gradients, a refresh, a recompute after an edit) supersedes the running one, and
 * `cancelRun` stops it: the views keep the last numbers and get `onDidCancel`'s notice.
 */
import * as vscode from 'vscode';
import type { ShowPayload } from '../shared/protocol';
import {
  analyze as analyzeText,
  documentRef,
  evaluateProgram,
  type Analysis,
  type AnalysisResult,
  type AnalyzeRequest,
} from './analyze';
import { config } from './config';
import { ActiveRun } from './run';
import { beginTrace, mark } from './trace';

/** Where an input's value came from. */
export type ValueSource = 'source' | 'default' | 'panel' | 'debugger' | (string & {});

export interface SessionTarget {
  uri: string;
  /** The declaration's name, used to find it again when edits above moved it. */
  name?: string;
  selection: { start: number; end: number };
}

/** A fresh result for the target. `panel`: show it in the panel (opening it), not only inline. */
export interface Presented {
  doc: vscode.TextDocument;
  result: AnalysisResult;
  panel: boolean;
}

/** The target document changed. `pending`: a recompute is scheduled (numbers are not stale yet). */
export interface Edited {
  event: vscode.TextDocumentChangeEvent;
  pending: boolean;
}

/** A run the user cancelled: the last numbers stay; `panel`: the run was for the panel. */
export interface Cancelled {
  doc: vscode.TextDocument;
  /** "Cancelled: the run of loss (line 12) was stopped after 3.2 s (3.2M steps)" */
  message: string;
  panel: boolean;
}

/** What the session needs to know about the views, without importing them. */
export interface SessionViews {
  panelVisible(): boolean;
  /** Inline values are shown for this document (a recompute on edit is wanted). */
  inlineShowing(uri: string): boolean;
  /**
   * The panel's share of a fresh result, before `onDidPresent` tells the other views: settles when
   * the webview has it. VS Code delivers a webview message only while the extension host is idle,
   * so the inline values, CodeLens and logs wait (issue 11).
   */
  presentInPanel?(presented: Presented): Promise<void>;
}

export interface SessionDeps {
  views: SessionViews;
  analyze?: (req: AnalyzeRequest, run: ActiveRun) => Promise<AnalysisResult>;
  evaluate?: (analysis: Analysis, values: Record<string, number>, defaultFreeValue: number) => Analysis;
  /**
   * Values that shape a document's function parameters before the user gave any (`w[0]` makes
   * the parameter `w` an array): the paused debugger's arrays. Below the values carried over.
   */
  seeds?: (uri: string) => Record<string, number> | undefined;
}

export class Session implements vscode.Disposable {
  /** The analysis the panel shows (undefined after an error in the panel or when it closed). */
  current?: Analysis;
  /** The last analysis that succeeded: values typed by the user survive a transient error. */
  private lastGood?: Analysis;
  target?: SessionTarget;
  private sources = new Map<string, ValueSource>();
  /** The last `show` request: `rerun` repeats it (its result may have been an error). */
  private lastShow?: { uri: string; selection: { start: number; end: number } };
  private timer?: NodeJS.Timeout;
  private readonly analyzeFn: NonNullable<SessionDeps['analyze']>;
  /** The run in progress, if any. */
  private active?: ActiveRun;
  private readonly evaluateFn: NonNullable<SessionDeps['evaluate']>;
  /** Counts setValues calls (present: did values change while the panel got its message?). */
  private valueEdits = 0;

  private readonly presented = new vscode.EventEmitter<Presented>();
  private readonly valuesChanged = new vscode.EventEmitter<Analysis>();
  private readonly edited = new vscode.EventEmitter<Edited>();
  /** A fresh analysis or error for the target (Show gradients, refresh, recompute after an edit). */
  readonly onDidPresent = this.presented.event;
  /** New input values for the current analysis (from the panel, the debugger...). */
  readonly onDidChangeValues = this.valuesChanged.event;
  /** The target document was edited: the numbers shown are now stale (or about to be recomputed). */
  readonly onDidEdit = this.edited.event;
  private readonly runStarted = new vscode.EventEmitter<ActiveRun>();
  private readonly cancelled = new vscode.EventEmitter<Cancelled>();
  /** A run of the program starts (its progress, its end: see ActiveRun). */
  readonly onDidStartRun = this.runStarted.event;
  /** The user cancelled a run: nothing new to show, the last numbers stay. */
  readonly onDidCancel = this.cancelled.event;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly deps: SessionDeps) {
    this.analyzeFn = deps.analyze ?? analyzeText;
    this.evaluateFn = deps.evaluate ?? ((a, values, dflt) => evaluateProgram(a.program, a.document, values, dflt));
    this.disposables = [
      this.presented,
      this.valuesChanged,
      this.edited,
      this.runStarted,
      this.cancelled,
      vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e)),
      { dispose: () => clearTimeout(this.timer) },
      { dispose: () => this.active?.supersede() },
    ];
  }

  /** Analyse `where` in `doc` and show it in the panel (Show gradients, the CodeLens). Settles when shown. */
  show(doc: vscode.TextDocument, selection: { start: number; end: number }): Promise<void> {
    this.lastShow = { uri: doc.uri.toString(), selection };
    return this.job(doc, 'Show gradients', async (run) => {
      const result = await this.run(doc, { selection }, run);
      return result && { result, panel: true };
    });
  }

  /** Repeat the last `show` (new seeds may make it succeed); false when its document is gone. */
  rerun(): boolean {
    const last = this.lastShow;
    const doc = last && vscode.workspace.textDocuments.find((d) => d.uri.toString() === last.uri);
    if (!last || !doc) return false;
    void this.show(doc, last.selection);
    return true;
  }

  /** Recompute the target from its document as it is now and show it in the panel. Settles when shown. */
  refresh(): Promise<void> {
    const doc = this.targetDocument();
    if (!doc) return Promise.resolve();
    return this.job(doc, 'Refresh', async (run) => {
      const result = await this.reanalyze(doc, run);
      return result && { result, panel: true };
    });
  }

  /** The run in progress, if any. */
  get running(): ActiveRun | undefined {
    return this.active;
  }

  /** The user stops the running analysis (the progress notification's Cancel, a command). */
  cancelRun(): boolean {
    if (!this.active || this.active.state !== 'running') return false;
    this.active.cancel();
    return true;
  }

  /** New values for the current analysis's inputs. */
  setValues(values: Record<string, number>, source: ValueSource = 'panel'): void {
    const a = this.current;
    if (!a) return;
    for (const name of Object.keys(values)) if (a.values[name] !== values[name]) this.sources.set(name, source);
    this.current = this.lastGood = this.evaluateFn(a, values, config.defaultFreeInputValue());
    this.valueEdits++;
    this.valuesChanged.fire(this.current);
  }

  /** Where each input's value of the current analysis came from. */
  valueSources(): Record<string, ValueSource> {
    const a = this.current;
    if (!a) return {};
    const defaults = new Set(a.defaults);
    return Object.fromEntries(
      a.program.nodes.flatMap((n) =>
        n.kind === 'input'
          ? [[n.name, defaults.has(n.name) ? 'default' : (this.sources.get(n.name) ?? (n.free ? 'panel' : 'source'))]]
          : [],
      ),
    );
  }

  /** The panel closed: it shows nothing any more. */
  panelClosed(): void {
    this.current = undefined;
  }

  /** VS Code restored the panel after a reload: take over its target and values, then recompute. */
  restore(payload: ShowPayload): void {
    const t = payload.program.target;
    this.target = { uri: payload.document.uri, name: t.name, selection: { start: t.range.start, end: t.range.end } };
    try {
      this.current = this.lastGood = evaluateProgram(
        payload.program,
        payload.document,
        payload.values,
        config.defaultFreeInputValue(),
      );
    } catch {
      this.current = undefined;
    }
  }

  /**
   * The panel first (its message goes out while the host is idle), then every view's
   * `onDidPresent`. Settles when all have it.
   */
  private async present(doc: vscode.TextDocument, result: AnalysisResult, panel: boolean): Promise<void> {
    if (result.ok) {
      const t = result.analysis.program.target;
      this.target = { uri: doc.uri.toString(), name: t.name, selection: { start: t.range.start, end: t.range.end } };
    } else if (panel) {
      this.current = undefined; // the panel shows the error now
    }
    const edits = this.valueEdits;
    try {
      await this.deps.views.presentInPanel?.({ doc, result, panel });
    } catch (e) {
      // As a listener's error would not have stopped the other listeners: they still get it.
      console.error('Gradient Lens: the panel could not show the result', e);
    }
    mark('panelHas');
    // Values typed in the panel meanwhile re-evaluated `current` (and told the views): the other
    // views get those numbers, not the result's older ones.
    const now = this.current;
    const latest: AnalysisResult = result.ok && now && this.valueEdits !== edits ? { ok: true, analysis: now } : result;
    this.presented.fire({ doc, result: latest, panel });
  }

  /**
   * Runs `work` as the one active run (superseding the one before) and presents its result:
   * nothing when a newer request superseded it, the cancel notice when the user cancelled it.
   */
  private async job(
    doc: vscode.TextDocument,
    request: string,
    work: (run: ActiveRun) => Promise<{ result: AnalysisResult; panel: boolean } | undefined>,
  ): Promise<void> {
    this.active?.supersede();
    // Show gradients began its trace in the command (src/host/commands.ts); other runs begin here.
    if (request === 'Show gradients') mark('job');
    else beginTrace('job');
    const run = new ActiveRun(request, doc.uri.toString());
    this.active = run;
    this.runStarted.fire(run);
    try {
      const out = await work(run);
      if (!out || run.state === 'superseded') return;
      const { result, panel } = out;
      if (!result.ok && result.error.code === 'cancelled') {
        this.cancelled.fire({ doc, message: result.error.message, panel });
        return;
      }
      await this.present(doc, result, panel);
      mark('presented');
    } finally {
      if (this.active === run) this.active = undefined;
      run.end();
    }
  }

  private async run(
    doc: vscode.TextDocument,
    where: AnalyzeRequest['where'],
    active: ActiveRun,
  ): Promise<AnalysisResult | undefined> {
    // Carry over only what the user typed for free inputs: a const's value comes from the source,
    // so a refresh after editing `const x = 3` (by hand or by Apply to source) shows the new value.
    // The last good analysis, not the current one: a transient syntax error while typing (recompute,
    // autoRefresh) must not reset the values the user typed.
    const sameDoc = this.lastGood && this.lastGood.document.uri === doc.uri.toString();
    if (!sameDoc) this.sources.clear();
    const seeds = this.deps.seeds?.(doc.uri.toString());
    const kept = sameDoc ? freeValues(this.lastGood!) : undefined;
    const result = await this.analyzeFn(
      {
        text: doc.getText(),
        document: documentRef(doc),
        where,
        values: seeds ? { ...seeds, ...kept } : kept,
        defaultFreeValue: config.defaultFreeInputValue(),
        budgets: config.budgets(),
      },
      active,
    );
    // A newer request took over while this one ran: its result is not wanted any more.
    if (active.state === 'superseded') return undefined;
    if (result.ok) this.current = this.lastGood = result.analysis;
    return result;
  }

  private targetDocument(): vscode.TextDocument | undefined {
    const target = this.target;
    return target && vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.uri);
  }

  private async reanalyze(doc: vscode.TextDocument, active: ActiveRun): Promise<AnalysisResult | undefined> {
    const target = this.target;
    if (!target) return undefined;
    // Re-target by the last range; when edits above moved the declaration, by its name.
    let result = await this.run(doc, { selection: target.selection }, active);
    if (!result) return undefined;
    // A budget error (an endless loop) would only repeat by name, and take as long again; a
    // cancelled run stays cancelled.
    const retry = result.ok
      ? result.analysis.program.target.name !== target.name
      : result.error.code !== 'budget' && result.error.code !== 'cancelled';
    if (target.name && retry) {
      // The declaration's own result wins, its error included (a syntax error typed into it must
      // show, not a still-valid piece of it); only a name that no longer exists keeps the first.
      const byName = await this.run(doc, { name: target.name }, active);
      if (!byName) return undefined;
      if (byName.ok || byName.error.code !== 'no-expression') result = byName;
    }
    return result;
  }

  /** The one edit debounce: autoRefresh (open panel) and inline onEdit = recompute share it. */
  private documentChanged(e: vscode.TextDocumentChangeEvent): void {
    const uri = e.document.uri.toString();
    if (!this.target || uri !== this.target.uri || e.contentChanges.length === 0) return;
    const panelAuto = this.deps.views.panelVisible() && config.autoRefresh();
    const inlineRecompute = this.deps.views.inlineShowing(uri) && config.inlineOnEdit() === 'recompute';
    if (panelAuto || inlineRecompute) {
      const delay = Math.min(
        panelAuto ? config.autoRefreshDelay() : Infinity,
        inlineRecompute ? config.inlineDebounceMs() : Infinity,
      );
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.recomputeAfterEdit(panelAuto);
      }, delay);
    }
    this.edited.fire({ event: e, pending: inlineRecompute });
  }

  /** A recompute is scheduled. */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  private recomputeAfterEdit(panelAuto: boolean): Promise<void> {
    const doc = this.targetDocument();
    if (!doc) return Promise.resolve();
    return this.job(doc, 'Recompute', async (run) => {
      const result = await this.reanalyze(doc, run);
      // An error while typing goes to the panel only with autoRefresh; inline values keep their
      // numbers, marked stale.
      return result && { result, panel: this.deps.views.panelVisible() && (result.ok || panelAuto) };
    });
  }

  /** Cancels a scheduled recompute (Clear gradients). */
  cancelPending(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

/** The values of free inputs (parameters, let/var): the ones a refresh must keep. */
function freeValues(analysis: Analysis): Record<string, number> {
  const free = new Set(analysis.program.nodes.flatMap((n) => (n.kind === 'input' && n.free ? [n.name] : [])));
  const defaults = new Set(analysis.defaults);
  return Object.fromEntries(Object.entries(analysis.values).filter(([name]) => free.has(name) && !defaults.has(name)));
}
