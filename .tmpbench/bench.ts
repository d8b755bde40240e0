import { text } from './mlp';
import { parseTarget } from '../src/parse';
import { evaluate, gradientCheck, buildVectorGraph, withOffPath, vectorContext, offPathTape, groupValues, groupGrads, edgeContributions } from '../src/core';
import { buildVectorModel } from '../webview/vector/model';
const p = parseTarget({ text, fileName: 'mlp.ts', name: 'mse' });
console.log('nodes', p.nodes.length);
let ev = evaluate(p);
let m = buildVectorModel(p, ev.tape);
const t = (f: () => unknown) => { const a = performance.now(); f(); return performance.now() - a; };
for (let k = 0; k < 8; k++) {
  const vals = { ...ev.inputs.reduce((o, i) => ((o[i.name] = i.value), o), {} as Record<string, number>), 'b3[0]': 0.1 * k };
  const te = t(() => (ev = evaluate(p, vals)));
  const tc = t(() => gradientCheck(ev, 2e6));
  const graph = m.graph;
  let tape: ReturnType<typeof offPathTape>;
  const to = t(() => (tape = offPathTape(graph.program, ev.tape)));
  let ctx: ReturnType<typeof vectorContext>;
  const tv = t(() => (ctx = vectorContext(graph, tape)));
  const tg = t(() => graph.groups.forEach((g) => { groupValues(ctx, g.id); groupGrads(ctx, g.id); }));
  const tcn = t(() => edgeContributions(ctx));
  const tm = t(() => (m = buildVectorModel(p, ev.tape, m.graph)));
  console.log(`evaluate ${te.toFixed(1)} check ${tc.toFixed(1)} | offPath ${to.toFixed(1)} ctx ${tv.toFixed(1)} groups ${tg.toFixed(1)} contrib ${tcn.toFixed(1)} | model ${tm.toFixed(1)} sameprog ${ev.program === p}`);
}
