// Pure logic of the inline values / hover / CodeLens (src/host/inlineText.ts), on the examples.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from '../../src/core';
import { parseTarget } from '../../src/parse';
import {
  diffEdit,
  callLocals,
  COMPACT_LEVELS,
  fitSegments,
  itemsByCurrentLine,
  itemSegments,
  joinSegments,
  chainTerms,
  formatNumber,
  formatFull,
  hoverMarkdown,
  hoverNode,
  inlineItems,
  inlineLines,
  mapOffset,
  mergeByCurrentLine,
  regexTargets,
  unmapOffset,
  STALE_SUFFIX,
} from '../../src/host/inlineText';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
function load(file: string, name: string) {
  const text = readFileSync(join(EXAMPLES, file), 'utf8');
  const program = parseTarget({ text, fileName: file, name });
  return { text, program, ev: evaluate(program) };
}
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
const both = { show: 'both' as const, precision: 4 };

describe('inline: formatNumber', () => {
  it('significant digits, trailing zeros dropped, unicode minus', () => {
    assert.equal(formatNumber(0.598687, 4), '0.5987');
    assert.equal(formatNumber(-0.0123456, 3), '−0.0123');
    assert.equal(formatNumber(-2, 4), '−2');
    assert.equal(formatNumber(12, 4), '12');
    assert.equal(formatNumber(0, 4), '0');
    assert.equal(formatNumber(-0, 4), '0');
    assert.equal(formatNumber(123456.7, 4), '123500');
    assert.equal(formatNumber(1234567, 4), '1.235e6');
    assert.equal(formatNumber(1.5e-7, 4), '1.5e−7');
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(formatNumber(-Infinity), '−∞');
  });
  it('full precision round-trips', () => {
    assert.equal(formatFull(0.1 + 0.2), '0.30000000000000004');
    assert.equal(formatFull(-4), '−4');
  });
});

describe('inline: which lines show what', () => {
  it('simple.ts: inputs on their declarations, the output (∂ = 1) on the target line', () => {
    const { text, ev } = load('simple.ts', 'f');
    const lines = inlineLines(ev, both, text);
    const byLine = Object.fromEntries(lines.map((l) => [l.line, l.text]));
    assert.equal(byLine[lineOf(text, 'const x = -2')], 'x = −2  ∂f/∂x = −4');
    assert.equal(byLine[lineOf(text, 'const y = 5')], 'y = 5  ∂f/∂y = −4');
    assert.equal(byLine[lineOf(text, 'const z = -4')], 'z = −4  ∂f/∂z = 3');
    assert.equal(byLine[lineOf(text, 'const f =')], 'f = −12  ∂f/∂f = 1');
    assert.equal(lines.length, 4);
  });

  it('network.ts: several declarations on one line are joined; helper bodies are never decorated', () => {
    const { text, ev } = load('network.ts', 'loss');
    const lines = inlineLines(ev, both, text);
    const byLine = new Map(lines.map((l) => [l.line, l]));
    const w = byLine.get(lineOf(text, 'const w11 = 0.1'))!;
    assert.deepEqual(
      w.items.map((i) => i.label),
      ['w11', 'w12', 'w13'],
    );
    assert.match(
      w.text,
      /^w11 = 0\.1 {2}∂loss\/∂w11 = −0\.01298 {3}w12 = −0\.4 {2}∂loss\/∂w12 = 0\.02686 {3}w13 = 0\.7/,
    );
    // h1 = sigmoid(...): the call's result on the call's line, named h1.
    assert.match(byLine.get(lineOf(text, 'const h1 ='))!.text, /^h1 = 0\.4354 {2}∂loss\/∂h1 = −0\.1056$/);
    assert.equal(byLine.get(lineOf(text, 'const loss ='))!.text, 'loss = 0.3259  ∂loss/∂loss = 1');
    assert.ok(!byLine.has(lineOf(text, 'const sigmoid =')), 'the helper body is not decorated');
    assert.ok(!byLine.has(lineOf(text, '// hidden layer')));
  });

  it('relu.ts: each call of a helper on the target line shows its own result', () => {
    const { text, ev } = load('relu.ts', 'y');
    const line = inlineLines(ev, both, text).find((l) => l.line === lineOf(text, 'const y ='))!;
    assert.deepEqual(
      line.items.map((i) => i.label),
      ['y', 'relu(w1 * x + b)', 'relu(w2 * x + b)'],
    );
    assert.match(line.text, /relu\(w2 \* x \+ b\) = 0 {2}∂y\/∂relu\(w2 \* x \+ b\) = 1/);
    assert.ok(!inlineLines(ev, both, text).some((l) => l.line === lineOf(text, 'const relu =')));
  });

  it('show = value / gradient / off', () => {
    const { text, ev } = load('simple.ts', 'f');
    const x = lineOf(text, 'const x = -2');
    assert.equal(inlineLines(ev, { show: 'value', precision: 4 }, text).find((l) => l.line === x)!.text, 'x = −2');
    assert.equal(
      inlineLines(ev, { show: 'gradient', precision: 4 }, text).find((l) => l.line === x)!.text,
      '∂f/∂x = −4',
    );
    assert.deepEqual(inlineLines(ev, { show: 'off', precision: 4 }, text), []);
  });

  it('segments carry the gradient sign for colouring', () => {
    const { text, ev } = load('simple.ts', 'f');
    const z = inlineLines(ev, both, text).find((l) => l.line === lineOf(text, 'const z'))!;
    assert.deepEqual(
      z.segments.map((s) => s.role),
      ['value', 'positive'],
    );
    const x = inlineLines(ev, both, text).find((l) => l.line === lineOf(text, 'const x'))!;
    assert.deepEqual(
      x.segments.map((s) => s.role),
      ['value', 'negative'],
    );
  });

  it('a multi-line target shows its largest sub-expressions on lines with nothing else', () => {
    const text = 'const a = 2;\nconst b = 3;\nconst out = a * b +\n  (a - b) ** 2;\n';
    const program = parseTarget({ text, name: 'out' });
    const ev = evaluate(program);
    const lines = inlineLines(ev, both, text);
    assert.equal(lines.find((l) => l.line === 4)!.text, '(a - b) ** 2 = 1  ∂out/∂((a - b) ** 2) = 1');
    assert.equal(inlineItems(ev, text).filter((i) => i.kind === 'expr').length, 1);
  });
});

