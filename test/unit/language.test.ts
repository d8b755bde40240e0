/**
 * Language features real snippets need (issue 10, red team): `.sort`/`.toSorted` with a
 * comparator, `reduceRight`/`findLast`/`findLastIndex`, bitwise operators, `Map`, `try`/`catch`,
 * and tricky semantics. Every program is also run as plain JavaScript in the test: the value must
 * be JavaScript's, and every gradient must equal Richardson-extrapolated central differences of
 * the plain-JS program (the oracle is never our engine). Input edits that change an order or a
 * branch are checked the same way, at the edited values.
 */
import assert from 'node:assert/strict';
import { evaluate } from '../../src/core/evaluate';
import { isGradientLensError, parseTarget } from '../../src/parse/index';
import { refusal, run } from './analyze';
import { literalSpan, runJs, stripTypes } from './plainjs';

/** The program's text with each input in `values` written into its literal. */
function withValues(js: string, values: Record<string, number>): string {
  const spans = Object.entries(values)
    .map(([name, v]) => [...literalSpan(js, name), v] as const)
    .sort((a, b) => b[0] - a[0]);
  let out = js;
  for (const [s, e, v] of spans) out = out.slice(0, s) + `(${v})` + out.slice(e);
  return out;
}

/**
 * Value and gradients against plain JS: the value exactly (to 1e-12), each input's gradient to
 * central differences (1e-6 relative) where the differences are smooth (two Richardson
 * extrapolations agree), and at least `minChecked` gradients checked.
 */
function agrees(
  text: string,
  target: string,
  values: Record<string, number> = {},
  minChecked = 1,
  /** Inputs compared with `===` (a Map key): the program jumps at their value; not differentiated numerically. */
  skip: string[] = [],
) {
  const ev = run(text, target, values);
  const js = stripTypes(text);
  const base = withValues(js, values);
  const want = runJs(base, target) as number;
  assert.ok(
    Object.is(ev.value, want) || Math.abs(ev.value - want) <= 1e-12 * Math.max(1, Math.abs(want)),
    `value ${ev.value}, JavaScript ${want}`,
  );
  let checked = 0;
  for (const input of ev.inputs) {
    if (skip.includes(input.name)) continue;
    const x = input.value;
    const f = (v: number) => runJs(withValues(js, { ...values, [input.name]: v }), target) as number;
    const h0 = 1e-3 * Math.max(1, Math.abs(x));
    const D = [h0, h0 / 2, h0 / 4].map((h) => (f(x + h) - f(x - h)) / (x + h - (x - h)));
    const r1 = (4 * D[1] - D[0]) / 3;
    const r2 = (4 * D[2] - D[1]) / 3;
    const err = Math.abs(r1 - r2);
    if (!(err <= 1e-7 * Math.max(Math.abs(r2), 1) + 1e-10)) continue; // a kink within the step
    checked++;
    assert.ok(
      Math.abs(input.grad - r2) <= 1e-6 * Math.max(Math.abs(r2), 1) + 2 * err,
      `∂${target}/∂${input.name} = ${input.grad}, central differences ${r2}`,
    );
  }
  assert.ok(checked >= minChecked, `only ${checked} gradients checked`);
  return ev;
}

