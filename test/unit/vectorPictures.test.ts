/**
 * The textbook pictures of docs/vector-view.md's former "Known limits".
 *
 * 1. A conditional whose branch taken returns a number computed before it (`z > 0 ? z : 0.01 * z`)
 * gets a `branch` gate of its own (one argument, local derivative 1), so `h = z.map(leaky)` is an
 * array of its own nodes: the vector view draws the textbook leaky-ReLU / ELU node with a diagonal
 * ∂h/∂z, and `y` depends on `z` only through `h`.
 * 2. Named arrays off the loss's path (softmax's `p` when the loss reads only `p[label]`, or uses
 * log-softmax directly) are grouped whole from ExprProgram.offPath, with ∂L/∂p = 0 where they do
 * not reach the loss; the program every other view reads is unchanged.
 *
 * Oracles: hand-derived Jacobians and gradients computed here in plain JavaScript from the inputs
 * (never from the engine), the PyTorch float64 fixture (scripts/vector-jacobians.py), and central
 * differences of the program run as plain JavaScript.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  buildVectorGraph,
  chainRule,
  edgeJacobian,
  evaluate,
  groupGrads,
  groupValues,
  offPathTape,
  vectorContext,
  withOffPath,
  type ExprProgram,
  type OpNode,
  type VectorContext,
} from '../../src/core';
import { parseTarget } from '../../src/parse';
import { runJs, setLiteral, stripTypes } from './plainjs';

const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');
const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'vector-jacobians.json'), 'utf8')) as {
  cases: Record<
    string,
    { jacobians: Record<string, number[][]>; grads: Record<string, unknown>; values: Record<string, unknown> }
  >;
};

// The examples' inputs (checked against the files below).
const W = [
  [0.5, -0.3],
  [-0.8, 0.2],
  [0.7, 0.9],
];
const X = [1.5, -0.5];
const V = [0.6, -1.1, 0.4];
const Z = W.map((row) => row[0] * X[0] + row[1] * X[1]);

function analyse(program: ExprProgram): VectorContext {
  return vectorContext(buildVectorGraph(program), evaluate(program).tape);
}

function example(file: string, target: string): { ctx: VectorContext; text: string } {
  const text = fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8');
  return { ctx: analyse(parseTarget({ text, fileName: file, name: target })), text };
}

const group = (ctx: VectorContext, label: string) => {
  const g = ctx.graph.groups.find((x) => x.label === label);
  assert.ok(g, `no group ${label} (have ${ctx.graph.groups.map((x) => x.label).join(', ')})`);
  return g;
};

const edgeNames = (ctx: VectorContext) =>
  ctx.graph.edges.map((e) => `${ctx.graph.groups[e.from].label}->${ctx.graph.groups[e.to].label}`).sort();

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])),
      `${what}[${i}]: ${actual[i]} ≉ ${expected[i]}`,
    );
  }
}

/** diag(d) as a flat row-major n×n matrix. */
const diag = (d: number[]) => d.flatMap((v, i) => d.map((_, j) => (i === j ? v : 0)));

