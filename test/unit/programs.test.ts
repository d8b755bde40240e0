/**
 * Programs, not only expressions (issue 10): each snippet's value is checked against the same
 * snippet run as plain JavaScript (transpiled by TypeScript, run in a fresh vm context by the
 * test: code the test itself wrote), and every gradient against Richardson-extrapolated central
 * differences of that JavaScript run, at 1e-7 relative.
 */
import * as assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { ts } from 'ts-morph';
import { isGradientLensError, listTargets, parseTarget, type ExprProgram } from '../../src/parse/index';
import { evaluate } from '../../src/core/evaluate';
import { runTraining } from '../../src/core/train';
import type { ErrorCode } from '../../src/core/errors';

/** Runs TypeScript `text` as plain JS and returns the value of `expr` afterwards. */
function runJs(text: string, expr: string): unknown {
  const js = ts.transpileModule(text, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None, removeComments: true },
  }).outputText;
  const ctx = vm.createContext({
    console: { log() {}, warn() {} },
    exports: {},
    module: { exports: {} },
    require: () => ({}),
  });
  return vm.runInContext(`${js}\n;(${expr})`, ctx, { timeout: 5000 });
}

/** [start, end) of the numeric literal that gives input `name` its value. */
function literalSpan(text: string, p: ExprProgram, name: string): [number, number] {
  const node = p.nodes.find((n) => n.kind === 'input' && n.name === name)!;
  const r = node.range;
  const here = text.slice(r.start, r.end);
  if (/^-?[\d.]/.test(here)) return [r.start, r.end];
  const m = /^\s*(?::[^=]*)?=\s*(-?[\d.][\d.e_+-]*)/.exec(text.slice(r.end));
  assert.ok(m, `literal of ${name}`);
  const start = r.end + m.index + m[0].length - m[1].length;
  return [start, start + m[1].length];
}

function withValue(text: string, span: [number, number], v: number): string {
  const lit = v < 0 ? `(${String(v)})` : String(v);
  return text.slice(0, span[0]) + lit + text.slice(span[1]);
}

/** ∂(expr)/∂(input) by Richardson-extrapolated central differences of the JS run. */
function numericGrad(text: string, expr: string, span: [number, number], x: number): number {
  const f = (v: number) => Number(runJs(withValue(text, span, v), expr));
  const h = 1e-3 * Math.max(1, Math.abs(x));
  const d = (hh: number) => (f(x + hh) - f(x - hh)) / (2 * hh);
  return (4 * d(h / 2) - d(h)) / 3;
}

function close(a: number, b: number, tol: number, what: string): void {
  if (Object.is(a, b)) return;
  const err = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-6);
  assert.ok(err < tol, `${what}: ${a} vs ${b} (rel ${err})`);
}

/** Value = JS, every gradient = Richardson central differences of JS. Returns the program. */
function check(text: string, target: string, opts: { skipGrads?: string[] } = {}): ExprProgram {
  const p = parseTarget({ text, name: target });
  const ev = evaluate(p);
  const js = runJs(text, target);
  assert.equal(typeof js, 'number');
  close(ev.value, js as number, 1e-12, `value of ${target}`);
  for (const input of ev.inputs) {
    if (input.free || opts.skipGrads?.includes(input.name)) continue;
    const span = literalSpan(text, ev.program, input.name);
    const g = numericGrad(text, target, span, input.value);
    close(input.grad, g, 1e-7, `∂${target}/∂${input.name}`);
  }
  return ev.program;
}