describe('sort and toSorted with a comparator (the order follows the values)', function () {
  this.timeout(60_000);
  const median =
    'const xs = [3, 1, 2.5, 0.5, 4.25];\n' +
    'function median(arr: number[]) {\n  const s = [...arr].sort((a, b) => a - b);\n  const mid = Math.floor(s.length / 2);\n' +
    '  return s.length % 2 !== 0 ? s[mid] : (s[mid - 1] + s[mid]) / 2;\n}\n' +
    'const m = median(xs) * 2 + median(xs.slice(1));\n';

  it('a median: value and gradients of JavaScript', () => {
    agrees(median, 'm', {}, 5);
  });

  it('an input edit that changes the order re-traces (the comparisons steer the run)', () => {
    for (const values of [{ 'xs[0]': -7 }, { 'xs[3]': 9, 'xs[1]': 2.75 }, { 'xs[4]': 0.75 }] as Record<
      string,
      number
    >[])
      agrees(median, 'm', values);
  });

  it('objects by a key, descending numbers in place, toSorted leaves the array; ties stay in order (stable)', () => {
    const text =
      'const a = 0.3, b = -1.2, c = 2.5, d = 0.9;\n' +
      'const pts = [{ x: a, d: 3 }, { x: b, d: 1 }, { x: c, d: 2 }, { x: d, d: 1 }];\n' +
      'const byD = pts.toSorted((p, q) => p.d - q.d);\n' +
      'const r = byD[0].x * 1 + byD[1].x * 2 + byD[2].x * 3 + byD[3].x * 4 + pts[0].x * 10;\n' +
      'const xs = [a, b, c, d, 1.7, -0.4];\nconst ret = xs.sort((p, q) => q - p);\n' +
      'const top = xs[0] * 2 + xs[5] + ret[1] + (ret === xs ? 100 : 0);\n' +
      'const t = r + top;\n';
    agrees(text, 't', {}, 4);
    agrees(text, 't', { a: 5, c: -3 }, 4);
  });

  it('the comparator is called on the same pairs in the same order as node (small arrays), even a boolean one', () => {
    const text =
      'const v = [5, 1, 4, 2, 8, 7, 3, 6, 0.5, 9, 2.5];\nlet calls = 0;\nlet trace = 0;\n' +
      'const s = v.slice().sort((a, b) => {\n  calls++;\n  trace = trace * 1.01 + a - 0.5 * b;\n  return a > b;\n});\n' +
      'const t = s[0] + 2 * s[1] + 3 * s[10] + calls + trace;\n';
    agrees(text, 't', {}, 3);
  });

  it('64 elements and more: sorted like node with a consistent comparator', () => {
    const xs = Array.from({ length: 80 }, (_, i) => ((i * 37) % 101) / 7 - 5 + (i % 3) * 0.01);
    const text =
      `const xs = [${xs.join(', ')}];\n` +
      'const s = xs.toSorted((a, b) => a - b);\nconst d = [...xs].sort((a, b) => b - a);\n' +
      'let t = 0;\nfor (let i = 0; i < s.length; i++) t += s[i] * (i + 1) - d[i] / (i + 2);\n';
    agrees(text, 't', {}, 60);
  });

  it('64 elements and more with a comparator that returns booleans or NaN: refused, not guessed', () => {
    const xs = Array.from({ length: 70 }, (_, i) => (i * 13) % 70);
    const r = refusal(`const xs = [${xs.join(', ')}];\nconst t = xs.sort((a, b) => a > b)[0];\n`, 't');
    assert.match(r.message, /comparator of \.sort at 2:11 returns a boolean .*depends on the engine/);
  });

  it('undefined elements go last without being compared; strings sort without a comparator', () => {
    const text =
      'const a = 2, b = 1;\nconst u = [a, undefined, b].sort((p, q) => p - q);\n' +
      'const names = ["pear", "apple", "Fig"].sort();\n' +
      'const t = u[0] * 10 + u[1] + (u[2] === undefined ? 100 : 0) + (names[0] === "Fig" ? 1000 : 0);\n';
    agrees(text, 't', {}, 2);
  });

  it('top-k of an object’s entries (a comparator with destructured parameters), names in reverse order, argmax by reduce', () => {
    agrees(
      'const scores = { cat: 2.5, dog: 1.25, eel: 3.75, fox: 0.5 };\nconst top = Object.entries(scores).sort(([, a], [, b]) => b - a).slice(0, 2);\nconst names = Object.keys(scores).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));\nconst argmax = Object.values(scores).reduce((best, v, i, arr) => (v > arr[best] ? i : best), 0);\nconst t = top[0][1] * 2 + top[1][1] + (names[0] === "fox" ? 100 : 0) + argmax;\n',
      't',
      {},
      2,
    );
    assert.match(
      refusal('const n = ["b", "a"];\nconst t = n.sort((a, b) => a.localeCompare(b)).length;\n', 't').message,
      /'localeCompare' at 2:28: its order depends on the locale; compare with < and >/,
    );
  });

  it('sort() without a comparator on numbers is refused (JavaScript sorts them as strings)', () => {
    const r = refusal('const xs = [10, 9, 1];\nconst t = xs.sort()[0];\n', 't');
    assert.match(
      r.message,
      /\.sort\(\) without a comparator at 2:11 on numbers: JavaScript compares them as strings \(10 before 9\); give a comparator, e\.g\. \.sort\(\(a, b\) => a - b\)/,
    );
  });

  it('a comparator returning a string is refused by name', () => {
    const r = refusal('const xs = [2, 1];\nconst t = xs.sort((a, b) => "x")[0];\n', 't');
    assert.match(r.message, /comparator of \.sort at 2:11 returns a string: return a number/);
  });
});

