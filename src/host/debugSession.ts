/**
 * The link between Show gradients and a paused JavaScript/TypeScript debug session: when the
 * debugger is paused in the analysed file, the free inputs (parameters, let/var, access paths)
 * take the values the program holds in the active stack frame (read by debugValues.ts with only
 * stackTrace/scopes/variables requests). Steps and new stops refresh the panel; continuing or
 * ending the session marks it stale, keeping the last numbers.
 *
 * A source of values like the panel (docs/architecture.md): it follows the session's
 * `onDidPresent` (every result shown in the panel), reads the frame, and hands the values to
 * `session.setValues(values, 'debugger')`; the banner (`current`) goes to the panel through the
 * hooks. It never imports a view.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DebugValuesInfo, InputSource } from '../shared/protocol';
import type { Analysis, AnalysisResult } from './analyze';
import { config } from './config';
import {
  DebugValuesError,
  frameLocation,
  parseAccessPath,
  readDebugValues,
  readFrameArrays,
  type PausedFrame,
  type WantedInput,
} from './debugValues';
import { loadParser } from './parser';
import type { Session } from './session';

export interface DebugLinkHooks {
  /** The panel is open: a step or a new stop refreshes it. */
  panelVisible(): boolean;
  /** Show `analysis` (the session's current one, with the debugger's values) and its banner. */
  showInPanel(analysis: Analysis, info: DebugValuesInfo): void;
  /** Only the banner changed (stale, or why the values are not from the debugger). */
  postBanner(info: DebugValuesInfo | undefined): void;
  /** The program continued or ended: the inline values keep their numbers, marked stale. */
  markInlineStale(): void;
  log: vscode.LogOutputChannel;
}

const samePath = (a: string, b: string) => {
  const x = path.resolve(a);
  const y = path.resolve(b);
  return process.platform === 'win32' || process.platform === 'darwin' ? x.toLowerCase() === y.toLowerCase() : x === y;
};

const frameKey = (item: vscode.DebugStackFrame) => `${item.session.id}:${item.threadId}:${item.frameId}`;

