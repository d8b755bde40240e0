/**
 * Inline values: after Show gradients, the end of every line the graph covers shows
 * `name = value  ∂out/∂name = gradient` as `after` decorations, in every visible editor of the
 * document (split views included). Edits move them with the text and mark them stale, or
 * recompute after a debounce (setting gradientLens.inline.onEdit). Also the shared state the
 * hover (hover.ts) and CodeLens (codelens.ts) read. Pure logic lives in inlineText.ts.
 */
import * as vscode from 'vscode';
import type { Analysis } from './analyze';
import { config, type InlineSettings } from './config';
import type { Session } from './session';
import {
  diffEdit,
  fitSegments,
  inlineLines,
  itemsByCurrentLine,
  joinSegments,
  mapOffset,
  outputName,
  STALE_SUFFIX,
  unmapOffset,
  type InlineLine,
  type InlineSegment,
  type SegmentRole,
  type TextEdit,
} from './inlineText';

/** What was rendered for a document (for tests: the extension API's inlineDecorations). */
export interface InlineSnapshot {
  uri: string;
  /** True while the decorations show numbers computed from an older version of the text. */
  stale: boolean;
  /** A recompute is scheduled (onEdit = recompute). */
  pending: boolean;
  /** Visible editors of the document the decorations were applied to. */
  editors: number;
  /**
   * 1-based current line and the text shown at its end; `full` when that text was shortened to
   * end by inline.maxColumn (the decoration's hover shows it).
   */
  lines: Array<{ line: number; text: string; full?: string }>;
  /** 1-based lines left to VS Code's debug inline values (paused program): see `hideLines`. */
  hidden?: number[];
}

/** The current analysis as the hover and CodeLens see it. */
export interface InlineState {
  analysis: Analysis;
  /** The analysed text, when known (for labels). */
  text?: string;
  stale: boolean;
  /** Offset in the current text ← offset in the analysed text. */
  map(offset: number): number;
  /** Offset in the analysed text ← offset in the current text (undefined inside new text). */
  unmap(offset: number): number | undefined;
}

const COLOR: Record<SegmentRole, string> = {
  value: 'gradientLens.inlineValueForeground',
  positive: 'gradientLens.inlinePositiveGradientForeground',
  negative: 'gradientLens.inlineNegativeGradientForeground',
  zero: 'gradientLens.inlineValueForeground',
};
/** Gap between the code and the first value, between items, and between a value and its gradient. */
const MARGIN_FIRST = '0 0 0 2.5em';
const MARGIN_ITEM = '0 0 0 2em';
const MARGIN_PART = '0 0 0 0.9em';
/** Segments per line drawn separately (coloured); the rest share the last one. */
const MAX_SLOTS = 16;

export class InlineValues implements vscode.Disposable {
  private analysis?: Analysis;
  private text?: string;
  private edits: TextEdit[] = [];
  private stale = false;
  private lines: InlineLine[] = [];
  private snapshots = new Map<string, InlineSnapshot>();
  private settings: InlineSettings = config.inlineSettings();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the analysis, its values or its staleness change (CodeLens refresh). */
  readonly onDidChange = this.changed.event;

  /**
   * One decoration type per segment position on a line. Several after-decorations at the same
   * position are drawn in the order of their CSS class names, which start with the type's key,
   * so `slots` is kept sorted by key and segment i of every line goes to slots[i].
   */
  private slots: vscode.TextEditorDecorationType[] = [];
  /** Lines (0-based, of the document `uri`) another display shows now: no decoration there. */
  private hiddenLines: (uri: string) => ReadonlySet<number> | undefined = () => undefined;
  private readonly disposables: vscode.Disposable[];

  /** Follows the session: fresh results, new values, edits (the session owns the recompute debounce). */
  constructor(private readonly session: Session) {
    this.disposables = [
      this.changed,
      { dispose: () => this.slots.forEach((t) => t.dispose()) },
      session.onDidPresent(({ doc, result }) => (result.ok ? this.show(result.analysis, doc) : this.markStale())),
      session.onDidChangeValues((a) => this.update(a)),
      session.onDidEdit(({ event, pending }) => this.documentChanged(event, pending)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.apply()),
      config.onDidChange(() => {
        this.settings = config.inlineSettings();
        this.relayout();
      }, 'inline'),
    ];
  }

