/** Pure graph-view logic: folding, summary, layout, stepper sequence, colour scale. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from '../../src/core';
import { parseTarget } from '../../src/parse';
import { analyzeFrames, buildDisplay, edgeNumbers, type DisplayGraph } from '../../webview/graph/model';
import { layout, placeInOrder, countCrossings, COL_GAP, type LayoutResult } from '../../webview/graph/layout';
import { curveYAt, labelSize, placeEdgeLabels } from '../../webview/graph/labels';
import { fitView, transformFor } from '../../webview/graph/view';
import { buildSteps, gateOrder, stateAt } from '../../webview/graph/stepper';
import { gradStyle, magnitude, edgeWidth } from '../../webview/graph/color';
import { ProgramBuilder, chainProgram } from './builder';

const examples = join(__dirname, '..', '..', 'examples');
function parseExample(file: string, name: string) {
  const program = parseTarget({ text: readFileSync(join(examples, file), 'utf8'), fileName: file, name });
  return evaluate(program, {});
}
const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

function layoutOf(g: DisplayGraph) {
  return layout({
    n: g.nodes.length,
    width: g.nodes.map((d) => d.width),
    height: g.nodes.map((d) => d.height),
    from: g.edges.map((e) => e.from),
    to: g.edges.map((e) => e.to),
    port: g.edges.map((e) => e.argIndex),
  });
}

/** A chain-free random DAG program with n nodes (like the benchmark's). */
function randomProgram(n: number, seed = 1) {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
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
    assert.ok(
      open.nodes.some((d) => d.groups.includes(f)),
      'body nodes carry their group',
    );
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
      assert.ok(
        close(sum, ev.tape.grad[d.id], 1e-9),
        `${d.label}: Σ contributions ${sum} vs grad ${ev.tape.grad[d.id]}`,
      );
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
    assert.deepEqual(
      g.nodes.map((d) => d.id),
      [x, y],
    );
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
    assert.equal(
      countCrossings(
        [
          [0, 1],
          [2, 3],
        ],
        [[3], [2], [], []],
        pos,
      ),
      1,
    );
    assert.equal(
      countCrossings(
        [
          [0, 1],
          [2, 3],
        ],
        [[2], [3], [], []],
        pos,
      ),
      0,
    );
  });
});

/** The layout invariants every graph must keep. */
function checkLayout(g: DisplayGraph, L: LayoutResult, what: string) {
  for (const e of g.edges) {
    assert.ok(L.x[e.from] + g.nodes[e.from].width < L.x[e.to], `${what}: edge ${e.from}→${e.to} goes left to right`);
    assert.ok(L.rank[e.from] < L.rank[e.to], `${what}: argument in an earlier column`);
  }
  const maxX = Math.max(...g.nodes.map((d) => L.x[d.index]));
  assert.equal(L.x[g.root], maxX, `${what}: the output is rightmost`);
  // No two boxes overlap (same column: vertical gap; different columns: separated by the column gap).
  const order = g.nodes.map((d) => d.index).sort((a, b) => L.rank[a] - L.rank[b] || L.y[a] - L.y[b]);
  for (let k = 1; k < order.length; k++) {
    const a = order[k - 1];
    const b = order[k];
    if (L.rank[a] !== L.rank[b]) continue;
    assert.ok(L.y[a] + g.nodes[a].height <= L.y[b] + 1e-9, `${what}: nodes ${a} and ${b} overlap`);
  }
  for (let r = 1; r < L.ranks; r++)
    assert.ok(L.colX[r] - (L.colX[r - 1] + L.colW[r - 1]) >= COL_GAP - 1e-9, `${what}: column gap ${r}`);
  for (const d of g.nodes) {
    const r = L.rank[d.index];
    assert.ok(
      L.x[d.index] >= L.colX[r] - 1e-9 && L.x[d.index] + d.width <= L.colX[r] + L.colW[r] + 1e-9,
      `${what}: node inside its column`,
    );
    assert.ok(Number.isFinite(L.y[d.index]) && L.y[d.index] >= -1e-9, `${what}: y`);
  }
}