describe('reduceRight, findLast, findLastIndex', () => {
  it('value and gradients of JavaScript, indices and the array passed as JavaScript does', () => {
    const text =
      'const a = 0.3, b = -1.2, c = 2.5, d = 0.9;\nconst xs = [a, b, c, d];\n' +
      'const s = xs.reduceRight((acc, v, i, arr) => acc * 2 + v * i + arr.length, 0);\n' +
      'const s2 = xs.reduceRight((acc, v) => acc * v);\n' +
      'const f = xs.findLast((v) => v > 0) + xs.findLastIndex((v) => v < 0) + xs.findLastIndex((v) => v > 10);\n' +
      'const none = xs.findLast((v) => v > 10) === undefined ? 1 : 0;\n' +
      'const t = s + s2 + f + none;\n';
    agrees(text, 't', {}, 4);
    agrees(text, 't', { d: -0.5 }, 4);
  });

  it('reduceRight of an empty array without an initial value is an error, as in JavaScript', () => {
    assert.match(
      refusal('const xs: number[] = [];\nconst t = xs.reduceRight((a, b) => a + b);\n', 't').message,
      /reduceRight of an empty array/,
    );
  });
});

describe('bitwise operators and Math.imul: 32-bit integers as in JavaScript, derivative 0', function () {
  this.timeout(60_000);
  it('| & ^ ~ << >> >>> and their compound assignments give JavaScript’s numbers', () => {
    const text =
      'const a = 5.7, b = -13.25, k = 3;\nconst c = 3e9 + 0.5; // not an input: central differences would cross its integer steps\n' +
      'let m = 255;\nm &= 0xf0 | 7;\nm ^= 0x0f;\nm <<= 2;\nm >>= 1;\nm >>>= 0;\nm |= 1;\n' +
      'const ints = (a | 0) + (b | 0) + (c | 0) + ~~b + (~a) + (a & k) + (b ^ k) + (b << k) + (b >> 1) + (b >>> 28) + (c >>> 0) + (1 << 31) + (1 << 32);\n' +
      'const t = (ints % 997) + m + a * b; // small: central differences stay exact\n';
    agrees(text, 't', {}, 2);
    agrees(text, 't', { a: -0.5, b: 77.75, k: 33 }, 2);
  });

  it('the truncation has derivative 0 and says so (like Math.floor)', () => {
    const ev = run('const x = 7.9;\nconst t = (x | 0) * x;\n', 't');
    assert.equal(ev.value, 7 * 7.9);
    assert.equal(ev.inputs.find((i) => i.name === 'x')!.grad, 7);
    assert.ok(
      ev.diagnostics.some((d) =>
        /bitwise operator '\|' at .*2:12.* works on 32-bit integers .*derivative is 0/.test(d.message),
      ),
      JSON.stringify(ev.diagnostics.map((d) => d.message)),
    );
  });

  it("'^' runs as XOR (as JavaScript) and warns that it is not a power (the classic slip for x ** 2)", () => {
    const ev = run('const x = 3;\nconst t = x ^ 2;\n', 't');
    assert.equal(ev.value, 3 ^ 2);
    assert.equal(ev.inputs.find((i) => i.name === 'x')!.grad, 0);
    const d = ev.diagnostics.find((e) => /'\^' at .*2:11/.test(e.message));
    assert.ok(d, JSON.stringify(ev.diagnostics.map((e) => e.message)));
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /XOR in JavaScript, not a power: for a power write a \*\* b or Math\.pow\(a, b\)/);
    // other bitwise operators stay notes
    const or = run('const x = 3;\nconst t = x | 2;\n', 't').diagnostics.find((e) => /'\|'/.test(e.message));
    assert.equal(or?.severity, 'info');
  });

  it('a seeded mulberry32 generator (Math.imul, >>>, |, ^) makes the data a loss is computed on', () => {
    const text =
      'function mulberry32(seed: number) {\n  let a = seed;\n  return () => {\n    a |= 0;\n    a = (a + 0x6d2b79f5) | 0;\n' +
      '    let t = Math.imul(a ^ (a >>> 15), 1 | a);\n    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;\n' +
      '    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;\n  };\n}\n' +
      'const seed = 42;\nconst w = 0.5, b0 = -0.25;\nconst rand = mulberry32(seed);\nlet loss = 0;\n' +
      'for (let i = 0; i < 20; i++) {\n  const x = rand() * 2 - 1;\n  const y = 3 * x + 0.1;\n  const e = w * x + b0 - y;\n  loss += e * e;\n}\n' +
      'const mse = loss / 20;\n';
    const ev = agrees(text, 'mse', {}, 2);
    assert.equal(ev.inputs.find((i) => i.name === 'seed')!.grad, 0);
    agrees(text, 'mse', { seed: 7 }, 2); // another seed: other data, re-traced
  });

  it('a bitwise operator on a boolean or a string is refused, not converted', () => {
    assert.match(refusal('const t = (1 < 2) | 0;\n', 't').message, /boolean .*'\|'/);
  });
});