function fails(text: string, target: string, code: ErrorCode, re: RegExp): void {
  let caught: unknown;
  try {
    evaluate(parseTarget({ text, name: target }));
  } catch (e) {
    caught = e;
  }
  assert.ok(isGradientLensError(caught), `expected a GradientLensError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.match(caught.message, re);
}

describe('programs: variables and operators', function () {
  this.timeout(30000);
  it('the `let s` example: 6 and ∂/∂a0 = 3 (was 0)', () => {
    const text = 'const a0 = 2;\nlet s = 0;\ns = s + a0;\nconst target = s * 3;';
    const p = check(text, 'target');
    const ev = evaluate(p);
    assert.equal(ev.value, 6);
    assert.equal(ev.inputs.find((i) => i.name === 'a0')!.grad, 3);
  });

  it('let/var/const, compound assignment, ++/--, block scope', () => {
    check(
      `const a = 1.5, b = -0.5;
let x = a;
x += b; x -= 0.25 * a; x *= b; x /= 3; x **= 2;
var y = x;
y++; ++y; y--;
let z = 0;
{ let z = 100 * a; y += z; }
z += y * a;
const r = z + x % 0.7;`,
      'r',
    );
  });

  it('booleans, !, ===, ??, &&, ||, strings as inert values, typeof', () => {
    check(
      `const a = 2, b = 3;
const flag = "c";
const on = !(a > b) && flag === "c";
const k = (on ? a : b) ?? 1;
const m = (a > 1 && b) || 7;
const t = typeof a === "number" ? k * m : 0;
const r = t + \`\${a}\`.length;`,
      'r',
    );
  });

  it('Number constants and predicates; Math round/floor/ceil/trunc, hypot, atan2, max/min with spread', () => {
    const p = check(
      `const x = 1.7, y = -0.4;
const v = [x, y, 0.5];
const r = Math.round(x) + Math.floor(y) * Math.ceil(x) + Math.trunc(y) + Math.hypot(x, y) + Math.atan2(y, x)
  + Math.max(...v) * Math.min(...v) + (Number.isFinite(x) ? Number.EPSILON : 0) + (Number.isNaN(y) ? 1 : 0);`,
      'r',
    );
    assert.ok(p.nodes.some((n) => n.kind === 'op' && n.op === 'round'));
  });
});

describe('programs: control flow', function () {
  this.timeout(30000);
  it('if/else, for, while, do…while, break, continue, switch', () => {
    check(
      `const w = 0.3, b = 0.1;
let acc = 0;
for (let i = 0; i < 10; i++) {
  if (i % 3 === 0) continue;
  if (i > 7) break;
  acc += w * i + b;
}
let j = 0;
while (j < 4) { acc = acc * (1 + w); j++; }
do { acc -= b; j--; } while (j > 0);
switch (j) {
  case 0: acc *= 2;
  case 1: acc += w; break;
  default: acc = 0;
}
const r = acc;`,
      'r',
    );
  });

  it('for…of, labeled break, nested loops', () => {
    check(
      `const xs = [0.5, -1, 2, 3.5];
let s = 0;
outer: for (const x of xs) {
  for (let k = 0; k < 3; k++) {
    if (x > 3) break outer;
    s += x * k;
  }
}
const r = s;`,
      'r',
    );
  });

  it('a target after a gradient-descent loop at top level', () => {
    check(
      `const dfdx = (x: number) => 2 * (x - 3);
let x0 = 1;
for (let i = 0; i < 10; i++) x0 -= 0.1 * dfdx(x0);
const target = x0;`,
      'target',
    );
  });

  it('branches follow the values: re-traced when an input crosses the threshold', () => {
    const text = 'const x = 2;\nlet y = 0;\nif (x > 1) { y = x * x; } else { y = -3 * x; }\nconst r = y;';
    const p = parseTarget({ text, name: 'r' });
    assert.equal(evaluate(p).value, 4);
    const ev = evaluate(p, { x: 0.5 });
    assert.equal(ev.value, -1.5);
    assert.equal(ev.inputs.find((i) => i.name === 'x')!.grad, -3);
    assert.ok(ev.program !== p, 'evaluation.program is the new trace');
  });
});