describe('graph layout: invariants on the examples and on deep chains', () => {
  for (const [file, name] of [
    ['simple.ts', 'f'],
    ['neuron.ts', 'out'],
    ['neuron.ts', 'out2'],
    ['network.ts', 'loss'],
    ['relu.ts', 'y'],
  ]) {
    it(`${file} ${name}: inputs left of their gates, output rightmost, no overlaps`, () => {
      const ev = parseExample(file, name);
      const g = buildDisplay(ev.program, ev.tape);
      checkLayout(g, layoutOf(g), `${file}:${name}`);
    });
  }

  it('the network example stays compact: few crossings, every operand next to its gate', () => {
    const ev = parseExample('network.ts', 'loss');
    const g = buildDisplay(ev.program, ev.tape);
    const L = layoutOf(g);
    assert.ok(L.crossings <= 14, `${L.crossings} crossings`);
    // Operands used once sit in the column right before their gate.
    for (const d of g.nodes) {
      if (g.outEdges[d.index].length !== 1) continue;
      const e = g.edges[g.outEdges[d.index][0]];
      assert.equal(L.rank[e.to] - L.rank[d.index], 1, `${d.label} next to its gate`);
    }
  });

  it('a 500-term sum (~2,000 nodes, 500 columns) is a staircase of one-column edges, laid out fast', () => {
    const ev = evaluate(chainProgram(500), {});
    const g = buildDisplay(ev.program, ev.tape, { maxNodes: 5000 });
    assert.ok(g.nodes.length > 1900);
    const t0 = performance.now();
    const L = layoutOf(g);
    const ms = performance.now() - t0;
    checkLayout(g, L, 'chain');
    // Only the edges from the three shared x's span more than one column.
    const xs = new Set(['x0', 'x1', 'x2'].map((n) => g.nodes.findIndex((d) => d.label === n)));
    for (const e of g.edges) if (!xs.has(e.from)) assert.equal(L.rank[e.to] - L.rank[e.from], 1);
    assert.ok(L.crossings < 2000, `${L.crossings} crossings`);
    assert.ok(ms < 1500, `${ms} ms`); // generous (shared CI cores); the benchmark reports the real number
  });
});

