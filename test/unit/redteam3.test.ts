/**
 * Red team 3: silent wrong answers and confusing refusals found on semantics corners and real
 * code. Each program is run by us and as plain JavaScript in the test (the value must be
 * JavaScript's), and each gradient is compared with central differences of the plain-JS program
 * (never with our own engine); where JavaScript's answer is not a number we can model, the
 * program must be refused by name with its line:column.
 */
import assert from 'node:assert/strict';
import { agrees, refusal } from './analyze';
import { runJs, stripTypes } from './plainjs';

describe('red team 3: for (let …) bindings per iteration', () => {
  it('a closure made in the update expression sees the next iteration’s binding (was 666, JavaScript 642)', () => {
    agrees(
      'const x = 2;\nconst fs: (() => number)[] = [];\nfor (let i = 0; i < 3; fs.push(() => i * x), i++) {}\n' +
        'const r = fs[0]() + fs[1]() * 10 + fs[2]() * 100;\n',
      'r',
    );
  });

  it('a closure made in the test sees each iteration’s binding', () => {
    agrees(
      'const x = 2;\nconst fs: (() => number)[] = [];\nfor (let i = 0; (fs.push(() => i * x), i < 3); i++) {}\n' +
        'const r = fs[0]() + fs[1]() * 10 + fs[2]() * 100 + fs[3]() * 1000;\n',
      'r',
    );
  });

  it('a closure made in the initializer keeps the initial binding, whatever the first iteration does', () => {
    agrees(
      'const x = 2;\nlet r = 0;\nfor (let i = 0, g = () => i * x; i < 5; i++) {\n  if (i === 0) i = 1;\n  r += g() + i;\n}\n',
      'r',
    );
  });
});

describe('red team 3: names every object inherits from Object.prototype', () => {
  it('the word-count idiom on a key like "constructor" is refused (JavaScript reads the inherited function: a string, not 4)', () => {
    const text =
      'const x = 2;\nconst counts: Record<string, number> = {};\nfor (const w of ["constructor", "a", "constructor"]) counts[w] = (counts[w] || 0) + x;\n' +
      'const r = counts["constructor"];\n';
    assert.equal(typeof runJs(stripTypes(text), 'r'), 'string');
    const e = refusal(text, 'r');
    assert.match(e.message, /'constructor'/);
    assert.match(e.message, /Object\.prototype/);
    assert.match(e.message, /3:\d+/);
  });

  it('o.toString === undefined is refused (JavaScript: false, the inherited function), not true', () => {
    const text = 'const x = 2;\nconst o: any = { a: x };\nconst r = o.toString === undefined ? 0 : x;\n';
    assert.equal(runJs(stripTypes(text), 'r'), 2);
    assert.match(refusal(text, 'r').message, /'toString'.*3:11/);
  });

  it('an array’s inherited names (constructor, toString, valueOf, hasOwnProperty) are refused as array properties, not called as objects', () => {
    for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      const text = `const x = 2;\nconst a = [x, 3];\nconst r = (a as any).${name} ? x : 0;\n`;
      assert.equal(runJs(stripTypes(text), 'r'), 2);
      assert.match(refusal(text, 'r').message, new RegExp(`Unsupported array property '${name}'.*3:11`));
    }
  });

  it('"toString" in o is true, as in JavaScript (was false)', () => {
    agrees('const x = 2;\nconst o = { a: x };\nconst r = ("toString" in o ? x : 0) + ("b" in o ? 100 : 0);\n', 'r');
  });

  it('__proto__ as a key (write, or in a literal) is refused: JavaScript sets the prototype instead of a field', () => {
    const write =
      'const x = 2;\nconst o: Record<string, number> = {};\no["__proto__"] = x;\nconst r = Object.keys(o).length;\n';
    assert.equal(runJs(stripTypes(write), 'r'), 0);
    assert.match(refusal(write, 'r').message, /__proto__.*3:1/);
    const literal = 'const x = 2;\nconst o = { __proto__: { a: x } } as any;\nconst r = o.a;\n';
    assert.equal(runJs(stripTypes(literal), 'r'), 2);
    assert.match(refusal(literal, 'r').message, /__proto__.*2:\d+/);
  });
});

