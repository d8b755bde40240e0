/**
 * Editing an input re-traces the program only when that input steered the run (a branch, a loop
 * bound, an index, a number turned into text); other inputs only change numbers on the same graph.
 * Oracle: the edited program run as plain JavaScript (transpiled by TypeScript, run in a vm context
 * by this test), and a fresh trace of the edited text.
 */
import assert from 'node:assert/strict';
import vm from 'node:vm';
import ts from 'typescript';
import { evaluate, sourceOf, type ExprProgram } from '../../src/core';
import { parseTarget } from '../../src/parse';

function runJs(text: string, name: string): number {
  const js = ts.transpileModule(text, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  return Number(
    vm.runInNewContext(`${js.replace(/export \{\};?/g, '')}\n;${name}`, { exports: {} }, { timeout: 2000 }),
  );
}

/** `const name = <literal>` with another value, or the `index`-th element of an array literal. */
function withInput(text: string, name: string, value: number): string {
  const m = /^(.*)\[(\d+)\]$/.exec(name);
  if (!m) return text.replace(new RegExp(`const ${name} = [^;]*;`), `const ${name} = ${value};`);
  return text.replace(new RegExp(`const ${m[1]} = \\[([^\\]]*)\\];`), (_all, body: string) => {
    const items = body.split(',').map((x) => x.trim());
    items[Number(m[2])] = String(value);
    return `const ${m[1]} = [${items.join(', ')}];`;
  });
}

function check(
  text: string,
  target: string,
  input: string,
  value: number,
  retrace: boolean,
  flips = false,
): ExprProgram {
  const p = parseTarget({ text, fileName: 'r.ts', name: target });
  assert.equal(sourceOf(p)!.steering!.includes(input), retrace, `${input} ${retrace ? 'steers' : 'does not steer'}`);
  const ev = evaluate(p, { [input]: value });
  // Without a re-trace the program object is kept; a re-trace with another course makes a new one.
  if (!retrace) assert.equal(ev.program, p, `${input} = ${value}: no re-trace`);
  if (flips) assert.notEqual(ev.program, p, `${input} = ${value} takes another course: a new graph`);
  const edited = withInput(text, input, value);
  const js = runJs(edited, target);
  assert.ok(Math.abs(ev.value - js) <= 1e-12 * Math.max(1, Math.abs(js)), `${target}: ${ev.value} vs JS ${js}`);
  // Same numbers as a fresh trace of the edited text: value and every input's gradient.
  const fresh = evaluate(parseTarget({ text: edited, fileName: 'r.ts', name: target }));
  assert.equal(ev.value, fresh.value);
  const grads = (e: typeof ev) => Object.fromEntries(e.inputs.map((i) => [i.name, i.grad]));
  assert.deepEqual(grads(ev), grads(fresh));
  return p;
}

describe('re-tracing after an input edit: only for inputs that steered the run', () => {
  it('a minibatch ReLU layer: weights and data never steer (Math.max is a gate), no re-trace', () => {
    const text = [
      'const W = [[0.5, -0.3], [-0.8, 0.2]];',
      'const X = [[1.5, -0.5], [0.25, 2]];',
      'const v = [0.6, -1.1];',
      'const relu = (z: number) => Math.max(0, z);',
      'let loss = 0;',
      'for (let s = 0; s < X.length; s++) {',
      '  const h = W.map((row) => relu(row.reduce((acc, w, j) => acc + w * X[s][j], 0)));',
      '  const y = h.reduce((acc, hi, i) => acc + hi * v[i], 0);',
      '  loss += y * y;',
      '}',
      'const mse = loss / X.length;',
      'export {};',
    ].join('\n');
    const p = check(text, 'mse', 'v[1]', 0.7, false);
    assert.deepEqual(sourceOf(p)!.steering, []);
    // A weight that flips a ReLU: still the same graph (max is on the tape), right numbers.
    check(text, 'mse', 'v[0]', -2, false);
    const w = parseTarget({ text: text.replace('[0.5, -0.3]', '[0.5, -0.3]'), fileName: 'r.ts', name: 'mse' });
    assert.equal(evaluate(w, { 'W[0][0]': -3 }).program, w);
  });

  it('(red team) a sort steers (its comparisons), a Map lookup by number key steers, a bitwise operator does not (a gate replayed)', () => {
    const sorted = [
      'const xs = [3, 1, 2.5, 0.5, 4.25];',
      'const s = [...xs].sort((a, b) => a - b);',
      'const m = s[1] * 2 + s[3];',
      'export {};',
    ].join('\n');
    check(sorted, 'm', 'xs[0]', -7, true, true);
    check(sorted, 'm', 'xs[4]', 4.5, true);
    const keyed = [
      'const k = 2;',
      'const w = 1.5;',
      'const mp = new Map([[1, w], [2, 3 * w]]);',
      'const t = (mp.get(k) ?? 10) * w;',
      'export {};',
    ].join('\n');
    check(keyed, 't', 'k', 1, true, true);
    check(keyed, 't', 'w', 2.5, false);
    const bits = ['const x = 7.9;', 'const t = (x | 0) * x + ((x * 3) >> 1) + (~x & 6);', 'export {};'].join('\n');
    check(bits, 't', 'x', 3.2, false);
    check(bits, 't', 'x', -5.5, false);
  });

  it('a branch on an input, an index, a loop bound, text from a number, Number.isFinite: re-traced', () => {
    check('const x = 0.5;\nconst f = x > 0 ? x * 2 : x * 3;\nexport {};', 'f', 'x', -1, true, true);
    check('const k = 1;\nconst a = [10, 20, 30];\nconst f = a[k] * 2 + k;\nexport {};', 'f', 'k', 2, true, true);
    check(
      'const n = 3;\nconst w = 0.5;\nlet s = 0;\nfor (let i = 0; i < n; i++) s += i * w;\nconst f = s;\nexport {};',
      'f',
      'n',
      5,
      true,
    );
    check("const x = 1.4;\nconst t = x.toFixed(0);\nconst f = t === '1' ? x : 2 * x;\nexport {};", 'f', 'x', 1.6, true);
    check('const x = 2;\nconst f = Number.isFinite(1 / x) ? x * x : 0;\nexport {};', 'f', 'x', 0, true);
    check('const x = 2;\nconst f = isNaN(x - 1) ? 0 : x * 3;\nexport {};', 'f', 'x', 5, true);
    // The loop bound steers; the weight in the same program does not.
    const p = check(
      'const n = 3;\nconst w = 0.5;\nlet s = 0;\nfor (let i = 0; i < n; i++) s += i * w;\nconst f = s;\nexport {};',
      'f',
      'w',
      -2,
      false,
    );
    assert.deepEqual(sourceOf(p)!.steering, ['n']);
  });
});
