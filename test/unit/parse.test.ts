import * as assert from 'node:assert/strict';
import {
  isGradientLensError,
  listTargets,
  parseTarget,
  type ExprNode,
  type ExprProgram,
  type InputNode,
  type OpNode,
  type ParseRequest,
} from '../../src/parse/index';
import type { ErrorCode } from '../../src/core/errors';
import { evaluate } from '../../src/core/evaluate';

// ---------- helpers ----------

/** Offset of the n-th occurrence of `sub` in `text`. */
function at(text: string, sub: string, n = 0): number {
  let i = -1;
  for (let k = 0; k <= n; k++) {
    i = text.indexOf(sub, i + 1);
    assert.ok(i >= 0, `'${sub}' not found in test text`);
  }
  return i;
}

function sel(text: string, sub: string, n = 0): { start: number; end: number } {
  const start = at(text, sub, n);
  return { start, end: start + sub.length };
}

/** Invariants every program must satisfy. */
function check(p: ExprProgram): ExprProgram {
  assert.ok(p.nodes.length > 0);
  assert.ok(p.root >= 0 && p.root < p.nodes.length, 'root in range');
  p.nodes.forEach((n, i) => {
    if (n.kind === 'op') {
      for (const a of n.args)
        assert.ok(Number.isInteger(a) && a >= 0 && a < i, `node ${i} (${n.label}) arg ${a} not topological`);
    }
    assert.ok(n.label.length <= 48, `label too long: ${n.label}`);
    assert.ok(n.range.line >= 1 && n.range.column >= 1 && n.range.start <= n.range.end);
    if (n.frame !== undefined) assert.ok(n.frame >= 0 && n.frame < p.frames.length);
    if (n.kind === 'input') assert.equal(n.free, n.value === undefined);
  });
  p.frames.forEach((f, i) => {
    assert.ok(f.parent >= -1 && f.parent < i, 'frame parent precedes frame');
    assert.ok(f.result >= 0 && f.result < p.nodes.length, 'frame result set');
    for (const a of f.args) assert.ok(a >= 0 && a < p.nodes.length);
  });
  assert.ok(p.target.text.length <= 200);
  // The core binds values to inputs by name: no two input nodes may share one.
  const names = inputs(p).map((n) => n.name);
  assert.equal(new Set(names).size, names.length, `input names not unique: ${names.join(', ')}`);
  return p;
}

function parse(text: string, req: Omit<ParseRequest, 'text'>): ExprProgram {
  return check(parseTarget({ text, ...req }));
}

function rootOf(p: ExprProgram): ExprNode {
  return p.nodes[p.root];
}

function op(p: ExprProgram, i: number): OpNode {
  const n = p.nodes[i];
  assert.equal(n.kind, 'op', `node ${i} is ${n.kind}`);
  return n as OpNode;
}

function inputs(p: ExprProgram): InputNode[] {
  return p.nodes.filter((n): n is InputNode => n.kind === 'input');
}

function input(p: ExprProgram, name: string): { node: InputNode; index: number } {
  const matches = p.nodes.flatMap((n, index) => (n.kind === 'input' && n.name === name ? [{ node: n, index }] : []));
  assert.equal(matches.length, 1, `exactly one input named ${name}`);
  return matches[0];
}