describe('red team 3: array iterators and index arguments', () => {
  it('entries() is live: an element an earlier pass wrote is the one yielded (error diffusion gave 8, JavaScript 8.5)', () => {
    agrees(
      'const x = 2;\nconst a = [x, x * 3, 5];\nfor (const [i, v] of a.entries()) if (i + 1 < a.length) a[i + 1] += v * 0.5;\nconst r = a[2];\n',
      'r',
    );
    agrees(
      'const x = 2;\nconst a = [x, x * 3];\nlet r = 0;\nfor (const [i, v] of a.entries()) {\n  a[1] = 100;\n  r += v * (i + 1);\n}\n',
      'r',
    );
    agrees(
      'const x = 2;\nconst a = [x, 3];\nlet r = 0;\nfor (const i of a.keys()) {\n  if (a.length < 4) a.push(x);\n  r += a[i] * i;\n}\n',
      'r',
    );
  });

  it('keys()/entries() are iterators: Array.from, spread and destructuring read them; .length is refused by name', () => {
    agrees(
      'const x = 2;\nconst a = [x, x * 3];\nconst [p, ...q] = a.entries();\nconst ks = [...a.keys()];\nconst r = p[1] * 10 + q.length + Array.from(a.entries())[1][1] * 100 + ks[1] * 1000;\n',
      'r',
    );
    assert.match(
      refusal('const x = 2;\nconst a = [x, 3];\nconst r = a.keys().length;\n', 'r').message,
      /'length' of keys\(\) at 3:11/,
    );
  });

  it('destructuring a Map, a Set or a Map iterator gives their elements (was refused as "destructuring of an object")', () => {
    agrees(
      'const x = 2;\nconst m = new Map([[1, x], [2, x * 3]]);\nconst [[k, v], second] = m;\nconst s = new Set([x, 5]);\nconst [p] = s;\n' +
        'const [q, ...rest] = m.values();\nconst r = k * v + second[1] * 10 + p * 100 + q * 1000 + rest.length;\n',
      'r',
    );
  });

  it('indexOf and includes honour fromIndex (fractional, negative, ±Infinity); it was ignored (100 instead of 92)', () => {
    agrees(
      'const x = 2;\nconst a = [x, 5, x, 7];\nconst r = a.indexOf(x, -1.5) * 10 + a.indexOf(x, 1.5) + (a.includes(5, 1.9) ? 100 : 0);\n',
      'r',
    );
    agrees(
      'const x = 2;\nconst a = [x, 5, x, 7];\nconst r = a.indexOf(x, Infinity) * 10 + a.indexOf(x, -Infinity) + (a.includes(x, -2) ? 100 : 0) + (a.includes(x, -1) ? 1000 : 0);\n',
      'r',
    );
  });

  it('a NaN index argument counts as 0, as in JavaScript (fill, at, slice, indexOf)', () => {
    agrees(
      'const x = 2;\nconst a = [1, 2, 3, 4];\na.fill(x, NaN);\nconst r = a[0] + a.at(NaN)! * 10 + a.slice(NaN).length * 100 + [5, x].indexOf(x, NaN) * 1000;\n',
      'r',
    );
  });
});

describe('red team 3: `x || 0` at x = 0', () => {
  it('x || 0 with x exactly 0 has derivative 1 (it equals x on both sides); the gradient went to the 0 (was 0)', () => {
    agrees('const x = 0;\nconst y = 0;\nconst r = (x || 0) * 5 + (-x || 0) * 7 + (x || y) * 3;\n', 'r');
    // the same through the task machine (a statement-bodied function) and a loop
    agrees(
      'const x = 0;\nconst y = 0;\nfunction f(a: number, b: number) {\n  const s = a || b;\n  return s * 3;\n}\nconst o = { a: x };\nlet r = f(x, y);\n' +
        'for (let i = 0; i < 2; i++) {\n  if (i > 5) continue;\n  r += (o.a || 0) * 4;\n}\n',
      'r',
    );
  });

  it('the same for `a ||= 0` on a variable and on a field', () => {
    agrees('const x = 0;\nlet a = x;\na ||= 0;\nconst o = { b: x };\no.b ||= 0;\nconst r = a * 3 + o.b * 5;\n', 'r');
  });

  it('a network whose inputs include 0 reads activations with `|| 0`: every gradient equals central differences (two were off by 10×)', () => {
    // After the Network class of a public TypeScript MLP (neurons with `activation: number | undefined`,
    // read as `x.activation || 0`), reduced to one forward pass of a 2-2-1 sigmoid network.
    agrees(
      'const W1 = [[0.3, -0.2], [0.5, 0.1]];\nconst W2 = [0.7, -0.6];\nconst inputs = [0, 1];\n' +
        'const sig = (z: number) => 1 / (1 + Math.E ** (-1 * z));\n' +
        'const layer0 = inputs.map((v) => ({ activation: v as number | undefined }));\n' +
        'const hidden = W1.map((w) => ({ activation: sig(w.map((wi, i) => wi * (layer0[i].activation || 0)).reduce((m, n) => m + n)) }));\n' +
        'const out = sig(W2.map((w, j) => w * (hidden[j].activation || 0)).reduce((m, n) => m + n));\n',
      'out',
    );
  });
});

describe('red team 3: Array.from({ length })', () => {
  it('takes the length as JavaScript’s ToLength does (2.7 → 2, −1 and NaN → 0) instead of refusing it as invalid', () => {
    agrees(
      'const x = 2;\nconst a = Array.from({ length: 2.7 }, (_, i) => i * x);\nconst b = Array.from({ length: -1 });\n' +
        'const c = Array.from({ length: NaN });\nconst r = a.length * 10 + a[1] + b.length * 100 + c.length * 1000;\n',
      'r',
    );
  });
});

describe('red team 3: clearer refusals', () => {
  it('a for…in key used in index arithmetic (a[i + 1] is a["01"]) names the string key and the loops to use instead', () => {
    const text =
      'const x = 2;\nconst a = [x, x * 2, x * 3];\nlet s = 0;\nfor (const i in a) s += a[i + 1] ?? 0;\nconst r = s;\n';
    assert.equal(runJs(stripTypes(text), 'r'), 0); // JavaScript: every a["01"], a["11"] … is undefined
    const e = refusal(text, 'r');
    assert.match(e.message, /the string '01', not an array index/);
    assert.match(e.message, /4:\d+/);
    assert.match(e.message, /counted loop/);
  });

  it('an undeclared global that Object.prototype happens to name (toString) is refused by name, not with a function’s source text', () => {
    const e = refusal('const x = 2;\nconst r = toString ? x : 0;\n', 'r');
    assert.doesNotMatch(e.message, /native code/);
    assert.match(e.message, /'toString'.*2:11/);
  });
});
