import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  buildVectorGraph,
  chainRule,
  edgeContributions,
  edgeJacobian,
  evaluate,
  groupGrads,
  groupValues,
  hasVectorStructure,
  iterationContributions,
  outerProduct,
  sampleLoops,
  shapeText,
  vectorContext,
  type ExprProgram,
  type VectorContext,
} from '../../src/core';
import { ArrayProgramBuilder, reshape } from './arrayBuilder';
import { ProgramBuilder } from './builder';
import { CASES, type CaseInputs } from './vectorCases';

interface TorchCase {
  inputs: CaseInputs;
  values: Record<string, unknown>;
  grads: Record<string, unknown>;
  jacobians: Record<string, number[][]>;
  perSample?: { w: number[][]; b: number[] };
}
const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'vector-jacobians.json'), 'utf8')) as {
  cases: Record<string, TorchCase>;
};

function analyse(program: ExprProgram): VectorContext {
  const ev = evaluate(program);
  return vectorContext(buildVectorGraph(program), ev.tape);
}

const groupId = (ctx: VectorContext, label: string) => {
  const g = ctx.graph.groups.find((x) => x.label === label);
  assert.ok(g, `no group ${label} (have ${ctx.graph.groups.map((x) => x.label).join(', ')})`);
  return g.id;
};

const edgeId = (ctx: VectorContext, from: string, to: string) => {
  const a = groupId(ctx, from);
  const b = groupId(ctx, to);
  const e = ctx.graph.edges.find((x) => x.from === a && x.to === b);
  assert.ok(e, `no edge ${from}→${to}`);
  return e.id;
};

const edgeNames = (ctx: VectorContext) =>
  ctx.graph.edges.map((e) => `${ctx.graph.groups[e.from].label}->${ctx.graph.groups[e.to].label}`).sort();