  /** A fresh analysis of `doc` (Show gradients, refresh, recompute). */
  show(analysis: Analysis, doc?: vscode.TextDocument): void {
    const previousUri = this.analysis?.document.uri;
    this.analysis = analysis;
    this.edits = [];
    const d = doc ?? this.document(analysis.document.uri);
    const current = d !== undefined && d.version === analysis.document.version;
    this.text = current ? d.getText() : undefined;
    this.stale = !current;
    if (previousUri && previousUri !== analysis.document.uri) this.clearEditors(previousUri);
    this.relayout();
  }

  /** New input values for the same program (the panel's inputs): keeps the edit mapping and staleness. */
  update(analysis: Analysis): void {
    if (
      !this.analysis ||
      this.analysis.program !== analysis.program ||
      this.analysis.document.uri !== analysis.document.uri
    ) {
      this.show(analysis);
      return;
    }
    this.analysis = analysis;
    this.relayout();
  }

  /**
   * Leave out the lines `hidden` returns (the debugger's inline values show the same numbers
   * there while paused); `changed` fires when that set may have changed.
   */
  hideLines(hidden: (uri: string) => ReadonlySet<number> | undefined, changed: vscode.Event<void>): vscode.Disposable {
    this.hiddenLines = hidden;
    return changed(() => this.apply());
  }

  /** The document changed and the numbers could not be recomputed (or onEdit = stale). */
  markStale(): void {
    if (!this.analysis || this.stale) return;
    this.stale = true;
    this.apply();
    this.changed.fire();
  }

  /** Removes every decoration (Clear gradients). */
  clear(): void {
    this.session.cancelPending();
    const uri = this.analysis?.document.uri;
    this.analysis = undefined;
    this.lines = [];
    this.edits = [];
    this.stale = false;
    if (uri) this.clearEditors(uri);
    this.changed.fire();
  }

  panelClosed(): void {
    if (this.settings.clearOnPanelClose) this.clear();
  }

  get hasDecorations(): boolean {
    return this.analysis !== undefined;
  }

  /** The analysis shown for `uri` (or any document when omitted). */
  state(uri?: string): InlineState | undefined {
    const a = this.analysis;
    if (!a || (uri !== undefined && a.document.uri !== uri)) return undefined;
    const edits = this.edits;
    return {
      analysis: a,
      text: this.text,
      stale: this.stale || edits.length > 0,
      map: (o) => mapOffset(o, edits),
      unmap: (o) => unmapOffset(o, edits),
    };
  }

  snapshot(uri?: string): InlineSnapshot | undefined {
    const key = uri ?? this.analysis?.document.uri;
    return key === undefined ? undefined : this.snapshots.get(key);
  }