describe('inline: long lines are shortened to fit (the panel beside a half-width editor)', () => {
  it("network.ts's three weights on one line: each level is shorter, and the least compact that fits is used", () => {
    const { text, ev } = load('network.ts', 'loss');
    const line = inlineLines(ev, both, text).find((l) => l.line === lineOf(text, 'const w11'))!;
    const full =
      'w11 = 0.1  ∂loss/∂w11 = −0.01298   w12 = −0.4  ∂loss/∂w12 = 0.02686   w13 = 0.7  ∂loss/∂w13 = −0.00294';
    assert.equal(line.text, full);
    const at = (level: number) =>
      joinSegments(fitSegments(line.items, 'loss', both, level === 0 ? Infinity : 0).segments);
    // Each level's text, by asking for exactly its width.
    const texts: string[] = [];
    for (let level = 0, room = Infinity; level < COMPACT_LEVELS; level++) {
      const fit = fitSegments(line.items, 'loss', both, room);
      texts.push(joinSegments(fit.segments));
      assert.equal(fit.level, level, `room ${room}`);
      room = texts[level].length - 1;
    }
    assert.deepEqual(texts, [
      full,
      'w11 = 0.1  ∂loss/∂w11 = −0.013   w12 = −0.4  ∂loss/∂w12 = 0.0269   w13 = 0.7  ∂loss/∂w13 = −0.00294',
      'w11 = 0.1  ∂ −0.013   w12 = −0.4  ∂ 0.0269   w13 = 0.7  ∂ −0.00294',
      '∂w11 = −0.013   ∂w12 = 0.027   ∂w13 = −0.0029',
      '∂ −0.013   ∂ 0.027   ∂ −0.0029',
    ]);
    assert.equal(at(0), full);
    // Nothing fits: the most compact form; no room limit (0 or Infinity): the full text.
    assert.equal(fitSegments(line.items, 'loss', both, 5).level, COMPACT_LEVELS - 1);
    assert.equal(joinSegments(fitSegments(line.items, 'loss', both, 0).segments), full);
    // The gradient's sign colours every level's gradient segment.
    for (let level = 0; level < COMPACT_LEVELS; level++) {
      const segs = fitSegments(line.items, 'loss', both, level === 0 ? Infinity : texts[level].length).segments;
      assert.deepEqual(
        segs.filter((s) => s.role !== 'value').map((s) => s.role),
        ['negative', 'positive', 'negative'],
      );
    }
  });

  it('no form of every item fits: the leading items that fit and `…` (the hover has them all)', () => {
    const { text, ev } = load('network.ts', 'loss');
    const line = inlineLines(ev, both, text).find((l) => l.line === lineOf(text, 'const w11'))!;
    // `const w11 = 0.1, w12 = -0.4, w13 = 0.7;` (39 columns) under the default maxColumn 60: 18 left.
    const fit = fitSegments(line.items, 'loss', both, 60 - 39 - 3);
    assert.equal(joinSegments(fit.segments), '∂w11 = −0.013   …');
    assert.deepEqual([fit.level, fit.truncated], [3, true]);
    // Room for two items at the most compact level, not three: two named is not possible, so two unnamed.
    assert.equal(joinSegments(fitSegments(line.items, 'loss', both, 22).segments), '∂ −0.013   ∂ 0.027   …');
    // Not even one item fits: the most compact form of all, as before (it runs past the edge).
    assert.equal(joinSegments(fitSegments(line.items, 'loss', both, 5).segments), '∂ −0.013   ∂ 0.027   ∂ −0.0029');
  });

  it('inline.maxColumn 60 (the default): every line of the examples ends by column 60, or shows one item', () => {
    for (const [file, name] of [
      ['network.ts', 'loss'],
      ['leaky-relu.ts', 'y'],
      ['softmax.ts', 'loss'],
      ['two-layer-relu.ts', 'f'],
    ]) {
      const { text, ev } = load(file, name);
      const src = text.split('\n');
      for (const line of inlineLines(ev, both, text)) {
        const code = src[line.line - 1];
        const room = Math.max(1, 60 - code.length - 3); // as src/host/inline.ts
        const fit = fitSegments(line.items, name, both, room);
        const shown = joinSegments(fit.segments);
        if (shown.length > room) {
          // Only when not even one item's most compact form fits.
          assert.equal(fit.level, COMPACT_LEVELS - 1, `${file}:${line.line} ${shown}`);
          assert.ok(!fit.truncated);
          const first = joinSegments(itemSegments(line.items[0], name, both, COMPACT_LEVELS - 1));
          assert.ok(first.length + 4 > room, `${file}:${line.line}: "${first} …" would fit in ${room}`);
        }
      }
    }
  });

  it('the target keeps its value (∂f/∂f = 1 goes first); arrays show fewer values; show = gradient keeps the gradient', () => {
    const { text, ev } = load('simple.ts', 'f');
    const target = inlineLines(ev, both, text).find((l) => l.line === lineOf(text, 'const f'))!;
    assert.equal(joinSegments(fitSegments(target.items, 'f', both, 12).segments), 'f = −12');
    const arr = load('two-layer-relu.ts', 'f');
    const w1 = inlineLines(arr.ev, both, arr.text).find((l) => l.line === lineOf(arr.text, 'const W1'))!;
    assert.equal(w1.text, 'W1 3×2 = [[0.5, −0.3], …]  ∂f/∂W1 = [[0.9, −0.3], …]');
    assert.equal(
      joinSegments(fitSegments(w1.items, 'f', both, 50).segments),
      'W1 3×2 = [[0.5, −0.3], …]  ∂ [[0.9, −0.3], …]',
    );
    assert.equal(joinSegments(fitSegments(w1.items, 'f', both, 30).segments), '[[0.5, …], …]  ∂ [[0.9, …], …]');
    const grad = { show: 'gradient' as const, precision: 4 };
    const x = load('simple.ts', 'f');
    const xl = inlineLines(x.ev, grad, x.text).find((l) => l.line === lineOf(x.text, 'const x'))!;
    assert.equal(joinSegments(fitSegments(xl.items, 'f', grad, 1).segments), '∂ −4');
  });

  it('items of lines an edit joined are fitted together', () => {
    const { text, ev } = load('simple.ts', 'f');
    const lines = inlineLines(ev, both, text);
    const merged = itemsByCurrentLine(lines, () => 0);
    assert.equal(
      merged.get(0)!.length,
      lines.reduce((n, l) => n + l.items.length, 0),
    );
    assert.equal(
      joinSegments(fitSegments(merged.get(0)!, 'f', both, Infinity).segments),
      joinSegments(mergeByCurrentLine(lines, () => 0).get(0)!),
    );
  });
});

