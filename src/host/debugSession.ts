/**
 * The link between Show gradients and a paused JavaScript/TypeScript debug session: when the
 * debugger is paused in the analysed file, the free inputs (parameters, let/var, access paths)
 * take the values the program holds in the active stack frame (read by debugValues.ts with only
 * stackTrace/scopes/variables requests). Steps and new stops refresh the panel; continuing or
 * ending the session marks it stale, keeping the last numbers.
 *
 * Integration (src/extension.ts): `apply()` after every analysis the user asked for (Show
 * gradients, Refresh), `current` into the panel's payload, and the `refresh`/`stale` hooks.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DebugValuesInfo, InputSource } from '../shared/protocol';
import { evaluateProgram, type Analysis, type AnalysisResult } from './analyze';
import { DebugValuesError, frameLocation, readDebugValues, type PausedFrame, type WantedInput } from './debugValues';
import { loadParser } from './parser';

export interface DebugLinkHooks {
  /** Re-run the panel's analysis (it calls apply() again with the new frame). */
  refresh(): void;
  /** The program continued or ended: show `info` (stale) and mark the inline values stale. */
  stale(info: DebugValuesInfo): void;
  /** The panel's current target document, if any. */
  targetUri(): string | undefined;
  defaultFreeValue(): number;
  log: vscode.LogOutputChannel;
}

export function debugSettings(): { enabled: boolean; maxArrayElements: number } {
  const c = vscode.workspace.getConfiguration('gradientLens.debug');
  return {
    enabled: c.get<boolean>('useValues', true),
    maxArrayElements: Math.max(1, Math.floor(c.get<number>('maxArrayElements', 1000))),
  };
}

const samePath = (a: string, b: string) => {
  const x = path.resolve(a);
  const y = path.resolve(b);
  return process.platform === 'win32' || process.platform === 'darwin' ? x.toLowerCase() === y.toLowerCase() : x === y;
};

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
  /** The document `current` is about. */
  private currentUri?: string;
  /** The result the last apply() returned: `current` describes it and nothing else. */
  private returned?: AnalysisResult;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when `current` changes (the inline values provider listens). */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly hooks: DebugLinkHooks) {
    this.subscriptions = [
      this.changed,
      vscode.debug.onDidChangeActiveStackItem((item) => {
        if (item instanceof vscode.DebugStackFrame) {
          // A step, a new stop, or another frame picked in the call stack: refresh from it.
          if (this.hooks.targetUri() && debugSettings().enabled) this.hooks.refresh();
        } else this.markStale();
      }),
      vscode.debug.onDidTerminateDebugSession(() => this.markStale()),
    ];
  }

  /** What the panel should say about `result`'s values (undefined unless apply() produced it). */
  infoFor(result: AnalysisResult): DebugValuesInfo | undefined {
    return result === this.returned ? this.current : undefined;
  }

  private markStale(): void {
    this.epoch++;
    if (!this.current || this.current.stale || !this.current.applied) return;
    this.current = { ...this.current, stale: true };
    this.hooks.stale(this.current);
    this.changed.fire();
  }

  /**
   * The analysis with its free inputs' values from the paused frame, when the debugger is paused
   * in `doc`; the result unchanged otherwise. Sets `current` (what the panel says about it).
   * Calls are serialized, so a late answer for an older stop never overwrites a newer one.
   */
  apply(doc: vscode.TextDocument, result: AnalysisResult): Promise<AnalysisResult> {
    const next = this.chain.then(async () => (this.returned = await this.applyNow(doc, result)));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async applyNow(doc: vscode.TextDocument, result: AnalysisResult): Promise<AnalysisResult> {
    const item = vscode.debug.activeStackItem;
    const prev = this.current?.applied && this.currentUri === doc.uri.toString() ? this.current : undefined;
    const epoch = this.epoch;
    this.current = undefined;
    this.currentUri = doc.uri.toString();
    this.analysis = undefined;
    if (!result.ok || !debugSettings().enabled) {
      this.changed.fire();
      return result;
    }
    if (!(item instanceof vscode.DebugStackFrame)) {
      // Not paused (any more): the numbers carried over are the program's last ones; say so.
      // (Only for the same inputs: another target's numbers were never the program's.)
      const names = result.analysis.program.nodes.flatMap((n) => (n.kind === 'input' ? [n.name] : []));
      const same = prev && names.length === Object.keys(prev.sources).length && names.every((n) => n in prev.sources);
      this.current = same ? { ...prev, stale: true } : undefined;
      this.changed.fire();
      return result;
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
        this.current = {
          ...base,
          message: `The debugger is paused in ${base.file}:${base.line} (frame ${base.frame}), not in this file: values are not from the program.`,
        };
        this.changed.fire();
        return result;
      }
      if (doc.isDirty) {
        this.current = {
          ...base,
          message: `${path.basename(doc.fileName)} has unsaved changes, so its lines may not be the ones the paused program runs: values are not taken from the debugger. Save the file and restart the program.`,
        };
        this.changed.fire();
        return result;
      }
      const read = await readDebugValues(frame, wanted, { maxArrayElements: debugSettings().maxArrayElements });

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
      const next = evaluateProgram(program, analysis.document, given, this.hooks.defaultFreeValue());
      for (const n of program.nodes) {
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
      this.changed.fire();
      return { ok: true, analysis: next };
    } catch (e) {
      const message =
        e instanceof DebugValuesError
          ? e.message
          : `Could not read values from the debugger: ${e instanceof Error ? e.message : String(e)}`;
      this.hooks.log.warn(`Debugger values: ${message}`);
      this.current = this.epoch !== epoch && prev ? { ...prev, stale: true } : { ...base, message };
      this.changed.fire();
      return result;
    }
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
  }
}
