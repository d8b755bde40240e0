/**
 * Gradients through VS Code's own inline values for debug sessions: while the debugger is paused
 * in the analysed file and the panel's numbers came from that frame, each line the graph covers
 * gets an InlineValueText `name = value  ∂out/∂name = gradient` (the same text as our decorations).
 *
 * One display per line: the lines this provider covers (`coveredLines`) are the ones our own
 * line-end decorations leave out while it does (src/host/inline.ts asks through a hook), so a
 * paused line does not show the same numbers twice; when the program continues the provider
 * gives nothing and the decorations come back, marked stale.
 */
import * as vscode from 'vscode';
import type { Analysis } from './analyze';
import type { DebugLink } from './debugSession';
import { config } from './config';
import { inlineLines } from './inlineText';

export class DebugInlineValues implements vscode.InlineValuesProvider {
  readonly onDidChangeInlineValues: vscode.Event<void>;

  /** `current`: the analysis the panel shows now (after values typed in the panel), if any. */
  constructor(
    private readonly link: DebugLink,
    private readonly current: () => Analysis | undefined = () => undefined,
  ) {
    this.onDidChangeInlineValues = link.onDidChange;
  }

  /** The analysis whose numbers VS Code's inline values show for `document` now, if any. */
  private shown(document: { uri: vscode.Uri; version: number }): Analysis | undefined {
    const info = this.link.current;
    const now = this.current();
    // Values typed in the panel after the stop re-evaluate the same program: show those numbers.
    const analysis = now && now.program === this.link.analysis?.program ? now : this.link.analysis;
    if (!info?.applied || info.stale || !analysis || analysis.document.uri !== document.uri.toString())
      return undefined;
    if (analysis.document.version !== document.version) return undefined;
    return analysis;
  }

  private lines(document: vscode.TextDocument, analysis: Analysis) {
    const s = config.inlineSettings();
    return inlineLines(
      analysis.evaluation,
      { show: s.show === 'off' ? 'both' : s.show, precision: s.precision },
      document.getText(),
    );
  }

  /**
   * 0-based lines of `uri` whose gradients VS Code's debug inline values show now (paused, values
   * from this frame, and the user has not turned `debug.inlineValues` off): our decorations skip them.
   */
  coveredLines(uri: string): ReadonlySet<number> | undefined {
    if (!vscode.debug.activeDebugSession || !config.debugInlineValuesShown()) return undefined;
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    const analysis = document && this.shown(document);
    if (!document || !analysis) return undefined;
    return new Set(this.lines(document, analysis).map((l) => l.line - 1));
  }

  provideInlineValues(
    document: vscode.TextDocument,
    viewPort: vscode.Range,
    _context: vscode.InlineValueContext,
  ): vscode.InlineValue[] {
    const analysis = this.shown(document);
    if (!analysis) return [];
    const out: vscode.InlineValue[] = [];
    for (const l of this.lines(document, analysis)) {
      const line = l.line - 1;
      if (line < viewPort.start.line || line > viewPort.end.line || line >= document.lineCount) continue;
      const end = document.lineAt(line).range.end;
      out.push(new vscode.InlineValueText(new vscode.Range(end, end), `∇ ${l.text}`));
    }
    return out;
  }
}
