/**
 * Gradients through VS Code's own inline values for debug sessions: while the debugger is paused
 * in the analysed file and the panel's numbers came from that frame, each line the graph covers
 * gets an InlineValueText `name = value  ∂out/∂name = gradient` (the same text as our decorations).
 */
import * as vscode from 'vscode';
import type { Analysis } from './analyze';
import type { DebugLink } from './debugSession';
import { inlineLines } from './inlineText';
import { inlineSettings } from './inline';

export class DebugInlineValues implements vscode.InlineValuesProvider {
  readonly onDidChangeInlineValues: vscode.Event<void>;

  /** `current`: the analysis the panel shows now (after values typed in the panel), if any. */
  constructor(
    private readonly link: DebugLink,
    private readonly current: () => Analysis | undefined = () => undefined,
  ) {
    this.onDidChangeInlineValues = link.onDidChange;
  }

  provideInlineValues(
    document: vscode.TextDocument,
    viewPort: vscode.Range,
    _context: vscode.InlineValueContext,
  ): vscode.InlineValue[] {
    const info = this.link.current;
    const now = this.current();
    // Values typed in the panel after the stop re-evaluate the same program: show those numbers.
    const analysis = now && now.program === this.link.analysis?.program ? now : this.link.analysis;
    if (!info?.applied || info.stale || !analysis || analysis.document.uri !== document.uri.toString()) return [];
    if (analysis.document.version !== document.version) return [];
    const s = inlineSettings();
    const lines = inlineLines(
      analysis.evaluation,
      { show: s.show === 'off' ? 'both' : s.show, precision: s.precision },
      document.getText(),
    );
    const out: vscode.InlineValue[] = [];
    for (const l of lines) {
      const line = l.line - 1;
      if (line < viewPort.start.line || line > viewPort.end.line || line >= document.lineCount) continue;
      const end = document.lineAt(line).range.end;
      out.push(new vscode.InlineValueText(new vscode.Range(end, end), `∇ ${l.text}`));
    }
    return out;
  }
}