  private document(uri: string): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
  }

  private relayout(): void {
    const a = this.analysis;
    this.lines = a
      ? inlineLines(a.evaluation, { show: this.settings.show, precision: this.settings.precision }, this.text)
      : [];
    this.apply();
    this.changed.fire();
  }

  private documentChanged(e: vscode.TextDocumentChangeEvent, pending: boolean): void {
    const a = this.analysis;
    if (!a || e.document.uri.toString() !== a.document.uri || e.contentChanges.length === 0) return;
    if (this.text !== undefined) {
      this.edits = diffEdit(this.text, e.document.getText());
    } else {
      // No analysed text to compare with: follow the change events (relative to the text before
      // each event, so apply from the highest offset down).
      const changes = [...e.contentChanges].sort((x, y) => y.rangeOffset - x.rangeOffset);
      for (const c of changes)
        this.edits.push({ offset: c.rangeOffset, length: c.rangeLength, inserted: c.text.length });
    }
    if (pending) {
      this.apply(); // follow the text meanwhile; not dimmed: fresh numbers are coming
      this.changed.fire();
      return;
    }
    this.stale = true;
    this.apply();
    this.changed.fire();
  }

  private clearEditors(uri: string): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== uri) continue;
      for (const slot of this.slots) editor.setDecorations(slot, []);
    }
    this.snapshots.delete(uri);
  }

  /** Puts the current lines on every visible editor of the document. */
  private apply(): void {
    const a = this.analysis;
    if (!a) return;
    const uri = a.document.uri;
    const doc = this.document(uri);
    const editors = vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === uri);
    if (!doc) {
      this.snapshots.set(uri, { uri, stale: this.stale, pending: this.session.pending, editors: 0, lines: [] });
      return;
    }
    const edits = this.edits;
    const merged = itemsByCurrentLine(this.lines, (anchor) => doc.positionAt(mapOffset(anchor, edits)).line);
    const out = outputName(a.evaluation.program);
    const opts = { show: this.settings.show, precision: this.settings.precision };
    const maxColumn = this.settings.maxColumn;
    const tabSize = Number(editors[0]?.options.tabSize) || 4;
    const suffix = this.stale ? STALE_SUFFIX.length : 0;
    const perSlot: vscode.DecorationOptions[][] = [];
    const lines: InlineSnapshot['lines'] = [];
    const hiddenSet = this.stale || edits.length > 0 ? undefined : this.hiddenLines(uri);
    const hidden: number[] = [];
    for (const [line, items] of [...merged].sort((x, y) => x[0] - y[0])) {
      if (items.length === 0 || line >= doc.lineCount) continue;
      if (hiddenSet?.has(line)) {
        hidden.push(line + 1);
        continue;
      }
      const lineAt = doc.lineAt(line);
      const end = lineAt.range.end;
      const range = new vscode.Range(end, end);
      // Room left of maxColumn after the code and the 2.5em margin (tabs as the editor shows them);
      // code that reaches past it already gets the most compact form (at least 1: 0 means no limit).
      const room = maxColumn > 0 ? Math.max(1, maxColumn - displayWidth(lineAt.text, tabSize) - 3 - suffix) : Infinity;
      const { segments, level, truncated } = fitSegments(items, out, opts, room);
      if (segments.length === 0) continue;
      const text = joinSegments(segments) + (this.stale ? STALE_SUFFIX : '');
      const full = level > 0 || truncated ? joinSegments(fitSegments(items, out, opts, Infinity).segments) : undefined;
      lines.push({ line: line + 1, text, ...(full !== undefined ? { full } : {}) });
      const hover = full !== undefined ? new vscode.MarkdownString().appendText(full) : undefined;
      let segs = segments;
      if (segs.length > MAX_SLOTS) {
        const rest = segs.slice(MAX_SLOTS - 1);
        segs = [
          ...segs.slice(0, MAX_SLOTS - 1),
          { text: joinSegments(rest).replace(/ /g, '\u00a0'), role: 'value', itemStart: true },
        ];
      }
      segs.forEach((seg, i) =>
        (perSlot[i] ??= []).push({
          range,
          renderOptions: { after: segmentOptions(seg, i, this.stale, i === segs.length - 1) },
          ...(hover ? { hoverMessage: hover } : {}),
        }),
      );
    }
    this.ensureSlots(perSlot.length);
    for (const editor of editors) {
      this.slots.forEach((slot, i) => editor.setDecorations(slot, perSlot[i] ?? []));
    }
    this.snapshots.set(uri, {
      uri,
      stale: this.stale,
      pending: this.session.pending,
      editors: editors.length,
      lines,
      ...(hidden.length ? { hidden } : {}),
    });
  }

  private ensureSlots(n: number): void {
    if (this.slots.length >= n) return;
    while (this.slots.length < n) {
      this.slots.push(
        vscode.window.createTextEditorDecorationType({
          after: { color: new vscode.ThemeColor(COLOR.value) },
          rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        }),
      );
    }
    // Class names are `ced-<key>-…`: order the slots as those names compare.
    this.slots.sort((a, b) => (a.key + '-' < b.key + '-' ? -1 : 1));
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

/** Columns `text` takes in the editor (a tab advances to the next multiple of `tabSize`). */
function displayWidth(text: string, tabSize: number): number {
  let w = 0;
  for (const ch of text) w = ch === '\t' ? w + tabSize - (w % tabSize) : w + 1;
  return w;
}

/** One segment as an after-decoration: spacing by margins (CSS collapses spaces in generated content). */
function segmentOptions(
  seg: InlineSegment,
  index: number,
  stale: boolean,
  last: boolean,
): vscode.ThemableDecorationAttachmentRenderOptions {
  return {
    contentText: seg.text + (stale && last ? STALE_SUFFIX : ''),
    color: new vscode.ThemeColor(stale ? 'gradientLens.inlineStaleForeground' : COLOR[seg.role]),
    fontStyle: stale ? 'italic' : 'normal',
    margin: index === 0 ? MARGIN_FIRST : seg.itemStart ? MARGIN_ITEM : MARGIN_PART,
  };
}
