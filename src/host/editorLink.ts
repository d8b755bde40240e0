/** The two-way link between the panel and the editor: highlight, reveal, cursor → node. */
import * as vscode from 'vscode';
import type { SourceRange } from '../core/expr';
import type { DocumentRef } from '../shared/protocol';
import { nodeAtOffset } from './nodeAt';
import type { Session } from './session';
export { nodeAtOffset };

export class EditorLink implements vscode.Disposable {
  private readonly highlightType = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('gradientLens.highlightBackground'),
    borderColor: new vscode.ThemeColor('gradientLens.highlightBorder'),
    borderStyle: 'solid',
    borderWidth: '1px',
    borderRadius: '2px',
  });
  /** The range currently highlighted (tests read it). */
  highlighted?: { uri: string; range: SourceRange };

  highlight(doc: DocumentRef, range: SourceRange | null): void {
    this.highlighted = range ? { uri: doc.uri, range } : undefined;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== doc.uri) continue;
      editor.setDecorations(this.highlightType, range ? [toVsRange(editor.document, range)] : []);
      if (range)
        editor.revealRange(toVsRange(editor.document, range), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  async reveal(doc: DocumentRef, range: SourceRange): Promise<void> {
    const uri = vscode.Uri.parse(doc.uri);
    const existing = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === doc.uri);
    const editor = await vscode.window.showTextDocument(uri, {
      viewColumn: existing?.viewColumn,
      preserveFocus: false,
    });
    const r = toVsRange(editor.document, range);
    editor.selection = new vscode.Selection(r.start, r.end);
    editor.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    this.highlightType.dispose();
  }
}

export function toVsRange(doc: vscode.TextDocument, range: SourceRange): vscode.Range {
  return new vscode.Range(doc.positionAt(range.start), doc.positionAt(range.end));
}

/** The editor's cursor selects the node under it in the panel (`select`). */
export function cursorSelectsNode(session: Session, select: (nodeId: number | null) => void): vscode.Disposable {
  return vscode.window.onDidChangeTextEditorSelection((e) => {
    const a = session.current;
    if (!a || e.textEditor.document.uri.toString() !== a.document.uri) return;
    if (e.textEditor.document.version !== a.document.version) return;
    select(nodeAtOffset(a.program, e.textEditor.document.offsetAt(e.selections[0].active)));
  });
}