describe('inline: edits', () => {
  it('mapOffset / unmapOffset follow insertions and deletions', () => {
    const edits = [
      { offset: 10, length: 0, inserted: 5 },
      { offset: 0, length: 3, inserted: 0 },
    ];
    assert.equal(mapOffset(20, edits), 22);
    assert.equal(mapOffset(5, edits), 2);
    assert.equal(mapOffset(1, edits), 0);
    assert.equal(unmapOffset(22, edits), 20);
    assert.equal(unmapOffset(9, edits), undefined); // inside the inserted text
  });
  it('lines that an edit joined are merged', () => {
    const { text, ev } = load('simple.ts', 'f');
    const lines = inlineLines(ev, both, text);
    const merged = mergeByCurrentLine(lines, () => 0);
    assert.equal(merged.size, 1);
    assert.equal(merged.get(0)!.length, 8);
    assert.ok(STALE_SUFFIX.includes('stale'));
  });
});

describe('inline: hover', () => {
  it('a use of a named gate inside another declaration: fan-out terms sum to its gradient', () => {
    const { text, program, ev } = load('network.ts', 'loss');
    const at = text.indexOf('h1 * u11');
    const id = hoverNode(program, at + 1, { text: 'h1', start: at, end: at + 2 })!;
    assert.equal(program.nodes[id].name, 'h1');
    const terms = chainTerms(ev, id);
    assert.equal(terms.length, 2);
    const sum = terms.reduce((s, t) => s + t.contribution, 0);
    assert.ok(Math.abs(sum - ev.tape.grad[id]) < 1e-15);
    const md = hoverMarkdown(ev, id, { text });
    assert.match(md, /fan-out/);
    assert.match(md, /\| `h1 \* u11` \| −0\.122747 \| 0\.5 \| −0\.0613737 \|/);
    assert.match(md, /\*\*sum\*\*.*−0\.105623/);
    assert.ok(md.includes(formatFull(ev.tape.value[id])));
    assert.ok(md.includes(formatFull(ev.tape.grad[id])));
  });

  it('a call result: its local derivative through the helper is σ(1 − σ)', () => {
    const { text, program, ev } = load('network.ts', 'loss');
    const h1 = program.nodes.findIndex((n) => n.name === 'h1');
    const f = program.frames.findIndex((fr) => fr.parent === -1 && fr.result === h1);
    const [l] = callLocals(ev, f);
    const s = ev.tape.value[h1];
    assert.ok(Math.abs(l.local - s * (1 - s)) < 1e-15);
    assert.equal(l.node, program.frames[f].args[0]);
    assert.match(hoverMarkdown(ev, h1, { text }), /\| `x1 \* w11 \+ x2 \* w21 \+ b11` \| −0\.26 \| 0\.245822 \|/);
  });

  it('a use of an input in the target, and its declaration, both give the input', () => {
    const { text, program, ev } = load('simple.ts', 'f');
    const use = text.lastIndexOf('(x + y)') + 1;
    const x = hoverNode(program, use, { text: 'x', start: use, end: use + 1 })!;
    assert.equal(program.nodes[x].kind, 'input');
    const decl = text.indexOf('const x = -2') + 6;
    assert.equal(hoverNode(program, decl, { text: 'x', start: decl, end: decl + 1 }), x);
    const md = hoverMarkdown(ev, x, { text });
    assert.match(md, /∂f\/∂x = `−4`/);
    assert.match(md, /\| `x \+ y` \| −4 \| 1 \| −4 \|/);
  });

  it('an operator gives the innermost sub-expression, with its local derivatives', () => {
    const { text, program, ev } = load('simple.ts', 'f');
    const plus = text.lastIndexOf('x + y') + 2;
    const id = hoverNode(program, plus)!;
    assert.equal(program.nodes[id].label, 'x + y');
    const md = hoverMarkdown(ev, id, { text });
    assert.match(md, /Local derivatives/);
    assert.match(md, /\| a = `x` \| −2 \| 1 \| `1` \|/);
  });

  it('the output says backprop starts there; words elsewhere in the file give nothing', () => {
    const { text, program, ev } = load('simple.ts', 'f');
    assert.match(hoverMarkdown(ev, program.root, { text }), /backpropagation starts/);
    const comment = text.indexOf('first example');
    assert.equal(hoverNode(program, comment, { text: 'first', start: comment, end: comment + 5 }), undefined);
  });
});