describe('programs: functions', function () {
  this.timeout(30000);
  it('declarations, expressions, arrows, default/optional/rest params, destructuring, closures', () => {
    check(
      `function lin(a: number, b = 2, c?: number) { return c === undefined ? a * b : a * b + c; }
const sq = function (t: number) { return t * t; };
const sum = (...xs: number[]) => xs.reduce((p, q) => p + q, 0);
const pt = { x: 1.5, y: -2 };
const { x, y: why } = pt;
const [u, , v = 4] = [0.5, 9];
function makeScale(k: number) { return (t: number) => k * t; }
const scale = makeScale(3);
const r = lin(x) + lin(why, 3, 1) + sq(u) + sum(x, why, v) + scale(u);`,
      'r',
    );
  });

  it('higher-order and curried functions, recursion', () => {
    check(
      `const w = 0.7;
const compose = (f: (t: number) => number, g: (t: number) => number) => (t: number) => f(g(t));
const add = (a: number) => (b: number) => a + b;
function pow(b: number, n: number): number { return n === 0 ? 1 : b * pow(b, n - 1); }
function fib(n: number): number { if (n < 2) return n * w; return fib(n - 1) + fib(n - 2); }
const r = compose(Math.tanh, add(w))(1) + pow(w, 5) + fib(6);`,
      'r',
    );
  });

  it('a function is a target: parameters are free inputs, arrays and objects via values', () => {
    const text =
      'function loss(w: number[], p: { x: number }, b: number) {\n  let s = 0;\n  for (let i = 0; i < w.length; i++) s += w[i] * p.x;\n  return s + b;\n}';
    const p = parseTarget({ text, name: 'loss' });
    // Without values: the annotations give the shape (arrays of 3), values default to 1.
    assert.deepEqual(
      p.nodes
        .filter((n) => n.kind === 'input')
        .map((n) => (n.kind === 'input' ? n.name : ''))
        .sort(),
      ['b', 'p.x', 'w[0]', 'w[1]', 'w[2]'],
    );
    const ev = evaluate(p, { 'w[0]': 0.1, 'w[1]': 0.2, 'w[2]': -1, 'p.x': 2, b: 0.5 });
    assert.equal(ev.value, (0.1 + 0.2 - 1) * 2 + 0.5);
    const g = Object.fromEntries(ev.inputs.map((i) => [i.name, i.grad]));
    assert.deepEqual(Object.keys(g).sort(), ['b', 'p.x', 'w[0]', 'w[1]', 'w[2]']);
    for (const [k, v] of Object.entries({ 'w[0]': 2, 'w[1]': 2, 'w[2]': 2, 'p.x': 0.1 + 0.2 - 1, b: 1 }))
      close(g[k], v, 1e-15, k);
    assert.equal(p.frames.length, 0);
  });
});

describe('programs: arrays', function () {
  this.timeout(30000);
  it('literals, spread, Array.from, new Array().fill, indexing, .length, methods', () => {
    check(
      `const w = [0.5, -1.5, 2];
const xs = Array.from({ length: 4 }, (_, i) => i * 0.25);
const zeros = new Array(3).fill(0);
const both = [...w, ...zeros, 1];
const ys = xs.map((x, i) => x * w[i % w.length]);
let t = 0;
ys.forEach((y) => { t += y; });
const pos = both.filter((x) => x > 0);
const stack = [w[0]];
stack.push(w[1] * 2, w[2]);
const last = stack.pop()!;
const part = both.slice(1, 3).concat([w[2]]).reverse();
const r = t + pos.reduce((a, b) => a + b, 0) + last + part[0] + part.at(-1)!
  + (both.some((x) => x < 0) ? 1 : 0) + (both.every((x) => x < 10) ? w[0] : 0)
  + both.indexOf(1) + (both.includes(0) ? 2 : 0) + [[w[0]], [w[1]]].flat()[1] + both.length;`,
      'r',
    );
  });

  it('MSE over arrays in a for loop: a gradient for every element; arrays and loops are reported', () => {
    const text = `const xs = [1, 2, 3, 4];
const ys = [2.1, 3.9, 6.2, 7.8];
let w = 0.5, b = 0.1;
let loss = 0;
for (let i = 0; i < xs.length; i++) {
  const pred = w * xs[i] + b;
  loss += (pred - ys[i]) ** 2;
}
const mse = loss / xs.length;`;
    const p = check(text, 'mse');
    const names = p.nodes.filter((n) => n.kind === 'input').map((n) => n.kind === 'input' && n.name);
    for (const n of ['xs[0]', 'xs[3]', 'ys[0]', 'ys[3]', 'w', 'b']) assert.ok(names.includes(n), n);
    assert.deepEqual(
      p.arrays!.map((a) => [a.label, a.shape]),
      [
        ['xs', [4]],
        ['ys', [4]],
      ],
    );
    assert.equal(p.loops!.length, 1);
    assert.equal(p.loops![0].iterations, 4);
    assert.ok(p.nodes.some((n) => n.loop === 0 && n.iteration === 3));
  });

  it('matrices: named by access path, shape [rows, cols]', () => {
    const text = `const W = [[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]];
const x = [1, 2];
const h = W.map((row) => row.reduce((s, wij, j) => s + wij * x[j], 0));
const out = h.reduce((a, b) => a + Math.tanh(b), 0);`;
    const p = check(text, 'out');
    assert.ok(p.nodes.some((n) => n.kind === 'input' && n.name === 'W[2][1]'));
    const W = p.arrays!.find((a) => a.label === 'W')!;
    assert.deepEqual(W.shape, [3, 2]);
    assert.ok(p.arrays!.some((a) => a.label === 'h' && a.shape[0] === 3));
  });
});