/** Asserts that `f` throws a GradientLensError with this code whose message matches `re`. */
function throwsCode(f: () => unknown, code: ErrorCode, re: RegExp): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected a '${code}' error, nothing thrown`);
  assert.ok(isGradientLensError(caught), `expected GradientLensError, got ${String(caught)}`);
  assert.equal(caught.code, code, `code (message: ${caught.message})`);
  assert.match(caught.message, re);
}

function fails(text: string, req: Omit<ParseRequest, 'text'>, code: ErrorCode, re: RegExp): void {
  throwsCode(() => parseTarget({ text, ...req }), code, re);
}

// ---------- fixtures ----------

const SIMPLE = ['const x = -2;', 'const y = 5;', 'const z = -4;', 'const f = (x + y) * z;', ''].join('\n');

const NEURON = [
  'const w0 = 2, x0 = -1;',
  'const w1 = -3, x1 = -2;',
  'const w2 = -3;',
  'const out = 1 / (1 + Math.exp(-(w0*x0 + w1*x1 + w2)));',
].join('\n');

const HELPER = [
  'function sigmoid(z: number): number {',
  '  return 1 / (1 + Math.exp(-z));',
  '}',
  'const a = 0.5, b = -1;',
  'const h1 = sigmoid(a * b);',
  'const out = sigmoid(h1 + a) * h1;',
].join('\n');

describe('parse: (x + y) * z', () => {
  it('builds three inputs, add and mul in topological order', () => {
    const p = parse(SIMPLE, { name: 'f' });
    assert.equal(p.nodes.length, 5);
    assert.deepEqual(
      inputs(p).map((n) => [n.name, n.value, n.free]),
      [
        ['x', -2, false],
        ['y', 5, false],
        ['z', -4, false],
      ],
    );
    const mul = op(p, p.root);
    assert.equal(mul.op, 'mul');
    assert.equal(mul.name, 'f');
    assert.equal(mul.label, '(x + y) * z');
    const add = op(p, mul.args[0]);
    assert.equal(add.op, 'add');
    assert.equal(add.label, 'x + y');
    assert.deepEqual(add.args, [input(p, 'x').index, input(p, 'y').index]);
    assert.equal(mul.args[1], input(p, 'z').index);
    assert.equal(p.frames.length, 0);
    assert.deepEqual(p.target.text, '(x + y) * z');
    assert.equal(p.target.name, 'f');
    assert.equal(p.target.range.line, 4);
    assert.equal(p.target.range.column, 11);
    assert.equal(p.target.range.endColumn, 22);
  });

  it('gives inputs the range of their declaring identifier', () => {
    const p = parse(SIMPLE, { name: 'f' });
    const y = input(p, 'y').node;
    assert.deepEqual(
      [y.range.line, y.range.column, y.range.start, y.range.end],
      [2, 7, at(SIMPLE, 'y ='), at(SIMPLE, 'y =') + 1],
    );
    assert.equal(y.label, 'y');
  });
});

describe('parse: target selection', () => {
  const FN = ['function g(p: number, q: number) {', '  return p * q + p;', '}', SIMPLE].join('\n');

  it('an exact expression', () => {
    const p = parse(SIMPLE, { selection: sel(SIMPLE, 'x + y') });
    assert.equal(op(p, p.root).op, 'add');
    assert.equal(p.nodes.length, 3);
    assert.equal(p.target.text, 'x + y');
    assert.equal(p.target.name, undefined);
  });

  it('exactly a declaration initializer gets the declaration name', () => {
    const p = parse(SIMPLE, { selection: sel(SIMPLE, '(x + y) * z') });
    assert.equal(op(p, p.root).op, 'mul');
    assert.equal(p.target.name, 'f');
  });

  it('part of an expression: the smallest expression containing it', () => {
    let p = parse(SIMPLE, { selection: sel(SIMPLE, '+ y') });
    assert.equal(op(p, p.root).op, 'add');
    p = parse(SIMPLE, { selection: sel(SIMPLE, 'y) *') });
    assert.equal(op(p, p.root).op, 'mul');
    p = parse(NEURON, { selection: sel(NEURON, 'exp') });
    assert.equal(op(p, p.root).op, 'exp');
    assert.equal(p.target.text, 'Math.exp(-(w0*x0 + w1*x1 + w2))');
  });

  it('a whole line with its semicolon and surrounding whitespace', () => {
    const line = 'const f = (x + y) * z;\n';
    const start = at(SIMPLE, line);
    const p = parse(SIMPLE, { selection: { start: start - 1, end: start + line.length } });
    assert.equal(op(p, p.root).op, 'mul');
    assert.equal(p.target.name, 'f');
    assert.equal(p.target.text, '(x + y) * z');
  });

  it('let and var declarations mean their initializer', () => {
    const text = 'let u = 2;\nvar v = u * 3;\n';
    const p = parse(text, { selection: sel(text, 'var v = u * 3;') });
    assert.equal(op(p, p.root).op, 'mul');
    assert.equal(p.target.name, 'v');
    assert.equal(rootOf(p).name, 'v');
  });

  it('a return statement means its expression (parameters become free inputs)', () => {
    const p = parse(FN, { selection: sel(FN, 'return p * q + p;') });
    assert.equal(op(p, p.root).op, 'add');
    assert.equal(p.target.text, 'p * q + p');
    const pIn = input(p, 'p');
    assert.equal(pIn.node.free, true);
    assert.equal(pIn.node.value, undefined);
    assert.equal(inputs(p).length, 2);
  });

  it('a selection reversed (end before start) works', () => {
    const s = sel(SIMPLE, 'x + y');
    const p = parse(SIMPLE, { selection: { start: s.end, end: s.start } });
    assert.equal(op(p, p.root).op, 'add');
  });

  it('an empty selection (cursor) picks the declaration around it', () => {
    const p = parse(SIMPLE, { selection: { start: at(SIMPLE, 'z;') + 1, end: at(SIMPLE, 'z;') + 1 } });
    assert.equal(p.target.name, 'f');
    assert.equal(op(p, p.root).op, 'mul');
    // On the declaration's name.
    const pos = at(SIMPLE, 'f =');
    const q = parse(SIMPLE, { selection: { start: pos, end: pos } });
    assert.equal(q.target.name, 'f');
  });

  it('a cursor after the semicolon at the end of the line still picks that line', () => {
    const end = at(SIMPLE, '* z;') + 4;
    const p = parse(SIMPLE, { selection: { start: end, end } });
    assert.equal(p.target.name, 'f');
  });

  it('a cursor inside a function body picks the enclosing return', () => {
    const pos = at(FN, 'q + p');
    const p = parse(FN, { selection: { start: pos, end: pos } });
    assert.equal(p.target.text, 'p * q + p');
  });

  it('a cursor in an arrow function body picks the body', () => {
    const text = 'const sq = (t: number) => t * t + 1;\n';
    const pos = at(text, '+ 1');
    const p = parse(text, { selection: { start: pos, end: pos } });
    assert.equal(p.target.text, 't * t + 1');
    assert.equal(p.target.name, 'sq');
    assert.equal(input(p, 't').node.free, true);
  });

  it('a cursor on an empty line finds nothing', () => {
    const text = 'const a = 1;\n\nconst b = a * 2;\n';
    const pos = at(text, '\n\n') + 1;
    fails(text, { selection: { start: pos, end: pos } }, 'no-expression', /around the cursor at 2:1/);
  });

  it('--name picks the declaration; --line the statement starting on the line', () => {
    assert.equal(parse(SIMPLE, { name: 'f' }).target.name, 'f');
    const p = parse(SIMPLE, { line: 4 });
    assert.equal(p.target.name, 'f');
    assert.equal(op(p, p.root).op, 'mul');
    const r = parse(FN, { line: 2 });
    assert.equal(r.target.text, 'p * q + p');
    // A literal declaration is an input on its own.
    const x = parse(SIMPLE, { line: 1 });
    assert.equal(rootOf(x).kind, 'input');
  });

  it('--name of a helper function means its result expression', () => {
    const p = parse(HELPER, { name: 'sigmoid' });
    assert.equal(p.target.text, '1 / (1 + Math.exp(-z))');
    assert.equal(input(p, 'z').node.free, true);
    assert.equal(p.frames.length, 0);
  });

  it('--name / --line with nothing there throws no-expression', () => {
    fails(SIMPLE, { name: 'nope' }, 'no-expression', /'nope'/);
    fails(SIMPLE, { line: 5 }, 'no-expression', /line 5/);
    const multi = 'const m =\n  1 +\n  2;\n';
    fails(multi, { line: 2 }, 'no-expression', /line 2/);
    assert.equal(parse(multi, { line: 1 }).target.text, '1 + 2');
  });

  it('needs exactly one of selection, name and line', () => {
    throwsCode(() => parseTarget({ text: SIMPLE }), 'usage', /exactly one/);
    throwsCode(() => parseTarget({ text: SIMPLE, name: 'f', line: 4 }), 'usage', /exactly one/);
  });
});

describe('parse: operators and literals', () => {
  it('the sigmoid neuron', () => {
    const p = parse(NEURON, { name: 'out' });
    assert.equal(inputs(p).length, 5);
    assert.deepEqual(
      inputs(p).map((n) => [n.name, n.value]),
      [
        ['w0', 2],
        ['x0', -1],
        ['w1', -3],
        ['x1', -2],
        ['w2', -3],
      ],
    );
    const div = op(p, p.root);
    assert.equal(div.op, 'div');
    assert.equal(div.name, 'out');
    const one = p.nodes[div.args[0]];
    assert.deepEqual([one.kind, one.label], ['const', '1']);
    const add = op(p, div.args[1]);
    assert.equal(add.op, 'add');
    const exp = op(p, add.args[1]);
    assert.equal(exp.op, 'exp');
    const neg = op(p, exp.args[0]);
    assert.equal(neg.op, 'neg');
    const sum = op(p, neg.args[0]);
    assert.equal(sum.label, 'w0*x0 + w1*x1 + w2');
    assert.deepEqual(
      p.nodes.filter((n) => n.kind === 'op').map((n) => (n as OpNode).op),
      ['mul', 'mul', 'add', 'add', 'neg', 'exp', 'add', 'div'],
    );
  });

  it('numeric literal forms, Math constants and transparent wrappers', () => {
    const text =
      'declare const k: number;\nconst r = 1e-3 + 0x10 + 1_000 + Math.PI + (k as number) + <number>k + k! + (k satisfies number) + .5;';
    const p = parse(text, { name: 'r' });
    const consts = p.nodes.filter((n) => n.kind === 'const').map((n) => [n.label, (n as { value: number }).value]);
    assert.deepEqual(consts, [
      ['1e-3', 0.001],
      ['0x10', 16],
      ['1_000', 1000],
      ['Math.PI', Math.PI],
      ['.5', 0.5],
    ]);
    assert.equal(inputs(p).length, 1, 'k used four times is one input');
    assert.equal(input(p, 'k').node.free, true);
  });

  it('prefix minus on a literal is one constant; on anything else a neg gate', () => {
    const p = parse('const a = 3;\nconst r = -2 * -a + +a;', { name: 'r' });
    const c = p.nodes.find((n) => n.kind === 'const')!;
    assert.deepEqual([c.label, (c as { value: number }).value], ['-2', -2]);
    assert.deepEqual(
      p.nodes.filter((n) => n.kind === 'op').map((n) => (n as OpNode).op),
      ['neg', 'mul', 'pos', 'add'],
    );
  });

  it('binary operators, comparisons and the conditional (define-by-run: only the branch taken is in the graph)', () => {
    const text = 'const a = 3, b = 2;\nconst r = a > 0 ? a ** b % 5 - a / b : a <= b ? 0 : -a;';
    const p = parse(text, { name: 'r' });
    const root = op(p, p.root);
    assert.equal(root.op, 'sub');
    const ops = new Set(p.nodes.filter((n) => n.kind === 'op').map((n) => (n as OpNode).op));
    for (const o of ['pow', 'mod', 'div']) assert.ok(ops.has(o as OpNode['op']), o);
    for (const o of ['cond', 'gt', 'le', 'neg']) assert.ok(!ops.has(o as OpNode['op']), o);
    const a = 3,
      b = 2;
    assert.equal(evaluate(p).value, a > 0 ? (a ** b % 5) - a / b : a <= b ? 0 : -a);
    // The other branch when the inputs change: re-traced.
    assert.equal(evaluate(p, { a: -1 }).value, -1 <= b ? 0 : 1);
    assert.equal(evaluate(p, { a: -3, b: -4 }).value, 3);
  });

  it('Math functions with their arities; max()/min() without arguments are constants', () => {
    const p = parse(
      'const a = 2;\nconst r = Math.max(a, 1, Math.sqrt(a)) + Math.pow(a, 3) + Math.max() + Math.min();',
      { name: 'r' },
    );
    const max = p.nodes.find((n) => n.kind === 'op' && n.op === 'max') as OpNode;
    assert.equal(max.args.length, 3);
    const consts = p.nodes.filter((n) => n.kind === 'const').map((n) => (n as { value: number }).value);
    assert.deepEqual(consts, [1, 3, -Infinity, Infinity]);
    fails('const r = Math.pow(2);', { name: 'r' }, 'unsupported', /Math\.pow with 1 argument.*at 1:11/);
    fails('const r = Math.exp(1, 2);', { name: 'r' }, 'unsupported', /Math\.exp with 2 arguments/);
  });

  it('labels of big subtrees are abbreviated', () => {
    const terms = Array.from({ length: 40 }, (_, i) => `${i}`).join(' + ');
    const p = parse(`const r = ${terms};`, { name: 'r' });
    const label = rootOf(p).label;
    assert.ok(label.length <= 48 && label.includes('…'), label);
    assert.ok(label.startsWith('0 + 1 + 2'), label);
    assert.ok(label.endsWith('38 + 39'), label);
  });
});

describe('parse: names', () => {
  it('a*a uses the same node twice (fan-out)', () => {
    const p = parse('const a = 3;\nconst r = a * a;', { name: 'r' });
    assert.equal(p.nodes.length, 2);
    const mul = op(p, p.root);
    assert.deepEqual(mul.args, [0, 0]);
  });

  it('const intermediates are expanded once, named, and shared', () => {
    const text = 'const w = 2, x = 3;\nconst h1 = w * x;\nconst out = h1 * h1 + h1;';
    const p = parse(text, { name: 'out' });
    const named = p.nodes.filter((n) => n.name === 'h1');
    assert.equal(named.length, 1);
    const h1 = p.nodes.indexOf(named[0]);
    const add = op(p, p.root);
    assert.deepEqual(op(p, add.args[0]).args, [h1, h1]);
    assert.equal(add.args[1], h1);
    assert.equal(p.nodes.filter((n) => n.kind === 'op' && n.op === 'mul').length, 2);
  });

  it('an alias keeps the first name', () => {
    const p = parse('const w = 2;\nconst v = w;\nconst r = v + w;', { name: 'r' });
    const add = op(p, p.root);
    assert.deepEqual(add.args, [0, 0]);
    assert.equal(p.nodes[0].name, 'w');
  });

  it('top-level let/var numbers are named inputs; declare const is free; unseen imports and undefined are refused', () => {
    const text = [
      "import { m } from './m';",
      'let s = 3;',
      'var t = -1.5;',
      'declare const d: number;',
      'const r = s + t + d;',
    ].join('\n');
    const p = parse(text, { name: 'r' });
    assert.deepEqual(
      inputs(p).map((n) => [n.name, n.value, n.free]),
      [
        ['s', 3, false],
        ['t', -1.5, false],
        ['d', undefined, true],
      ],
    );
    assert.equal(input(p, 's').node.range.line, 2);
    assert.equal(evaluate(p, { d: 2 }).value, 3 - 1.5 + 2);
    fails(
      text.replace('s + t + d', 's + m'),
      { name: 'r' },
      'unsupported',
      /'m' is imported from '\.\/m'.*declare it in this file/,
    );
    fails(
      'let u: number;\nconst r = u + 1;',
      { name: 'r' },
      'unsupported',
      /Undefined is used as an operand of '\+' in "u \+ 1" at 2:11/,
    );
  });

  it('inner declarations shadow outer ones', () => {
    const text = 'const a = 1;\nfunction g(a: number) {\n  const b = 2;\n  return a * b;\n}\nconst r = a * 10;';
    const p = parse(text, { line: 4 });
    assert.equal(input(p, 'a').node.free, true, 'the parameter, not the outer const');
    const q = parse(text, { name: 'r' });
    assert.equal(input(q, 'a').node.value, 1);
  });

  it('Infinity and NaN are constants', () => {
    const p = parse('const r = 1 / Infinity + NaN;', { name: 'r' });
    assert.deepEqual(
      p.nodes.filter((n) => n.kind === 'const').map((n) => n.label),
      ['1', 'Infinity', 'NaN'],
    );
  });
});

describe('parse: const arrays', () => {
  const ARR =
    'const w = [0.5, -2];\nconst W = [\n  [1, 2],\n  [3, -4],\n];\nconst r = w[0] * W[1][1] + w[0] + W[0][1];';

  it('element accesses are inputs named by their path, shared between uses', () => {
    const p = parse(ARR, { name: 'r' });
    assert.deepEqual(
      inputs(p).map((n) => [n.name, n.value, n.free]),
      [
        ['w[0]', 0.5, false],
        ['W[1][1]', -4, false],
        ['W[0][1]', 2, false],
      ],
    );
    const el = input(p, 'W[1][1]').node;
    assert.deepEqual([el.range.line, el.range.column], [4, 7]);
    assert.equal(el.range.end - el.range.start, 2, 'range is the element literal -4');
    assert.equal(p.nodes.filter((n) => n.name === 'w[0]').length, 1);
  });

  it('computed indices and let arrays work; out-of-range reads and arrays as targets are refused', () => {
    const p = parse('const w = [1, 2];\nconst i = 1;\nconst r = w[i] * 3;', { name: 'r' });
    assert.equal(evaluate(p).value, 6);
    assert.equal(evaluate(p, { i: 0 }).value, 3);
    assert.equal(evaluate(parse('let w = [1, 2];\nconst r = w[0];', { name: 'r' })).value, 1);
    fails(
      'const w = [1, 2];\nconst r = w[2] * 2;',
      { name: 'r' },
      'unsupported',
      /Undefined is used as an operand of '\*' in "w\[2\] \* 2" at 2:11: JavaScript would compute NaN. Check array bounds/,
    );
    fails('const w = [[1], [2]];\nconst r = w[1];', { name: 'r' }, 'no-expression', /is an array, not a number/);
  });
});

describe('parse: helper functions', () => {
  it('inlines a helper twice with two frames', () => {
    const p = parse(HELPER, { name: 'out' });
    assert.equal(p.frames.length, 2);
    assert.deepEqual(
      p.frames.map((f) => [f.fn, f.parent]),
      [
        ['sigmoid', -1],
        ['sigmoid', -1],
      ],
    );
    assert.deepEqual([p.frames[0].range.line, p.frames[0].range.column], [5, 12]);
    assert.deepEqual([p.frames[1].range.line, p.frames[1].range.column], [6, 13]);
    // First call: sigmoid(a * b) → its argument is the mul created outside the frame.
    const arg0 = op(p, p.frames[0].args[0]);
    assert.equal(arg0.op, 'mul');
    assert.equal(arg0.frame, undefined);
    const res0 = op(p, p.frames[0].result);
    assert.equal(res0.op, 'div');
    assert.equal(res0.frame, 0);
    assert.equal(res0.name, 'h1', 'the call result is named by the declaration');
    // Every node of each call body carries its frame; the nodes differ between calls.
    const in0 = p.nodes.filter((n) => n.frame === 0).map((n) => n.label);
    const in1 = p.nodes.filter((n) => n.frame === 1).map((n) => n.label);
    assert.deepEqual(in0, ['1', '1', '-z', 'Math.exp(-z)', '1 + Math.exp(-z)', '1 / (1 + Math.exp(-z))']);
    assert.deepEqual(in1, in0);
    // The parameter is bound to the argument: neg's arg is the caller's node.
    const neg = p.nodes.find((n) => n.frame === 1 && n.kind === 'op' && n.op === 'neg') as OpNode;
    assert.equal(neg.args[0], p.frames[1].args[0]);
    assert.equal(op(p, p.frames[1].args[0]).label, 'h1 + a');
    assert.equal(op(p, p.root).op, 'mul');
    assert.equal(inputs(p).length, 2, 'no input for the parameter z');
  });

  it('inlines arrow and function-expression helpers, default parameters, per-call local consts', () => {
    const text = [
      'const sq = (t: number) => t * t;',
      'const lin = function (a: number, b = 2) {',
      '  const s = a * b;',
      '  return s + sq(s);',
      '};',
      'const x = 3;',
      'const r = lin(x) + lin(sq(x), -1);',
    ].join('\n');
    const p = parse(text, { name: 'r' });
    assert.deepEqual(
      p.frames.map((f) => f.fn),
      ['lin', 'sq', 'sq', 'lin', 'sq'],
    );
    // Nested call: sq inside lin has lin's frame as parent.
    assert.equal(p.frames[1].parent, 0);
    assert.equal(p.frames[2].parent, -1);
    assert.equal(p.frames[4].parent, 3);
    // The default value is a constant in the callee's frame.
    const b = p.nodes[p.frames[0].args[1]];
    assert.deepEqual([b.kind, b.label, b.frame], ['const', '2', 0]);
    const b2 = p.nodes[p.frames[3].args[1]];
    assert.deepEqual([b2.kind, b2.label, b2.frame], ['const', '-1', undefined]);
    // `s` is a separate node per call, and shared within a call.
    const s = p.nodes.flatMap((n, i) => (n.name === 's' ? [i] : []));
    assert.equal(s.length, 2);
    assert.deepEqual(p.frames[1].args, [s[0]]);
    assert.equal(inputs(p).length, 1);
  });

  it('a helper nested in another helper sees its parameters', () => {
    const text =
      'function outer(a: number) {\n  const inner = (b: number) => a * b;\n  return inner(2) + inner(3);\n}\nconst r = outer(5);';
    const p = parse(text, { name: 'r' });
    assert.deepEqual(
      p.frames.map((f) => [f.fn, f.parent]),
      [
        ['outer', -1],
        ['inner', 0],
        ['inner', 0],
      ],
    );
    const a = p.frames[0].args[0];
    for (const i of [1, 2]) assert.equal(op(p, p.frames[i].result).args[0], a);
  });

  it('refuses missing required arguments; extra arguments, let and early return work as in JavaScript', () => {
    assert.equal(evaluate(parse('function f(a: number) { return a; }\nconst r = f(1, 2);', { name: 'r' })).value, 1);
    fails(
      'function f(a: number, b = 1) { return a; }\nconst r = f();',
      { name: 'r' },
      'unsupported',
      /'f' expects 1 to 2, got 0 \(missing 'a'\) in "f\(\)" at 2:11/,
    );
    assert.equal(
      evaluate(parse('function f(a: number) { let c = a; c *= 3; return c; }\nconst r = f(2);', { name: 'r' })).value,
      6,
    );
    const q = parse('function f(a: number) { if (a > 0) return a; return -2 * a; }\nconst x = 1;\nconst r = f(x);', {
      name: 'r',
    });
    assert.equal(evaluate(q).value, 1);
    assert.equal(evaluate(q, { x: -3 }).value, 6);
    assert.equal(evaluate(q, { x: -3 }).inputs[0].grad, -2);
  });
});

describe('parse: errors', () => {
  const cases: Array<[string, string, ErrorCode, RegExp]> = [
    [
      'a string target',
      'const r = 1 + "abc";',
      'no-expression',
      /^The target "1 \+ "abc"" at 1:11 is a string, not a number/,
    ],
    [
      'a string in arithmetic',
      'const r = 2 * "abc";',
      'unsupported',
      /^A string is used as an operand of '\*' in "2 \* "abc"" at 1:15: strings are never converted/,
    ],
    ['new of an unknown class', 'const r = 1 + new Foo();', 'unknown-name', /Unknown name 'Foo' at 1:19/],
    [
      'new Date',
      'const r = new Date();',
      'unsupported',
      /'new Date' "new Date\(\)" at 1:11: the clock is not available/,
    ],
    ['a template literal', 'const r = `a${1}` + 1;', 'no-expression', /is a string, not a number/],
    ['a bitwise operator on a boolean', 'const r = (1 < 2) | 2;', 'unsupported', /A boolean is used .*'\|'/],
    ['!', 'const r = !1;', 'no-expression', /"!1" at 1:11 is a boolean, not a number/],
    ['a boolean in arithmetic', 'const r = (1 < 2) * 3;', 'unsupported', /A boolean is used .* write `cond \? 1 : 0`/],
    [
      'an array used as a number',
      'const r = [1, 2];\nconst s = r * 2;',
      'unsupported',
      /An array is used as an operand of '\*' in "r \* 2" at 2:11/,
    ],
    [
      'a function used as a value',
      'function f() { return 1; }\nconst s = f * 2;',
      'unsupported',
      /A function is used as an operand of '\*' in "f \* 2" at 2:11/,
    ],
    [
      'this at top level',
      'const r = this * 2;',
      'unsupported',
      /Undefined is used as an operand of '\*' in "this \* 2" at 1:11/,
    ],
    ['an unknown function', 'const r = foo(1) + 2;', 'unknown-name', /Unknown name 'foo' at 1:11/],
    [
      'calling a number',
      'const k = 2;\nconst r = k(1) + 2;',
      'unknown-call',
      /"k\(1\)" at 2:11 calls a number, not a function/,
    ],
    ['console.log as a target', 'const r = console.log(1);', 'no-expression', /is undefined, not a number/],
    ['an unsupported Math function', 'const r = Math.clz32(1, 2);', 'unsupported', /Math\.clz32.*at 1:11/],
    ['Math.random', 'const r = Math.random();', 'unsupported', /Math\.random at 1:11: randomness is not available/],
    ['eval', 'const r = eval("1");', 'unsupported', /call of 'eval' "eval\("1"\)" at 1:11/],
    ['dynamic import', 'const r = import("./m");', 'unsupported', /dynamic 'import\(\)'/],
    ['a generator', 'function* g() { yield 1; }\nconst r = 1;', 'unsupported', /generator function.*at 1:1/],
    ['async', 'async function g() { return 1; }\nconst r = 1;', 'unsupported', /async function.*at 1:1/],
    ['an unknown name', 'const a = 1;\nconst r = a *\n  foo;', 'unknown-name', /^Unknown name 'foo' at 3:3$/],
  ];
  for (const [what, text, code, re] of cases) {
    it(`${what} → ${code}`, () => fails(text, { name: text.includes('const s =') ? 's' : 'r' }, code, re));
  }

  it('errors carry line, column and offsets', () => {
    try {
      parseTarget({ text: 'const a = 1;\nconst r = a * "x";', name: 'r' });
      assert.fail('no error');
    } catch (e) {
      assert.ok(isGradientLensError(e));
      assert.deepEqual([e.line, e.column, e.start, e.end], [2, 15, 27, 30]);
    }
  });

  it('long construct text is abbreviated in messages', () => {
    const long = '"' + 'x'.repeat(500) + '"';
    try {
      parseTarget({ text: `const r = 2 * ${long};`, name: 'r' });
      assert.fail('no error');
    } catch (e) {
      assert.ok(isGradientLensError(e));
      assert.ok(e.message.length < 160, e.message);
      assert.match(e.message, /…/);
    }
  });

  it('use before declaration throws as in JavaScript (temporal dead zone)', () => {
    fails(
      'const a = b + 1;\nconst b = a * 2;',
      { name: 'a' },
      'runtime',
      /^'b' is used before its declaration at 1:11/,
    );
    fails('const t = q * 2;\nconst q = 5;', { name: 't' }, 'runtime', /'q' is used before its declaration at 1:11/);
    fails(
      'const a = 1;\nconst s = c;\nconst c = c * a;',
      { name: 's' },
      'runtime',
      /'c' is used before its declaration at 2:11/,
    );
    fails(
      'const k = f(1);\nfunction f(a: number) { return a * k; }',
      { name: 'k' },
      'runtime',
      /'k' is used before its declaration at 2:36/,
    );
  });

  it('recursion runs; endless recursion hits the call-depth budget naming the call', () => {
    const fact = 'function f(n: number): number { return n <= 1 ? 1 : n * f(n - 1); }\nconst x = 4;\nconst r = f(x);';
    const p = parse(fact, { name: 'r' });
    assert.equal(evaluate(p).value, 24);
    assert.equal(evaluate(p, { x: 5 }).value, 120);
    let caught: unknown;
    try {
      parseTarget(
        { text: 'function f(n: number): number { return n * f(n - 1); }\nconst r = f(3);', name: 'r' },
        { maxDepth: 200 },
      );
    } catch (e) {
      caught = e;
    }
    assert.ok(isGradientLensError(caught));
    assert.equal(caught.code, 'budget');
    assert.match(caught.message, /Call depth exceeds 200 in the call of 'f' at 1:44/);
  });

  it('nothing to differentiate → no-expression with position', () => {
    const text = 'const a = 1;\n\nif (a > 0) {\n}\n';
    fails(text, { selection: sel(text, 'if') }, 'no-expression', /in the selection at 3:1/);
    fails(text, { line: 3 }, 'no-expression', /line 3/);
  });

  it('a syntax error inside the target → syntax', () => {
    fails('const r = 1 + ;', { name: 'r' }, 'syntax', /Syntax error: Expression expected\. at 1:15/);
    // ... but a syntax error elsewhere does not matter.
    assert.equal(parse('const r = 1 + 2;\nconst broken = ;', { name: 'r' }).nodes.length, 3);
  });
});

describe('parse: large inputs (iterative)', () => {
  it('a left-deep sum of 20,000 literal terms', function () {
    this.timeout(20000);
    const N = 20000;
    const text = `const s = ${Array.from({ length: N }, () => '1').join(' + ')};\n`;
    const p = parse(text, { name: 's' });
    assert.equal(p.nodes.length, 2 * N - 1);
    assert.equal(op(p, p.root).op, 'add');
    assert.ok(p.target.text.includes('…'));
  });

  it('a sum of 20,000 named inputs', function () {
    this.timeout(20000);
    const N = 20000;
    const decls = Array.from({ length: N }, (_, i) => `const x${i} = ${i};`).join('\n');
    const text = `${decls}\nconst s = ${Array.from({ length: N }, (_, i) => `x${i}`).join(' + ')};\n`;
    const p = parse(text, { name: 's' });
    assert.equal(inputs(p).length, N);
    assert.equal(p.nodes.length, 2 * N - 1);
  });

  it('400 nested parentheses', () => {
    const text = `const x = 2;\nconst d = ${'('.repeat(400)}x * 2${')'.repeat(400)} + ${'-('.repeat(400)}x${')'.repeat(400)};`;
    const p = parse(text, { name: 'd' });
    assert.equal(p.nodes.filter((n) => n.kind === 'op' && n.op === 'neg').length, 400);
  });

  it('a chain of 5,000 declarations and 1,000 nested calls', function () {
    this.timeout(20000);
    const chain = 'const c0 = 1;\n' + Array.from({ length: 5000 }, (_, i) => `const c${i + 1} = c${i} * 2;`).join('\n');
    const p = parse(chain, { name: 'c5000' });
    assert.equal(p.nodes.length, 10001);
    const fns =
      Array.from({ length: 1000 }, (_, i) => `function f${i}(a: number) { return f${i + 1}(a) + 1; }`).join('\n') +
      '\nfunction f1000(a: number) { return a; }\nconst r = f0(3);';
    const q = parse(fns, { name: 'r' });
    assert.equal(q.frames.length, 1001);
    assert.equal(q.frames[1000].parent, 999);
  });
});

describe('listTargets', () => {
  it('lists the arithmetic declarations and returns parseTarget accepts', () => {
    const text = [
      'const x = -2, y = 5;', // inputs: not listed
      'const f = (x + y) * x;',
      'function g(p: number) {',
      '  return p * p;',
      '}',
      'const s = "text";',
      'const bad = foo(1);',
      'let v = f + 1;',
      'const sq = (t: number) => t * t;',
      'const w = [1, 2];',
    ].join('\n');
    const list = listTargets(text);
    assert.deepEqual(
      list.map((t) => [t.name, t.text, t.range.line]),
      [
        ['f', '(x + y) * x', 2],
        [undefined, 'p * p', 4],
        ['v', 'f + 1', 8],
        ['sq', 't * t', 9],
      ],
    );
    // Each range selects the same target again.
    for (const t of list) {
      const p = parseTarget({ text, selection: { start: t.range.start, end: t.range.end } });
      assert.equal(p.target.text, t.text);
    }
  });

  it('never throws', () => {
    assert.deepEqual(listTargets(''), []);
    assert.deepEqual(listTargets('const = = ;;; }{'), []);
    assert.deepEqual(listTargets('const a = b;\nconst b = a;'), []);
  });
});

describe('parse: inputs with the same name', () => {
  const TEXT = [
    'const w = 0.5; const x = 2; const bias = w * x;',
    '',
    '',
    'function f(x) { return w * x + bias; }',
  ].join('\n');

  it('a parameter and a const of the same name are two inputs; the later one is qualified name@line:column', () => {
    const p = parse(TEXT, { line: 4 });
    assert.deepEqual(
      inputs(p)
        .map((n) => [n.name, n.free])
        .sort(),
      [
        ['w', false],
        ['x', false],
        ['x@4:12', true],
      ],
    );
    assert.equal(input(p, 'x@4:12').node.label, 'x', 'the label stays the plain name');
    assert.equal(input(p, 'x').node.value, 2);
    // w * x + bias with the parameter x = 3 and bias = 0.5 * 2.
    assert.equal(evaluate(p, { 'x@4:12': 3 }).value, 2.5);
    // The names are stable: the same text gives the same names.
    assert.deepEqual(
      inputs(parse(TEXT, { line: 4 })).map((n) => n.name),
      inputs(p).map((n) => n.name),
    );
  });

  it('shadowing declarations and same-named array elements stay apart', () => {
    const text =
      'const a = 1;\nconst w = [3];\nfunction g(t: number) {\n  const a = 2;\n  const w = [4];\n  return a * t + w[0];\n}\nconst r = a + g(a) + w[0];';
    const p = parse(text, { name: 'r' });
    assert.deepEqual(
      inputs(p)
        .map((n) => [n.name, n.value])
        .sort(),
      // Issue 10: only numbers bound by top-level declarations are inputs; the function's own
      // `a` and `w` are constants (and never confused with the top-level ones).
      [
        ['a', 1],
        ['w[0]', 3],
      ],
    );
    assert.equal(evaluate(p).value, 1 + (2 * 1 + 4) + 3);
  });

  it("a helper's literal const is a constant (issue 10: literals outside top-level declarations)", () => {
    const text = 'function g(t: number) {\n  const k = 2;\n  return k * t;\n}\nconst r = g(1) + g(3);';
    const p = parse(text, { name: 'r' });
    assert.equal(
      inputs(p).find((n) => n.name === 'k'),
      undefined,
    );
    assert.equal(p.frames.length, 2);
    assert.equal(evaluate(p).value, 8);
  });
});

describe('parse: syntax errors in what the target uses', () => {
  it('in a const declaration the target expands', () => {
    fails('const x = 2; const z = -x ** 2; const y = z + 1;', { name: 'y' }, 'syntax', /unary expression.*at 1:24/);
    fails('const a = (1 + 2; const y = a * 2', { name: 'y' }, 'syntax', /'\)' expected.*at 1:17/);
    fails('const w = [1, 2 3];\nconst y = w[0] * 2;', { name: 'y' }, 'syntax', /',' expected.*at 1:17/);
  });

  it('in a helper function that is inlined', () => {
    fails('function f(x){ return -x ** 2 }\nconst y = f(3);', { name: 'y' }, 'syntax', /unary expression.*at 1:23/);
    fails('const f = (x = 1 +) => x;\nconst y = f(3);', { name: 'y' }, 'syntax', /at 1:19/);
  });

  it('a syntax error the target does not use still does not matter', () => {
    assert.equal(parse('const x = 2;\nconst z = -x ** 2;\nconst y = x + 1;', { name: 'y' }).nodes.length, 3);
    // listTargets leaves out exactly the targets that use the broken declaration.
    const list = listTargets('const x = 2;\nconst z = -x ** 2;\nconst y = x + 1;\nconst u = z * 2;');
    assert.deepEqual(
      list.map((t) => t.name),
      ['y'],
    );
  });
});

describe('parse: helper arguments', () => {
  it('a default before a required parameter: every argument up to the last required one is needed', () => {
    fails(
      'function f(a = 1, b) { return a + b }\nconst y = f();',
      { name: 'y' },
      'unsupported',
      /'f' expects 2, got 0 \(missing 'b'\) in "f\(\)" at 2:11/,
    );
    fails('function f(a = 1, b) { return a + b }\nconst y = f(1);', { name: 'y' }, 'unsupported', /missing 'b'/);
    const p = parse('function f(a = 1, b) { return a + b }\nconst y = f(1, 2);', { name: 'y' });
    assert.equal(evaluate(p).value, 3);
    const q = parse('function f(a, b = 1, c = 2) { return a + b * c }\nconst y = f(3);', { name: 'y' });
    assert.equal(evaluate(q).value, 5);
  });

  it('a missing optional parameter is undefined, as in JavaScript: refused where it is used as a number', () => {
    fails(
      'function f(x: number, y?: number) { return x + y! }\nconst z = f(1);',
      { name: 'z' },
      'unsupported',
      /Undefined is used as an operand of '\+' in "x \+ y!" at 1:48/,
    );
    assert.equal(
      evaluate(
        parse('function f(x: number, y?: number) { return y === undefined ? x : x + y }\nconst z = f(1);', {
          name: 'z',
        }),
      ).value,
      1,
    );
    assert.equal(
      evaluate(parse('function f(x: number, y?: number) { return x + y! }\nconst z = f(1, 2);', { name: 'z' })).value,
      3,
    );
  });
});

describe('parse: nesting too deep for the TypeScript parser', () => {
  const deep: Array<[string, string]> = [
    [
      '1,000 nested calls',
      'function f(x: number) { return x; }\nconst y = ' + 'f('.repeat(1000) + '1' + ')'.repeat(1000) + ';',
    ],
    ['3,000 nested -(', 'const y = ' + '-('.repeat(3000) + '1' + ')'.repeat(3000) + ';'],
    ['5,000 parentheses', 'const y = ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + ';'],
    ['a 20,000-term x ** x ** …', 'const x = 1;\nconst y = ' + Array(20000).fill('x').join(' ** ') + ';'],
  ];
  /**
   * Whether TypeScript's recursive parser overflows at this depth depends on V8's frame sizes,
   * which vary with what ran before (JIT state): either a clear 'unsupported' at the target, or
   * the right value (every program here is 1). Never a wrong number, never a crash.
   */
  const unsupportedOrRight = (text: string, req: Omit<ParseRequest, 'text'>, re: RegExp) => {
    let program;
    try {
      program = parseTarget({ text, ...req });
    } catch (e) {
      assert.ok(isGradientLensError(e), `expected GradientLensError, got ${String(e)}`);
      assert.equal(e.code, 'unsupported', `code (message: ${e.message})`);
      assert.match(e.message, re);
      return true;
    }
    assert.equal(evaluate(program).value, 1);
    return false;
  };
  for (const [what, text] of deep) {
    it(`${what}: 'unsupported' at the target (or the right value), and the next call works`, function () {
      this.timeout(20000);
      const line = text.split('\n').length;
      const overflowed = unsupportedOrRight(
        text,
        { name: 'y' },
        new RegExp(`^Expression nested too deeply to parse .* at ${line}:7$`),
      );
      unsupportedOrRight(text, { line }, new RegExp(`nested too deeply .* at ${line}:1$`));
      const pos = text.indexOf('y =');
      unsupportedOrRight(
        text,
        { selection: { start: pos, end: pos } },
        new RegExp(`nested too deeply .* at ${line}:7$`),
      );
      if (overflowed) assert.deepEqual(listTargets(text), []);
      assert.equal(evaluate(parse('const a = 2;\nconst y = a * 3;', { name: 'y' })).value, 6);
      assert.equal(listTargets('const a = 2;\nconst y = a * 3;').length, 1);
    });
  }
});

describe('parse: comments around selections and cursors', () => {
  const TEXT = 'const a = 1, b = 2;\nconst y = /* c */ a * b + 1; // the loss\n  const z = a * 3;\n';

  it('leading and trailing comments are not part of a selection', () => {
    let p = parse(TEXT, { selection: { start: at(TEXT, '/* c */'), end: at(TEXT, ' + 1') } });
    assert.equal(p.target.text, 'a * b');
    const t2 = 'const a = 1, b = 2;\nconst y = a * b /* c */ + 1;\n';
    p = parse(t2, { selection: { start: at(t2, 'a * b'), end: at(t2, ' + 1') } });
    assert.equal(p.target.text, 'a * b');
    p = parse(t2, { selection: { start: at(t2, 'a * b'), end: at(t2, '/* c */') + 4 } });
    assert.equal(p.target.text, 'a * b', 'a selection ending inside a comment');
  });

  it('a whole line ending in a // comment', () => {
    const start = at(TEXT, 'const y');
    const p = parse(TEXT, { selection: { start, end: at(TEXT, '\n  const z') } });
    assert.equal(p.target.name, 'y');
    assert.equal(p.target.text, '/* c */ a * b + 1'.slice(8));
  });

  it('a selection of only a comment is a cursor there', () => {
    const p = parse(TEXT, { selection: sel(TEXT, '// the loss') });
    assert.equal(p.target.name, 'y');
  });

  it('a cursor in the trailing comment or at the end of the line picks the statement on the line', () => {
    for (const pos of [at(TEXT, 'loss') + 2, at(TEXT, 'loss') + 4, at(TEXT, '// the')]) {
      assert.equal(parse(TEXT, { selection: { start: pos, end: pos } }).target.name, 'y', `cursor at ${pos}`);
    }
  });

  it('a cursor in the leading indentation picks the statement starting on the line', () => {
    const pos = at(TEXT, '  const z') + 1;
    assert.equal(parse(TEXT, { selection: { start: pos, end: pos } }).target.name, 'z');
    const fn = 'function g(p: number) {\n  const s = p * 2;\n  return s + 1;\n}\n';
    const q = at(fn, '  const s') + 1;
    assert.equal(parse(fn, { selection: { start: q, end: q } }).target.name, 's');
    const r = at(fn, '  return') + 1;
    assert.equal(parse(fn, { selection: { start: r, end: r } }).target.text, 's + 1');
  });

  it('a cursor on a line with only a comment finds nothing', () => {
    const text = 'const a = 1;\n// note\nconst b = a * 2;\n';
    const pos = at(text, 'note');
    fails(text, { selection: { start: pos, end: pos } }, 'no-expression', /around the cursor at 2:4/);
  });
});

describe('parse: a leading byte order mark', () => {
  const TEXT = '\ufeffconst x = 1;\nconst y = 2 * x + q;\nconst v = x * 3;';
  // (v follows the failing declaration of y: y's names stay poisoned, v does not need them.)

  it('gives the same positions on every call; offsets refer to the text passed, columns skip the BOM', () => {
    for (let i = 0; i < 3; i++) {
      let caught: unknown;
      try {
        parseTarget({ text: TEXT, name: 'y' });
      } catch (e) {
        caught = e;
      }
      assert.ok(isGradientLensError(caught));
      assert.equal(caught.message, "Unknown name 'q' at 2:19");
      assert.equal(caught.start, TEXT.indexOf('q;'));
      const p = parse(TEXT, { name: 'v' });
      const x = input(p, 'x').node;
      assert.deepEqual(
        [x.range.start, x.range.end, x.range.line, x.range.column],
        [TEXT.indexOf('x'), TEXT.indexOf('x') + 1, 1, 7],
      );
      assert.equal(p.target.range.start, TEXT.indexOf('x * 3'));
    }
  });

  it('selections and listTargets ranges are offsets into the text passed', () => {
    const p = parse(TEXT, { selection: sel(TEXT, 'x * 3') });
    assert.equal(p.target.text, 'x * 3');
    const t = '\ufeffconst a = 2;\nconst b = a * a;';
    const list = listTargets(t);
    assert.equal(t.slice(list[0].range.start, list[0].range.end), 'b = a * a');
    assert.equal(parse(t, { selection: { start: list[0].range.start, end: list[0].range.end } }).target.name, 'b');
    const cursor = t.indexOf('a;');
    assert.equal(parse(t, { selection: { start: cursor, end: cursor } }).target.name, 'b');
  });
});

describe('parse: Infinity and NaN declarations', () => {
  it('`const b = Infinity` / `-Infinity` / `NaN` are named inputs like numeric literals', () => {
    const p = parse('const b = Infinity; const c = -Infinity; const n = NaN; const y = b + c + n;', { name: 'y' });
    assert.deepEqual(
      inputs(p).map((n) => [n.name, n.value]),
      [
        ['b', Infinity],
        ['c', -Infinity],
        ['n', NaN],
      ],
    );
    assert.deepEqual(
      listTargets('const b = Infinity;\nconst y = b * 2;').map((t) => t.name),
      ['y'],
    );
  });
});
