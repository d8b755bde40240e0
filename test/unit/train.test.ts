// Training: one gradient-descent step on the seed's 2-3-2 sigmoid network with L2 loss equals the
// update rule computed by hand from the closed-form gradients; the loss decreases for a small η.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTarget } from '../../src/parse';
import {
  createTrainer,
  defaultParams,
  isDataName,
  runTraining,
  trainingReport,
  trainingTable,
} from '../../src/core/train';
import { main } from '../../src/cli/main';
import { ProgramBuilder } from './builder';

const NETWORK = join(__dirname, '../../examples/network.ts');
const networkProgram = () => parseTarget({ text: readFileSync(NETWORK, 'utf8'), fileName: NETWORK, name: 'loss' });

const close = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} ≉ ${expected}`);

const σ = (a: number) => 1 / (1 + Math.exp(-a));

/** The network's forward pass and the seed's closed-form gradients, independent of the core. */
function byHand(v: Record<string, number>) {
  const x = [v.x1, v.x2];
  const t = [v.t1, v.t2];
  const w = (i: number, j: number) => v[`w${i + 1}${j + 1}`];
  const u = (j: number, k: number) => v[`u${j + 1}${k + 1}`];
  const h = [0, 1, 2].map((j) => σ(x[0] * w(0, j) + x[1] * w(1, j) + v[`b1${j + 1}`]));
  const y = [0, 1].map((k) => σ(h[0] * u(0, k) + h[1] * u(1, k) + h[2] * u(2, k) + v[`b2${k + 1}`]));
  const loss = 0.5 * ((y[0] - t[0]) ** 2 + (y[1] - t[1]) ** 2);
  const δ = [0, 1].map((k) => (y[k] - t[k]) * y[k] * (1 - y[k])); // δ_k = (y_k − t_k) y_k (1 − y_k)
  const g: Record<string, number> = {};
  for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) g[`u${j + 1}${k + 1}`] = δ[k] * h[j]; // ∂L/∂u_jk = δ_k h_j
  for (let k = 0; k < 2; k++) g[`b2${k + 1}`] = δ[k];
  for (let j = 0; j < 3; j++) {
    const back = (δ[0] * u(j, 0) + δ[1] * u(j, 1)) * h[j] * (1 - h[j]); // Σ_k δ_k u_jk h_j(1−h_j)
    for (let i = 0; i < 2; i++) g[`w${i + 1}${j + 1}`] = back * x[i]; // ∂L/∂w_ij = … x_i
    g[`b1${j + 1}`] = back;
  }
  return { loss, g };
}

describe('train: gradient descent on the 2-3-2 sigmoid network', () => {
  const program = networkProgram();
  const trainer0 = createTrainer(program, {}, 0.5);
  const start = trainer0.values();

  it('trains the weights and biases, not the data x1, x2 or the targets t1, t2, by default', () => {
    assert.deepEqual(
      [...trainer0.params].sort(),
      [
        'b11',
        'b12',
        'b13',
        'b21',
        'b22',
        'u11',
        'u12',
        'u21',
        'u22',
        'u31',
        'u32',
        'w11',
        'w12',
        'w13',
        'w21',
        'w22',
        'w23',
      ].sort(),
    );
    assert.deepEqual(Object.keys(start).filter(isDataName).sort(), ['t1', 't2', 'x1', 'x2']);
  });

  it('the core gradients equal the closed forms δ_k h_j and Σ_k δ_k u_jk h_j(1−h_j) x_i', () => {
    const { loss, g } = byHand(start);
    close(trainer0.loss, loss);
    const grads = trainer0.grads();
    for (const p of trainer0.params) close(grads[p], g[p]);
  });

  it('one step is u ← u − η·∂L/∂u for every parameter, with the gradients computed by hand', () => {
    for (const lr of [0.5, 0.1, 2]) {
      const trainer = createTrainer(program, {}, lr);
      const { g } = byHand(start);
      const after = trainer.step();
      const now = trainer.values();
      const expected = { ...start };
      for (const p of trainer.params) expected[p] = start[p] - lr * g[p];
      for (const name of Object.keys(start)) close(now[name], expected[name]);
      for (const name of ['x1', 'x2', 't1', 't2']) assert.equal(now[name], start[name], `${name} must not move`);
      close(after, byHand(expected).loss);
      close(trainer.loss, after);
      // and the gradients now are those at the new values
      const g2 = byHand(expected).g;
      for (const p of trainer.params) close(trainer.grads()[p], g2[p]);
    }
  });

  it('two steps follow the rule twice (gradients re-evaluated at the new values)', () => {
    const trainer = createTrainer(program, {}, 0.5, ['u11', 'w21']);
    let v = { ...start };
    for (let s = 0; s < 2; s++) {
      const { g } = byHand(v);
      v = { ...v, u11: v.u11 - 0.5 * g.u11, w21: v.w21 - 0.5 * g.w21 };
      trainer.step();
    }
    close(trainer.values().u11, v.u11);
    close(trainer.values().w21, v.w21);
    assert.equal(trainer.values().w11, start.w11);
  });

  it('the loss decreases monotonically over 50 steps at η = 0.5', () => {
    const run = runTraining(program, {}, { steps: 50, lr: 0.5 });
    assert.equal(run.losses.length, 51);
    for (let s = 1; s < run.losses.length; s++)
      assert.ok(run.losses[s] < run.losses[s - 1], `loss went up at step ${s}`);
    assert.ok(run.losses[50] < run.losses[0] / 3, `${run.losses[0]} → ${run.losses[50]}`);
    assert.equal(run.trajectories.u11.length, 51);
    assert.equal(run.trajectories.u11[50], run.final.u11);
    assert.equal(run.stoppedEarly, undefined);
  });

  it('given values override the source and --params restricts the update', () => {
    const run = runTraining(program, { u11: 1 }, { steps: 3, lr: 0.1, params: ['u11'] });
    assert.equal(run.initial.u11, 1);
    assert.deepEqual(run.params, ['u11']);
    assert.deepEqual(Object.keys(run.final), ['u11']);
  });

  it('stops early when the loss becomes non-finite', () => {
    const p = new ProgramBuilder();
    const a = p.input('a', 1);
    p.op('mul', a, a); // a ← a − 10·2a = −19a: diverges
    const run = runTraining(p.build(), {}, { steps: 1000, lr: 10 });
    assert.ok(run.stoppedEarly && /smaller learning rate/.test(run.stoppedEarly), run.stoppedEarly);
    assert.ok(run.losses.length < 1001);
    assert.ok(trainingReport(run).losses.some((l) => typeof l === 'string'));
  });

  it('rejects unknown parameters', () => {
    assert.throws(() => createTrainer(program, {}, 0.1, ['nope']), /No input named 'nope'/);
  });
});

describe('train: data/target pre-marking', () => {
  it('marks x…, t… and input/target/label names', () => {
    for (const n of ['x', 'x1', 'x_2', 'xIn', 'x[0]', 't', 't2', 'target', 'targets', 'label', 'inputs[1]'])
      assert.ok(isDataName(n), n);
    for (const n of ['w', 'w11', 'u[0]', 'b', 'bias', 'theta', 'tau', 'xi', 'temp', 'scale'])
      assert.ok(!isDataName(n), n);
  });
  it('falls back to every input when all look like data', () => {
    assert.deepEqual(defaultParams(['x', 't']), ['x', 't']);
    assert.deepEqual(defaultParams(['x', 'w']), ['w']);
  });
});

describe('train: CLI', () => {
  const run = (...args: string[]) => {
    let out = '';
    let err = '';
    const code = main(args, {
      out: (s) => {
        out += s;
        return true;
      },
      err: (s) => {
        err += s;
        return true;
      },
    });
    return { code, out, err };
  };

  it('prints the loss after each step and the final parameters (table)', () => {
    const r = run(NETWORK, '--name', 'loss', '--train', '5', '--lr', '0.5');
    assert.equal(r.code, 0, r.err);
    const steps = [...r.out.matchAll(/^\s+(\d+)\s+([\d.e-]+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.deepEqual(
      steps.map((s) => s[0]),
      [0, 1, 2, 3, 4, 5],
    );
    for (let k = 1; k < steps.length; k++) assert.ok(steps[k][1] < steps[k - 1][1]);
    assert.match(r.out, /final parameters:/);
    assert.match(r.out, /^\s+u11\s+[-\d.]+\s+\(was 0\.5\)$/m);
    assert.doesNotMatch(r.out, /^\s+(x1|t1)\s/m);
    assert.equal(trainingTable(runTraining(networkProgram(), {}, { steps: 5, lr: 0.5 })), r.out);
  });

  it('json: losses, initial and final values of the chosen --params', () => {
    const r = run(NETWORK, '--name', 'loss', '--train', '3', '--lr', '0.5', '--params', 'u11,u12', '--format', 'json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.params, ['u11', 'u12']);
    assert.equal(j.losses.length, 4);
    assert.deepEqual(Object.keys(j.final), ['u11', 'u12']);
    assert.equal(j.initial.u11, 0.5);
  });

  it('usage errors: unknown --params, --lr without --train, bad --lr', () => {
    assert.equal(run(NETWORK, '--name', 'loss', '--train', '3', '--params', 'nope').code, 2);
    assert.equal(run(NETWORK, '--name', 'loss', '--lr', '0.5').code, 2);
    assert.equal(run(NETWORK, '--name', 'loss', '--train', '3', '--lr', '-1').code, 2);
    assert.equal(run(NETWORK, '--name', 'loss', '--train', '0').code, 2);
  });
});
