/**
 * Silent wrong answers found in issue 10: each must now give the right number or a clear refusal.
 * Expected numbers are what JavaScript computes (checked here by running the same text as plain
 * JS where it runs at all).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { evaluate } from '../../src/core/evaluate';
import { isGradientLensError, parseTarget } from '../../src/parse/index';
import { refusal, run } from './analyze';
import { literalSpan, runJs, stripTypes } from './plainjs';
import { tempDir } from './tempDir';

const gated = it;

function grads(ev: ReturnType<typeof run>): Record<string, number> {
  return Object.fromEntries(ev.inputs.map((i) => [i.name, i.grad]));
}

function cli(text: string, ...args: string[]): { code: number; out: string; err: string } {
  const dir = tempDir('gl-regress-');
  const file = join(dir, 'input.ts');
  writeFileSync(file, text);
  let out = '';
  let err = '';
  const code = main([file, ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe('regressions: silent wrong answers of issue 10', () => {
  const letS = 'const a0 = 2;\nlet s = 0;\ns = s + a0;\nconst target = s * 3;\n';

  it('the `let s` snippet is what JavaScript says: 6 (plain-JS oracle)', () => {
    assert.equal(runJs(letS, 'target'), 6);
  });

  gated('`let s = 0; s = s + a0; const target = s * 3` gives 6 and ∂target/∂a0 = 3 (not 0)', () => {
    const ev = run(letS, 'target');
    assert.equal(ev.value, 6);
    const g = grads(ev);
    assert.equal(g.a0, 3);
    // `let s = 0` is a number bound by a top-level declaration: an input whose start value
    // flows through `s = s + a0` into the target, so its gradient is 3 as well.
    assert.deepEqual(Object.keys(g).sort(), ['a0', 's']);
    assert.equal(g.s, 3);
    // The panel evaluates with a default for free inputs: `s` is not free (the file gives 0).
    const panel = evaluate(parseTarget({ text: letS, name: 'target' }), {}, { defaultForFree: () => 1 });
    assert.equal(panel.value, 6);
    assert.ok(panel.inputs.every((i) => i.source === 'source'));
  });

  gated('the same with `+=`, `++` and a loop: JavaScript order of statements, every time', () => {
    const text = 'const a0 = 2;\nlet s = 0;\nfor (let i = 0; i < 3; i++) s += a0 * i;\ns++;\nconst target = s * s;\n';
    const js = runJs(text, 'target') as number; // s = 0 + 0 + 2 + 4 + 1 = 7
    assert.equal(js, 49);
    const ev = run(text, 'target');
    assert.equal(ev.value, js);
    assert.equal(grads(ev).a0, 2 * 7 * (0 + 1 + 2));
  });

  gated('`const NaN = 3; const y = NaN;` uses the file’s own NaN: 3, like `NaN * 2` gives 6', () => {
    const text = 'const NaN = 3;\nconst y = NaN;\nconst z = NaN * 2;\n';
    // JavaScript agrees (in a function body, as in a module, the file's NaN shadows the global one)
    assert.deepEqual(runJs(text, '[y, z]'), [3, 6]);
    const y = run(text, 'y');
    assert.equal(y.value, 3);
    assert.deepEqual(grads(y), { NaN: 1 });
    const z = run(text, 'z');
    assert.equal(z.value, 6);
    assert.deepEqual(grads(z), { NaN: 2 });
  });

  gated('`const t = q * 2; const q = 5;` is refused (use before declaration), not 10', () => {
    const text = 'const t = q * 2;\nconst q = 5;\n';
    assert.throws(
      () => runJs(stripTypes(text), 't'),
      (e: unknown) => e instanceof ReferenceError,
    );
    let caught: unknown;
    try {
      run(text, 't');
    } catch (e) {
      caught = e;
    }
    assert.ok(isGradientLensError(caught), `expected a GradientLensError, got ${String(caught)}`);
    assert.match(caught.message, /\bq\b/, 'the message names q');
    assert.equal(caught.line, 1, 'it points at the use on line 1');
  });

  gated('`Math.max()` (-Infinity) comes with a diagnostic, like every other non-finite result', () => {
    const ev = run('const y = Math.max();\n', 'y');
    assert.equal(ev.value, -Infinity);
    assert.ok(ev.diagnostics.length > 0, 'no diagnostic for Math.max() = -Infinity');
    assert.ok(
      ev.diagnostics.some((d) => /Infinity|max/i.test(d.message)),
      ev.diagnostics.map((d) => d.message).join('; '),
    );
  });

  gated('`Math.min()` (+Infinity) comes with a diagnostic too', () => {
    const ev = run('const y = Math.min();\n', 'y');
    assert.equal(ev.value, Infinity);
    assert.ok(ev.diagnostics.length > 0, 'no diagnostic for Math.min() = Infinity');
  });

  gated('CLI `--set __proto__=4` on `const __proto__ = 1.5; const y = __proto__ * 2;` gives 8', () => {
    const { code, out, err } = cli(
      'const __proto__ = 1.5;\nconst y = __proto__ * 2;\n',
      '--name',
      'y',
      '--set',
      '__proto__=4',
      '--format',
      'json',
    );
    assert.equal(code, 0, err);
    const report = JSON.parse(out);
    assert.equal(report.target.value, 8);
    assert.deepEqual(
      report.inputs.map((i: { name: string; value: number; grad: number }) => [i.name, i.value, i.grad]),
      [['__proto__', 4, 2]],
    );
  });

  gated('literals inside functions are constants, not inputs (issue 10: "Literals elsewhere are constants")', () => {
    const text =
      'function f(x: number) {\n  const lr = 0.05;\n  const arr = [x, 2];\n  const o = { a: 0.5 };\n  return x * lr + arr[1] + o.a;\n}\n' +
      'const x0 = 1.5;\nconst y = f(x0);\n';
    assert.equal(runJs(stripTypes(text), 'y'), 1.5 * 0.05 + 2 + 0.5);
    const ev = run(text, 'y');
    assert.equal(ev.value, 1.5 * 0.05 + 2 + 0.5);
    assert.deepEqual(grads(ev), { x0: 0.05 });
  });

  gated('an object built with `new` can be passed straight to a function', () => {
    const text =
      'class V {\n  data: number;\n  constructor(d: number) {\n    this.data = d;\n  }\n}\n' +
      'const a0 = 2;\nconst f = (v: V) => v.data * 3;\nconst y = f(new V(a0));\n';
    assert.equal(runJs(stripTypes(text), 'y'), 6);
    const ev = run(text, 'y');
    assert.equal(ev.value, 6);
    assert.deepEqual(grads(ev), { a0: 3 });
  });

  for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    it(`CLI --set ${name}=4 (an Object.prototype name) sets that input: 8`, () => {
      const { code, out, err } = cli(
        `const ${name} = 1.5;\nconst y = ${name} * 2;\n`,
        '--name',
        'y',
        '--set',
        `${name}=4`,
        '--format',
        'json',
      );
      assert.equal(code, 0, err);
      const report = JSON.parse(out);
      assert.equal(report.target.value, 8);
      assert.deepEqual(
        report.inputs.map((i: { name: string; value: number }) => [i.name, i.value]),
        [[name, 4]],
      );
    });
  }

  it('evaluate() with an input named __proto__ given as an own property uses it', () => {
    const values = JSON.parse('{"__proto__": 4}') as Record<string, number>; // an own property, as JSON.parse makes it
    const ev = run('const __proto__ = 1.5;\nconst y = __proto__ * 2;\n', 'y', values);
    assert.equal(ev.value, 8);
  });
});

/** Central difference of the plain-JS program in the top-level literal at `path` (the oracle). */
function centralDiff(js: string, target: string, path: string): number {
  const [s, e] = literalSpan(js, path);
  const x = Number(js.slice(s, e));
  const h = 1e-5 * Math.max(1, Math.abs(x));
  const f = (v: number) => runJs(js.slice(0, s) + `(${v})` + js.slice(e), target) as number;
  return (f(x + h) - f(x - h)) / (2 * h);
}

