/**
 * The interpreter in slices (core/interpret.ts interpretSlices, parse parseTargetAsync): a run
 * paused and resumed many times gives exactly the program of a run in one go (the same nodes,
 * values, frames, loops, and the same step count at the budget's edge); a cancelled run stops;
 * budgets still fire, and the time budget counts running time, not the waits between slices.
 * Values are also checked against the program run as plain JavaScript by the test.
 */
import * as assert from 'node:assert/strict';
import { Interp, interpretSlices, interpret, type RunProgress } from '../../src/core/interpret';
import { compactCount } from '../../src/core/format';
import { evaluate } from '../../src/core/evaluate';
import {
  isGradientLensError,
  lowerTarget,
  parseTarget,
  parseTargetAsync,
  type ExprProgram,
  type ParseRequest,
} from '../../src/parse/index';
import type { ErrorCode } from '../../src/core/errors';

/** No time budget where it is not what is tested (the machine may be loaded). */
const NO_CLOCK = { maxMillis: 3_600_000 };

/** Drives a run in slices to its end; counts the pauses. */
function sliced(req: ParseRequest, options: Parameters<typeof interpret>[2] = NO_CLOCK, sliceMillis = 0) {
  const { ir, target } = lowerTarget(req);
  const run = interpretSlices(ir, target, options, sliceMillis);
  const seen: RunProgress[] = [];
  for (;;) {
    const r = run.next();
    if (r.done) return { program: r.value, pauses: seen.length, seen };
    seen.push(r.value);
  }
}

/** Everything of a program a view uses, as comparable data (the IR source is shared, not compared). */
function shape(p: ExprProgram): unknown {
  const { source: _source, ...rest } = p as ExprProgram & { source?: { traced: unknown } };
  return JSON.parse(JSON.stringify({ ...rest, traced: _source?.traced }));
}

function failureOrNone(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (isGradientLensError(e)) return e.message;
    throw e;
  }
  return undefined;
}

