/**
 * The interpreter's fast paths give the same program as the general ones (issue 10, speed):
 *  - the tape the interpreter remembers for a program equals the tape compiled from its nodes;
 *  - an arrow callback run without tasks (callInline) records the same nodes, frames and loops
 *    as the same callback written as a function expression (always run by the task machine),
 *    also when its body cannot be compiled or bails at run time (a getter);
 *  - a re-run of the same IR at another size (the capacity hint of the last run) is right;
 *  - TapeBuilder.take hands exactly full arrays over and copies the others.
 * Values are checked against the program run as plain JavaScript where they matter.
 */
import * as assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { ts } from 'ts-morph';
import { lowerTarget, parseTarget, type ExprProgram } from '../../src/parse/index';
import { compileProgram, evaluate } from '../../src/core/evaluate';
import { interpret } from '../../src/core/interpret';
import { TapeBuilder, backward, forward, type Tape } from '../../src/core/tape';
import { OP_CODE } from '../../src/core/ops';

function runJs(text: string, expr: string): number {
  const js = ts.transpileModule(text, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None },
  }).outputText;
  return vm.runInContext(`${js}\n;(${expr})`, vm.createContext({}), { timeout: 5000 }) as number;
}

function sameTape(a: Tape, b: Tape): void {
  assert.equal(a.size, b.size);
  assert.deepEqual(Array.from(a.op), Array.from(b.op));
  assert.deepEqual(Array.from(a.argStart), Array.from(b.argStart));
  assert.deepEqual(Array.from(a.args), Array.from(b.args));
  for (let i = 0; i < a.size; i++) assert.ok(Object.is(a.value[i], b.value[i]), `value of node ${i}`);
  assert.equal(a.grad.length, b.grad.length);
  assert.equal(a.local.length, b.local.length);
}

/** What the graph is made of, without source positions (two spellings of one program compare equal). */
function shape(p: ExprProgram): unknown {
  return {
    nodes: p.nodes.map((n) => ({
      kind: n.kind,
      op: n.kind === 'op' ? n.op : undefined,
      args: n.kind === 'op' ? n.args : undefined,
      value: n.kind === 'op' ? undefined : n.value,
      name: n.name,
      frame: n.frame,
      loop: n.loop,
      iteration: n.iteration,
    })),
    root: p.root,
    frames: p.frames.map((f) => ({ parent: f.parent, args: f.args, result: f.result })),
    loops: (p.loops ?? []).map((l) => ({ parent: l.parent, iterations: l.iterations })),
    arrays: (p.arrays ?? []).map((g) => ({ shape: g.shape, elements: g.elements })),
  };
}

/** [program, target, the same program with its arrow callbacks written as function expressions]. */
const PROGRAMS: Array<[string, string, string]> = [];
{
  const mse = (cb1: string, cb2: string) => `const N = 7;
const xs = Array.from({ length: N }, ${cb1});
const ys = xs.map(${cb2});
let w1 = 0.5, b1 = 0.1, w2 = -0.3, b2 = 0.2;
let loss = 0;
for (let i = 0; i < N; i++) {
  const h = Math.tanh(w1 * xs[i] + b1);
  const pred = w2 * h + b2;
  const d = pred - ys[i];
  loss += d * d;
}
const mse = loss / N;`;
  PROGRAMS.push([
    mse('(_, i) => i / N', '(x) => 2 * x + 1'),
    'mse',
    mse('function (_, i) { return i / N; }', 'function (x) { return 2 * x + 1; }'),
  ]);
  const hof = (cb1: string, cb2: string, cb3: string) => `const a = 1.5, k = 2;
const xs = [1, -2, 3, 0.5];
const s = xs.reduce(${cb1}, 0);
const m = Math.max(...xs.map(${cb2}));
const t = xs.filter(${cb3}).length;
const out = s * m + t + xs[k];`;
  PROGRAMS.push([
    hof('(acc, x) => acc + (x > 0 ? Math.max(x * a, 0) : -x)', '(x) => x * a', '(x) => x > k - 2.5'),
    'out',
    hof(
      'function (acc, x) { return acc + (x > 0 ? Math.max(x * a, 0) : -x); }',
      'function (x) { return x * a; }',
      'function (x) { return x > k - 2.5; }',
    ),
  ]);
  // Callbacks the fast path cannot run: a call of a user function (not compiled), a getter (bails).
  const bail = (cb1: string, cb2: string) => `function sq(v: number) { return v * v; }
const w = [0.5, -1, 2];
const p = { get v() { return w[0] * 3; }, z: 4 };
const q = w.map(${cb1});
const r = [p, p].map(${cb2});
const out = q[0] + q[1] * q[2] + r[1];`;
  PROGRAMS.push([
    bail('(x) => sq(x) + 1', '(o) => o.v * 2 + o.z'),
    'out',
    bail('function (x) { return sq(x) + 1; }', 'function (o) { return o.v * 2 + o.z; }'),
  ]);
}