/** Value equals plain JS exactly; every gradient equals central differences of plain JS. */
function agreesWithJs(text: string, target: string, skip: string[] = []): ReturnType<typeof run> {
  const js = stripTypes(text);
  const want = runJs(js, target) as number;
  const ev = run(text, target);
  assert.equal(ev.value, want, `value: Gradient Lens ${ev.value}, JavaScript ${want}`);
  for (const i of ev.inputs) {
    if (skip.includes(i.name)) continue;
    const fd = centralDiff(js, target, i.name);
    assert.ok(Math.abs(i.grad - fd) <= 1e-6 * Math.max(1, Math.abs(fd)), `∂/∂${i.name}: ${i.grad}, JS ${fd}`);
  }
  return ev;
}

describe('regressions: found by the red team (semantics where the interpreter differed from JavaScript)', () => {
  it('a computed key in an object literal keeps its value: `{ [k]: x }` (key and value were swapped)', () => {
    // Before: `{ [1 + 1]: x }` with x = 2 gave o[2] = 2 with gradient 0 (the key's value), and
    // with x = 5, o[2] was undefined.
    const ev = agreesWithJs('const x = 5;\nconst o: any = { [1 + 1]: x, b: 1 };\nconst y = o[2] * 3;\n', 'y');
    assert.deepEqual(grads(ev), { x: 3 });
    agreesWithJs(
      "const x = 2;\nconst k = 'a';\nconst o: any = { [k]: x, [k + 'b']: 3 };\nconst y = o.a * o.ab;\n",
      'y',
    );
    // JavaScript evaluates the key before the value.
    const order = agreesWithJs(
      'const x = 2;\nlet i = 0;\nconst o: any = { [i++]: x * i };\nconst y = o[0] + i * 10;\n',
      'y',
      ['i'],
    );
    assert.equal(order.value, 12);
  });

  it('for…in and Object.keys/values/entries list integer keys first, ascending, as JavaScript does', () => {
    // Before: insertion order (b, 2, a, 1): 5432 instead of 4235.
    const text =
      'const x = 2;\nconst o: any = { b: x, 2: 3, a: 4, 1: 5 };\nlet s = 0;\nlet m = 1;\n' +
      'for (const k in o) { s += o[k] * m; m *= 10; }\n' +
      'const v = Object.values(o);\nconst e = Object.entries(o);\n' +
      "const y = s + v[0] * 10 + e[3][1] * 100 + (Object.keys(o).join('') === '12ba' ? 1 : 0);\n";
    const ev = agreesWithJs(text, 'y');
    assert.equal(ev.value, 4235 + 50 + 400 + 1);
  });

  it('a write to an Object.freeze-d object or array is refused (it was applied)', () => {
    // JavaScript ignores the write (sloppy) or throws (strict): y is 6, never 15.
    assert.equal(runJs('const o = Object.freeze({ a: 2 });\no.a = 5;\nconst y = o.a * 3;', 'y'), 6);
    for (const [text, what] of [
      ['const x = 2;\nconst o = Object.freeze({ a: x });\n(o as any).a = 5;\nconst y = o.a * 3;\n', /property 'a'/],
      ['const x = 2;\nconst a = Object.freeze([x, 1]) as number[];\na[0] += 7;\nconst y = a[0];\n', /element 0/],
      ['const x = 2;\nconst a = Object.freeze([x, 1]) as number[];\na.push(3);\nconst y = a[0];\n', /\.push\(\)/],
      ['const x = 2;\nconst o = Object.freeze({ a: x });\nObject.assign(o, { a: 3 });\nconst y = o.a;\n', /assign/],
    ] as const) {
      const e = refusal(text, 'y');
      assert.match(e.message, what);
      assert.match(e.message, /frozen/);
      assert.equal(e.line, 3);
    }
    // Reading a frozen object of functions (a common pattern) works.
    agreesWithJs(
      'const x = 2;\nconst act = Object.freeze({ k: x, f: (v: number) => v * v });\nconst y = act.f(act.k);\n',
      'y',
    );
  });

  it('a destructuring default may use the names bound before it (was refused as use before declaration)', () => {
    agreesWithJs(
      'const x = 2;\nconst o: any = { p: x };\nconst { p = 5, q = p * 2, r = 7 } = o;\nconst y = p * q * r;\n',
      'y',
    );
    agreesWithJs('const x = 2;\nconst [m = 1, n = m * x] = [undefined, undefined];\nconst y = m + n;\n', 'y');
    agreesWithJs(
      'const x = 2;\nfunction f({ p = 5, q = p * 2 }: any) {\n  return p * q;\n}\nconst y = f({ p: x });\n',
      'y',
    );
    // Defaults run in order, only when the value is undefined.
    agreesWithJs(
      'const x = 2;\nlet c = 0;\nconst [a = (c += 1), b = (c += 10) * x] = [undefined, 4];\nconst y = a + b + c * 100;\n',
      'y',
    );
  });

  it('a Math function passed as a callback ignores the extra arguments, as JavaScript does (was refused)', () => {
    // `x.map(Math.exp)` calls Math.exp(value, index, array); a direct `Math.exp(1, 2)` stays refused.
    const ev = agreesWithJs(
      'const a = 0.5;\nconst b = -1.5;\nconst xs = [a, b].map(Math.exp);\nconst ps = [a, 3].map(Math.pow);\nconst y = xs[0] + xs[1] * ps[0] * ps[1];\n',
      'y',
    );
    assert.equal(ev.value, Math.exp(0.5) + Math.exp(-1.5) * 1 * 3);
    assert.match(refusal('const r = Math.exp(1, 2);\n', 'r').message, /Math\.exp with 2 arguments/);
  });

  it('enumerating or copying an object literal with a getter is refused (its key was left out: 1.5 instead of 3)', () => {
    assert.equal(runJs('const o = { a: 1.5, get b() { return 2; } };\nconst y = Object.keys(o).length * 1.5;', 'y'), 3);
    const cases: Array<[string, RegExp]> = [
      ['const y = Object.keys(o).length * x;', /Object\.keys/],
      ['const y = Object.values(o).length * x;', /Object\.values/],
      ['const y = Object.entries(o).length * x;', /Object\.entries/],
      ['const p = { ...o };\nconst y = p.b * 3;', /Spreading/],
      ['const p = Object.assign({}, o);\nconst y = p.b * 3;', /Object\.assign/],
      ['const { a, ...rest } = o;\nconst y = rest.b * a;', /rest pattern/],
      ['let s = 0;\nfor (const k in o) s += x;\nconst y = s;', /for…in/],
    ];
    for (const [tail, what] of cases) {
      const text = `const x = 1.5;\nconst o = { a: x, get b() { return this.a * 2; } };\n${tail}\n`;
      const e = refusal(text, 'y');
      assert.match(e.message, what);
      assert.match(e.message, /getter or setter \('b'\)/);
    }
    // A class instance's getters live on the class: its own fields enumerate and copy as in JavaScript.
    agreesWithJs(
      'const x = 1.5;\nclass A {\n  a = x;\n  get b() {\n    return 2;\n  }\n}\nconst p = { ...new A() };\nconst y = p.a * 3 + Object.keys(new A()).length;\n',
      'y',
    );
  });

  it('Number(x) of a number is x (was "calls an object, not a function"); of a string it is refused by name', () => {
    const ev = agreesWithJs('const x = 1.5;\nconst y = Number(x) * Number(x * 2) + Number();\n', 'y');
    assert.deepEqual(grads(ev), { x: 4 * 1.5 });
    const e = refusal('const a = [2, 3];\nlet s = 0;\nfor (const k in a) s += a[k] * Number(k);\nconst y = s;\n', 'y');
    assert.match(e.message, /Number\(\.\.\.\) of a string in "Number\(k\)" at 3:/);
  });

  it('empty slots (holes) that JavaScript skips are refused where it skips them (they ran as undefined)', () => {
    // Before: `new Array(3).map((_, i) => i * x)` gave [0, x, 2x] (y = 7.5); JavaScript keeps the
    // holes (map skips them), so the reduce sees nothing: y = 3.
    assert.equal(
      runJs(
        'const x = 1.5;\nconst a = new Array(3).map((_, i) => i * x);\nconst y = a.reduce((s, v) => s + v, 0) + a.length;',
        'y',
      ),
      3,
    );
    const cases: Array<[string, RegExp]> = [
      [
        'const a = new Array(3).map((_, i) => i * x);\nconst y = a.reduce((s, v) => s + v, 0) + a.length;',
        /\.map .*index 0/,
      ],
      ['let n = 0;\nnew Array(3).forEach(() => {\n  n += x;\n});\nconst y = n + 1;', /\.forEach .*index 0/],
      ['let n = 0;\n[x, , 3].forEach(() => {\n  n += 1;\n});\nconst y = n * x;', /\.forEach .*index 1/],
      ['let n = 0;\nfor (const k in [x, , 3]) n += 1;\nconst y = n * x;', /for…in .*index 1/],
      [
        'const a = [x];\na[3] = 2;\nlet c = 0;\na.forEach(() => c++);\nconst y = c * x + a.length;',
        /\.forEach .*index 1/,
      ],
      ['const a = [x, 1];\na.length = 4;\nconst y = a.filter(() => true).length * x;', /\.filter .*index 2/],
      ['const y = [x, , 3].indexOf(undefined) + 1 + x;', /\.indexOf/],
      ['const y = [x, , 3].slice(0).reduce((s, v) => s + v);', /\.reduce/],
      ['const y = [x].concat([1, , 2]).some((v) => v === undefined) ? 1 : x;', /\.some/],
      ['const y = (1 in [x, , 3] ? 10 : 0) + x;', /'in' .*index 1/],
    ];
    for (const [tail, what] of cases) {
      const e = refusal(`const x = 1.5;\n${tail}\n`, 'y');
      assert.match(e.message, what);
      assert.match(e.message, /empty slot/);
    }
    agreesWithJs(
      "const x = 1.5;\nconst a = [x, 2, 3];\nconst y = (1 in a ? 1 : 0) + ('2' in a ? 10 : 0) + (3 in a ? 100 : 0) + ('map' in a ? 1000 : 0) + ('length' in a ? 10000 : 0) + x;\n",
      'y',
    );
    // Filled, spread or assigned arrays have no holes: as in JavaScript.
    agreesWithJs(
      'const x = 1.5;\nconst a = new Array(3).fill(0).map((_, i) => i * x);\nconst b = [...new Array(2)].map((_, i) => i + x);\n' +
        'const c = new Array(2);\nc[0] = x;\nc[1] = 2;\nconst y = a[2] + b[1] + c.map((v) => v * x).reduce((s, v) => s + v);\n',
      'y',
    );
  });

  it('calling a property that does not exist names it (was "calls undefined, not a function")', () => {
    const e = refusal(
      "const x = 1.5;\nconst o: any = {};\nObject.defineProperty(o, 'a', { value: x });\nconst y = o.a;\n",
      'y',
    );
    assert.match(e.message, /Object\.defineProperty is not declared in this file nor a supported built-in/);
    assert.equal(e.line, 3);
  });

  it('a literal in a top-level destructuring default is a constant, not an input named "" or "@4:19"', () => {
    const ev = agreesWithJs(
      'const x = 2;\nconst o: any = { p: x };\nconst { p = 5, r = 7 } = o;\nconst [m = 1, n = 3] = [x];\nconst y = p * r + m * n;\n',
      'y',
    );
    assert.deepEqual(grads(ev), { x: 10 });
  });
});