describe('Map: JavaScript’s semantics (SameValueZero keys, insertion order, live iteration)', function () {
  this.timeout(60_000);
  const program =
    'const w = 2, z = -0.5, k0 = 1;\n' +
    'const m = new Map<number | string, number>([[k0, w], ["b", 3]]);\n' +
    'm.set(2, w * 2).set(1, z * w);\n' +
    'let s = 0;\n' +
    'for (const [k, v] of m) {\n  s += v * (typeof k === "number" ? k : 10);\n  if (k === 1) m.set(3, z);\n  if (k === "b") m.delete(2);\n}\n' +
    'm.forEach((v, k, mm) => {\n  s += v * mm.size;\n});\n' +
    'const keys = [...m.keys()];\nconst vals = Array.from(m.values());\nconst pairs = [...m.entries()];\n' +
    'const ents = Object.fromEntries([["a", w], ["c", z]]);\nconst back = Object.fromEntries(m);\n' +
    'const copy = new Map(m);\ncopy.clear();\n' +
    'const t = s + keys.length + vals[0] * 3 + pairs[1][1] + ents.a * ents.c + back.b + (m.has(3) ? 1 : 0) + (m.get(7) === undefined ? 100 : 0) + copy.size + m.size;\n';

  it('get/set/has/delete/clear/size/forEach, for…of with [k, v], keys()/values()/entries(), spread, Object.fromEntries', () => {
    agrees(program, 't', {}, 3, ['k0']);
  });

  it('a number key is looked up by its value: an edit that changes a hit into a miss re-traces', () => {
    agrees(program, 't', { k0: 2 }, 3, ['k0']); // k0 = 2 collides with m.set(2, …): one entry fewer
    agrees(program, 't', { k0: 3 }, 3, ['k0']);
  });

  it('NaN is one key, -0 and +0 are one key, objects by identity, strings by value', () => {
    const text =
      'const a = 0.5, nz = -0, zero = 0;\nconst o1 = { v: 1 }, o2 = { v: 1 };\n' +
      'const m = new Map<unknown, number>();\n' +
      'm.set(0 / 0, a).set(0 / 0, a * 2).set(nz, a * 3).set(zero, a * 4).set(o1, 5).set(o2, 6).set("x", 7).set("x", a * 8);\n' +
      'let negZero = 0;\nfor (const k of m.keys()) if (k === 0 && 1 / (k as number) < 0) negZero += 1000;\n' +
      'const t = m.size * 100 + m.get(0 / 0)! + m.get(-0)! + m.get(o1)! + (m.get({ v: 1 }) === undefined ? 1 : 0) + m.get("x")! + negZero;\n';
    agrees(text, 't', {}, 1);
  });

  it('-0 becomes +0 as a Set member or Map key, as in JavaScript (the gradient still flows)', () => {
    agrees(
      'const z = -0, w = 2;\nconst s = new Set([z, 0]);\nconst m = new Map([[z, 1]]);\nconst a = [...s][0];\nconst b = [...m.keys()][0];\nconst t = (1 / a > 0 ? 10 : 0) + (1 / b > 0 ? 100 : 0) + s.size + a * w + b * w;\n',
      't',
      {},
      1,
    );
  });

  it('Set keys()/values()/entries() as JavaScript', () => {
    const text =
      'const a = 1.5, b = -2;\nconst s = new Set([a, b, a]);\nconst e = [...s.entries()];\n' +
      'let acc = 0;\nfor (const v of s.values()) acc += v * 2;\nconst t = acc + e[1][0] * e[1][1] + Array.from(s.keys()).length + new Set(s.values()).size;\n';
    agrees(text, 't', {}, 2);
  });

  it('what JavaScript gives as an iterator is refused where an array would behave differently', () => {
    assert.match(
      refusal('const m = new Map([[1, 2]]);\nconst t = m.keys().length;\n', 't').message,
      /'length' of Map\.keys\(\) at 2:11: it is an iterator in JavaScript; use it in for…of, \[\.\.\.spread\] or Array\.from/,
    );
    assert.match(
      refusal('const m = new Map([[1, 2]]);\nconst t = m.groupBy;\n', 't').message,
      /Unsupported Map property 'groupBy' .*Maps support size, get, set/,
    );
    assert.match(
      refusal('const m = new Map([1, 2]);\nconst t = m.size;\n', 't').message,
      /an entry is number, not a \[key, value\] array/,
    );
  });
});