describe('edge labels', () => {
  it("curveYAt follows the renderer's curve: ends, middle, monotone", () => {
    const pts = [0, 0, 100, 50];
    assert.equal(curveYAt(pts, 0), 0);
    assert.equal(curveYAt(pts, 100), 50);
    assert.ok(Math.abs(curveYAt(pts, 50) - 25) < 1e-6);
    assert.ok(curveYAt(pts, 30) < curveYAt(pts, 60));
    assert.equal(curveYAt([0, 0, 50, 10, 100, 10], 75), 10);
  });

  it('labels sit in the gap before the gate, never over a node box nor over each other', () => {
    for (const [file, name] of [
      ['simple.ts', 'f'],
      ['network.ts', 'loss'],
    ]) {
      const ev = parseExample(file, name);
      const g = buildDisplay(ev.program, ev.tape);
      const L = layoutOf(g);
      const boxes = g.nodes.map((d) => ({ x: L.x[d.index], y: L.y[d.index], w: d.width, h: d.height }));
      const points = (ei: number) => {
        const e = g.edges[ei];
        const nIn = g.inEdges[e.to].length;
        const slot = g.inEdges[e.to].indexOf(ei);
        return [
          L.x[e.from] + g.nodes[e.from].width,
          L.y[e.from] + g.nodes[e.from].height / 2,
          ...L.bends[ei],
          L.x[e.to],
          L.y[e.to] + (g.nodes[e.to].height * (slot + 1)) / (nIn + 1),
        ];
      };
      const gap = (ei: number) => {
        const r = L.rank[g.edges[ei].to];
        return { left: L.colX[r - 1] + L.colW[r - 1], right: L.colX[r] };
      };
      for (let gate = 0; gate < g.nodes.length; gate++) {
        const reqs = g.inEdges[gate].map((edge) => ({
          edge,
          variants: [
            ['−0.0282 × (−0.235) = 0.00663'],
            ['−0.0282 × (−0.235)', '= 0.00663'],
            ['−0.0282', '× (−0.235)', '= 0.00663'],
          ],
        }));
        if (!reqs.length) continue;
        const placed = placeEdgeLabels(reqs, { boxes, points, gap });
        assert.equal(placed.length, reqs.length);
        for (const l of placed) {
          for (const b of boxes) {
            const hit = l.x < b.x + b.w && b.x < l.x + l.w && l.y < b.y + b.h && b.y < l.y + l.h;
            assert.ok(!hit, `${file}: label of edge ${l.edge} covers a node`);
          }
          const { left, right } = gap(l.edge);
          assert.ok(
            l.x >= left - 1e-9 && l.x + l.w <= right + 1e-9,
            `${file}: label inside the gap (${l.x}..${l.x + l.w} in ${left}..${right})`,
          );
          if (!l.leader) assert.ok(l.ay >= l.y && l.ay <= l.y + l.h, 'no leader: the label covers its edge');
        }
        for (let i = 0; i < placed.length; i++) {
          for (let j = i + 1; j < placed.length; j++) {
            const a = placed[i];
            const b = placed[j];
            assert.ok(
              !(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h),
              'labels do not overlap',
            );
          }
        }
      }
    }
  });

  it('picks the first text variant that fits the gap', () => {
    const wide = ['a much longer single line label'];
    const two = ['two', 'lines'];
    const placed = placeEdgeLabels([{ edge: 0, variants: [wide, two] }], {
      boxes: [],
      points: () => [0, 0, 100, 0],
      gap: () => ({ left: 10, right: 90 }),
    });
    assert.deepEqual(placed[0].lines, two);
    assert.ok(labelSize(two).w <= 76);
  });
});

describe('zoom maths', () => {
  it('fits a world into a viewport and maps the view to one CSS transform', () => {
    const v = fitView(1000, 500, 600, 400);
    assert.ok(Math.abs(v.k - (600 - 48) / 1000) < 1e-12);
    assert.equal(transformFor({ x: 0, y: 0, k: 1 }, 0, 0), 'translate(0px, 0px) scale(1)');
    // World point (v.x, v.y) lands at the viewport's top-left: (ox − v.x)·k + (v.x − ox)·k = 0.
    assert.equal(transformFor({ x: 10, y: 20, k: 2 }, -64, -64), 'translate(-148px, -168px) scale(2)');
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
    assert.deepEqual(
      steps.map((s) => s.nodeId),
      [f, q],
    );
    assert.match(steps[0].role, /mul switches/);
    assert.ok(
      steps[0].lines.some((l) => l.text === '∂/∂q: upstream 1 × local (−4) [b] = −4'),
      steps[0].text,
    );
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

  it('a compound input is one operand in the step text: ∂/∂(y - t), not ∂/∂y - t', () => {
    const text = 'const y = 3;\nconst t = 1;\nconst loss = 0.5 * (y - t) ** 2;\n';
    const ev = evaluate(parseTarget({ text, name: 'loss' }), {});
    const g = buildDisplay(ev.program, ev.tape);
    const steps = buildSteps(g, ev.program, ev.tape, edgeNumbers(g, ev.tape), 4);
    const lines = steps.flatMap((s) => s.lines.map((l) => l.text));
    assert.ok(
      lines.some((l) => l.startsWith('∂/∂(y - t): upstream 0.5 × local 4')),
      lines.join('\n'),
    );
    assert.ok(!lines.some((l) => l.startsWith('∂/∂y - t')), lines.join('\n'));
    assert.ok(
      lines.some((l) => l.startsWith('∂/∂y: upstream')),
      lines.join('\n'),
    ); // a name stays bare
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
    assert.deepEqual(
      gateOrder(g).map((i) => g.nodes[i].id),
      [f, c, a],
    );
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
