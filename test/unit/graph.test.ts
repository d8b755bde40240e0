/** Pure graph-view logic: folding, summary, layout, stepper sequence, colour scale. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from '../../src/core';
import { parseTarget } from '../../src/parse';
import { analyzeFrames, buildDisplay, edgeNumbers, type DisplayGraph } from '../../webview/graph/model';
import { layout, placeInOrder, countCrossings } from '../../webview/graph/layout';
import { buildSteps, gateOrder, stateAt } from '../../webview/graph/stepper';
import { gradStyle, magnitude, edgeWidth } from '../../webview/graph/color';
import { ProgramBuilder } from './builder';

const examples = join(__dirname, '..', '..', 'examples');
function parseExample(file: string, name: string) {
  const program = parseTarget({ text: readFileSync(join(examples, file), 'utf8'), fileName: file, name });
  return evaluate(program, {});
}
const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

function layoutOf(g: DisplayGraph) {
  return layout({
    n: g.nodes.length, width: g.nodes.map((d) => d.width), height: g.nodes.map((d) => d.height),
    from: g.edges.map((e) => e.from), to: g.edges.map((e) => e.to), port: g.edges.map((e) => e.argIndex),
  });
}

/** A chain-free random DAG program with n nodes (like the benchmark's). */
function randomProgram(n: number, seed = 1) {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const b = new ProgramBuilder();
  const ids: number[] = [];
  for (let i = 0; i < 8; i++) ids.push(b.input(`x${i}`, rnd() - 0.5));
  while (b.nodes.length < n) {
    const a = ids[Math.floor(rnd() * ids.length)];
    const c = ids[Math.max(0, ids.length - 1 - Math.floor(rnd() * 6))];
    const r = rnd();
    ids.push(r < 0.4 ? b.op('add', a, c) : r < 0.8 ? b.op('mul', a, c) : b.op('tanh', c));
  }
  return b.build();
}

describe('graph model: folding helper calls', () => {
  it('folds sigmoid(...) into one σ gate whose local gradient is σ(1−σ)', () => {
    const ev = parseExample('neuron.ts', 'out2');
    const g = buildDisplay(ev.program, ev.tape);
    const sig = g.nodes.find((d) => d.kind === 'folded');
    assert.ok(sig, 'a folded node');
    assert.equal(sig.symbol, 'σ');
    assert.equal(sig.index, g.root);
    const into = g.inEdges[sig.index];
    assert.equal(into.length, 1, 'σ has one input: the argument');
    const nums = edgeNumbers(g, ev.tape);
    const y = ev.tape.value[sig.id];
    assert.ok(close(nums.local[into[0]], y * (1 - y), 1e-9), `local ${nums.local[into[0]]} vs σ(1−σ) ${y * (1 - y)}`);
    // The contribution equals the argument's gradient (its only use).
    const arg = g.nodes[g.edges[into[0]].from];
    assert.ok(close(nums.contribution[into[0]], ev.tape.grad[arg.id]));
    // Nodes inside the call are not drawn but map to the σ node.
    for (const m of g.frames[sig.frame!].members) assert.equal(g.byTapeId[m], sig.index);
  });

  it('expanding a frame draws its body and keeps the numbers', () => {
    const ev = parseExample('neuron.ts', 'out2');
    const folded = buildDisplay(ev.program, ev.tape);
    const f = folded.nodes.find((d) => d.kind === 'folded')!.frame!;
    const open = buildDisplay(ev.program, ev.tape, { expanded: new Set([f]) });
    assert.ok(open.nodes.length > folded.nodes.length);
    assert.ok(!open.nodes.some((d) => d.kind === 'folded'));
    assert.ok(open.nodes.some((d) => d.groups.includes(f)), 'body nodes carry their group');
    const inputs = ev.inputs.map((i) => i.node);
    for (const id of inputs) assert.ok(open.byTapeId[id] >= 0 && folded.byTapeId[id] >= 0);
  });

  it('folds every call in the network example; contributions add up to each gradient', () => {
    const ev = parseExample('network.ts', 'loss');
    const frames = analyzeFrames(ev.program, ev.tape);
    assert.equal(frames.length, 5);
    assert.ok(frames.every((f) => f.foldable));
    const g = buildDisplay(ev.program, ev.tape, {}, frames);
    assert.equal(g.nodes.filter((d) => d.kind === 'folded').length, 5);
    const nums = edgeNumbers(g, ev.tape);
    for (const d of g.nodes) {
      if (d.index === g.root) continue;
      const sum = g.outEdges[d.index].reduce((a, e) => a + nums.contribution[e], 0);
      if (d.kind === 'const') continue; // e.g. ∂(a^2)/∂2 at a < 0 is NaN and flows nowhere
      assert.ok(close(sum, ev.tape.grad[d.id], 1e-9), `${d.label}: Σ contributions ${sum} vs grad ${ev.tape.grad[d.id]}`);
    }
    // Named results show their name (h1 = sigmoid(...)).
    assert.ok(g.nodes.some((d) => d.kind === 'folded' && d.label === 'h1' && d.header.includes('h1')));
  });

  it('does not fold a call whose result is its argument', () => {
    const b = new ProgramBuilder();
    const x = b.input('x', 2);
    const y = b.op('mul', x, x);
    const p = b.build(y);
    p.frames.push({ fn: 'id', parent: -1, range: p.target.range, args: [x], result: x });
    const ev = evaluate(p, {});
    assert.equal(analyzeFrames(p, ev.tape)[0].foldable, false);
    assert.equal(buildDisplay(p, ev.tape).nodes.length, 2);
  });
});