describe('try / catch / finally and throw', function () {
  this.timeout(60_000);
  it('a throw inside calls, callbacks and loops is caught where JavaScript catches it; finally runs after a normal end', () => {
    const text =
      'const w = 2, lim = 10;\n' +
      'function check(x: number) {\n  if (x > lim) throw new RangeError("too big: " + x);\n  return x * 2;\n}\n' +
      'let r = 0;\nlet log = 0;\n' +
      'for (let i = 0; i < 6; i++) {\n  try {\n    r += [1, 2, 3].map((k) => check(w * k * i)).reduce((a, b) => a + b);\n  } catch (e) {\n' +
      '    log += e instanceof RangeError ? 100 : 1;\n    log += e instanceof Error ? 1000 : 0;\n    if (e instanceof TypeError) log = -1;\n    r -= w * i;\n  } finally {\n    r += 0.5 * w;\n  }\n}\n' +
      'try {\n  throw { message: "plain", code: w * 3 };\n} catch ({ code }) {\n  r += code;\n}\n' +
      'try {\n  r *= 2;\n} catch {\n  r = 0;\n}\n' +
      'const t = r + log;\n';
    agrees(text, 't', {}, 2);
    agrees(text, 't', { lim: 25 }, 2); // fewer throws: other branches, re-traced
  });

  it('a throw nothing catches ends the run with its message and line; one leaving a finally is refused', () => {
    assert.match(
      refusal(
        'const w = 12;\nfunction f(x) {\n  if (x > 10) throw new Error("too big: " + x);\n  return x;\n}\nconst t = f(w);\n',
        't',
      ).message,
      /The program throws at 3:15: too big: 12/,
    );
    assert.match(
      refusal(
        'const w = 1;\nlet t = 0;\ntry {\n  try {\n    throw new Error("x");\n  } finally {\n    t = 1;\n  }\n} catch (e) {\n  t = w;\n}\n',
        't',
      ).message,
      /the throw at 5:5 leaves the try…finally at 4:3/,
    );
    assert.match(
      refusal(
        'const w = 1;\nfunction f() {\n  try {\n    return w;\n  } finally {\n    w;\n  }\n}\nconst t = f();\n',
        't',
      ).message,
      /a 'return' leaves the try…finally at 3:3/,
    );
  });

  it('an error, a Map and a plain object as text are JavaScript’s; a toString of the program’s own is refused, not skipped', () => {
    agrees(
      'const w = 2;\nclass V { constructor(public x: number) {} toString() { return `V(${this.x})`; } }\nlet msg = "";\ntry { throw new RangeError("bad " + w); } catch (e) { msg = `${e}`; }\nconst t = (msg === "RangeError: bad 2" ? 1 : 0) + (`${new Map()}` === "[object Map]" ? 10 : 0) + (`${{ a: 1 }}` === "[object Object]" ? 100 : 0) + w;\nconst u = `${new V(w)}`.length;\n',
      't',
      {},
      1,
    );
    assert.match(
      refusal(
        'const w = 2;\nclass V { constructor(public x: number) {} toString() { return `V(${this.x})`; } }\nlet msg = "";\ntry { throw new RangeError("bad " + w); } catch (e) { msg = `${e}`; }\nconst t = (msg === "RangeError: bad 2" ? 1 : 0) + (`${new Map()}` === "[object Map]" ? 10 : 0) + (`${{ a: 1 }}` === "[object Object]" ? 100 : 0) + w;\nconst u = `${new V(w)}`.length;\n',
        'u',
      ).message,
      /An object with its own toString turned into text at 6:11/,
    );
  });

  it('our own errors (budgets) are never caught by the program', () => {
    const text = 'const w = 1;\nlet t = 0;\ntry {\n  while (true) t += w;\n} catch (e) {\n  t = -1;\n}\n';
    try {
      evaluate(parseTarget({ text, name: 't' }, { maxSteps: 100_000 }), {});
      assert.fail('expected the step budget error');
    } catch (e) {
      assert.ok(isGradientLensError(e));
      assert.match((e as Error).message, /budget/);
    }
  });
});