describe('programs: objects and classes', function () {
  this.timeout(30000);
  it('objects: nested, shorthand, methods, spread, objects of functions', () => {
    check(
      `const b = 0.2;
const model = { w: [0.5, -0.3], b, inner: { k: 2 } };
const activations = {
  sigmoid: { f: (x: number) => 1 / (1 + Math.exp(-x)), der(x: number) { const s = this.f(x); return s * (1 - s); } },
};
const copy = { ...model, b: model.b * 2 };
const r = activations.sigmoid.der(model.w[0] * model.inner.k) + copy.b + model.w[1];`,
      'r',
    );
  });

  it('classes: fields, constructor, methods, getters/setters, static, extends/super', () => {
    check(
      `class Layer {
  static count = 0;
  scale = 2;
  constructor(public w: number, private bias: number) { Layer.count++; }
  forward(x: number) { return this.w * x + this.bias; }
  get double() { return this.w * this.scale; }
  set weight(v: number) { this.w = v; }
}
class Relu extends Layer {
  forward(x: number) { return Math.max(0, super.forward(x)); }
}
const w0 = 0.7, b0 = -0.1;
const l = new Relu(w0, b0);
const before = l.forward(1.5) + l.double;
l.weight = l.w * 3;
const r = before + l.forward(2) + Layer.count;`,
      'r',
    );
  });

  it('a micrograd-style Value class written by the user', () => {
    const text = `class Value {
  data: number; grad = 0; prev: Value[];
  constructor(data: number, prev: Value[] = []) { this.data = data; this.prev = prev; }
  add(o: Value) { return new Value(this.data + o.data, [this, o]); }
  mul(o: Value) { return new Value(this.data * o.data, [this, o]); }
  tanh() { return new Value(Math.tanh(this.data), [this]); }
}
const x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813735870195432;
const n = new Value(x1).mul(new Value(w1)).add(new Value(x2).mul(new Value(w2))).add(new Value(b));
const o = n.tanh().data;`;
    const p = check(text, 'o');
    const ev = evaluate(p);
    close(ev.inputs.find((i) => i.name === 'w1')!.grad, 1.0000000000000002, 1e-6, 'karpathy w1');
  });
});

describe('programs: TypeScript syntax, top level, inputs', function () {
  this.timeout(30000);
  it('types, as, !, satisfies, generics, enums, declare, import type, export, console, module.exports', () => {
    check(
      `import type { Foo } from './foo';
import { unused } from './elsewhere';
enum Mode { A, B = 5 }
interface P { x: number }
type N = number;
declare const g: number;
export const k: N = 1.25;
function id<T>(t: T): T { return t; }
const p = { x: 2 } satisfies P;
console.log("start", k);
const r = id<number>(k) * (p.x as number)! + (Mode.B as number);
module.exports = { r };`,
      'r',
    );
  });

  it('top-level statements run in order; input names by access path', () => {
    const p = check(
      'const model = { w: [[1, 2], [3, 4]], b: 0.5 };\nconst p = { x: 3 };\nconst r = model.w[0][1] * p.x + model.b;',
      'r',
    );
    const names = p.nodes.filter((n) => n.kind === 'input').map((n) => (n.kind === 'input' ? n.name : ''));
    assert.deepEqual(names.sort(), ['model.b', 'model.w[0][1]', 'p.x']);
  });
});