describe('vector view: a conditional returning its input gets a node of its own (leaky ReLU, ELU)', () => {
  const layers = [
    { file: 'leaky-relu.ts', fixture: 'leaky_relu', slope: (z: number) => (z > 0 ? 1 : 0.01), role: 'select' },
    { file: 'elu.ts', fixture: 'elu', slope: (z: number) => (z > 0 ? 1 : Math.exp(z)), role: 'nonlinear' },
  ];
  for (const layer of layers) {
    it(`${layer.file}: h owns all 3 elements; ∂h/∂z is diagonal (hand-derived and PyTorch), y depends on z only through h`, () => {
      const { ctx, text } = example(layer.file, 'y');
      assert.match(text, /const x = \[1\.5, -0\.5\];/);
      assert.match(text, /const v = \[0\.6, -1\.1, 0\.4\];/);
      // One element of z is negative, the others positive: both branches are exercised.
      assert.deepEqual(
        Z.map((z) => z > 0),
        [true, false, true],
      );
      const h = group(ctx, 'h');
      const z = group(ctx, 'z');
      assert.deepEqual(h.shape, [3]);
      assert.equal(h.owned.length, 3, 'h owns every element');
      assert.deepEqual(h.sharesWith, []);
      assert.deepEqual(edgeNames(ctx), ['W->z', 'h->y', 'v->y', 'x->z', 'z->h']);
      const e = ctx.graph.edges.find((x) => x.from === z.id && x.to === h.id)!;
      assert.equal(e.role, layer.role);
      const expected = diag(Z.map(layer.slope));
      for (const mode of ['reverse', 'forward'] as const) {
        const J = edgeJacobian(ctx, e.id, { mode });
        assert.deepEqual([J.rows.length, J.cols.length], [3, 3]);
        assert.equal(J.sparsity!.kind, 'diagonal');
        close(J.values!, expected, 1e-15, `${layer.file} ∂h/∂z (${mode}, hand-derived)`);
        close(J.values!, FIXTURE.cases[layer.fixture].jacobians['z->h'].flat(), 1e-12, `${layer.file} ∂h/∂z (PyTorch)`);
      }
      // ∂L/∂h = v (y = v·h), ∂L/∂z = v ⊙ slope: by hand and against PyTorch.
      close(groupGrads(ctx, h.id), V, 1e-15, '∂y/∂h');
      close(
        groupGrads(ctx, z.id),
        Z.map((zi, i) => V[i] * layer.slope(zi)),
        1e-15,
        '∂y/∂z',
      );
      close(groupGrads(ctx, z.id), FIXTURE.cases[layer.fixture].grads.z as number[], 1e-12, '∂y/∂z (PyTorch)');
      for (const g of ctx.graph.groups) assert.ok(chainRule(ctx, g.id).maxRelError <= 1e-13, g.label);
    });
  }

  it('the scalar graph: a `?:` gate (op branch, one argument: z[i]) where the branch returned z[i]; none where it computed', () => {
    const { ctx } = example('leaky-relu.ts', 'y');
    const program = ctx.graph.program;
    const h = group(ctx, 'h');
    const z = group(ctx, 'z');
    h.elements.forEach((id, i) => {
      const node = program.nodes[id] as OpNode;
      if (Z[i] > 0) {
        assert.equal(node.op, 'branch');
        assert.deepEqual(node.args, [z.elements[i]]);
        assert.equal(node.label, 'zi > 0 ? zi : 0.01 * zi');
      } else {
        assert.equal(node.op, 'mul');
        assert.ok(node.args.includes(z.elements[i]));
      }
    });
    assert.equal(program.nodes.filter((n) => n.kind === 'op' && n.op === 'branch').length, 2);
  });

  it('fan-out: z used through h and directly; every gradient equals the hand-derived one and central differences', () => {
    const text = [
      'const W = [[0.5, -0.3], [-0.8, 0.2], [0.7, 0.9]];',
      'const x = [1.5, -0.5];',
      'const v = [0.6, -1.1, 0.4];',
      'const dot = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * b[i], 0);',
      'const z = W.map((row) => dot(row, x));',
      'const h = z.map((zi) => (zi > 0 ? zi : 0.01 * zi));',
      'const y = dot(v, h) + z.reduce((s, zi) => s + zi * zi, 0);',
      'export {};',
    ].join('\n');
    const program = parseTarget({ text, fileName: 'fanout.ts', name: 'y' });
    const ev = evaluate(program);
    const ctx = vectorContext(buildVectorGraph(program), ev.tape);
    const slope = (zi: number) => (zi > 0 ? 1 : 0.01);
    // By hand: ∂y/∂z_i = v_i·slope(z_i) + 2 z_i; ∂y/∂x = Wᵀ ∂y/∂z; ∂y/∂h = v.
    const dz = Z.map((zi, i) => V[i] * slope(zi) + 2 * zi);
    const dx = [0, 1].map((j) => W.reduce((s, row, i) => s + row[j] * dz[i], 0));
    close(groupGrads(ctx, group(ctx, 'h').id), V, 1e-15, '∂y/∂h');
    close(groupGrads(ctx, group(ctx, 'z').id), dz, 1e-15, '∂y/∂z');
    close(groupGrads(ctx, group(ctx, 'x').id), dx, 1e-15, '∂y/∂x');
    // Central differences of the program run as plain JavaScript.
    const js = stripTypes(text.replace('export {};', ''));
    const eps = 1e-6;
    for (let j = 0; j < 2; j++) {
      const at = (d: number) => runJs(setLiteral(js, `x[${j}]`, X[j] + d), 'y') as number;
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      assert.ok(Math.abs(numeric - dx[j]) < 1e-8, `∂y/∂x[${j}]: ${numeric} vs ${dx[j]}`);
    }
    assert.equal(ev.value, runJs(js, 'y'));
    // z feeds h (the leaky ReLU) and y (the sum of squares): two terms that sum.
    const terms = chainRule(ctx, group(ctx, 'z').id);
    assert.deepEqual(terms.terms.map((t) => ctx.graph.groups[ctx.graph.edges[t.edge].to].label).sort(), ['h', 'y']);
    for (const g of ctx.graph.groups) assert.ok(chainRule(ctx, g.id).maxRelError <= 1e-13, g.label);
  });

  it('the task machine (a branch calling a helper with statements) and nested conditionals give one gate', () => {
    const text = [
      'function pass(t: number) {',
      '  const u = t;',
      '  return u;',
      '}',
      'const a = 2;',
      'const b = -3;',
      'const r = a > 0 ? pass(a) : 0.5 * a;',
      'const s = b > 0 ? b : b < -1 ? b : 0;',
      'const q = a > 0 ? 3 * a : a;',
      'const f = r * s + q;',
      'export {};',
    ].join('\n');
    const program = parseTarget({ text, fileName: 'branch.ts', name: 'f' });
    const ops = (name: string) =>
      program.nodes.filter((n) => n.kind === 'op' && n.op === 'branch' && n.name === name) as OpNode[];
    const inputId = (name: string) => program.nodes.findIndex((n) => n.kind === 'input' && n.name === name);
    // r: the helper returned a (recorded before the conditional): one gate over a.
    assert.equal(ops('r').length, 1);
    assert.deepEqual(ops('r')[0].args, [inputId('a')]);
    // s: the inner conditional's gate is the outer one's value (computed inside it): one gate.
    assert.equal(ops('s').length, 1);
    assert.deepEqual(ops('s')[0].args, [inputId('b')]);
    // q: the branch computed 3·a itself: no gate.
    assert.equal(program.nodes.filter((n) => n.kind === 'op' && n.op === 'branch').length, 2);
    const ev = evaluate(program);
    assert.equal(ev.value, 2 * -3 + 6);
    const grad = (name: string) => ev.tape.grad[inputId(name)];
    assert.equal(grad('a'), -3 + 3); // ∂f/∂a = s + 3
    assert.equal(grad('b'), 2); // ∂f/∂b = r
  });
});