describe('a top-level let that later statements change: the target is its final value (found by the red team)', () => {
  // It analysed the declaration's initialiser: `loss = 0`, every gradient 0, silently.
  const text = 'const xs = [1, 2, 3];\nconst w = 0.5;\nlet loss = 0;\nfor (const x of xs) loss += (w * x - 1) ** 2;\n';
  const withW = (w: number) => text.replace('const w = 0.5', `const w = ${w}`);

  it('--name loss and the cursor on its line give the value after the loop, with gradients against plain JS', () => {
    const expected = runJs(text, 'loss') as number;
    assert.equal(expected, 0.25 + 0 + 0.25); // (0.5·1 − 1)² + (0.5·2 − 1)² + (0.5·3 − 1)²
    for (const ev of [run(text, 'loss'), evaluate(parseTarget({ text, line: 3 }))]) {
      assert.equal(ev.value, expected);
      assert.equal(ev.program.target.name, 'loss');
      assert.match(ev.program.target.text, /final value, after line 4/);
      const h = 1e-6;
      const numeric = ((runJs(withW(0.5 + h), 'loss') as number) - (runJs(withW(0.5 - h), 'loss') as number)) / (2 * h);
      assert.ok(Math.abs(grads(ev).w - numeric) < 1e-6, `∂loss/∂w = ${grads(ev).w}, central difference ${numeric}`);
      assert.equal(grads(ev).loss, 1); // the initial value is an input, added once
    }
    assert.match(cli(text, '--name', 'loss').out, /^loss = 0\.5 {3}\(its final value, after line 4\)/);
  });

  it('the run stops after the last statement that writes it; a later statement that would fail does not matter', () => {
    const later = text + 'loss *= 2;\nconsole.log(loss);\nwhile (true) {}\n';
    assert.equal(run(later, 'loss').value, 1);
    assert.match(run(later, 'loss').program.target.text, /after line 5/);
  });

  it('written inside a function: read at the end of the file; a shadowing inner let does not count; unchanged lets keep their value', () => {
    const viaFn = 'const w = 2;\nlet total = 1;\nfunction add(v) { total += v * w; }\nadd(3);\nadd(4);\n';
    assert.equal(runJs(viaFn, 'total'), 15);
    const ev = run(viaFn, 'total');
    assert.equal(ev.value, 15);
    assert.equal(grads(ev).w, 7);
    assert.match(ev.program.target.text, /at the end of the file/);
    const shadowed = 'let a = 2;\n{ let a = 5; a += 1; }\nconst b = a * 3;\n';
    const sev = run(shadowed, 'a');
    assert.equal(sev.value, 2);
    assert.equal(sev.program.target.text, '2');
    assert.equal(run('let c = 4;\nconst d = c * c;\n', 'c').value, 4);
  });
});