function failure(f: () => unknown): { code: ErrorCode; message: string } {
  try {
    f();
  } catch (e) {
    if (isGradientLensError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  assert.fail('no error');
}

const N = 6_000;
// An MSE over N generated samples: about 200,000 interpreter steps, so a 0 ms slice pauses 3 times
// (a slice ends at the first budget check after its time: every 4,096 steps).
const MSE = `
const n = ${N};
const xs: number[] = [];
const ys: number[] = [];
for (let i = 0; i < n; i++) { xs.push((i % 97) / 97); ys.push(3 * ((i % 89) / 89) + 1); }
const w = [0.5, -0.25];
function predict(x: number): number { return w[0] * x + w[1]; }
let loss = 0;
for (let i = 0; i < n; i++) {
  const r = predict(xs[i]) - ys[i];
  loss += r > 0 ? r * r : 0.5 * r * r;
}
const mse = loss / n;
`;

/** The same MSE in plain JS (written by the test), with its gradient by hand. */
function mseJs(w0: number, w1: number): { mse: number; d0: number; d1: number } {
  let loss = 0;
  let d0 = 0;
  let d1 = 0;
  for (let i = 0; i < N; i++) {
    const x = (i % 97) / 97;
    const y = 3 * ((i % 89) / 89) + 1;
    const r = w0 * x + w1 - y;
    const c = r > 0 ? 1 : 0.5;
    loss += c * r * r;
    d0 += 2 * c * r * x;
    d1 += 2 * c * r;
  }
  return { mse: loss / N, d0: d0 / N, d1: d1 / N };
}

describe('the interpreter in slices', function () {
  this.timeout(60_000);

  it('a run paused many times gives exactly the program of one run (and the plain-JS value)', () => {
    const req = { text: MSE, name: 'mse' };
    const one = parseTarget(req, NO_CLOCK);
    const { program, pauses } = sliced(req);
    assert.ok(pauses >= 3, `only ${pauses} pauses: the test does not exercise resuming`);
    assert.deepEqual(shape(program), shape(one));
    const ev = evaluate(program);
    const js = mseJs(0.5, -0.25);
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
    assert.ok(rel(ev.value, js.mse) < 1e-12, `${ev.value} vs ${js.mse}`);
    const grad = (name: string) => ev.inputs.find((i) => i.name === name)!.grad;
    assert.ok(rel(grad('w[0]'), js.d0) < 1e-9, `${grad('w[0]')} vs ${js.d0}`);
    assert.ok(rel(grad('w[1]'), js.d1) < 1e-9, `${grad('w[1]')} vs ${js.d1}`);
  });

  it('functions, recursion, classes and a function target: sliced = one go', () => {
    const text = `
class V { constructor(public v: number) {} mul(o: V): V { return new V(this.v * o.v); } }
function fib(k: number): number { return k < 2 ? k : fib(k - 1) + fib(k - 2); }
const base = fib(14);
function f(a: number, b: number): number {
  let acc = new V(1);
  for (let i = 0; i < 4000; i++) acc = acc.mul(new V(1 + a / (i + b)));
  return acc.v + base;
}
const g = f(0.001, 2);
`;
    for (const req of [
      { text, name: 'g' },
      { text, name: 'f' },
      { text, name: 'base' },
    ]) {
      const opts = { ...NO_CLOCK, values: { a: 0.002, b: 3 } };
      const one = parseTarget(req, opts);
      const s = sliced(req, opts);
      if (req.name !== 'base') assert.ok(s.pauses >= 1, `${req.name}: no pause`);
      assert.deepEqual(shape(s.program), shape(one), req.name);
    }
  });

  it('a run in slices counts exactly the steps of one run (the step budget fires at the same step)', () => {
    const text = 'let s = 0;\nfor (let i = 0; i < 40000; i++) s += i % 7;\nconst t = s;\n';
    const { ir, target } = lowerTarget({ text, name: 't' });
    const one = new Interp(ir, NO_CLOCK);
    one.run(target);
    const many = new Interp(ir, NO_CLOCK);
    const run = many.runSliced(target);
    let pauses = 0;
    many.sliceEnd = 0; // every budget check (each 4,096 steps) ends a slice
    while (!run.next().done) pauses++;
    assert.ok(pauses >= 2, `${pauses} pauses`);
    assert.equal(many.progress().steps, one.progress().steps);
    // At the edge: a budget of exactly the steps run passes both ways, one fewer fails both ways
    // when the count is a multiple of the check interval; otherwise the outcome is the same.
    const steps = one.progress().steps;
    const edge = Math.floor(steps / 4096) * 4096;
    for (const maxSteps of [edge - 1, edge]) {
      const a = failureOrNone(() => parseTarget({ text, name: 't' }, { ...NO_CLOCK, maxSteps }));
      const b = failureOrNone(() => sliced({ text, name: 't' }, { ...NO_CLOCK, maxSteps }));
      assert.deepEqual(b, a, `maxSteps ${maxSteps}`);
    }
    assert.match(
      failureOrNone(() => sliced({ text, name: 't' }, { ...NO_CLOCK, maxSteps: edge - 1 })) ?? '',
      new RegExp(`step budget \\(${edge - 1} steps\\)`),
    );
  });

  it('budgets still fire in slices, naming the loop or call', () => {
    const loop = 'let i = 0;\nwhile (i >= 0) {\n  i++;\n}\nconst f = i * 2;\n';
    const e = failure(() => sliced({ text: loop, name: 'f' }, { ...NO_CLOCK, maxSteps: 300_000 }));
    assert.equal(e.code, 'budget');
    assert.match(e.message, /step budget \(300000 steps\) in the loop "while \(i >= 0\)" at 2:1/);
    const nodes = failure(() =>
      sliced(
        { text: 'let s = 0;\nfor (let i = 0; i < 1e6; i++) s = s + 1.5;\nconst t = s;\n', name: 't' },
        {
          ...NO_CLOCK,
          maxNodes: 100_000,
        },
      ),
    );
    assert.match(nodes.message, /tape-size budget .* in the loop "for \(let i = 0; i < 1e6; i\+\+\)" at 2:1/);
    const rec = failure(() =>
      sliced({ text: 'function r(x: number): number { return r(x) + 1; }\nconst f = r(2);\n', name: 'f' }),
    );
    assert.match(rec.message, /Call depth exceeds \d+ in the call of 'r' at 1:40/);
    const time = failure(() => sliced({ text: loop, name: 'f' }, { maxMillis: 200 }, 20));
    assert.match(time.message, /time budget \(200 ms\) in the loop "while \(i >= 0\)" at 2:1/);
  });

  it('the time budget counts running time, not the waits between slices', async () => {
    const text = 'let s = 0;\nfor (let i = 0; i < 30000; i++) s += (i % 5) * 0.5;\nconst t = s;\n';
    const { ir, target } = lowerTarget({ text, name: 't' });
    // How long it runs, and in how many slices, on this machine now.
    const probe = sliced({ text, name: 't' });
    const running = probe.seen[probe.seen.length - 1].millis;
    // Generous: running time is wall-clock time while the slices run, and a loaded machine varies.
    const budget = 4 * running + 500;
    // Waits between slices that add up to more than the budget.
    const wait = Math.ceil((budget + 200) / probe.pauses);
    const run = interpretSlices(ir, target, { maxMillis: budget }, 0);
    let waited = 0;
    let last: RunProgress | undefined;
    const w0 = Date.now();
    let r = run.next();
    while (!r.done) {
      last = r.value;
      await new Promise((res) => setTimeout(res, wait));
      waited += wait;
      r = run.next();
    }
    const wall = Date.now() - w0;
    assert.ok(waited > budget && wall > budget, JSON.stringify({ waited, wall, budget }));
    assert.ok(last && last.millis < wall - waited / 2, JSON.stringify({ last, wall, waited }));
    assert.equal(evaluate(r.value).value, 30000); // Σ (i % 5)·0.5 = 30000/5 · (0+1+2+3+4)·0.5
    // And an endless loop in slices with waits still ends at the budget.
    const loop = lowerTarget({ text: 'let i = 0;\nwhile (i >= 0) i++;\nconst f = i;\n', name: 'f' });
    const endless = interpretSlices(loop.ir, loop.target, { maxMillis: 300 }, 20);
    const e0 = Date.now();
    let caught: unknown;
    try {
      while (!endless.next().done) await new Promise((res) => setTimeout(res, 5));
    } catch (e) {
      caught = e;
    }
    assert.ok(isGradientLensError(caught) && caught.code === 'budget', String(caught));
    assert.match(caught.message, /time budget \(300 ms\) in the loop "while \(i >= 0\)" at 2:1/);
    assert.ok(Date.now() - e0 >= 300);
  });

  it('parseTargetAsync: progress, the same program, and cancel stops the run', async () => {
    const req = { text: MSE, name: 'mse' };
    const seen: RunProgress[] = [];
    let target: { name?: string; line: number } | undefined;
    const p = await parseTargetAsync(req, NO_CLOCK, {
      sliceMillis: 5,
      onProgress: (t, pr) => {
        target = t;
        seen.push(pr);
      },
    });
    assert.deepEqual(shape(p), shape(parseTarget(req, NO_CLOCK)));
    assert.ok(seen.length >= 2, `${seen.length} progress reports`);
    assert.deepEqual(target, { name: 'mse', text: 'loss / n', line: 13 });
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].steps > seen[i - 1].steps);

    // An endless loop with a long budget: cancelled after a few slices, it stops there.
    const loop = 'let i = 0;\nwhile (i >= 0) {\n  i++;\n}\nconst f = i * 2;\n';
    let reports = 0;
    const ac = new AbortController();
    const t0 = Date.now();
    let caught: unknown;
    try {
      await parseTargetAsync(
        { text: loop, name: 'f' },
        { maxMillis: 60_000, maxSteps: 1e12 },
        { signal: ac.signal, onProgress: () => ++reports === 3 && ac.abort() },
      );
    } catch (e) {
      caught = e;
    }
    assert.ok(isGradientLensError(caught), String(caught));
    assert.equal(caught.code, 'cancelled');
    assert.match(
      caught.message,
      /^Cancelled: the run of f \(line 5\) was stopped after \d+\.\d s \([\d.]+[kM]? steps\)/,
    );
    assert.equal(reports, 3, 'no slice ran after the cancel');
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);

    // isCancelled works the same, and the event loop ran between slices (a timer fired).
    let timerFired = false;
    setTimeout(() => (timerFired = true), 0);
    const late = await parseTargetAsync(
      { text: loop, name: 'f' },
      { maxMillis: 60_000, maxSteps: 1e12 },
      { sliceMillis: 10, isCancelled: () => timerFired },
    ).catch((e: unknown) => e);
    assert.ok(isGradientLensError(late) && late.code === 'cancelled', String(late));
  });

  it('parseTargetAsync with the default budgets still ends an endless loop with the budget error', async () => {
    const loop = 'let i = 0;\nwhile (true) {\n  i++;\n}\nconst f = i * 2;\n';
    const e = await parseTargetAsync({ text: loop, name: 'f' }, { maxMillis: 300 }).catch((x: unknown) => x);
    assert.ok(isGradientLensError(e), String(e));
    assert.equal(e.code, 'budget');
    assert.match(e.message, /time budget \(300 ms\) in the loop "while \(true\)" at 2:1/);
  });

  it('compactCount', () => {
    assert.deepEqual([0, 950, 999, 1000, 12_345, 999_400, 999_990, 3_200_000, 1_050_000_000].map(compactCount), [
      '0',
      '950',
      '999',
      '1k',
      '12.3k',
      '999k',
      '1M',
      '3.2M',
      '1.05G',
    ]);
  });
});

