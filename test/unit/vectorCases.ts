/**
 * The vector-view test cases, traced as scalars the way the program interpreter would trace the
 * matching examples/*.ts (arrays, `map`/`reduce` loops, a sample loop). Their input values and
 * PyTorch's Jacobians and gradients are in fixtures/vector-jacobians.json, made by
 * scripts/vector-jacobians.py (an independent implementation of the same networks in torch).
 */
import type { ExprProgram } from '../../src/core/expr';
import { ArrayProgramBuilder, type Mat, type Vec } from './arrayBuilder';

export type CaseInputs = Record<string, number | Vec | Mat>;

const mat = (v: CaseInputs[string]) => v as Mat;
const vec = (v: CaseInputs[string]) => v as Vec;

export const CASES: Record<string, (inputs: CaseInputs) => ExprProgram> = {
  // f = W2·max(0, W1·x)
  two_layer(i) {
    const b = new ArrayProgramBuilder();
    const W1 = b.matrix('W1', mat(i.W1));
    const x = b.vector('x', vec(i.x));
    const W2 = b.matrix('W2', mat(i.W2));
    const z = b.array('z', b.matvec(W1, x));
    const h = b.array(
      'h',
      b.map(z, (v) => b.relu(v)),
    );
    const y = b.array('y', b.matvec(W2, h));
    return b.program(y[0], 'f');
  },

  // f = W3·max(0, W2·max(0, W1·x))
  three_layer(i) {
    const b = new ArrayProgramBuilder();
    const W1 = b.matrix('W1', mat(i.W1));
    const W2 = b.matrix('W2', mat(i.W2));
    const W3 = b.matrix('W3', mat(i.W3));
    const x = b.vector('x', vec(i.x));
    const z1 = b.array('z1', b.matvec(W1, x));
    const h1 = b.array(
      'h1',
      b.map(z1, (v) => b.relu(v)),
    );
    const z2 = b.array('z2', b.matvec(W2, h1));
    const h2 = b.array(
      'h2',
      b.map(z2, (v) => b.relu(v)),
    );
    const y = b.array('y', b.matvec(W3, h2));
    return b.program(y[0], 'f');
  },

  // The 2-3-2 sigmoid network with L = ½ Σ (y − t)², loss accumulated in a loop.
  net232(i) {
    const b = new ArrayProgramBuilder();
    const x = b.vector('x', vec(i.x));
    const W = b.matrix('W', mat(i.W));
    const b1 = b.vector('b1', vec(i.b1));
    const U = b.matrix('U', mat(i.U));
    const b2 = b.vector('b2', vec(i.b2));
    const t = b.vector('t', vec(i.t));
    const Wx = b.matvec(W, x);
    const a1 = b.array(
      'a1',
      b.map(Wx, (v, k) => b.op('add', v, b1[k])),
    );
    const h = b.array(
      'h',
      b.map(a1, (v) => b.sigmoid(v)),
    );
    const Uh = b.matvec(U, h);
    const a2 = b.array(
      'a2',
      b.map(Uh, (v, k) => b.op('add', v, b2[k])),
    );
    const y = b.array(
      'y',
      b.map(a2, (v) => b.sigmoid(v)),
    );
    let acc = b.const(0);
    b.loop('for (let j = 0; j < 2; j++)', 2, (j) => {
      acc = b.named('sq', b.op('add', acc, b.op('pow', b.op('sub', y[j], t[j]), b.const(2))));
    });
    return b.program(b.named('loss', b.op('mul', b.const(0.5), acc)), 'loss');
  },

  // mse = (1/n) Σ_s (w·X[s] + b − T[s])², one loop iteration per sample.
  minibatch(i) {
    const b = new ArrayProgramBuilder();
    const X = b.matrix('X', mat(i.X));
    const T = b.vector('T', vec(i.T));
    const w = b.vector('w', vec(i.w));
    const bias = b.input('b', i.b as number);
    let loss = b.const(0);
    const n = X.length;
    b.loop('for (let s = 0; s < X.length; s++)', n, (s) => {
      const pred = b.op('add', b.dot(w, X[s]), bias);
      const d = b.named('d', b.op('sub', pred, T[s]));
      loss = b.named('loss', b.op('add', loss, b.op('mul', d, d)));
    });
    return b.program(b.named('mse', b.op('div', loss, b.const(n))), 'mse');
  },

  // Softmax cross-entropy: p = softmax(W·x), loss = −log p[c].
  softmax_ce(i) {
    const b = new ArrayProgramBuilder();
    const W = b.matrix('W', mat(i.W));
    const x = b.vector('x', vec(i.x));
    const z = b.array('z', b.matvec(W, x));
    const e = b.array(
      'e',
      b.map(z, (v) => b.op('exp', v)),
    );
    let S = b.const(0);
    b.loop('reduce', e.length, (k) => {
      S = b.op('add', S, e[k]);
    });
    b.named('S', S); // const S = e.reduce(...)
    const p = b.array(
      'p',
      b.map(e, (v) => b.op('div', v, S)),
    );
    return b.program(b.op('neg', b.op('log', p[i.c as number])), 'loss');
  },

  // The loss through log-softmax directly, loss = log S − z[c]; p = e / S beside it (∂L/∂p = 0).
  log_softmax_ce(i) {
    const b = new ArrayProgramBuilder();
    const W = b.matrix('W', mat(i.W));
    const x = b.vector('x', vec(i.x));
    const z = b.array('z', b.matvec(W, x));
    const e = b.array(
      'e',
      b.map(z, (v) => b.op('exp', v)),
    );
    let S = b.const(0);
    b.loop('reduce', e.length, (k) => {
      S = b.op('add', S, e[k]);
    });
    b.named('S', S);
    b.array(
      'p',
      b.map(e, (v) => b.op('div', v, S)),
    );
    return b.program(b.op('sub', b.op('log', S), z[i.c as number]), 'loss');
  },

  // Maxout: h = max(W1·x + b1, W2·x + b2), y = v·h.
  maxout(i) {
    const b = new ArrayProgramBuilder();
    const W1 = b.matrix('W1', mat(i.W1));
    const b1 = b.vector('b1', vec(i.b1));
    const W2 = b.matrix('W2', mat(i.W2));
    const b2 = b.vector('b2', vec(i.b2));
    const x = b.vector('x', vec(i.x));
    const v = b.vector('v', vec(i.v));
    const a = b.array(
      'a',
      b.map(b.matvec(W1, x), (s, k) => b.op('add', s, b1[k])),
    );
    const c = b.array(
      'c',
      b.map(b.matvec(W2, x), (s, k) => b.op('add', s, b2[k])),
    );
    const h = b.array(
      'h',
      b.map(a, (s, k) => b.op('max', s, c[k])),
    );
    return b.program(b.dot(v, h), 'y');
  },

  // Leaky ReLU: h = z > 0 ? z : 0.01·z.
  leaky_relu(i) {
    return condLayer(i, (b, z) => b.op('mul', b.const(0.01), z));
  },

  // ELU (α = 1): h = z > 0 ? z : exp(z) − 1.
  elu(i) {
    return condLayer(i, (b, z) => b.op('sub', b.op('exp', z), b.const(1)));
  },
};

function condLayer(i: CaseInputs, negative: (b: ArrayProgramBuilder, z: number) => number): ExprProgram {
  const b = new ArrayProgramBuilder();
  const W = b.matrix('W', mat(i.W));
  const x = b.vector('x', vec(i.x));
  const v = b.vector('v', vec(i.v));
  const z = b.array('z', b.matvec(W, x));
  const h = b.array(
    'h',
    b.map(z, (s) => b.op('cond', b.op('gt', s, b.const(0)), s, negative(b, s))),
  );
  return b.program(b.dot(v, h), 'y');
}