describe('tricky semantics, against plain JavaScript', function () {
  this.timeout(60_000);
  it('closures in let/var loops, labelled break/continue, switch fallthrough, this in arrows, getters/setters, rest, ?., NaN, -0, integer-key order, string concatenation', () => {
    agrees(
      'const x = 2;\n// closures in loops: let vs var\nconst fl: Array<() => number> = [];\nfor (let i = 0; i < 3; i++) fl.push(() => x * i);\nconst fv: Array<() => number> = [];\nfor (var j = 0; j < 3; j++) fv.push(() => x * j);\nconst a1 = fl[0]() + fl[1]() + fl[2]() + fv[0]() + fv[1]();\n// labelled break/continue\nlet acc = 0;\nouter: for (let i = 0; i < 4; i++) {\n  for (let k = 0; k < 4; k++) {\n    if (k === 2) continue outer;\n    if (i === 3) break outer;\n    acc += x * (i + k);\n  }\n}\n// switch fallthrough\nfunction sw(n: number) {\n  let s = 0;\n  switch (n) {\n    case 1:\n      s += x;\n    case 2:\n      s += 10 * x;\n      break;\n    default:\n      s -= 1;\n    case 3:\n      s += 100;\n  }\n  return s;\n}\nconst a2 = sw(1) + sw(2) + sw(3) + sw(7);\n// this in arrows vs functions\nconst obj = {\n  v: x,\n  arrowGet() { const f = () => this.v * 3; return f(); },\n  get dbl() { return this.v * 2; },\n  set dbl(y: number) { this.v = y / 2; },\n};\nobj.dbl = 10;\nconst a3 = obj.arrowGet() + obj.dbl;\n// arguments\nfunction sumArgs(...args: number[]) { let s = 0; for (let i = 0; i < args.length; i++) s += args[i]; return s; }\nconst a4 = sumArgs(x, 3, 4);\n// optional chaining / nullish\nconst o2: any = { p: { q: x } };\nconst a5 = (o2.p?.q ?? 0) + (o2.z?.q ?? 5) + (o2.z?.q.r.s ?? 1);\n// NaN comparisons and -0\nconst nz = -0;\nconst a6 = (NaN < 1 ? 1 : 0) + (NaN === NaN ? 10 : 0) + (Object.is ? 0 : 0) + (1 / nz < 0 ? 100 : 0) + (nz === 0 ? 1000 : 0) + Math.max(nz, 0) * x;\n// integer key order\nconst ko: any = { b: 1, 2: 2, a: 3, 1: 4, "-1": 5 };\nlet order = 0;\nfor (const k in ko) order = order * 10 + ko[k];\n// string concat of numbers\nconst s1 = "v" + x + 1;\nconst s2 = x + 1 + "v";\nconst a7 = (s1 === "v21" ? 1 : 0) + (s2 === "3v" ? 10 : 0) + (`${x / 3}` === "0.6666666666666666" ? 100 : 0);\nconst t = a1 + acc + a2 + a3 + a4 + a5 + a6 + order + a7;\n',
      't',
      {},
      1,
      ['ko.-1'], // a quoted key: the test cannot locate its literal to perturb it
    );
  });

  it('an optional chain that short-circuits makes the whole chain undefined (a?.b.c, a?.b(), a?.[0].x)', () => {
    agrees(
      'const x = 3;\nconst o: any = { p: { q: x, f: () => x * 2, arr: [x, 2 * x] } };\nconst n: any = undefined;\nconst a = (n?.p.q ?? 1) + (n?.p.f() ?? 2) + (n?.p.arr[1] ?? 4) + (o.p?.q ?? 0) + (o.p?.f() ?? 0) + (o?.p.arr[1] ?? 0);\nconst b = (o.z?.f() ?? 10) + (o.p.g?.() ?? 20) + (n?.[0].x.y ?? 40) + ((o?.p).q);\nconst t = a + b;\n',
      't',
      {},
      1,
    );
    assert.match(
      refusal('const o: any = { p: undefined };\nconst t = o?.p.q;\n', 't').message,
      /Cannot read property 'q' of undefined in "o\?\.p\.q" at 2:11: JavaScript throws a TypeError here/,
    );
  });
  it('per-iteration let copies, evaluation order, swaps, spread order, labelled blocks, switch ===, accessors with +=, super and statics, NaN in indexOf/includes, length truncation', () => {
    agrees(
      'const x = 1.5, y = -2.25;\n// per-iteration let copies, with the body changing i\nconst fs: Array<() => number> = [];\nfor (let i = 0; i < 6; i++) { fs.push(() => i * x); i++; }\nconst b1 = fs.map((f) => f()).reduce((a, b) => a + b, 0);\n// evaluation order\nlet k = 0;\nconst arr = [0, 0, 0, 0];\narr[k++] = k * x;\narr[k] = k++ * y + k;\nconst b2 = arr[0] + arr[1] * 10 + k;\n// swap, chained assignment, ** associativity\nlet p = x, q = y;\n[p, q] = [q, p];\nlet r1: number, r2: number;\nr1 = r2 = p * 2;\nconst b3 = p - q * 2 + r1 + r2 + 2 ** 3 ** 0.5 + (-x) ** 2;\n// object spread order, typeof null\nconst base = { a: x, b: 2 };\nconst over = { ...base, a: 10, ...{ b: y } };\nconst b4 = over.a + over.b * 3 + (typeof null === "object" ? 1 : 0);\n// labelled block, do-while with continue\nlet c = 0;\nblk: { c += x; if (c > 1) break blk; c += 100; }\nlet n = 0;\ndo { n++; if (n < 3) continue; c += n * y; } while (n < 5);\n// switch uses ===\nfunction sw(v: any) { switch (v) { case 1: return 10; case "1": return 20; default: return 30; } }\nconst b5 = c + sw(1) + sw("1") + sw(true);\n// accessors with compound assignment; inheritance with super and static fields\nclass A {\n  static base = 3;\n  static twice = A.base * 2;\n  constructor(public w: number) {}\n  get dbl() { return this.w * 2; }\n  set dbl(v: number) { this.w = v / 2; }\n  scale(s: number) { return this.w * s; }\n}\nclass B extends A {\n  extra = this.w + 1;\n  constructor(w: number) { super(w * 2); }\n  scale(s: number) { return super.scale(s) + this.extra; }\n  get dbl() { return super.dbl + 1; }\n}\nconst bb = new B(x);\nconst bd = bb.dbl;\nconst a1 = new A(y);\na1.dbl += 3;\nconst b6 = bb.scale(2) + A.twice + B.base + a1.w + bd;\n// indexOf / includes NaN, at(-1), number keys\nconst nans = [x, NaN];\nconst ok: any = {};\nok[1] = x; ok["1"] += 1;\nconst b7 = nans.indexOf(NaN) + (nans.includes(NaN) ? 10 : 0) + [x, y, 7].at(-1)! + ok[1];\n// array length truncation\nconst tr = [x, y, 3, 4];\ntr.length = 2;\nconst b8 = tr.length + tr[1] + (tr[2] === undefined ? 100 : 0);\nconst t = b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8;\n',
      't',
      {},
      2,
      ['nans[1]', 'k'], // k is an index: perturbing it changes what is written where
    );
  });
  it('class instances: parameter properties come first in key order, spread/assign copy own fields only; Math.max of nothing, round, sign of -0, string order, == null, entries()', () => {
    agrees(
      'const x = 1.5;\nclass P {\n  b = 2;\n  constructor(public a: number) {}\n  get dbl() { return this.a * 2; }\n  m() { return this.a; }\n}\nconst inst = new P(x);\nconst sp: any = { ...inst };\nconst as: any = Object.assign({}, inst);\nconst keys = Object.keys(inst).join(",");\nconst v1 = (sp.dbl === undefined ? 1 : 0) + (sp.m === undefined ? 10 : 0) + (as.dbl === undefined ? 100 : 0) + sp.a * 2 + as.b;\nconst v2 = (keys === "b,a" ? 1000 : keys === "a,b" ? 2000 : 0);\nconst mx = Math.max(...[x, 2 * x].filter((v) => v > 100));\nconst v3 = (mx === -Infinity ? 1 : 0) + Math.round(-0.5) * 0 + (1 / Math.round(-0.4) < 0 ? 5 : 0) + Math.round(2.5) + Math.sign(-0) * x;\nconst s1 = "10" < "9" ? 1 : 0;\nconst nu = (null == undefined ? 1 : 0) + (null === undefined ? 10 : 0);\nlet tot = 0;\nfor (const [i, v] of [x, 2 * x, 3].entries()) tot += i * v;\nconst t = v1 + v2 + v3 + s1 + nu + tot;\n',
      't',
      {},
      1,
    );
  });
});