describe("vector view: softmax's p is shown whole, with ∂L/∂p = 0 off the loss's path", () => {
  const SOFTMAX = fs.readFileSync(path.join(EXAMPLES_DIR, 'softmax.ts'), 'utf8');
  const LOG_SOFTMAX = SOFTMAX.replace('const loss = -Math.log(p[label]);', 'const loss = Math.log(S) - z[label];');
  // The inputs, computed here in plain JavaScript: z = W·x, p = softmax(z).
  const Ws = [
    [0.2, -0.4],
    [0.6, 0.1],
    [-0.5, 0.3],
  ];
  const xs = [1.2, -0.7];
  const label = 1;
  const softmax = (x: number[]) => {
    const z = Ws.map((row) => row[0] * x[0] + row[1] * x[1]);
    const e = z.map(Math.exp);
    const S = e.reduce((a, b) => a + b, 0);
    return { z, e, S, p: e.map((v) => v / S) };
  };

  function traced(text: string, values?: Record<string, number>) {
    const program = parseTarget({ text, fileName: 'softmax.ts', name: 'loss' });
    const ev = evaluate(program, values);
    const ext = withOffPath(program);
    return { program, ev, ext, ctx: vectorContext(buildVectorGraph(ext), offPathTape(ext, ev.tape)) };
  }

  it('loss = −log p[label]: p 3 with ∂L/∂p = [0, −1/p[label], 0] (hand-derived and PyTorch); e feeds p and S', () => {
    assert.match(SOFTMAX, /const x = \[1\.2, -0\.7\];/);
    const { program, ctx } = traced(SOFTMAX);
    const { p, S } = softmax(xs);
    const P = group(ctx, 'p');
    assert.deepEqual(P.shape, [3]);
    assert.equal(P.owned.length, 3);
    close(groupValues(ctx, P.id), p, 1e-15, 'p');
    close(
      groupGrads(ctx, P.id),
      p.map((pi, i) => (i === label ? -1 / pi : 0)),
      1e-15,
      '∂L/∂p',
    );
    close(groupGrads(ctx, P.id), FIXTURE.cases.softmax_ce.grads.p as number[], 1e-12, '∂L/∂p (PyTorch)');
    assert.deepEqual(edgeNames(ctx), ['S->p', 'W->z', 'e->S', 'e->p', 'p->loss', 'x->z', 'z->e']);
    const jac = (from: string, to: string) =>
      edgeJacobian(ctx, ctx.graph.edges.find((e) => e.from === group(ctx, from).id && e.to === group(ctx, to).id)!.id);
    close(jac('e', 'p').values!, diag([1, 1, 1].map(() => 1 / S)), 1e-15, '∂p/∂e (S fixed)');
    close(jac('p', 'loss').values!, [0, -1 / p[label], 0], 1e-15, '∂loss/∂p');
    close(jac('p', 'loss').values!, FIXTURE.cases.softmax_ce.jacobians['p->loss'].flat(), 1e-12, '∂loss/∂p (PyTorch)');
    // e's gradient sums what comes back from p and from S (fan-out).
    const e = chainRule(ctx, group(ctx, 'e').id);
    assert.deepEqual(e.terms.map((t) => ctx.graph.groups[ctx.graph.edges[t.edge].to].label).sort(), ['S', 'p']);
    for (const g of ctx.graph.groups) assert.ok(chainRule(ctx, g.id).maxRelError <= 1e-13, g.label);
    // What every other view reads is the program itself: only what the loss depends on.
    assert.ok(!(program.arrays ?? []).some((a) => a.label === 'p'));
    assert.equal(program.offPath!.arrays.length, 1);
    assert.equal(program.offPath!.nodes.length, 2, 'p[0] and p[2]');
    assert.equal(ctx.graph.program.nodes.length, program.nodes.length + 2);
  });

  it('loss = log S − z[label] (log-softmax): p beside it with ∂L/∂p = 0, against PyTorch; values follow an input edit', () => {
    const { program, ev, ctx } = traced(LOG_SOFTMAX);
    const { z, p } = softmax(xs);
    assert.ok(Math.abs(ev.value - (Math.log(z.map(Math.exp).reduce((a, b) => a + b, 0)) - z[label])) < 1e-15);
    const P = group(ctx, 'p');
    close(groupValues(ctx, P.id), p, 1e-15, 'p');
    assert.deepEqual(Array.from(groupGrads(ctx, P.id)), [0, 0, 0]);
    assert.deepEqual(ctx.graph.outEdges[P.id], [], 'p reaches nothing');
    const torch = FIXTURE.cases.log_softmax_ce;
    for (const label of ['W', 'x', 'z', 'e', 'S', 'p']) {
      close(groupGrads(ctx, group(ctx, label).id), [torch.grads[label]].flat(2) as number[], 1e-12, `∂L/∂${label}`);
    }
    for (const [key, J] of Object.entries(torch.jacobians)) {
      const [from, to] = key.split('->');
      const e = ctx.graph.edges.find((x) => x.from === group(ctx, from).id && x.to === group(ctx, to).id);
      assert.ok(e, key);
      close(edgeJacobian(ctx, e.id).values!, J.flat(), 1e-12, key);
    }
    for (const g of ctx.graph.groups) assert.ok(chainRule(ctx, g.id).maxRelError <= 1e-13, g.label);
    // An input edit binds new values to the same graph: p follows (computed here by hand).
    const edited = evaluate(program, { 'x[0]': -0.3 });
    const ext = withOffPath(program);
    const ctx2 = vectorContext(ctx.graph, offPathTape(ext, edited.tape));
    close(groupValues(ctx2, P.id), softmax([-0.3, xs[1]]).p, 1e-15, 'p after the edit');
  });

  it('an array whose off-path elements need an input outside the program is left out', () => {
    const text = [
      'const a = [1, 2, 3];',
      'const k = 0.5;',
      'const scaled = a.map((v) => v * k);',
      'const loss = a.reduce((s, v) => s + v * v, 0);',
      'export {};',
    ].join('\n');
    const program = parseTarget({ text, fileName: 'off.ts', name: 'loss' });
    // `scaled` needs k, an input the loss does not read: not shown (an edit of k could not be traced).
    assert.equal(program.offPath, undefined);
    const ext = withOffPath(program);
    assert.equal(ext, program);
  });
});