describe('inline: regex CodeLens targets (no parser)', () => {
  it('finds arithmetic declarations, skips literals, arrays, functions and multi-literal lines', () => {
    const text = readFileSync(join(EXAMPLES, 'network.ts'), 'utf8');
    const names = regexTargets(text).map((t) => t.name);
    assert.deepEqual(names, ['h1', 'h2', 'h3', 'y1', 'y2', 'loss']);
    const simple = readFileSync(join(EXAMPLES, 'simple.ts'), 'utf8');
    const [f] = regexTargets(simple);
    assert.equal(simple.slice(f.start, f.end), 'f');
  });
});

describe('inline: edits derived from the texts', () => {
  it('diffEdit maps offsets exactly outside the changed region, for any sequence of changes', () => {
    const before = '// header\nconst x = -2;\nconst y = 5;\n';
    const after = '// edited\n// // header\nconst x = -2;\nconst y = 5;\n';
    const edits = diffEdit(before, after);
    const x = before.indexOf('const x');
    assert.equal(after.slice(mapOffset(x, edits), mapOffset(x, edits) + 7), 'const x');
    const y = before.indexOf('const y');
    assert.equal(after.slice(mapOffset(y, edits), mapOffset(y, edits) + 7), 'const y');
    assert.deepEqual(diffEdit(before, before), []);
    const removed = diffEdit(before, before.replace('// header\n', ''));
    assert.equal(mapOffset(x, removed), 0);
  });
});

