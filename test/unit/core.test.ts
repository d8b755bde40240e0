import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  evaluate,
  gradientCheck,
  relativeError,
  toReport,
  toDot,
  toTable,
  OPS,
  OP_LIST,
  GradientLensError,
  TapeBuilder,
  OP_CODE,
  forward,
  backward,
  isGradientLensError,
} from '../../src/core';
import type { OpName } from '../../src/core';
import { ProgramBuilder } from './builder';

const close = (actual: number, expected: number, tol = 1e-8) =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} ≉ ${expected}`);

function seedSimple() {
  const p = new ProgramBuilder();
  const x = p.input('x', -2),
    y = p.input('y', 5),
    z = p.input('z', -4);
  p.op('mul', p.named('q', p.op('add', x, y)), z);
  return p.build();
}

function sigmoidNeuron() {
  const p = new ProgramBuilder();
  const w0 = p.input('w0', 2),
    x0 = p.input('x0', -1),
    w1 = p.input('w1', -3),
    x1 = p.input('x1', -2),
    w2 = p.input('w2', -3);
  const dot = p.op('add', p.op('add', p.op('mul', w0, x0), p.op('mul', w1, x1)), w2);
  p.op('div', p.const(1), p.op('add', p.const(1), p.op('exp', p.op('neg', dot))));
  return p.build();
}

const grads = (ev: ReturnType<typeof evaluate>) => Object.fromEntries(ev.inputs.map((i) => [i.name, i.grad]));

describe('core: seed examples', () => {
  it('(x+y)*z at x=-2, y=5, z=-4 gives -12 and gradients -4, -4, 3', () => {
    const ev = evaluate(seedSimple());
    assert.equal(ev.value, -12);
    assert.deepEqual(grads(ev), { x: -4, y: -4, z: 3 });
  });

  it('sigmoid neuron gives the seed gradients', () => {
    const ev = evaluate(sigmoidNeuron());
    close(ev.value, 0.7310585786300049);
    const g = grads(ev);
    close(g.w0, -0.19661193, 1e-7);
    close(g.x0, 0.39322387, 1e-7);
    close(g.w1, -0.39322387, 1e-7);
    close(g.x1, -0.5898358, 1e-7);
    close(g.w2, 0.19661193, 1e-7);
    // σ'(z) = σ(1 − σ): dw2 is exactly σ(1−σ)
    close(g.w2, ev.value * (1 - ev.value), 1e-12);
  });

  it("2-3-2 sigmoid network with L2 loss matches the seed's delta formulas", () => {
    const x = [0.5, -1.2],
      w = [
        [0.1, -0.4, 0.7],
        [0.3, 0.2, -0.6],
      ],
      b1 = [0.05, -0.1, 0.2];
    const u = [
        [0.5, -0.3],
        [-0.8, 0.9],
        [0.4, 0.1],
      ],
      b2 = [-0.2, 0.3],
      t = [1, 0];
    const p = new ProgramBuilder();
    const sig = (a: number) => p.op('div', p.const(1), p.op('add', p.const(1), p.op('exp', p.op('neg', a))));
    const X = x.map((v, i) => p.input(`x${i + 1}`, v));
    const h = [0, 1, 2].map((j) => {
      let a = p.input(`b1_${j + 1}`, b1[j]);
      for (let i = 0; i < 2; i++) a = p.op('add', a, p.op('mul', X[i], p.input(`w${i + 1}${j + 1}`, w[i][j])));
      return p.named(`h${j + 1}`, sig(a));
    });
    const y = [0, 1].map((k) => {
      let a = p.input(`b2_${k + 1}`, b2[k]);
      for (let j = 0; j < 3; j++) a = p.op('add', a, p.op('mul', h[j], p.input(`u${j + 1}${k + 1}`, u[j][k])));
      return p.named(`y${k + 1}`, sig(a));
    });
    const sq = (k: number) => {
      const d = p.op('sub', y[k], p.input(`t${k + 1}`, t[k]));
      return p.op('mul', d, d);
    };
    p.op('mul', p.const(0.5), p.op('add', sq(0), sq(1)));
    const ev = evaluate(p.build());
    const g = grads(ev);

    // Independent closed forms from the seed: δ_k = (y_k − t_k) y_k (1 − y_k); ∂L/∂u_jk = δ_k h_j;
    // ∂L/∂w_ij = Σ_k δ_k u_jk h_j (1 − h_j) x_i.
    const s = (z: number) => 1 / (1 + Math.exp(-z));
    const H = [0, 1, 2].map((j) => s(b1[j] + x[0] * w[0][j] + x[1] * w[1][j]));
    const Y = [0, 1].map((k) => s(b2[k] + H[0] * u[0][k] + H[1] * u[1][k] + H[2] * u[2][k]));
    const delta = [0, 1].map((k) => (Y[k] - t[k]) * Y[k] * (1 - Y[k]));
    close(ev.value, 0.5 * ((Y[0] - t[0]) ** 2 + (Y[1] - t[1]) ** 2), 1e-12);
    for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) close(g[`u${j + 1}${k + 1}`], delta[k] * H[j], 1e-12);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) {
        const back = delta[0] * u[j][0] + delta[1] * u[j][1];
        close(g[`w${i + 1}${j + 1}`], back * H[j] * (1 - H[j]) * x[i], 1e-12);
      }
    for (const c of gradientCheck(ev)!)
      assert.ok(c.relError < 1e-6 || Math.abs(c.analytic) < 1e-10, `${c.name}: ${c.relError}`);
  });
});

describe('core: backward', () => {
  it('accumulates at fan-out: a*a has gradient 2a, a name used twice sums both paths', () => {
    const p = new ProgramBuilder();
    const a = p.input('a', 3);
    p.op('mul', a, a);
    assert.equal(grads(evaluate(p.build())).a, 6);

    const q = new ProgramBuilder();
    const x = q.input('x', 2);
    const h = q.named('h', q.op('mul', x, q.const(3))); // h = 3x, used twice
    q.op('add', q.op('exp', h), q.op('mul', h, h));
    const ev = evaluate(q.build());
    close(grads(ev).x, 3 * Math.exp(6) + 2 * 6 * 3);
  });

  it('a fresh run never sees old gradients', () => {
    const prog = seedSimple();
    const first = evaluate(prog);
    const second = evaluate(prog);
    assert.deepEqual(grads(second), grads(first));
    backward(second.tape, second.root);
    backward(second.tape, second.root);
    assert.equal(second.tape.grad[0], -4);
  });

  it('records local derivatives per edge; contribution = upstream × local', () => {
    const report = toReport(evaluate(seedSimple()));
    const mul = report.nodes.find((n) => n.op === 'mul')!;
    const edges = report.edges.filter((e) => e.to === mul.id);
    assert.deepEqual(
      edges.map((e) => e.local),
      [-4, 3],
    ); // ∂(q·z)/∂q = z, ∂/∂z = q
    assert.deepEqual(
      edges.map((e) => e.contribution),
      [-4, 3],
    );
    const add = report.edges.filter((e) => e.to === report.nodes.find((n) => n.op === 'add')!.id);
    assert.deepEqual(
      add.map((e) => [e.local, e.contribution]),
      [
        [1, -4],
        [1, -4],
      ],
    ); // add distributes
  });

  it('is iterative: a chain 300,000 gates deep runs forward and backward', () => {
    const b = new TapeBuilder();
    let n = b.leaf(0.5);
    for (let i = 0; i < 300_000; i++) n = b.gate(OP_CODE[i % 2 ? 'sin' : 'add'], i % 2 ? [n] : [n, 0]);
    const t = b.build();
    forward(t);
    backward(t);
    assert.ok(Number.isFinite(t.grad[0]));
  });

  it('routes max/min to the leftmost chosen argument, and ?: to the branch taken', () => {
    const p = new ProgramBuilder();
    const a = p.input('a', 2),
      b = p.input('b', 5),
      c = p.input('c', 5);
    p.op('max', a, b, c);
    assert.deepEqual(grads(evaluate(p.build())), { a: 0, b: 1, c: 0 });

    const q = new ProgramBuilder();
    const x = q.input('x', -1.5);
    q.op('max', q.const(0), x); // ReLU
    const ev = evaluate(q.build());
    assert.equal(ev.value, 0);
    assert.equal(grads(ev).x, 0);
    assert.ok(ev.diagnostics.some((d) => d.code === 'dead-relu'));

    const r = new ProgramBuilder();
    const u = r.input('u', 3),
      v = r.input('v', 4);
    r.op('cond', r.op('lt', u, v), r.op('mul', u, v), r.op('add', u, v));
    assert.deepEqual(grads(evaluate(r.build())), { u: 4, v: 3 });
    assert.deepEqual(grads(evaluate(r.build(), { u: 5 })), { u: 1, v: 1 });
  });
});

describe('core: every op against central differences', () => {
  const points: Record<string, number[][]> = {
    add: [
      [1, 2],
      [-3.5, 0.25],
    ],
    sub: [
      [1, 2],
      [-3.5, 0.25],
    ],
    mul: [
      [1.5, -2],
      [0.3, 7],
    ],
    div: [
      [1, 2],
      [-3, 0.7],
    ],
    mod: [
      [5.5, 2],
      [-7.3, 2.1],
    ],
    pow: [
      [1.7, 2.3],
      [0.5, -1.5],
      [2, 3],
    ],
    neg: [[1.3], [-2]],
    pos: [[1.3]],
    exp: [[0.3], [-2]],
    expm1: [[0.3]],
    log: [[0.7], [5]],
    log1p: [[0.5]],
    log2: [[3]],
    log10: [[3]],
    sqrt: [[2], [0.1]],
    cbrt: [[2], [-3]],
    abs: [[-1.5], [2]],
    sign: [[2]],
    sin: [[0.4], [2]],
    cos: [[0.4], [2]],
    tan: [[0.4], [-1]],
    asin: [[0.3]],
    acos: [[-0.4]],
    atan: [[0.4], [-3]],
    sinh: [[0.5]],
    cosh: [[0.5]],
    tanh: [[0.4], [-1.2]],
    max: [
      [1, 3, 2],
      [-1, -2],
    ],
    min: [
      [1, 3, 2],
      [-1, -2],
    ],
    lt: [[1, 2]],
    le: [[1, 2]],
    gt: [[1, 2]],
    ge: [[1, 2]],
    eq: [[1, 2]],
    ne: [[1, 2]],
    cond: [
      [1, 2, 3],
      [0, 2, 3],
    ],
    branch: [[1.5], [-0.25]],
    // Piecewise constant (derivative 0 away from the jumps).
    round: [[1.3], [-2.7]],
    floor: [[1.3], [-2.7]],
    ceil: [[1.3], [-2.7]],
    trunc: [[1.3], [-2.7]],
    // 32-bit integer operators: piecewise constant too.
    bitand: [
      [5.3, 3.2],
      [-7.6, 12.4],
    ],
    bitor: [
      [5.3, 3.2],
      [-7.6, 0.5],
    ],
    bitxor: [[5.3, 3.2]],
    shl: [
      [5.3, 3.2],
      [-1.5, 31.5],
    ],
    shr: [[-77.3, 2.5]],
    ushr: [[-77.3, 2.5]],
    bitnot: [[5.3], [-2.7]],
    imul: [
      [35.5, 7.7],
      [-12.3, 4.6],
    ],
    atan2: [
      [1, 2],
      [-0.5, -3],
      [2, -1],
    ],
  };
  it('covers every op in the table', () => {
    assert.deepEqual(Object.keys(points).sort(), OP_LIST.map((o) => o.name).sort());
  });
  for (const [name, cases] of Object.entries(points)) {
    it(`${name}: analytic = numeric at ${cases.map((c) => `(${c})`).join(' ')}`, () => {
      for (const args of cases) {
        const p = new ProgramBuilder();
        const ids = args.map((v, i) => p.input(`a${i}`, v));
        p.op(name as OpName, ...ids);
        const ev = evaluate(p.build());
        const check = gradientCheck(ev)!;
        for (const c of check) {
          assert.ok(
            c.relError < 1e-7 || Math.abs(c.analytic - c.numeric) < 1e-9,
            `${name}(${args}) ∂/∂${c.name}: analytic ${c.analytic} numeric ${c.numeric}`,
          );
        }
        assert.equal(
          ev.value,
          OPS[name as OpName].arity === 'n'
            ? args.reduce((acc, v) => OPS[name as OpName].forward(acc, v, 0))
            : OPS[name as OpName].forward(args[0], args[1] ?? 0, args[2] ?? 0),
        );
      }
    });
  }
});

describe('core: property — reverse mode equals central differences on random expressions', () => {
  type Tree = { op: OpName; args: Tree[] } | { leaf: number };
  const smooth: OpName[] = ['add', 'sub', 'mul', 'tanh', 'sin', 'exp', 'atan'];
  const tree = fc.letrec<{ t: Tree }>((tie) => ({
    t: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.integer({ min: 0, max: 3 }).map((leaf) => ({ leaf })),
      fc
        .record({ op: fc.constantFrom(...smooth), args: fc.array(tie('t'), { minLength: 2, maxLength: 2 }) })
        .map(({ op, args }) => ({ op, args: OPS[op].arity === 1 ? [args[0]] : args })),
    ),
  })).t;

  it('holds for 300 random expressions over 4 inputs with fan-out', () => {
    fc.assert(
      fc.property(
        tree,
        fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: 4, maxLength: 4 }),
        (t, xs) => {
          const p = new ProgramBuilder();
          const leaves = xs.map((v, i) => p.input(`x${i}`, v));
          // post-order, iteratively
          const stack: Array<{ t: Tree; done: boolean }> = [{ t, done: false }];
          const out: number[] = [];
          while (stack.length) {
            const top = stack.pop()!;
            if ('leaf' in top.t) {
              out.push(leaves[top.t.leaf]);
              continue;
            }
            if (top.done) {
              const n = top.t.args.length;
              out.push(p.op(top.t.op, ...out.splice(out.length - n, n)));
              continue;
            }
            stack.push({ t: top.t, done: true });
            for (let i = top.t.args.length - 1; i >= 0; i--) stack.push({ t: top.t.args[i], done: false });
          }
          // wrap in tanh so values stay in a range where central differences are accurate
          p.op('tanh', out[0]);
          const ev = evaluate(p.build());
          fc.pre(Number.isFinite(ev.value));
          for (const c of gradientCheck(ev)!) {
            if (Math.abs(c.analytic - c.numeric) > 1e-7 && c.relError > 1e-5) return false;
          }
          return true;
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});

describe('core: bad input and non-finite values', () => {
  it('missing free inputs are one error that lists them with line:column', () => {
    const p = new ProgramBuilder();
    p.op('add', p.input('a'), p.input('b'));
    assert.throws(
      () => evaluate(p.build()),
      (e: unknown) =>
        e instanceof GradientLensError &&
        e.code === 'missing-input' &&
        /a \(1:1\), b \(1:2\)/.test(e.message) &&
        e.details!.join() === 'a,b',
    );
    const ev = evaluate(p.build(), {}, { defaultForFree: () => 1 });
    assert.deepEqual(
      ev.inputs.map((i) => i.source),
      ['default', 'default'],
    );
  });

  it('reports where NaN/Infinity first appears, without throwing (IEEE semantics)', () => {
    const p = new ProgramBuilder();
    const x = p.input('x', 0);
    p.op('mul', p.const(2), p.op('log', x));
    const ev = evaluate(p.build());
    assert.equal(ev.value, -Infinity);
    const d = ev.diagnostics.find((d) => d.code === 'non-finite')!;
    assert.equal(d.nodeId, 2); // the log node, not the mul after it
    assert.match(d.message, /-Infinity first appears at log \(1:3\)/);
    const r = toReport(ev);
    assert.equal(r.target.value, '-Infinity');
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(r)));
  });

  it('reports the gate where a gradient first turns non-finite', () => {
    const p = new ProgramBuilder();
    const x = p.input('x', 0);
    p.op('sqrt', x);
    const ev = evaluate(p.build());
    assert.equal(grads(ev).x, Infinity);
    assert.ok(ev.diagnostics.some((d) => d.code === 'non-finite-grad' && d.nodeId === 1));
  });

  it('flags saturated sigmoid and tanh, ties and kinks', () => {
    const p = new ProgramBuilder();
    const x = p.input('x', 8);
    const s = p.op('div', p.const(1), p.op('add', p.const(1), p.op('exp', p.op('neg', x))));
    const t = p.op('tanh', x);
    const m = p.op('max', x, p.const(8));
    const a = p.op('abs', p.op('sub', x, x));
    p.op('add', p.op('add', s, t), p.op('add', m, a));
    const codes = evaluate(p.build())
      .diagnostics.map((d) => d.code)
      .sort();
    assert.deepEqual(codes, ['kink', 'saturated', 'saturated', 'tie']);
  });
});

describe('core: reports', () => {
  it('relative error is symmetric and 0 for equal values', () => {
    assert.equal(relativeError(0, 0), 0);
    assert.equal(relativeError(1, 1.1), relativeError(1.1, 1));
  });
  it('table, JSON and DOT carry the values and gradients', () => {
    const ev = evaluate(seedSimple());
    const table = toTable(ev, gradientCheck(ev));
    assert.match(table, /^expr = -12\n/);
    assert.match(table, /^x\s+-2\s+-4\s+-4\s+\d/m);
    const dot = toDot(ev);
    assert.match(dot, /^digraph gradients \{/);
    assert.match(dot, /value -12\\ngrad 1"/);
    assert.equal((dot.match(/->/g) ?? []).length, 4);
  });
});

describe('core: errors', () => {
  it('recognizes GradientLensErrors from another bundle copy of the class (structural check)', () => {
    class Other extends Error {
      code = 'cycle';
      constructor(m: string) {
        super(m);
        this.name = 'GradientLensError';
      }
    }
    assert.ok(isGradientLensError(new Other('x')));
    assert.ok(!isGradientLensError(new Error('x')));
    assert.ok(!isGradientLensError({ name: 'GradientLensError', code: 'cycle' }));
  });
});

describe("core: the tape's inlined fast path agrees with the op table", () => {
  it("forward values and local derivatives equal the table's, for every op, at random and non-finite points", () => {
    const specials = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-300, 1e300];
    fc.assert(
      fc.property(
        fc.constantFrom(...OP_LIST.map((o) => o.name)),
        fc.array(fc.oneof(fc.double({ min: -5, max: 5, noNaN: true }), fc.constantFrom(...specials)), {
          minLength: 3,
          maxLength: 3,
        }),
        (name, xs) => {
          const spec = OPS[name];
          const arity = spec.arity === 'n' ? 3 : spec.arity;
          const b = new TapeBuilder();
          const leaves = xs.slice(0, arity).map((v) => b.leaf(v));
          b.gate(OP_CODE[name], leaves);
          const t = b.build();
          forward(t);
          backward(t);
          const [a0, a1, a2] = xs;
          const expected =
            spec.arity === 'n'
              ? xs.reduce((acc, v) => spec.forward(acc, v, 0))
              : spec.forward(a0, arity > 1 ? a1 : 0, arity > 2 ? a2 : 0);
          if (!Object.is(t.value[arity], expected)) return false;
          if (spec.arity === 'n') return true; // routing is checked in the backward tests
          for (let k = 0; k < arity; k++) {
            const d = spec.local(k, a0, arity > 1 ? a1 : 0, arity > 2 ? a2 : 0, expected);
            if (!Object.is(t.local[k], d)) return false;
          }
          return true;
        },
      ),
      { numRuns: 3000, seed: 7 },
    );
  });
});

describe('core: c ? a : b evaluates only the branch taken', () => {
  function guardedSqrt(x: number) {
    const p = new ProgramBuilder();
    const xi = p.input('x', x);
    p.op('cond', p.op('gt', xi, p.const(0)), p.op('sqrt', xi), p.const(0));
    return evaluate(p.build());
  }
  it('no NaN gradient and no diagnostic from the untaken branch (x > 0 ? Math.sqrt(x) : 0 at x = 0)', () => {
    const ev = guardedSqrt(0);
    assert.equal(ev.value, 0);
    assert.equal(grads(ev).x, 0);
    assert.deepEqual(ev.diagnostics, []);
  });
  it('the taken branch still gets its gradient', () => {
    assert.equal(grads(guardedSqrt(4)).x, 0.25);
  });
  it('a node shared by both branches and the condition gets what the taken paths send', () => {
    const p = new ProgramBuilder();
    const x = p.input('x', 3);
    const sq = p.op('mul', x, x);
    p.op('cond', p.op('lt', sq, p.const(100)), p.op('mul', sq, p.const(2)), p.op('log', p.op('sub', x, p.const(3))));
    const ev = evaluate(p.build());
    assert.equal(ev.value, 18);
    assert.equal(grads(ev).x, 12); // d(2x²)/dx; the untaken log(x − 3) = log 0 sends nothing
    assert.ok(!ev.diagnostics.some((d) => d.code === 'non-finite'));
  });
});

describe('core: gradient check', () => {
  it('reads an exact 0 against a tiny numeric value as agreement (absolute floor)', () => {
    const p = new ProgramBuilder();
    const x = p.input('x', 0);
    p.op('mul', p.op('mul', x, x), x);
    const [c] = gradientCheck(evaluate(p.build()))!;
    assert.equal(c.analytic, 0);
    assert.ok(c.relError < 1e-4, String(c.relError));
    assert.equal(relativeError(2, 1), 0.5);
  });
});