describe('programs: silent wrong answers of the issue', function () {
  this.timeout(30000);
  it("`const NaN = 3` is the file's own NaN everywhere", () => {
    // (JavaScript itself rejects redeclaring NaN at the top of a script, so no oracle run.)
    const p = parseTarget({ text: 'const NaN = 3;\nconst y = NaN;\nconst z = NaN * 2 + y;', name: 'z' });
    assert.equal(evaluate(p).value, 9);
  });

  it('use before declaration throws, like JavaScript', () => {
    fails('const t = q * 2;\nconst q = 5;', 't', 'runtime', /'q' is used before its declaration at 1:11/);
  });

  it('Math.max() gives a diagnostic', () => {
    const ev = evaluate(parseTarget({ text: 'const a = 1;\nconst r = a + Math.max();', name: 'r' }));
    assert.equal(ev.value, -Infinity);
    assert.ok(
      ev.diagnostics.some((d) => d.code === 'non-finite' && /Math\.max\(\)/.test(d.message)),
      JSON.stringify(ev.diagnostics),
    );
  });

  it('round/floor/ceil/trunc: derivative 0 with a diagnostic', () => {
    const ev = evaluate(parseTarget({ text: 'const a = 1.4;\nconst r = Math.round(a) * a;', name: 'r' }));
    assert.equal(ev.inputs[0].grad, 1);
    assert.ok(
      ev.diagnostics.some((d) => d.code === 'piecewise-constant'),
      JSON.stringify(ev.diagnostics),
    );
  });
});

describe('programs: refusals and budgets', function () {
  this.timeout(30000);
  it('refuses dynamic code, I/O, randomness, clock, generators, async by name with line:column', () => {
    fails('const r = eval("1");', 'r', 'unsupported', /'eval'.*1:11/);
    fails('const f = new Function("return 1");\nconst r = 1;', 'r', 'unsupported', /'new Function'.*1:11/);
    fails('const r = Math.random();', 'r', 'unsupported', /Math\.random at 1:11/);
    fails('const r = Date.now();', 'r', 'unsupported', /'Date' at 1:11: the clock is not available/);
    fails('const r = process.argv.length;', 'r', 'unsupported', /'process' at 1:11/);
    fails(
      'const a = 1;\nconst r = a == "1" ? 1 : 0;',
      'r',
      'unsupported',
      /'==' between a number and a string .* at 2:11/,
    );
  });

  it('an endless loop ends within about a second (the editor budget) with an error naming the loop', function () {
    this.timeout(10000);
    for (const [text, re] of [
      ['let x = 1;\nwhile (true) { x = x + 1; }\nconst r = x;', /loop "while \(true\)" at 2:1/],
      ['let i = 0;\nfor (;;) { i++; }\nconst r = 1;', /loop "for \(;;\)" at 2:1/],
      ['function f(n: number): number { return f(n + 1); }\nconst r = f(1);', /call of 'f' at 1:40/],
    ] as const) {
      const t0 = Date.now();
      let caught: unknown;
      try {
        parseTarget({ text, name: 'r' }, { maxMillis: 1000 });
      } catch (e) {
        caught = e;
      }
      assert.ok(isGradientLensError(caught), String(caught));
      assert.equal(caught.code, 'budget');
      assert.match(caught.message, re);
      assert.ok(Date.now() - t0 < 6000, `took ${Date.now() - t0} ms`); // a 1 s budget, on a loaded machine
    }
  });

  it('the tape-size budget names the loop', () => {
    let caught: unknown;
    try {
      parseTarget(
        { text: 'let s = 0;\nfor (let i = 0; i < 1e6; i++) s += i;\nconst r = s;', name: 'r' },
        { maxNodes: 10000 },
      );
    } catch (e) {
      caught = e;
    }
    assert.ok(isGradientLensError(caught));
    assert.match(
      caught.message,
      /tape-size budget \(more than 10000 graph nodes\) in the loop "for \(let i = 0; i < 1e6; i\+\+\)" at 2:1/,
    );
  });
});