describe('graph model: summary beyond maxNodes', () => {
  it('shows the nodes nearest the output plus stubs, never more than the limit', () => {
    const ev = evaluate(randomProgram(20_000), {});
    const t0 = performance.now();
    const g = buildDisplay(ev.program, ev.tape, { maxNodes: 2000 });
    const ms = performance.now() - t0;
    assert.ok(g.truncated);
    assert.ok(g.nodes.length <= 2000 && g.nodes.length > 1500, `${g.nodes.length} nodes`);
    assert.ok(g.nodes.some((d) => d.kind === 'stub'));
    assert.match(g.message!, /Showing the [\d,]+ nodes nearest the output of [\d,]+/);
    assert.equal(g.nodes[g.root].id, ev.root);
    for (const e of g.edges) assert.notEqual(g.nodes[e.to].kind, 'stub', 'stubs have no drawn inputs');
    assert.ok(ms < 2000, `${ms} ms`); // generous: only guards against quadratic blow-ups
  });

  it('is not truncated under the limit and draws only nodes that reach the output', () => {
    const b = new ProgramBuilder();
    const x = b.input('x', 1);
    b.op('exp', x); // not used by the output
    const y = b.op('neg', x);
    const ev = evaluate(b.build(y), {});
    const g = buildDisplay(ev.program, ev.tape);
    assert.equal(g.truncated, false);
    assert.deepEqual(g.nodes.map((d) => d.id), [x, y]);
  });
});