/** The deepest nesting of objects and arrays in `root`, walked with an explicit stack (the oracle). */
function nesting(root: unknown): number {
  let max = 0;
  const seen = new Set<object>();
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (d > max) max = d;
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push([x, d + 1]);
  }
  return max;
}

describe('the IR records its nesting depth (the panel posts an IR only when shallow enough)', () => {
  it('follows the real nesting of the IR objects, within a small factor', () => {
    const sum = (n: number) =>
      `const x = 1;\nconst f = ${Array.from({ length: n }, (_, i) => (i % 2 ? 'x' : String(i))).join(' + ')};\n`;
    const cases = [
      { text: sum(3), name: 'f' },
      { text: sum(300), name: 'f' },
      { text: sum(1500), name: 'f' },
      { text: MSE, name: 'mse' },
      {
        text:
          'function g(a: number): number {\n' +
          'if (a > 0) {'.repeat(200) +
          ' a = a * 2; ' +
          '}'.repeat(200) +
          '\nreturn a; }\nconst y = g(1);\n',
        name: 'y',
      },
    ];
    for (const c of cases) {
      const { ir } = lowerTarget(c);
      const real = nesting(ir);
      assert.ok(typeof ir.depth === 'number' && ir.depth > 0, `${c.name}: depth ${ir.depth}`);
      assert.ok(real >= ir.depth && real <= 4 * ir.depth + 16, `${c.name}: recorded ${ir.depth}, real ${real}`);
    }
    assert.ok(lowerTarget(cases[2]).ir.depth! >= 1500);
    assert.ok(lowerTarget(cases[0]).ir.depth! < 10);
  });
});
