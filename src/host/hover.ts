/**
 * Hover over a name or sub-expression the graph covers: full-precision value and gradient,
 * the local derivative(s) of its gate and the chain-rule terms that add up to its gradient
 * (one row per consumer gate: the fan-out lesson). Reads the analysis from InlineValues.
 */
import * as vscode from 'vscode';
import { topLevelFrameOf } from '../core/program';
import { config } from './config';
import type { InlineValues } from './inline';
import { hoverMarkdown, hoverNode, outputName } from './inlineText';
import { arrayHoverMarkdown, hoverArray, withOffPathArrays } from './inlineArrays';

const IDENTIFIER = /[A-Za-z_$][\w$]*/;

export class GradientHover implements vscode.HoverProvider {
  constructor(private readonly inline: InlineValues) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!config.hoverEnabled()) return undefined;
    const state = this.inline.state(doc.uri.toString());
    if (!state) return undefined;
    const offset = state.unmap(doc.offsetAt(position));
    if (offset === undefined) return undefined;

    let word: { text: string; start: number; end: number } | undefined;
    let wordRange = doc.getWordRangeAtPosition(position, IDENTIFIER);
    if (wordRange) {
      let text = doc.getText(wordRange);
      // `w[0]`: an element of a const array is an input of its own.
      const rest = doc.lineAt(wordRange.end.line).text.slice(wordRange.end.character);
      const index = /^\[\s*(\d+)\s*\]/.exec(rest);
      if (index) {
        text = `${text}[${index[1]}]`;
        wordRange = new vscode.Range(wordRange.start, wordRange.end.translate(0, index[0].length));
      }
      const start = state.unmap(doc.offsetAt(wordRange.start));
      const end = state.unmap(doc.offsetAt(wordRange.end));
      if (start !== undefined && end !== undefined) word = { text, start, end };
    }
    const { analysis } = state;
    // An array's name (programs): the whole matrix and its gradient.
    const all = withOffPathArrays(analysis.program, analysis.evaluation.tape);
    const array = word ? hoverArray(all.program, offset, word) : undefined;
    if (array !== undefined) {
      const md = arrayHoverMarkdown(all.program, all.tape, array, {
        out: outputName(analysis.program),
        stale: state.stale,
      });
      return new vscode.Hover(new vscode.MarkdownString(md), wordRange);
    }
    const node = hoverNode(analysis.program, offset, word);
    if (node === undefined) return undefined;
    const md = new vscode.MarkdownString(
      hoverMarkdown(analysis.evaluation, node, { text: state.text, stale: state.stale }),
    );
    const n = analysis.program.nodes[node];
    let range = wordRange;
    if (!word || n.name !== word.text) {
      const call = n.frame === undefined ? undefined : topLevelFrameOf(analysis.program, node);
      const r = n.frame === undefined ? n.range : call !== undefined ? analysis.program.frames[call].range : undefined;
      range = r ? new vscode.Range(doc.positionAt(state.map(r.start)), doc.positionAt(state.map(r.end))) : undefined;
    }
    return new vscode.Hover(md, range);
  }
}