describe('graph layout', () => {
  it('puts inputs left of their gates and the output rightmost, without overlaps', () => {
    const ev = parseExample('network.ts', 'loss');
    const g = buildDisplay(ev.program, ev.tape);
    const L = layoutOf(g);
    for (const e of g.edges) assert.ok(L.x[e.from] + g.nodes[e.from].width < L.x[e.to], 'edges go left to right');
    const maxX = Math.max(...g.nodes.map((d) => L.x[d.index]));
    assert.equal(L.x[g.root], maxX);
    // No two boxes in the same column overlap.
    for (let a = 0; a < g.nodes.length; a++) {
      for (let b = a + 1; b < g.nodes.length; b++) {
        if (L.rank[a] !== L.rank[b]) continue;
        const overlap = L.y[a] < L.y[b] + g.nodes[b].height && L.y[b] < L.y[a] + g.nodes[a].height;
        assert.ok(!overlap, `nodes ${a} and ${b} overlap`);
      }
    }
  });

  it('lays out a tree with no crossings', () => {
    const b = new ProgramBuilder();
    const leaves = Array.from({ length: 16 }, (_, i) => b.input(`x${i}`, i));
    let level = leaves;
    while (level.length > 1) {
      const next: number[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(b.op(i % 4 ? 'mul' : 'add', level[i], level[i + 1]));
      level = next;
    }
    const ev = evaluate(b.build(), {});
    const g = buildDisplay(ev.program, ev.tape);
    assert.equal(layoutOf(g).crossings, 0);
  });

  it('lays out 2,000 nodes (a smoke check; timings are in the benchmark)', () => {
    const ev = evaluate(randomProgram(2000), {});
    const g = buildDisplay(ev.program, ev.tape, { maxNodes: 5000 });
    const L = layoutOf(g);
    assert.equal(L.x.length, g.nodes.length);
    assert.ok(Number.isFinite(L.width) && Number.isFinite(L.height));
    for (let i = 0; i < g.nodes.length; i++) assert.ok(Number.isFinite(L.x[i]) && Number.isFinite(L.y[i]));
  });

  it('placeInOrder keeps the order and the gaps, as close to the desired centres as possible', () => {
    const out: number[] = [];
    placeInOrder([0, 1, 2], [10, 10, 10], out, () => 5);
    assert.deepEqual(out, [5, 10, 15]);
    placeInOrder([0, 1], [0, 100], out, () => 5);
    assert.deepEqual(out.slice(0, 2), [0, 100]);
  });

  it('countCrossings counts inversions between columns', () => {
    const pos = [0, 1, 0, 1];
    assert.equal(countCrossings([[0, 1], [2, 3]], [[3], [2], [], []], pos), 1);
    assert.equal(countCrossings([[0, 1], [2, 3]], [[2], [3], [], []], pos), 0);
  });
});

describe('backward stepper', () => {
  it('walks (x + y) · z in reverse topological order with the chain rule and fan-out sums', () => {
    const b = new ProgramBuilder();
    const x = b.input('x', -2);
    const y = b.input('y', 5);
    const z = b.input('z', -4);
    const q = b.named('q', b.op('add', x, y));
    const f = b.op('mul', q, z);
    const ev = evaluate(b.build(f), {});
    const g = buildDisplay(ev.program, ev.tape);
    const nums = edgeNumbers(g, ev.tape);
    const steps = buildSteps(g, ev.program, ev.tape, nums, 4);
    assert.deepEqual(steps.map((s) => s.nodeId), [f, q]);
    assert.match(steps[0].role, /mul switches/);
    assert.ok(steps[0].lines.some((l) => l.text === '∂/∂q: upstream 1 × local (−4) [b] = −4'), steps[0].text);
    assert.ok(steps[0].sums.includes('grad(z) = 3'));
    assert.match(steps[1].role, /add distributes/);
    // Before any step only the output's gradient is known; after step 1, q and z are final.
    let st = stateAt(g, steps, nums, -1);
    assert.equal(st.state[g.byTapeId[x]], 0);
    st = stateAt(g, steps, nums, 0);
    assert.equal(st.state[g.byTapeId[q]], 2);
    assert.equal(st.state[g.byTapeId[x]], 0);
    st = stateAt(g, steps, nums, 1);
    assert.equal(st.state[g.byTapeId[x]], 2);
  });

  it('explains fan-out: grad(x) = a + b from 2 uses', () => {
    const b = new ProgramBuilder();
    const x = b.input('x', 3);
    const a = b.op('mul', x, b.const(2));
    const c = b.op('neg', x);
    const f = b.op('add', a, c);
    const ev = evaluate(b.build(f), {});
    const g = buildDisplay(ev.program, ev.tape);
    const nums = edgeNumbers(g, ev.tape);
    const steps = buildSteps(g, ev.program, ev.tape, nums, 4);
    assert.deepEqual(gateOrder(g).map((i) => g.nodes[i].id), [f, c, a]);
    const all = steps.flatMap((s) => s.sums);
    assert.ok(all.includes('grad(x) so far −1 (1 of 2 uses)'), all.join('\n'));
    assert.ok(all.includes('grad(x) = −1 + 2 = 1 from 2 uses'), all.join('\n'));
    const st = stateAt(g, steps, nums, 1);
    assert.equal(st.state[g.byTapeId[x]], 1);
    assert.equal(st.partial[g.byTapeId[x]], -1);
  });
});

describe('gradient colour scale', () => {
  it('maps sign to colour and glyph, magnitude to mix on a log scale', () => {
    assert.equal(gradStyle(1, 1).sign, 'pos');
    assert.equal(gradStyle(1, 1).glyph, '▲');
    assert.equal(gradStyle(-0.5, 1).glyph, '▼');
    assert.equal(gradStyle(0, 1).glyph, '○');
    assert.equal(gradStyle(NaN, 1).sign, 'nonfinite');
    assert.match(gradStyle(-1, 1).fill, /--gl-neg\) 40%/);
    assert.equal(magnitude(1, 1), 1);
    assert.equal(magnitude(1e-2, 1), 0.5);
    assert.equal(magnitude(1e-9, 1), 0);
    assert.ok(gradStyle(0.1, 1).mix < gradStyle(1, 1).mix);
    assert.equal(edgeWidth(1, 1), 4);
    assert.equal(edgeWidth(0, 1), 1);
  });
});