export class DebugLink implements vscode.Disposable {
  /** What the panel's current numbers came from (undefined: not from a debugger). */
  current?: DebugValuesInfo;
  /** The analysis `current` belongs to (for the inline values provider). */
  analysis?: Analysis;
  /**
   * Every value the debugger gave, by input name: a value carried over from an earlier analysis
   * (extension.ts keeps free inputs' values across refreshes) that is one of these came from a
   * debugger, not from the user, and is not used when this frame has no number for the input.
   */
  private fromDebugger = new Map<string, Set<number>>();
  private chain: Promise<unknown> = Promise.resolve();
  /** Bumped when the program continues or ends: a read that started before is stale. */
  private epoch = 0;
  /** The arrays of the stop last read (shapeFromFrame). */
  private seedsAt?: { key: string; uri: string; values: Record<string, number>; rerun: Set<string> };
  /** The stop and document the last `seeds` call gave arrays for (the analysis being made). */
  private lastSeeded?: { key: string; uri: string };
  /** The document `current` is about. */
  private currentUri?: string;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when `current` changes (the inline values provider listens). */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly session: Session,
    private readonly hooks: DebugLinkHooks,
  ) {
    this.subscriptions = [
      this.changed,
      // Every result the panel shows: its values may come from the paused frame.
      session.onDidPresent(({ doc, result, panel }) => {
        // The analysis just made: did it get this stop's arrays (seeds) already?
        const seeded = this.lastSeeded?.uri === doc.uri.toString() ? this.lastSeeded.key : undefined;
        this.lastSeeded = undefined;
        if (panel) void this.apply(doc, result, seeded);
      }),
      vscode.debug.onDidChangeActiveStackItem((item) => {
        if (item instanceof vscode.DebugStackFrame) {
          // A step, a new stop, or another frame picked in the call stack: refresh from it,
          // with the new frame's arrays read first (prepare).
          if (this.session.target && this.hooks.panelVisible() && config.debugUseValues()) void this.refreshAt(item);
        } else this.markStale();
      }),
      vscode.debug.onDidTerminateDebugSession(() => this.markStale()),
    ];
  }

  private async refreshAt(item: vscode.DebugStackFrame): Promise<void> {
    const uri = this.session.target?.uri;
    const doc = uri && vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (doc) await this.prepare(doc).catch(() => undefined);
    // Only if that stop is still the one shown (a later step refreshes by itself).
    const now = vscode.debug.activeStackItem;
    if (now instanceof vscode.DebugStackFrame && frameKey(now) === frameKey(item) && this.hooks.panelVisible())
      this.session.refresh();
  }

  private markStale(): void {
    this.epoch++;
    if (!this.current || this.current.stale || !this.current.applied) return;
    this.current = { ...this.current, stale: true };
    this.hooks.postBanner(this.current);
    this.hooks.markInlineStale();
    this.changed.fire();
  }

  /**
   * When the debugger is paused in `doc`, gives the session the free inputs' values from the
   * paused frame (`session.setValues(values, 'debugger')`) and the panel its banner; otherwise
   * only says why not (or that the last numbers are stale). Sets `current`. Calls are serialized,
   * so a late answer for an older stop never overwrites a newer one.
   */
  apply(doc: vscode.TextDocument, result: AnalysisResult, seeded?: string): Promise<void> {
    const next = this.chain.then(() => this.applyNow(doc, result, seeded));
    this.chain = next.catch((e: unknown) => this.hooks.log.error('Debugger values failed', e));
    return next;
  }

  /** Sets `current`, tells the panel (banner only) and the inline values provider. */
  private banner(info: DebugValuesInfo | undefined): void {
    this.current = info;
    if (info) this.hooks.postBanner(info);
    this.changed.fire();
  }

  /**
   * Reads the paused frame's arrays (parameters and locals) by access path, for the session's
   * `seeds`, when the debugger is paused in `doc`: the interpreter shapes an array parameter from
   * them (`w[0]`, `w[1]` make `w` an array of 2). Called BEFORE Show gradients analyses `doc` and
   * before a new stop refreshes it, so the first result shown already has the frame's shapes (an
   * analysis with scalar defaults for `w` would fail with an interpreter error that flashes in
   * the panel). Once per stop and document.
   */
  async prepare(doc: vscode.TextDocument): Promise<void> {
    const item = vscode.debug.activeStackItem;
    if (!(item instanceof vscode.DebugStackFrame) || !config.debugUseValues()) return;
    const frame: PausedFrame = { session: item.session, threadId: item.threadId, frameId: item.frameId };
    const uri = doc.uri.toString();
    const key = frameKey(item);
    if (this.seedsAt?.key === key && this.seedsAt.uri === uri) return;
    let values: Record<string, number> = {};
    try {
      const where = await frameLocation(frame);
      // Unsaved changes: its lines may not be the program's (applyNow says so); not cached, so
      // that after a save the arrays are read.
      if (samePath(where.path, doc.uri.fsPath) && doc.isDirty) return;
      if (samePath(where.path, doc.uri.fsPath))
        values = (await readFrameArrays(frame, { maxArrayElements: config.debugMaxArrayElements() })).values;
    } catch (e) {
      // Not a JS session, no source, the frame went away: applyNow says why in the banner.
      this.hooks.log.warn(`Debugger values: could not read the frame's arrays: ${String(e)}`);
      return;
    }
    this.seedsAt = { key, uri, values, rerun: new Set() };
  }

  /**
   * A safety net behind `prepare` (a result presented without it, e.g. a refresh of a document
   * opened after the stop): when the result needs the frame's arrays (an error, or a free input
   * that is an array at the stop) the last Show gradients runs again with them, once per stop
   * and request; never when the result already had them (`seeded`: the stop whose arrays its
   * analysis got). True when it did.
   */
  private async shapeFromFrame(
    doc: vscode.TextDocument,
    result: AnalysisResult,
    item: vscode.DebugStackFrame,
    seeded: string | undefined,
  ): Promise<boolean> {
    if (seeded === frameKey(item)) return false;
    await this.prepare(doc);
    const at = this.seedsAt;
    if (!at || at.key !== frameKey(item) || at.uri !== doc.uri.toString()) return false;
    const { values, rerun } = at;
    const roots = new Set(Object.keys(values).map((k) => parseAccessPath(k)?.root));
    const needs =
      !result.ok || result.analysis.program.nodes.some((n) => n.kind === 'input' && n.free && roots.has(n.name));
    // Once per stop and request: a result that stays an error with the seeds is shown as it is.
    const attempt = `${doc.version}|${result.ok ? result.analysis.program.target.text : result.error.message}`;
    if (!needs || Object.keys(values).length === 0 || rerun.has(attempt)) return false;
    rerun.add(attempt);
    return this.session.rerun();
  }

  /** Seeds for the session's analysis of `uri` (see shapeFromFrame), while paused at that stop. */
  seeds(uri: string): Record<string, number> | undefined {
    const item = vscode.debug.activeStackItem;
    const at = this.seedsAt;
    if (!at || at.uri !== uri || !(item instanceof vscode.DebugStackFrame) || !config.debugUseValues())
      return undefined;
    if (at.key !== frameKey(item)) return undefined;
    this.lastSeeded = { key: at.key, uri };
    return at.values;
  }

  private async applyNow(doc: vscode.TextDocument, result: AnalysisResult, seeded?: string): Promise<void> {
    const item = vscode.debug.activeStackItem;
    const prev = this.current?.applied && this.currentUri === doc.uri.toString() ? this.current : undefined;
    const epoch = this.epoch;
    this.current = undefined;
    this.currentUri = doc.uri.toString();
    this.analysis = undefined;
    if (!config.debugUseValues()) return this.banner(undefined);
    if (item instanceof vscode.DebugStackFrame && (await this.shapeFromFrame(doc, result, item, seeded))) return;
    if (!result.ok) return this.banner(undefined);
    if (!(item instanceof vscode.DebugStackFrame)) {
      // Not paused (any more): the numbers carried over are the program's last ones; say so.
      // (Only for the same inputs: another target's numbers were never the program's.)
      const names = result.analysis.program.nodes.flatMap((n) => (n.kind === 'input' ? [n.name] : []));
      const same = prev && names.length === Object.keys(prev.sources).length && names.every((n) => n in prev.sources);
      return this.banner(same ? { ...prev, stale: true } : undefined);
    }
    const frame: PausedFrame = { session: item.session, threadId: item.threadId, frameId: item.frameId };
    const base: DebugValuesInfo = {
      applied: false,
      file: '',
      line: 0,
      frame: '',
      session: item.session.name,
      stale: false,
      sources: {},
      notes: {},
      remarks: {},
      truncated: [],
    };
    const { analysis } = result;
    const program = analysis.program;
    const free = program.nodes.flatMap((n) => (n.kind === 'input' && n.free ? [n] : []));
    try {
      // Where each free input is declared, and the scope that declaration lives in (parser).
      const scopes = loadParser().declarationScopes({
        text: doc.getText(),
        fileName: doc.fileName,
        offsets: free.map((n) => n.range.start),
      });
      const wanted: WantedInput[] = free.map((n, i) => {
        const s = scopes[i];
        const a = s && doc.positionAt(s.start);
        const b = s && doc.positionAt(s.end);
        return {
          name: n.name,
          at: { line: n.range.line, column: n.range.column },
          ...(s && a && b
            ? {
                declaredIn: {
                  label: s.label,
                  line: a.line + 1,
                  column: a.character + 1,
                  endLine: b.line + 1,
                  endColumn: b.character + 1,
                },
              }
            : {}),
        };
      });
      const frameFile = await frameLocation(frame);
      base.file = path.basename(frameFile.path);
      base.line = frameFile.line;
      base.frame = frameFile.name;
      if (!samePath(frameFile.path, doc.uri.fsPath)) {
        return this.banner({
          ...base,
          message: `The debugger is paused in ${base.file}:${base.line} (frame ${base.frame}), not in this file: values are not from the program.`,
        });
      }
      if (doc.isDirty) {
        return this.banner({
          ...base,
          message: `${path.basename(doc.fileName)} has unsaved changes, so its lines may not be the ones the paused program runs: values are not taken from the debugger. Save the file and restart the program.`,
        });
      }
      const read = await readDebugValues(frame, wanted, { maxArrayElements: config.debugMaxArrayElements() });

      // The given values: the debugger's; else what the user typed (not a stale debugger value).
      const given: Record<string, number> = {};
      const sources: Record<string, InputSource> = {};
      const defaults = new Set(analysis.defaults);
      for (const n of free) {
        if (n.name in read.values) {
          given[n.name] = read.values[n.name];
          sources[n.name] = 'debugger';
        } else if (!defaults.has(n.name) && !this.fromDebugger.get(n.name)?.has(analysis.values[n.name])) {
          given[n.name] = analysis.values[n.name];
          sources[n.name] = 'user';
        }
      }
      // A newer result (another Show gradients, a step) or values typed meanwhile: theirs win.
      if (this.session.current !== analysis) return;
      this.session.setValues(given, 'debugger');
      const next = this.session.current;
      if (!next) return;
      for (const n of next.program.nodes) {
        if (n.kind !== 'input' || n.name in sources) continue;
        sources[n.name] = n.free ? 'default' : 'source';
      }
      for (const [name, v] of Object.entries(read.values)) {
        let set = this.fromDebugger.get(name);
        if (!set || set.size > 1000) this.fromDebugger.set(name, (set = new Set()));
        set.add(v);
      }
      this.current = {
        ...base,
        applied: true,
        // The program went on while we read: these were its values, not its current ones.
        stale: this.epoch !== epoch,
        sources,
        notes: read.notes,
        remarks: read.remarks,
        truncated: read.truncated,
      };
      this.analysis = next;
      this.hooks.log.info(
        `Debugger values from ${base.file}:${base.line} (${base.frame}): ${Object.keys(read.values).length} read, ${Object.keys(read.notes).length} not usable`,
      );
      this.hooks.showInPanel(next, this.current);
      this.changed.fire();
    } catch (e) {
      const message =
        e instanceof DebugValuesError
          ? e.message
          : `Could not read values from the debugger: ${e instanceof Error ? e.message : String(e)}`;
      this.hooks.log.warn(`Debugger values: ${message}`);
      this.banner(this.epoch !== epoch && prev ? { ...prev, stale: true } : { ...base, message });
    }
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
  }
}