describe('interpreter fast paths', function () {
  this.timeout(60000);

  it('the remembered tape of an interpreted program equals the tape compiled from its nodes', () => {
    for (const [text, name] of PROGRAMS) {
      const p = parseTarget({ text, name });
      const fromNodes = compileProgram({ ...p }); // a copy of the object: no remembered tape
      const taken = compileProgram(p);
      sameTape(taken, fromNodes);
      sameTape(compileProgram(p), fromNodes); // taken once: compiled from the nodes again
      const ev = evaluate(parseTarget({ text, name }));
      assert.ok(Math.abs(ev.value - runJs(text, name)) <= 1e-12 * Math.max(1, Math.abs(ev.value)), name);
    }
  });

  it('an arrow callback run at once records what the task machine records for a function expression', () => {
    for (const [text, name, slow] of PROGRAMS) {
      const a = parseTarget({ text, name });
      const b = parseTarget({ text: slow, name });
      assert.deepEqual(shape(a), shape(b), name);
      const ea = evaluate(a);
      const eb = evaluate(b);
      assert.equal(ea.value, eb.value);
      assert.deepEqual(
        ea.inputs.map((i) => [i.name, i.grad]),
        eb.inputs.map((i) => [i.name, i.grad]),
      );
      const js = runJs(slow, name);
      assert.ok(Math.abs(eb.value - js) <= 1e-12 * Math.max(1, Math.abs(js)), `${name}: ${eb.value} vs ${js}`);
    }
  });

  it('a re-run of the same IR records more or fewer nodes than the last run (capacity hint)', () => {
    const text = `let n = 3;
let w = 0.7;
let s = 0;
for (let i = 0; i < n; i++) s += Math.sin(w * i) * w;
const out = s;`;
    const { ir, target } = lowerTarget({ text, name: 'out' });
    for (const n of [3, 2000, 5, 40000, 1]) {
      const p = interpret(ir, target, { values: { n } });
      const ev = evaluate(p, { n });
      const js = runJs(text.replace('let n = 3', `let n = ${n}`), 'out');
      assert.ok(Math.abs(ev.value - js) <= 1e-9 * Math.max(1, Math.abs(js)), `n = ${n}: ${ev.value} vs ${js}`);
    }
  });

  it('every node keeps the site (label and range) that made it: the site table, with many sites and collisions', () => {
    // 6,000 distinct sites, each used once: every literal's label is its source text, every sum
    // spans its operands. As parsed (the site table starts at the size the lowering counted), and
    // from a copy of the IR without that capacity hint (it is not enumerable: the table starts
    // small and grows several times).
    const terms = Array.from({ length: 3000 }, (_, i) => String((i % 97) * 0.25));
    const text = `const s = ${terms.join(' + ')};\n`;
    const { ir, target } = lowerTarget({ text, name: 's' });
    for (const p of [parseTarget({ text, name: 's' }), interpret({ ...ir }, target)]) {
      assert.equal(p.nodes.length, 5999);
      let consts = 0;
      for (const n of p.nodes) {
        if (n.kind === 'const') {
          consts++;
          assert.equal(n.label, text.slice(n.range.start, n.range.end));
          assert.equal(n.value, Number(n.label));
        } else if (n.kind === 'op') {
          assert.equal(n.range.start, p.nodes[n.args[0]].range.start);
          assert.equal(n.range.end, p.nodes[n.args[1]].range.end);
        }
      }
      assert.equal(consts, 3000);
      assert.equal(evaluate(p).value, runJs(text, 's'));
    }
    // Sites made afresh at every use, all with the same source range (NaN in a loop: more than
    // the table probes), mixed with sites used 500 times each.
    const loop = 'let t = 0;\nfor (let i = 0; i < 500; i++) t = t + NaN * i + 2;\nconst u = t;\n';
    const q = parseTarget({ text: loop, name: 'u' });
    const nanAt = loop.indexOf('NaN');
    let nans = 0;
    for (const n of q.nodes) {
      if (n.label === 'NaN') {
        nans++;
        assert.equal(n.range.start, nanAt);
        assert.equal(n.range.end, nanAt + 3);
        assert.equal(n.kind, 'const');
      } else if (n.kind === 'op' && n.op === 'mul') {
        assert.equal(n.label, 'NaN * i');
        assert.equal(q.nodes[n.args[0]].label, 'NaN');
      } else assert.ok(n.range.start < nanAt || n.range.start > nanAt + 2, `${n.label} at the range of NaN`);
    }
    assert.equal(nans, 500);
    assert.ok(Number.isNaN(evaluate(q).value));
  });

  it('a left-nested chain too deep to compile (one task up its spine) evaluates as JavaScript does', () => {
    // 400 terms: user calls with a side effect (run by the task machine, in order), reads of the
    // variable they change, compiled terms, literals and inputs, under + - *; the chain starts
    // with a call (its innermost left operand) and a compiled product.
    const kinds = ['f(x)', 'x', '2', 'Math.sin(y)', 'k', '(x * y)', 'g(y)'];
    const ops = ['+', '-', '*', '+'];
    const terms = Array.from({ length: 400 }, (_, i) => `${i ? `${ops[i % 4]} ` : ''}${kinds[(i * 5) % 7]}`);
    const text = (x: number, y: number) => `let x = ${x}, y = ${y};
let k = 1;
function f(a: number) { k = k + 1; return a * 0.5 + k * 0.01; }
const g = (b: number) => b * 0.25;
const s = f(x) * y + ${terms.join(' ')};
`;
    const ev = evaluate(parseTarget({ text: text(0.7, -0.4), name: 's' }));
    const js = runJs(text(0.7, -0.4), 's');
    assert.ok(Math.abs(ev.value - js) <= 1e-12 * Math.max(1, Math.abs(js)), `${ev.value} vs ${js}`);
    // Gradients against central differences of the plain JavaScript.
    const h = 1e-6;
    const grad = (name: string) => ev.inputs.find((i) => i.name === name)!.grad;
    const dx = (runJs(text(0.7 + h, -0.4), 's') - runJs(text(0.7 - h, -0.4), 's')) / (2 * h);
    const dy = (runJs(text(0.7, -0.4 + h), 's') - runJs(text(0.7, -0.4 - h), 's')) / (2 * h);
    assert.ok(Math.abs(grad('x') - dx) <= 1e-6 * Math.max(1, Math.abs(dx)), `∂s/∂x ${grad('x')} vs ${dx}`);
    assert.ok(Math.abs(grad('y') - dy) <= 1e-6 * Math.max(1, Math.abs(dy)), `∂s/∂y ${grad('y')} vs ${dy}`);
    // Every call of f is a frame, in source order.
    const calls = terms.filter((t) => t.includes('f(x)')).length + 1;
    assert.equal(ev.program.frames.filter((fr) => fr.fn === 'f').length, calls);
    const starts = ev.program.frames.filter((fr) => fr.fn === 'f').map((fr) => fr.range.start);
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
    );
  });

  it('TapeBuilder.take moves exactly full arrays and copies the others', () => {
    const exact = new TapeBuilder(3, 2);
    const x = exact.leaf(2);
    const y = exact.leaf(5);
    exact.gate(OP_CODE.mul, [x, y]);
    const op = exact.op;
    const t = exact.take();
    assert.equal(t.op, op); // moved
    assert.equal(exact.size, 0);
    forward(t);
    backward(t);
    assert.deepEqual(Array.from(t.value), [2, 5, 10]);
    assert.deepEqual(Array.from(t.grad), [5, 2, 1]);
    const roomy = new TapeBuilder(8, 8);
    roomy.gate(OP_CODE.neg, [roomy.leaf(3)]);
    const op2 = roomy.op;
    const t2 = roomy.take();
    assert.notEqual(t2.op, op2);
    assert.equal(t2.op.length, 2);
    assert.equal(t2.args.length, 1);
    assert.throws(() => new TapeBuilder().gate(OP_CODE.neg, [0]), RangeError);
  });
});