describe('refusals say what to write instead', () => {
  it('an array method we do not have (copyWithin) names the supported ones and the for loop', () => {
    const r = cli('const xs = [3, 1, 2];\nconst y = xs.copyWithin(0, 1)[0];\n', '--name', 'y');
    assert.equal(r.code, 1);
    assert.match(r.err, /2:11: Unsupported array property 'copyWithin'/);
    assert.match(
      r.err,
      /arrays support length, indexing and at, concat, .*reduce, reduceRight, .*sort, .*; write a for loop for the rest/,
    );
  });
});

describe('Set (a gap the red team found: every micrograd backward() builds its topological order with one)', () => {
  it('a micrograd Value class with a Set-based backward() runs (a.grad is differentiable)', () => {
    const text =
      'class V {\n  data: number;\n  grad = 0;\n  prev: Set<V>;\n  bw = () => {};\n' +
      '  constructor(d: number, ch: V[] = []) {\n    this.data = d;\n    this.prev = new Set(ch);\n  }\n' +
      '  mul(o: V) {\n    const out = new V(this.data * o.data, [this, o]);\n    out.bw = () => {\n      this.grad += o.data * out.grad;\n      o.grad += this.data * out.grad;\n    };\n    return out;\n  }\n' +
      '  backward() {\n    const topo: V[] = [];\n    const seen = new Set<V>();\n    const build = (v: V) => {\n      if (!seen.has(v)) {\n        seen.add(v);\n        v.prev.forEach(build);\n        topo.push(v);\n      }\n    };\n    build(this);\n    this.grad = 1;\n    for (let i = topo.length - 1; i >= 0; i--) topo[i].bw();\n  }\n}\n' +
      'const x0 = 1.5;\nconst y0 = -2;\nconst a = new V(x0);\nconst c = a.mul(a).mul(new V(y0));\nc.backward();\nconst g = a.grad;\n';
    agreesWithJs(text, 'g'); // g = 2·x0·y0: ∂g/∂x0 = 2·y0, ∂g/∂y0 = 2·x0
  });

  it('membership is SameValueZero (numbers by value, NaN equal, objects by identity); size, has, delete, clear, spread, Array.from', () => {
    agreesWithJs(
      'const x0 = 2;\nconst s = new Set([x0, 2, 3, 0 / 0, 0 / 0]);\nconst o = { v: 1 };\ns.add(o);\ns.add({ v: 1 });\n' +
        'const a = s.size * 10 + (s.has(2) ? 1 : 0) + (s.has(o) ? 2 : 0) + (s.has({ v: 1 }) ? 100 : 0);\n' +
        'const del = s.delete(3) ? 1000 : 0;\nconst b = [...s].length + Array.from(s).length;\n' +
        'const nums = [...s].filter((v) => typeof v === "number" && v === v);\nconst t = a + del + b + nums[0] * x0;\n',
      't',
    );
    const cleared = run('const x = 3;\nconst s = new Set([x, 4]);\ns.clear();\nconst t = s.size + x;\n', 't');
    assert.equal(cleared.value, 3);
  });

  it('iteration is live, as in JavaScript: entries added during for…of / forEach are visited, deleted ones skipped', () => {
    agreesWithJs(
      'const x0 = 1.5;\nconst s = new Set([x0, 2, 3]);\nlet acc = 0;\n' +
        'for (const v of s) {\n  acc = acc * 2 + v;\n  if (v === 2) { s.delete(3); s.add(7); }\n}\nconst t = acc;\n',
      't',
    );
    agreesWithJs(
      'const x0 = 0.5;\nconst s = new Set([x0, 2]);\nlet acc = 0;\n' +
        's.forEach((v, k, set) => {\n  acc = acc * 3 + v * k;\n  if (set.size < 4) set.add(v + 10);\n});\nconst t = acc;\n',
      't',
    );
  });

  it('an input edit that changes membership re-traces (has() reads the value)', () => {
    const text = 'const x0 = 2;\nconst s = new Set([2, 5]);\nconst t = s.has(x0) ? x0 * 10 : x0;\n';
    const program = parseTarget({ text, name: 't' });
    assert.equal(evaluate(program).value, 20);
    assert.equal(evaluate(program, { x0: 3 }).value, 3);
    assert.equal(runJs(stripTypes(text.replace('const x0 = 2', 'const x0 = 3')), 't'), 3);
  });

  it('a Set method we do not have is refused by name, with what Sets support', () => {
    const r = refusal('const s = new Set([1]);\nconst t = s.union(s).size;\n', 't');
    assert.match(r.message, /Unsupported Set property 'union' at 2:11: Sets support size, add, has, delete/);
    // values() is an iterator in JavaScript (no .length): refused rather than given as an array
    assert.match(
      refusal('const s = new Set([1]);\nconst t = s.values().length;\n', 't').message,
      /'length' of Set\.values\(\) .*an iterator in JavaScript/,
    );
  });

  it('the cursor inside a class constructor or method is refused by name (was an internal error: no `this`)', () => {
    const text = [
      'class Neuron {',
      '  w = [0.5, -1];',
      '  constructor(public b: number) {',
      '    this.w.push(b);',
      '  }',
      '  out(x: number) {',
      '    return this.w[0] * x + this.b;',
      '  }',
      '}',
      'const n = new Neuron(0.1);',
      'const y = n.out(2);',
      '',
    ].join('\n');
    for (const line of [4, 7]) {
      let err: unknown;
      try {
        evaluate(parseTarget({ text, line }));
      } catch (e) {
        err = e;
      }
      assert.ok(isGradientLensError(err), `line ${line}: expected a refusal, got ${String(err)}`);
      assert.match(err.message, /of class Neuron at \d+:3 runs on an object \('this'\).*new Neuron/);
    }
    // the expression that uses it still works (plain JS: 0.5 * 2 + 0.1)
    assert.ok(Math.abs(run(text, 'y').value - 1.1) < 1e-12);
  });
});
