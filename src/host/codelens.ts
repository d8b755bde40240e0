/**
 * CodeLens: "Show gradients" above every expression Gradient Lens can analyse, and after a run
 * "loss = 0.3259 · open gradient panel" above the target. The parser (ts-morph, several MB)
 * is never loaded for this: until a command has loaded it, the lines come from a cheap regex
 * (`const NAME = <arithmetic>`); afterwards from the parser's listTargets (cached per version).
 */
import * as vscode from 'vscode';
import { config } from './config';
import type { InlineValues } from './inline';
import { significant } from '../core/format';
import { outputName, regexTargets } from './inlineText';
import { loadParser, parserLoaded } from './parser';

const PARSED_LENS_LIMIT = 200_000;

export const SHOW_AT_COMMAND = 'gradientLens.showGradientsAt';
export const OPEN_PANEL_COMMAND = 'gradientLens.openPanel';

interface LensTarget {
  line: number;
  start: number;
  end: number;
}

export class GradientCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private cache = new Map<string, { version: number; parsed: boolean; targets: LensTarget[] }>();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly inline: InlineValues) {
    this.disposables = [
      this.emitter,
      inline.onDidChange(() => this.emitter.fire()),
      config.onDidChange(() => this.emitter.fire(), 'codeLens', 'inline'),
      vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())),
    ];
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!config.codeLensEnabled()) return [];
    const uri = doc.uri.toString();
    const lenses: vscode.CodeLens[] = [];
    let resultLine: number | undefined;
    const state = this.inline.state(uri);
    if (state) {
      const { analysis } = state;
      const t = analysis.program.target;
      resultLine = doc.positionAt(state.map(t.range.start)).line;
      const precision = config.inlinePrecision();
      const value = `${outputName(analysis.program)} = ${significant(analysis.evaluation.value, precision)}`;
      const range = doc.lineAt(resultLine).range;
      lenses.push(
        state.stale
          ? new vscode.CodeLens(range, {
              title: `${value} (stale) · refresh gradients`,
              command: 'gradientLens.refresh',
              tooltip: 'The file changed since these numbers were computed',
            })
          : new vscode.CodeLens(range, {
              title: `${value} · open gradient panel`,
              command: OPEN_PANEL_COMMAND,
              tooltip: 'Show the computational graph with every value and gradient',
            }),
      );
    }
    for (const t of this.targets(doc)) {
      if (t.line === resultLine) continue;
      lenses.push(
        new vscode.CodeLens(doc.lineAt(t.line).range, {
          title: 'Show gradients',
          command: SHOW_AT_COMMAND,
          arguments: [uri, t.start, t.end],
          tooltip: 'Gradient Lens: backpropagate through this expression',
        }),
      );
    }
    return lenses;
  }

  private targets(doc: vscode.TextDocument): LensTarget[] {
    const uri = doc.uri.toString();
    const parsed = parserLoaded();
    const hit = this.cache.get(uri);
    if (hit && hit.version === doc.version && hit.parsed === parsed) return hit.targets;
    const text = doc.getText();
    let targets: LensTarget[];
    // listTargets parses and evaluates the whole file synchronously (~0.5 s per MB): beyond
    // PARSED_LENS_LIMIT characters the cheap regex keeps typing in big files responsive.
    if (parsed && text.length <= PARSED_LENS_LIMIT) {
      targets = loadParser()
        .listTargets(text, doc.fileName)
        .map((t) => ({ line: t.range.line - 1, start: t.range.start, end: t.range.end }));
    } else {
      targets = regexTargets(text).map((t) => ({ line: t.line, start: t.end, end: t.end }));
    }
    const seen = new Set<number>();
    targets = targets.filter((t) => !seen.has(t.line) && seen.add(t.line));
    this.cache.set(uri, { version: doc.version, parsed, targets });
    return targets;
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