/** |a − b| ≤ tol · max(1, |b|) elementwise. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} ≠ ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}[${i}]: ${a} ≉ ${b}`);
  }
}

const flat = (v: unknown): number[] => (Array.isArray(v) ? (v as unknown[]).flat(3 as 1) : [v]) as number[];

describe('vector view: grouping', () => {
  it('the 2-layer net groups into W1 3×2, x 2, W2 1×3, z 3, h 3, y 1 with the edges of W2·max(0, W1·x)', () => {
    const ctx = analyse(CASES.two_layer(FIXTURE.cases.two_layer.inputs));
    const shapes = Object.fromEntries(ctx.graph.groups.map((g) => [g.label, shapeText(g.shape)]));
    assert.deepEqual(shapes, { W1: '3×2', x: '2', W2: '1×3', z: '3', h: '3', y: '1' });
    assert.deepEqual(edgeNames(ctx), ['W1->z', 'W2->y', 'h->y', 'x->z', 'z->h']);
    assert.equal(ctx.graph.groups[ctx.graph.rootGroup].label, 'y');
    // every node belongs to at most one group; every group owns all its elements here
    for (const g of ctx.graph.groups) {
      assert.equal(g.owned.length, g.elements.length, g.label);
      for (const e of g.elements) assert.equal(ctx.graph.owner[e], g.id);
    }
    assert.ok(hasVectorStructure(ctx.graph.program));
  });

  it('roles: mul switches (W·x), max routes (ReLU)', () => {
    const ctx = analyse(CASES.two_layer(FIXTURE.cases.two_layer.inputs));
    const role = (a: string, b: string) => ctx.graph.edges[edgeId(ctx, a, b)].role;
    assert.equal(role('W1', 'z'), 'switch');
    assert.equal(role('x', 'z'), 'switch');
    assert.equal(role('z', 'h'), 'route');
    assert.deepEqual(ctx.graph.edges[edgeId(ctx, 'W1', 'z')].partners, [groupId(ctx, 'x')]);
  });

  it('edge roles name the strongest gate on the path: a sigmoid is nonlinear, 0.5·sq scales, + b distributes', () => {
    const roles = (name: string) => {
      const ctx = analyse(CASES[name](FIXTURE.cases[name].inputs));
      return Object.fromEntries(
        ctx.graph.edges.map((e) => [`${ctx.graph.groups[e.from].label}->${ctx.graph.groups[e.to].label}`, e.role]),
      );
    };
    const net = roles('net232');
    assert.deepEqual(
      [net['a1->h'], net['b1->a1'], net['W->a1'], net['sq->loss'], net['y->sq'], net['sq->sq']],
      ['nonlinear', 'distribute', 'switch', 'scale', 'nonlinear', 'distribute'],
    );
    const mb = roles('minibatch');
    assert.deepEqual([mb['b->d'], mb['T->d'], mb['w->d']], ['distribute', 'distribute', 'switch']);
    assert.equal(roles('leaky_relu')['z->h'], 'select');
    // a whole layer (x → W·x → ReLU → W2·h): switches and routes
    const b = new ArrayProgramBuilder();
    const x = b.vector('x', [1, -2]);
    const W = b.matrix('W', [
      [1, 2],
      [3, 4],
    ]);
    const h = b.map(b.matvec(W, x), (v) => b.relu(v));
    const ctx = analyse(b.program(b.dot(h, h), 'y'));
    assert.equal(ctx.graph.edges[edgeId(ctx, 'x', 'y')].role, 'mixed');
  });

  it('identical arrays merge into one group with aliases; a row bound to a name is a view of the matrix', () => {
    const b = new ArrayProgramBuilder();
    const W = b.matrix('W', [
      [1, 2],
      [3, 4],
    ]);
    b.array('V', W.flat(), [2, 2]); // const V = W
    b.array('row', W[1]); // const row = W[1]
    const s = b.op('add', b.op('mul', W[0][0], W[1][1]), W[1][0]);
    const ctx = analyse(b.program(s, 's'));
    const groups = ctx.graph.groups.map((g) => `${g.label}:${shapeText(g.shape)}:${g.aliases.join('|')}`);
    assert.deepEqual(groups, ['W:2×2:V', 's:scalar:']);
    assert.deepEqual(
      ctx.graph.views.map((v) => `${v.label}⊂${ctx.graph.groups[v.of].label}`),
      ['row⊂W'],
    );
    assert.deepEqual(edgeNames(ctx), ['W->s']);
  });

  it('arrays sharing some elements: each node has one owner; the later array owns only its new elements', () => {
    const b = new ArrayProgramBuilder();
    const p = b.input('p', 1);
    const q = b.input('q', 2);
    const a = b.array('a', [p, q]);
    const r = b.op('mul', a[0], a[1]);
    const c = b.array('c', [q, r]); // same size: program order decides, q stays a's
    const s = b.op('add', b.op('add', c[0], c[1]), b.op('mul', c[1], c[1]));
    const ctx = analyse(b.program(s, 's'));
    const g = ctx.graph.groups[groupId(ctx, 'c')];
    assert.deepEqual(g.owned, [1]);
    assert.deepEqual(g.sharesWith, [groupId(ctx, 'a')]);
    assert.deepEqual(edgeNames(ctx), ['a->c', 'a->s', 'c->s']);
    for (const group of ctx.graph.groups) {
      const cr = chainRule(ctx, group.id);
      assert.ok(cr.maxRelError <= 1e-14, `${group.label}: ${cr.maxRelError}`);
    }
    // s = q + r + r², r = p·q: ∂s/∂p = (1 + 2r)·q = 10, ∂s/∂q = 1 + (1 + 2r)·p = 6 (fan-out sums)
    assertClose(groupGrads(ctx, groupId(ctx, 'a')), [10, 6], 0, 'grad a');
  });

  it("an array made only of a larger array's elements (`x` inside `[...x, c]`) is a view of it", () => {
    const b = new ArrayProgramBuilder();
    const x = b.vector('x', [1, 2]);
    const xc = b.array('xc', [...x, b.op('mul', x[0], x[1])]);
    const ctx = analyse(b.program(b.op('add', xc[0], xc[2]), 's'));
    assert.deepEqual(
      ctx.graph.views.map((v) => `${v.label}⊂${ctx.graph.groups[v.of].label}`),
      ['x⊂xc'],
    );
    // xc[2] = xc[0]·xc[1]: a self-edge
    assert.deepEqual(edgeNames(ctx), ['xc->s', 'xc->xc']);
    assert.ok(chainRule(ctx, groupId(ctx, 'xc')).maxRelError <= 1e-15);
  });

  it("an array computed after the target still has its Jacobian; the evaluation's tape is not modified", () => {
    const b = new ArrayProgramBuilder();
    const x = b.vector('x', [2, 3]);
    const root = b.op('mul', x[0], x[1]);
    b.array('y', [b.op('mul', x[0], b.const(5)), b.op('mul', x[1], x[1])]);
    const program = b.program(root, 'f');
    const ev = evaluate(program);
    const before = ev.tape.local.slice();
    const ctx = vectorContext(buildVectorGraph(program), ev.tape);
    assert.deepEqual(Array.from(edgeJacobian(ctx, edgeId(ctx, 'x', 'y')).values!), [5, 0, 0, 6]);
    assert.deepEqual(ev.tape.local, before);
    assert.deepEqual(Array.from(groupGrads(ctx, groupId(ctx, 'y'))), [0, 0]); // not on the way to f
  });

  it('a plain expression has no vector structure; scalar inputs and the root are scalar groups', () => {
    const p = new ProgramBuilder();
    const x = p.input('x', 2);
    const y = p.input('y', 3);
    const program = p.build(p.op('mul', p.op('add', x, y), x));
    assert.equal(hasVectorStructure(program), false);
    const ctx = analyse(program);
    assert.deepEqual(
      ctx.graph.groups.map((g) => `${g.kind}:${g.label}`),
      ['root:expr', 'input:x', 'input:y'],
    );
    assert.deepEqual(edgeNames(ctx), ['x->expr', 'y->expr']);
  });
});

describe('vector view: Jacobians against hand-derived matrices', () => {
  const inputs = FIXTURE.cases.two_layer.inputs;
  const W1 = inputs.W1 as number[][];
  const x = inputs.x as number[];
  const ctx = analyse(CASES.two_layer(inputs));
  const z = W1.map((row) => row[0] * x[0] + row[1] * x[1]);

  for (const mode of ['reverse', 'forward'] as const) {
    it(`∂(W1·x)/∂x = W1 (${mode} mode), dense`, () => {
      const J = edgeJacobian(ctx, edgeId(ctx, 'x', 'z'), { mode });
      assert.equal(J.mode, mode);
      assert.deepEqual([J.rowShape, J.colShape], [[3], [2]]);
      assert.deepEqual(reshape(J.values!, 3, 2), W1);
      assert.equal(J.sparsity!.kind, 'dense');
    });

    it(`∂relu(z)/∂z = diag(z > 0) (${mode} mode): a diagonal mask`, () => {
      const J = edgeJacobian(ctx, edgeId(ctx, 'z', 'h'), { mode });
      assert.deepEqual(
        reshape(J.values!, 3, 3),
        z.map((_, i) => z.map((zj, j) => (i === j && zj > 0 ? 1 : 0))),
      );
      assert.equal(J.sparsity!.kind, 'diagonal');
      assert.equal(J.sparsity!.mask, true);
      assert.equal(J.sparsity!.identity, false);
      assert.equal(J.sparsity!.structural, 3);
      assert.equal(J.sparsity!.nonzero, 2);
    });

    it(`∂(W1·x)/∂W1 is block-diagonal with xᵀ in row i's block (${mode} mode)`, () => {
      const J = edgeJacobian(ctx, edgeId(ctx, 'W1', 'z'), { mode });
      assert.deepEqual([J.rowShape, J.colShape], [[3], [3, 2]]);
      const expected = [0, 1, 2].map((i) => [0, 1, 2, 3, 4, 5].map((c) => (Math.floor(c / 2) === i ? x[c % 2] : 0)));
      assert.deepEqual(reshape(J.values!, 3, 6), expected);
      assert.equal(J.sparsity!.kind, 'block-diagonal');
      assert.equal(J.sparsity!.block, 2);
    });
  }

  it('reverse is used when B is smaller, forward when A is smaller', () => {
    assert.equal(edgeJacobian(ctx, edgeId(ctx, 'W1', 'z')).mode, 'reverse'); // 3 rows < 6 cols
    assert.equal(edgeJacobian(ctx, edgeId(ctx, 'x', 'z')).mode, 'forward'); // 3 rows > 2 cols
  });

  it('∂L/∂W1 = ∂L/∂z · xᵀ: the outer product, and the chain rule at every group', () => {
    const contributions = edgeContributions(ctx);
    const e = edgeId(ctx, 'W1', 'z');
    const outer = outerProduct(ctx, e, contributions[e]);
    assert.ok(outer);
    assert.equal(ctx.graph.groups[outer.left].label, 'z');
    assert.equal(ctx.graph.groups[outer.right].label, 'x');
    const gz = groupGrads(ctx, groupId(ctx, 'z'));
    assertClose(contributions[e], [0, 1, 2].map((i) => x.map((xj) => gz[i] * xj)).flat(), 1e-15, 'outer');
    for (const g of ctx.graph.groups) {
      const cr = chainRule(ctx, g.id, contributions);
      assert.ok(cr.maxRelError <= 1e-14, `${g.label}: ${cr.maxRelError}`);
    }
  });

  it('Jᵀ·∂L/∂B from the explicit Jacobian equals the tape gradient (vectorized chain rule, numbers)', () => {
    const gh = groupGrads(ctx, groupId(ctx, 'h'));
    const J = edgeJacobian(ctx, edgeId(ctx, 'z', 'h'));
    const fromJ = [0, 1, 2].map((j) => [0, 1, 2].reduce((s, i) => s + J.values![i * 3 + j] * gh[i], 0));
    assertClose(groupGrads(ctx, groupId(ctx, 'z')), fromJ, 1e-15, '∂L/∂z');
  });

  it('too large a Jacobian is not computed, with a note; the chain rule still holds through Jᵀ·g', () => {
    const J = edgeJacobian(ctx, edgeId(ctx, 'W1', 'z'), { maxEntries: 10 });
    assert.equal(J.values, undefined);
    assert.match(J.note!, /∂z\/∂W1 is 3×6 = 18 entries, more than the 10 computed/);
  });
});

describe('vector view: against PyTorch (torch.autograd.functional.jacobian, float64)', () => {
  for (const [name, expected] of Object.entries(FIXTURE.cases)) {
    it(`${name}: values, gradients (same shape as each array), every Jacobian, the chain rule`, () => {
      const ctx = analyse(CASES[name](expected.inputs));
      for (const [label, value] of Object.entries(expected.values)) {
        const g = groupId(ctx, label);
        const shape = ctx.graph.groups[g].shape;
        const tshape = (function shapeOf(v: unknown): number[] {
          const s: number[] = [];
          let cur = v;
          while (Array.isArray(cur)) {
            s.push(cur.length);
            cur = cur[0];
          }
          return s;
        })(value);
        assert.deepEqual(shape, tshape, `${label} shape`);
        assertClose(groupValues(ctx, g), flat(value), 1e-13, `${name} ${label} value`);
        assertClose(groupGrads(ctx, g), flat(expected.grads[label]), 1e-12, `${name} ∂L/∂${label}`);
      }
      for (const [key, J] of Object.entries(expected.jacobians)) {
        const [from, to] = key.split('->');
        const ours = edgeJacobian(ctx, edgeId(ctx, from, to));
        assert.equal(ours.rows.length, J.length, `${key} rows`);
        assert.equal(ours.cols.length, J[0].length, `${key} cols`);
        assertClose(ours.values!, J.flat(), 1e-12, `${name} J ${key}`);
        const other = edgeJacobian(ctx, edgeId(ctx, from, to), {
          mode: ours.mode === 'reverse' ? 'forward' : 'reverse',
        });
        assertClose(other.values!, J.flat(), 1e-12, `${name} J ${key} (${other.mode})`);
      }
      const contributions = edgeContributions(ctx);
      for (const g of ctx.graph.groups) {
        const cr = chainRule(ctx, g.id, contributions);
        assert.ok(cr.maxRelError <= 1e-13, `${name} chain rule at ${g.label}: ${cr.maxRelError}`);
      }
    });
  }

  it('element-wise layers have diagonal Jacobians: sigmoid σ(1−σ), leaky ReLU 1 or 0.01, ELU 1 or eᶻ', () => {
    const sig = analyse(CASES.net232(FIXTURE.cases.net232.inputs));
    const J = edgeJacobian(sig, edgeId(sig, 'a1', 'h'));
    assert.equal(J.sparsity!.kind, 'diagonal');
    const h = groupValues(sig, groupId(sig, 'h'));
    assertClose(
      [0, 1, 2].map((i) => J.values![i * 3 + i]),
      Array.from(h, (v) => v * (1 - v)),
      1e-15,
      'σ′',
    );
    const leaky = analyse(CASES.leaky_relu(FIXTURE.cases.leaky_relu.inputs));
    const L = edgeJacobian(leaky, edgeId(leaky, 'z', 'h'));
    const z = groupValues(leaky, groupId(leaky, 'z'));
    assert.equal(L.sparsity!.kind, 'diagonal');
    assert.deepEqual(
      [0, 1, 2].map((i) => L.values![i * 3 + i]),
      Array.from(z, (v) => (v > 0 ? 1 : 0.01)),
    );
  });

  it('softmax: e feeds S and p (fan-out sums); ∂p/∂e with S fixed is diag(1/S); ∂e/∂z = diag(eᶻ); ∂L/∂z = p − onehot', () => {
    const ctx = analyse(CASES.softmax_ce(FIXTURE.cases.softmax_ce.inputs));
    assert.equal(edgeJacobian(ctx, edgeId(ctx, 'e', 'p')).sparsity!.kind, 'diagonal');
    assert.equal(edgeJacobian(ctx, edgeId(ctx, 'e', 'S')).sparsity!.kind, 'dense');
    assert.equal(edgeJacobian(ctx, edgeId(ctx, 'z', 'e')).sparsity!.kind, 'diagonal');
    const cr = chainRule(ctx, groupId(ctx, 'e'));
    assert.deepEqual(
      cr.terms.map((t) => ctx.graph.groups[ctx.graph.edges[t.edge].to].label),
      ['p', 'S'],
    );
    const p = groupValues(ctx, groupId(ctx, 'p'));
    const c = FIXTURE.cases.softmax_ce.inputs.c as number;
    assertClose(
      groupGrads(ctx, groupId(ctx, 'z')),
      Array.from(p, (pi, i) => pi - (i === c ? 1 : 0)),
      1e-15,
      '∂L/∂z',
    );
  });

  it('maxout routes each element to the larger of a and c: complementary 0/1 diagonal masks', () => {
    const ctx = analyse(CASES.maxout(FIXTURE.cases.maxout.inputs));
    const A = edgeJacobian(ctx, edgeId(ctx, 'a', 'h'));
    const C = edgeJacobian(ctx, edgeId(ctx, 'c', 'h'));
    assert.ok(A.sparsity!.mask && C.sparsity!.mask);
    for (let i = 0; i < 3; i++) assert.equal(A.values![i * 4] + C.values![i * 4], 1);
    assert.equal(ctx.graph.edges[edgeId(ctx, 'a', 'h')].role, 'route');
  });
});

describe('vector view: minibatch', () => {
  const expected = FIXTURE.cases.minibatch;
  const ctx = analyse(CASES.minibatch(expected.inputs));

  it('values computed in the sample loop become vectors over the iterations; the accumulator has a self-edge', () => {
    const shapes = Object.fromEntries(ctx.graph.groups.map((g) => [g.label, `${g.kind}:${shapeText(g.shape)}`]));
    assert.deepEqual(shapes, {
      X: 'array:4×2',
      T: 'array:4',
      w: 'array:2',
      mse: 'root:scalar',
      d: 'iterations:4',
      loss: 'iterations:4',
      b: 'input:scalar',
    });
    assert.ok(edgeNames(ctx).includes('loss->loss'));
    const J = edgeJacobian(ctx, edgeId(ctx, 'loss', 'loss'));
    // loss[k] = loss[k−1] + d[k]²: ∂loss[k]/∂loss[k−1] = 1 (the sub-diagonal)
    assert.deepEqual(
      reshape(J.values!, 4, 4),
      [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (j === i - 1 ? 1 : 0))),
    );
    assert.deepEqual(sampleLoops(ctx.graph.program).slice(0, 1), [0]);
  });

  it("each sample's contribution to ∂mse/∂w and ∂mse/∂b equals PyTorch's per-sample gradient; they sum to the total", () => {
    const loop = 0; // the sample loop
    for (const label of ['w', 'b'] as const) {
      const c = iterationContributions(ctx, groupId(ctx, label), loop);
      assert.equal(c.iterations, 4);
      const torch = expected.perSample![label];
      c.perIteration.forEach((p, k) => assertClose(p, flat(torch[k]), 1e-13, `${label} sample ${k}`));
      assertClose(c.outside, [0, 0, 0, 0].slice(0, c.outside.length), 0, 'outside');
      assert.ok(c.maxAbsError <= 1e-15, `sum ${c.maxAbsError}`);
      assertClose(c.total, flat(expected.grads[label]), 1e-13, `${label} total`);
    }
  });

  it('an iteration group is attributed exactly; nodes before any direct node are iteration 0', () => {
    const c = iterationContributions(ctx, groupId(ctx, 'd'), 0);
    // d[k] feeds loss[k] (mul d·d in iteration k): only iteration k contributes to element k
    c.perIteration.forEach((p, k) => p.forEach((v, i) => assert.equal(v !== 0, i === k, `d ${k} ${i}`)));
  });
});

describe('vector view: an array bound in a loop body', () => {
  it('is recorded once per iteration and stacks into one group [iterations, …]; the chain rule holds', () => {
    // for (const x of X) { const h = W.map(row => relu(dot(row, x))); loss += dot(h, h); }
    const b = new ArrayProgramBuilder();
    const X = b.matrix('X', [
      [1, 2],
      [-1, 0.5],
      [0.3, -2],
    ]);
    const W = b.matrix('W', [
      [0.5, -1],
      [2, 0.25],
    ]);
    let loss = b.const(0);
    b.loop('for (const x of X)', 3, (k) => {
      const h = b.array(
        'h',
        b.map(b.matvec(W, X[k]), (v) => b.relu(v)),
      );
      loss = b.named('loss', b.op('add', loss, b.dot(h, h)));
    });
    const ctx = analyse(b.program(loss, 'loss'));
    const h = ctx.graph.groups[groupId(ctx, 'h')];
    assert.deepEqual([h.shape, h.stacked], [[3, 2], 3]);
    assert.equal(ctx.graph.groups.filter((g) => g.label === 'h').length, 1);
    assert.deepEqual(edgeNames(ctx), ['W->h', 'X->h', 'h->loss', 'loss->loss']);
    for (const g of ctx.graph.groups) assert.ok(chainRule(ctx, g.id).maxRelError <= 1e-14, g.label);
    // row k of ∂L/∂h is sample k's 2·h (h = relu(W·x))
    const hv = groupValues(ctx, h.id);
    assertClose(
      groupGrads(ctx, h.id),
      Array.from(hv, (v) => 2 * v),
      1e-15,
      '∂L/∂h',
    );
  });
});

describe('vector view: iterations of a body that starts with an inner loop', () => {
  it("per-iteration contributions are placed by the body's first statement (positional) and are right", () => {
    // for (const x of X) { const p = x.map(v => v * w); loss += p[0] * p[1]; }
    const X = [
      [1, 2],
      [3, -1],
      [0.5, 4],
    ];
    const b = new ArrayProgramBuilder();
    const Xs = b.matrix('X', X);
    const w = b.input('w', 0.7);
    let loss = b.const(0);
    b.loop('for (const x of X)', X.length, (k) => {
      const p = b.map(Xs[k], (v) => b.op('mul', v, w));
      loss = b.named('loss', b.op('add', loss, b.op('mul', p[0], p[1])));
    });
    const ctx = analyse(b.program(loss, 'loss'));
    const c = iterationContributions(ctx, groupId(ctx, 'w'), 0);
    assert.equal(c.positional, true);
    // ∂(x0·w·x1·w)/∂w = 2·x0·x1·w per sample
    c.perIteration.forEach((p, k) => assertClose(p, [2 * X[k][0] * X[k][1] * 0.7], 1e-15, `sample ${k}`));
    assert.ok(c.maxAbsError <= 1e-15);
  });
});

describe('vector view: scale without recursion', () => {
  it('a 20,000-iteration accumulator loop: graph, self-edge Jacobian (too large: noted), chain rule', function () {
    this.timeout(30_000); // ~0.5 s alone; the machine is shared
    const b = new ArrayProgramBuilder();
    const w = b.vector('w', [0.5, -0.25]);
    let acc = b.const(0);
    const n = 20_000;
    b.loop('for', n, (k) => {
      acc = b.named('acc', b.op('add', acc, b.op('mul', w[k % 2], b.const((k % 7) / 7))));
    });
    const ctx = analyse(b.program(b.op('mul', acc, acc), 'f'));
    assert.equal(ctx.graph.groups[groupId(ctx, 'acc')].shape[0], n);
    const cr = chainRule(ctx, groupId(ctx, 'w'));
    assert.ok(cr.maxRelError <= 1e-12, String(cr.maxRelError));
    const J = edgeJacobian(ctx, edgeId(ctx, 'acc', 'acc'));
    assert.ok(J.values === undefined && J.note); // 20,000² entries
    const it = iterationContributions(ctx, groupId(ctx, 'w'), 0);
    assert.ok(it.maxAbsError <= 1e-9 * Math.max(1, Math.abs(it.grad[0])));
  });
});
