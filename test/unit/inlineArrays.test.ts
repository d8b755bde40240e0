/** Inline text, hover and CodeLens choices for programs with arrays (src/host/inlineArrays.ts, inlineText.ts). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { evaluate } from '../../src/core';
import { arrayHoverMarkdown, formatArray, hoverArray, startLines } from '../../src/host/inlineArrays';
import { inlineLines, regexTargets } from '../../src/host/inlineText';
import { parseTarget } from '../../src/parse/index';
import { runJs, stripTypes } from './plainjs';
import { CASES } from './vectorCases';

const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'vector-jacobians.json'), 'utf8')) as {
  cases: Record<string, { inputs: Record<string, never> }>;
};
const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

describe('inline arrays', () => {
  it('formats the first values: vectors, long vectors, matrices by their first row', () => {
    assert.equal(formatArray([0.9, 0, 0.6], [3]), '[0.9, 0, 0.6]');
    assert.equal(formatArray([1, -2.5, 3, 4], [4]), '[1, −2.5, 3, …]');
    assert.equal(formatArray([0.5, -0.3, -0.8, 0.2], [2, 2]), '[[0.5, −0.3], …]');
    assert.equal(formatArray([1 / 3], [1, 1]), '[[0.333]]');
  });

  it("an array line shows its shape and first values and gradients; its elements' own items are dropped", () => {
    const program = CASES.two_layer(FIXTURE.cases.two_layer.inputs);
    program.target.range = { ...program.target.range, line: 99 }; // `const f = y[0]` on a line of its own
    const ev = evaluate(program);
    const lines = inlineLines(ev, { show: 'both', precision: 4 });
    const byLabel = Object.fromEntries(lines.flatMap((l) => l.items.map((i) => [i.label, l.text])));
    assert.equal(byLabel.W1, 'W1 3×2 = [[0.5, −0.3], …]  ∂f/∂W1 = [[0.9, −0.3], …]');
    assert.equal(byLabel.h, 'h 3 = [0.9, 0, 0.6]  ∂f/∂h = [0.6, −1.1, 0.4]');
    assert.ok(!Object.keys(byLabel).some((l) => l.startsWith('W1[')), 'no per-element items');
    const h = lines.find((l) => l.items.some((i) => i.label === 'h'))!;
    assert.deepEqual(
      h.segments.map((s) => s.role),
      ['value', 'negative'], // coloured by the largest |gradient| (−1.1)
    );
  });

  it('real programs: an array a helper built shows on the line of the declaration that names it; one off the loss path (softmax p) shows whole', () => {
    const textOf = (file: string) => fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
    const linesOf = (file: string, name: string) => {
      const text = textOf(file);
      const ev = evaluate(parseTarget({ text, fileName: file, name }));
      const src = text.split('\n');
      return new Map(inlineLines(ev, { show: 'both', precision: 4 }).map((l) => [src[l.line - 1].trim(), l.text]));
    };
    // two-layer-relu.ts: `const z = matvec(W1, x)` (the W.map in matvec made it). The h item is the
    // hand-built case's above (checked against PyTorch), now from the interpreter's own trace.
    const relu = linesOf('two-layer-relu.ts', 'f');
    const js = stripTypes(textOf('two-layer-relu.ts').replace(/export \{\};.*/, ''));
    const z = (runJs(js, 'z') as number[]).map((v) => Math.round(v * 10) / 10);
    assert.equal(
      relu.get('const z = matvec(W1, x); // 3')?.split('  ')[0],
      `z 3 = [${z.join(', ').replace(/-/g, '−')}]`,
    );
    assert.equal(
      relu.get('const h = z.map((zi) => Math.max(0, zi)); // ReLU'),
      'h 3 = [0.9, 0, 0.6]  ∂f/∂h = [0.6, −1.1, 0.4]',
    );
    assert.match(relu.get('const y = matvec(W2, h); // 1') ?? '', /^y 1 = \[0\.78\] {2}∂f\/∂y = \[1\]$/);
    // softmax.ts: the loss reads p[label] only; p is shown whole, ∂loss/∂p = −1/p[label] at the label, 0 elsewhere.
    const soft = linesOf('softmax.ts', 'loss');
    const sjs = stripTypes(textOf('softmax.ts').replace(/export \{\};.*/, ''));
    const pv = runJs(sjs, 'p') as number[];
    const label = runJs(sjs, 'label') as number;
    const fmt = (v: number) => String(Number(v.toPrecision(3))).replace('-', '−');
    const dp = pv.map((v, i) => (i === label ? -1 / v : 0));
    assert.equal(
      soft.get('const p = e.map((ei) => ei / S);'),
      `p 3 = [${pv.map(fmt).join(', ')}]  ∂loss/∂p = [${dp.map(fmt).join(', ')}]`,
    );
  });

  it('the hover on an array name has the whole matrix and its gradient, same shape', () => {
    const program = CASES.two_layer(FIXTURE.cases.two_layer.inputs);
    const ev = evaluate(program);
    const w1 = hoverArray(program, program.arrays![0].range.start, { text: 'W1' });
    assert.equal(w1, 0);
    const md = arrayHoverMarkdown(program, ev.tape, w1!, { out: 'f' });
    assert.match(md, /\*\*W1\*\* — array 3×2/);
    assert.match(md, /\| 0\.5 \| −0\.3 \|\n\| −0\.8 \| 0\.2 \|\n\| 0\.7 \| 0\.9 \|/);
    assert.match(md, /\*\*∂f\/∂W1\*\* \(same shape/);
    assert.match(md, /\| 0\.9 \| −0\.3 \|\n\| 0 \| 0 \|\n\| 0\.6 \| −0\.2 \|/);
    assert.equal(hoverArray(program, 0, { text: 'nope' }), undefined);
  });

  it('CodeLens only where a user starts: the loss, a return, a value nothing later uses', () => {
    const lensNames = (file: string) => {
      const text = fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
      const targets = regexTargets(text);
      const keep = startLines(
        text,
        targets.map((t) => t.line),
      );
      return targets.filter((t) => keep.has(t.line)).map((t) => t.name);
    };
    assert.deepEqual(lensNames('network.ts'), ['loss']); // not h1..h3, y1, y2
    assert.deepEqual(lensNames('simple.ts'), ['f']);
    // With the parser's targets (every declaration it can analyse): only f, not z, h, y.
    const relu = fs.readFileSync(path.join(EXAMPLES, 'two-layer-relu.ts'), 'utf8').split('\n');
    const decl = (name: string) => relu.findIndex((l) => l.startsWith(`const ${name} =`));
    assert.deepEqual([...startLines(relu.join('\n'), ['z', 'h', 'y', 'f'].map(decl))], [decl('f')]);
    const text =
      'function f(a: number) {\n  const t = a * 2;\n  return t + 1;\n}\nconst cost = 2 * 3;\nconst u = cost + 1;\n';
    assert.deepEqual([...startLines(text, [1, 2, 4])].sort(), [2, 4]); // the return and `cost`, not t
  });
});