describe('programs: training re-traces', function () {
  this.timeout(30000);
  it('gradient descent through a branch that changes course matches the same descent in plain JS', () => {
    const text = `const x = 3;
const y = 0.5;
let w = 1.2;
let pred = 0;
if (w * x > 2) { pred = w * x - 1; } else { pred = 0.5 * w * x; }
const loss = (pred - y) ** 2;`;
    const p = parseTarget({ text, name: 'loss' });
    const run = runTraining(p, {}, { steps: 6, lr: 0.05, params: ['w'] });
    // The same in JavaScript, by hand.
    let w = 1.2;
    const losses: number[] = [];
    for (let s = 0; s <= 6; s++) {
      const x = 3;
      const y = 0.5;
      const above = w * x > 2;
      const pred = above ? w * x - 1 : 0.5 * w * x;
      losses.push((pred - y) ** 2);
      const dpred = above ? x : 0.5 * x;
      w -= 0.05 * 2 * (pred - y) * dpred;
    }
    run.losses.forEach((l, k) => close(l, losses[k], 1e-12, `loss ${k}`));
    assert.ok(run.losses.length === 7);
  });
});

describe('programs: targets', function () {
  this.timeout(30000);
  // Issue 10: "A selection inside a function body analyses the enclosing function and highlights
  // the selected sub-expression." The oracle is the same function run as plain JS here.
  const SEL_FN =
    'function f(x: number, b: number) {\n  let s = 0;\n  for (let i = 1; i <= 3; i++) s += x * i;\n  const unused = x * 7;\n  const z = b * x + 1;\n  return s * 2 + z;\n}\n';
  const at = (needle: string, from = 0) => {
    const start = SEL_FN.indexOf(needle, from);
    assert.ok(start >= 0, needle);
    return { start, end: start + needle.length };
  };
  // f(x, b) = 2·Σ x·i + b·x + 1 = 12x + bx + 1: ∂f/∂x = 12 + b, ∂f/∂b = x.
  const plainF = (x: number, b: number) => {
    let s = 0;
    for (let i = 1; i <= 3; i++) s += x * i;
    const z = b * x + 1;
    return s * 2 + z;
  };

  it('a selection inside a function body analyses the enclosing function (its result) and lists the selection’s nodes', () => {
    const p = parseTarget({ text: SEL_FN, selection: at('x * i') });
    assert.equal(p.target.name, 'f');
    assert.equal(p.target.text, 'f(…)');
    const ev = evaluate(p, { x: 2, b: 0.5 });
    assert.equal(ev.value, plainF(2, 0.5));
    assert.equal(ev.inputs.find((i) => i.name === 'x')!.grad, 12 + 0.5);
    assert.equal(ev.inputs.find((i) => i.name === 'b')!.grad, 2);
    const sel = p.target.selection!;
    assert.equal(sel.text, 'x * i');
    assert.equal(sel.fn, 'f');
    assert.equal(sel.reaches, true);
    assert.equal(sel.alone, undefined);
    assert.equal(sel.range.line, 3);
    // Every pass of the loop: three multiplications x·1, x·2, x·3, each with its value and gradient.
    assert.equal(sel.nodes.length, 3);
    for (const id of sel.nodes) {
      const n = p.nodes[id];
      assert.equal(n.kind, 'op');
      assert.equal(n.kind === 'op' && n.op, 'mul');
      assert.ok(n.range.start >= sel.range.start && n.range.end <= sel.range.end);
    }
    assert.deepEqual(
      sel.nodes.map((id) => ev.tape.value[id]),
      [2, 4, 6],
    );
    // ∂f/∂(x·i) = 2 (through s * 2) in every pass.
    assert.deepEqual(
      sel.nodes.map((id) => ev.tape.grad[id]),
      [2, 2, 2],
    );
    // Same as analysing f by name, plus the selection.
    const whole = parseTarget({ text: SEL_FN, name: 'f' });
    assert.equal(whole.target.selection, undefined);
    assert.equal(evaluate(whole, { x: 2, b: 0.5 }).value, ev.value);
  });

  it('a selected initializer inside a function: the function, with the declaration’s nodes highlighted', () => {
    const p = parseTarget({ text: SEL_FN, selection: at('b * x + 1') });
    assert.equal(p.target.name, 'f');
    const sel = p.target.selection!;
    assert.equal(sel.reaches, true);
    const ev = evaluate(p, { x: 3, b: -2 });
    assert.equal(ev.value, plainF(3, -2));
    const labels = sel.nodes.map((id) => p.nodes[id].label).sort();
    assert.ok(labels.includes('b * x'), JSON.stringify(labels));
    const value = sel.nodes.find((id) => p.nodes[id].name === 'z');
    assert.ok(value !== undefined, 'the declaration’s value node is highlighted');
    assert.equal(ev.tape.value[value], -2 * 3 + 1);
    assert.equal(ev.tape.grad[value], 1);
  });

  it('a selection that does not reach the function’s result is analysed on its own, and says so', () => {
    const p = parseTarget({ text: SEL_FN, selection: at('x * 7') });
    const sel = p.target.selection!;
    assert.equal(sel.alone, true);
    assert.equal(sel.reaches, false);
    assert.equal(sel.fn, 'f');
    assert.equal(p.target.text, 'x * 7');
    const ev = evaluate(p, { x: 2, b: 1 });
    assert.equal(ev.value, 14);
    assert.equal(ev.inputs.find((i) => i.name === 'x')!.grad, 7);
  });

  it('a cursor, a whole statement or a top-level selection keep their targets (no highlight)', () => {
    const cursor = at('s * 2 + z').start;
    const c = parseTarget({ text: SEL_FN, selection: { start: cursor, end: cursor } });
    assert.equal(c.target.text, 's * 2 + z');
    assert.equal(c.target.selection, undefined);
    const stmt = parseTarget({ text: SEL_FN, selection: at('return s * 2 + z;') });
    assert.equal(stmt.target.text, 's * 2 + z');
    assert.equal(stmt.target.selection, undefined);
    const top = 'const a = 2;\nconst b = 3;\nconst c = a * b + a;\n';
    const t = parseTarget({ text: top, selection: { start: top.indexOf('a * b'), end: top.indexOf('a * b') + 5 } });
    assert.equal(t.target.text, 'a * b');
    assert.equal(t.target.selection, undefined);
  });

  it('the selection survives a re-trace with other values (the loop runs another number of times)', () => {
    const text =
      'function g(x: number, n: number) {\n  let s = 0;\n  for (let i = 0; i < n; i++) s += x * x;\n  return s;\n}\n';
    const start = text.indexOf('x * x');
    const p = parseTarget({ text, selection: { start, end: start + 5 } });
    const ev2 = evaluate(p, { x: 1.5, n: 2 });
    assert.equal(ev2.program.target.selection!.nodes.length, 2);
    const ev4 = evaluate(p, { x: 1.5, n: 4 });
    const sel = ev4.program.target.selection!;
    assert.equal(sel.nodes.length, 4);
    assert.equal(ev4.value, 4 * 1.5 * 1.5);
    for (const id of sel.nodes) assert.equal(ev4.tape.value[id], 2.25);
    // n = 0: the selection never runs; the function's result does not depend on it.
    const ev0 = evaluate(p, { x: 1.5, n: 0 });
    assert.equal(ev0.value, 0);
    assert.equal(ev0.program.target.selection!.reaches, false);
    assert.equal(ev0.program.target.selection!.evaluated, false);
    assert.deepEqual(ev0.program.target.selection!.nodes, []);
  });

  it('a selection in a nested arrow: the outermost function; in a branch not taken: the function, not an error', () => {
    const text =
      'function f(xs: number[], w: number) {\n  return xs.map((x) => x * w).reduce((a, b) => a + b, 0);\n}\n';
    const start = text.indexOf('x * w');
    const p = parseTarget({ text, selection: { start, end: start + 5 } });
    assert.equal(p.target.name, 'f');
    const xs = [1.5, -2, 4];
    const ev = evaluate(p, { 'xs[0]': xs[0], 'xs[1]': xs[1], 'xs[2]': xs[2], w: 0.5 });
    assert.equal(
      ev.value,
      xs.map((x) => x * 0.5).reduce((a, b) => a + b, 0),
    );
    const sel = ev.program.target.selection!;
    assert.equal(sel.reaches, true);
    assert.deepEqual(
      sel.nodes.map((id) => ev.tape.value[id]),
      xs.map((x) => x * 0.5),
    );
    for (const id of sel.nodes) assert.equal(ev.tape.grad[id], 1);

    const branch = 'function h(a: number) {\n  if (a > 100) return a * 3;\n  return a + 1;\n}\n';
    const b = branch.indexOf('a * 3');
    const q = parseTarget({ text: branch, selection: { start: b, end: b + 5 } });
    assert.equal(q.target.name, 'h');
    assert.equal(q.target.selection!.evaluated, false);
    assert.equal(evaluate(q, { a: 2 }).value, 3);
    // Values that take the branch: its node is there, and it is the result.
    const big = evaluate(q, { a: 200 });
    assert.equal(big.value, 600);
    assert.equal(big.program.target.selection!.evaluated, true);
    assert.equal(big.program.target.selection!.reaches, true);
    assert.equal(big.program.nodes[big.program.root].range.start, b);
  });

  it('methods declared in the file are called (no "unknown function")', () => {
    check(
      `const neuron = {
  w: 0.4,
  activate(z: number) { return Math.tanh(this.w * z); },
};
const z = 1.5;
const out = neuron.activate(z);`,
      'out',
    );
  });
});

