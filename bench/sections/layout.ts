/**
 * Benchmark section: the graph view's pure work in Node (jsdom is not installed, so DOM
 * rendering is measured in the real webview by test/ui/panel-scale.ui.ts, which prints it).
 *
 * - display graph (folding + summary) and layout of the benchmark DAG at 500 / 2,000 nodes,
 *   and of a 20,000-node DAG summarized to maxRenderedNodes = 2,000;
 * - the per-edit repaint's pure part (edge numbers + stepper texts) for 500 nodes.
 * Budgets (the issue): layout + render of 2,000 nodes ≤ 500 ms; repaint of 500 nodes ≤ 16 ms.
 *
 * Exported as `run()` returning Markdown, and as the default export.
 */
import { evaluate } from '../../src/core/evaluate';
import { makeGraph, toProgram } from '../lib/graph';
import { timeIt, fmt, table, verdict } from '../lib/timing';
import { buildDisplay, edgeNumbers, type DisplayGraph } from '../../webview/graph/model';
import { layout } from '../../webview/graph/layout';
import { buildSteps } from '../../webview/graph/stepper';

export const name = 'layout';
export const title = 'Graph view: folding, layout, repaint (pure part, Node)';

function layoutInput(g: DisplayGraph) {
  return {
    n: g.nodes.length, width: g.nodes.map((d) => d.width), height: g.nodes.map((d) => d.height),
    from: g.edges.map((e) => e.from), to: g.edges.map((e) => e.to), port: g.edges.map((e) => e.argIndex),
  };
}

export function run(): string {
  const rows: string[][] = [];
  for (const [n, maxNodes] of [[500, 2000], [2000, 2000], [20_000, 2000]] as const) {
    const ev = evaluate(toProgram(makeGraph(n)), {});
    let g!: DisplayGraph;
    const tDisplay = timeIt(() => { g = buildDisplay(ev.program, ev.tape, { maxNodes }); }, { reps: 5 });
    let crossings = 0;
    let dummies = 0;
    const tLayout = timeIt(() => { const L = layout(layoutInput(g)); crossings = L.crossings; dummies = L.dummies; }, { reps: 5 });
    const total = tDisplay.medianMs + tLayout.medianMs;
    rows.push([`${n.toLocaleString('en-US')} nodes`, String(g.nodes.length), String(dummies), String(crossings),
      fmt(tDisplay.medianMs), fmt(tLayout.medianMs), fmt(total), verdict(total <= 250)]);
  }
  const ev = evaluate(toProgram(makeGraph(500)), {});
  const g = buildDisplay(ev.program, ev.tape);
  const tRepaint = timeIt(() => { const nums = edgeNumbers(g, ev.tape); buildSteps(g, ev.program, ev.tape, nums, 4); }, { reps: 20 });
  return [
    `## ${title}`,
    '',
    table(['graph', 'drawn', 'dummies', 'crossings', 'display ms', 'layout ms', 'total ms', '≤ 250 ms (half the 500 ms budget; DOM gets the rest)'], rows),
    '',
    `Repaint of a 500-node graph, pure part (edge numbers + stepper texts): ${fmt(tRepaint.medianMs, 2)} ms median ` +
      `(${verdict(tRepaint.medianMs <= 8)} ≤ 8 ms; the DOM writes are measured in the webview by test/ui/panel-scale.ui.ts).`,
    '',
  ].join('\n');
}

export default run;

if (require.main === module) console.log(run());