describe('inline: programs with loops (issue 10)', () => {
  const text =
    'const xs = [1, 2, 3];\nconst w = [0.5, 0.1];\nlet loss = 0;\n' +
    'for (let i = 0; i < xs.length; i++) {\n  const p = w[0] * xs[i] + w[1];\n  loss += (p - 2 * xs[i]) ** 2;\n}\n' +
    'const mse = loss / xs.length;\n';
  const program = parseTarget({ text, fileName: 'loop.ts', name: 'mse' });
  const ev = evaluate(program);
  // Plain JS, run here: the values each iteration has.
  const ps = [1, 2, 3].map((x) => 0.5 * x + 0.1);
  const losses: number[] = [];
  ps.reduce((s, p, i) => (losses.push(s + (p - 2 * (i + 1)) ** 2), losses[i]), 0);

  it('a let changed in a loop shows its last value once; so does a const in the body', () => {
    const lines = inlineLines(ev, { show: 'value', precision: 6 }, text);
    const at = (needle: string) => lines.find((l) => l.line === lineOf(text, needle))?.text;
    assert.equal(at('loss +='), `loss = ${formatNumber(losses[2], 6)}`);
    assert.equal(at('const p ='), `p = ${formatNumber(ps[2], 6)}`);
    assert.equal(at('const w ='), 'w 2 = [0.5, 0.1]'); // an array line: its shape and values (inlineArrays)
  });

  it('the hover on the loop line is about the last iteration and lists every iteration', () => {
    const offset = text.indexOf('loss +=');
    const id = hoverNode(program, offset, { text: 'loss', start: offset, end: offset + 4 })!;
    assert.equal(ev.tape.value[id], losses[2]);
    const md = hoverMarkdown(ev, id, { text });
    assert.match(md, /\*\*Per iteration\*\* of `for \(/);
    assert.match(md, /computed 3 times/);
    losses.forEach((l, i) => assert.ok(md.includes(`| ${i} | ${formatNumber(l, 6)} |`), md));
  });
  it('a helper called in a loop or a map callback decorates its line once, not once per iteration', () => {
    const src =
      'const xs = [1, 2, 3];\nconst w = [0.5, 0.1];\nfunction sq(d: number) { return d * d; }\nlet loss = 0;\n' +
      'for (const x of xs) {\n  loss += sq(w[0] * x + w[1] - 2 * x);\n}\n' +
      'const total = xs.map((x) => sq(w[0] * x)).reduce((a, b) => a + b, 0);\nconst mse = (loss + total) / xs.length;\n';
    const prog = parseTarget({ text: src, fileName: 'calls.ts', name: 'mse' });
    const lines = inlineLines(evaluate(prog), { show: 'value', precision: 6 }, src);
    const at = (needle: string) => lines.find((l) => l.line === lineOf(src, needle))?.text;
    // Plain JS: the same sums.
    const loss = [1, 2, 3].reduce((s, x) => s + (0.5 * x + 0.1 - 2 * x) ** 2, 0);
    const total = [1, 2, 3].reduce((s, x) => s + (0.5 * x) ** 2, 0);
    assert.equal(at('loss +='), `loss = ${formatNumber(loss, 6)}`);
    assert.equal(at('const total'), `total = ${formatNumber(total, 6)}`);
  });
});