describe('programs: listTargets', function () {
  this.timeout(30000);
  it('lists numeric top-level declarations after a failing one, and the returns of functions', () => {
    const text = [
      'const a = 2;',
      'const bad = foo(1);',
      'let v = a * 3;',
      'function f(x: number) {',
      '  if (x > 0) return x;',
      '  return -x;',
      '}',
      'const s = "text";',
    ].join('\n');
    const list = listTargets(text);
    assert.deepEqual(
      list.map((t) => [t.name, t.text]),
      [
        ['v', 'a * 3'],
        [undefined, 'x'],
        [undefined, '-x'],
      ],
    );
  });
});

describe('programs: arrays and loops for the vector view', function () {
  this.timeout(30000);
  it('a function target with an array parameter: the array group, nested loops with parents and iterations', () => {
    const text = `function f(W: number[][], x: number[]) {
  const h = [];
  for (let i = 0; i < W.length; i++) {
    let s = 0;
    for (let j = 0; j < x.length; j++) s += W[i][j] * x[j];
    h.push(Math.tanh(s));
  }
  return h.reduce((a, b) => a + b, 0);
}`;
    const p = parseTarget({ text, name: 'f' });
    const ev = evaluate(p, { 'W[0][0]': 1, 'W[0][1]': 2, 'W[1][0]': 3, 'W[1][1]': 4, 'x[0]': 0.1, 'x[1]': -0.2 });
    const q = ev.program;
    const W = q.arrays!.find((a) => a.label === 'W')!;
    assert.deepEqual(W.shape, [2, 2]);
    assert.deepEqual(
      W.elements.map((id) => (q.nodes[id].kind === 'input' ? q.nodes[id].name : '')),
      ['W[0][0]', 'W[0][1]', 'W[1][0]', 'W[1][1]'],
    );
    assert.deepEqual(q.arrays!.find((a) => a.label === 'x')!.shape, [2]);
    assert.deepEqual(q.arrays!.find((a) => a.label === 'h')!.shape, [2]);
    const loops = q.loops!.map((l) => [l.label, l.parent, l.iterations]);
    assert.deepEqual(loops[0], ['for (let i = 0; i < W.length; i++)', -1, 2]);
    assert.deepEqual(loops[1], ['for (let j = 0; j < x.length; j++)', 0, 4]);
    assert.equal(loops[2][0], 'h.reduce((a, b) => a + b, 0)');
    const expected = Math.tanh(1 * 0.1 + 2 * -0.2) + Math.tanh(3 * 0.1 + 4 * -0.2);
    close(ev.value, expected, 1e-15, 'f');
  });
});
