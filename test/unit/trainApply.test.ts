// "Apply to source": the text edits that write trained values into const literals.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTarget } from '../../src/parse';
import { applyEditsToText, computeValueEdits, formatLiteral } from '../../src/host/applyValues';
import { runTraining } from '../../src/core/train';

function apply(text: string, name: string, values: Record<string, number>) {
  const program = parseTarget({ text, fileName: 'test.ts', name });
  const r = computeValueEdits(text, program, values);
  return { ...r, text: applyEditsToText(text, r.edits) };
}

describe('apply to source: literal text', () => {
  it('formats with 8 significant digits, shortest round trip of that', () => {
    assert.equal(formatLiteral(0.5), '0.5');
    assert.equal(formatLiteral(0.55189683723274), '0.55189684');
    assert.equal(formatLiteral(-0.014036162628947274), '-0.014036163');
    assert.equal(formatLiteral(1e-9), '1e-9');
    assert.equal(formatLiteral(-0), '0');
    assert.equal(formatLiteral(123456789), '123456790');
    assert.equal(formatLiteral(NaN), undefined);
    assert.equal(formatLiteral(Infinity), undefined);
  });
});

describe('apply to source: edits', () => {
  it('several declarations on one line keep their formatting', () => {
    const text = 'const w11 = 0.1, w12 = -0.4;  // weights\nconst f = w11 * w12;\n';
    const r = apply(text, 'f', { w11: 0.25, w12: 0.125 });
    assert.equal(r.text, 'const w11 = 0.25, w12 = 0.125;  // weights\nconst f = w11 * w12;\n');
    assert.equal(r.edits.length, 2);
    assert.deepEqual(r.skipped, []);
  });

  it('negative values replace positive literals and the other way round', () => {
    const text = 'const a = 0.5;\nconst b = -0.4;\nconst c = - 2;\nconst f = a + b + c;';
    const r = apply(text, 'f', { a: -0.53, b: 0.7, c: -3 });
    assert.equal(r.text, 'const a = -0.53;\nconst b = 0.7;\nconst c = -3;\nconst f = a + b + c;');
  });

  it('array elements, including negative and parenthesized ones', () => {
    const text = 'const w = [0.1, -0.4, (0.7)];\nconst f = w[0] * w[1] + w[2];\n';
    const r = apply(text, 'f', { 'w[0]': 1.5, 'w[1]': -2.25, 'w[2]': 0.3 });
    assert.equal(r.text, 'const w = [1.5, -2.25, (0.3)];\nconst f = w[0] * w[1] + w[2];\n');
  });

  it('nested arrays and multi-line arrays', () => {
    const text = 'const W = [\n  [0.1, 0.2], // row 0\n  [0.3, -0.4],\n];\nconst f = W[0][1] * W[1][1];\n';
    const r = apply(text, 'f', { 'W[0][1]': -1, 'W[1][1]': 4 });
    assert.equal(r.text, 'const W = [\n  [0.1, -1], // row 0\n  [0.3, 4],\n];\nconst f = W[0][1] * W[1][1];\n');
  });

  it('type annotations, `as number`, parentheses, exponents, separators and no semicolons', () => {
    const text =
      'const a: number = 1e-3\nconst b = (2) as number;\nconst c = -(0.5);\nconst d = 1_000;\nconst e = (-0.25);\nconst f = a * b * c * d * e\n';
    const r = apply(text, 'f', { a: 0.002, b: 3, c: 0.75, d: 999.5, e: -0.5 });
    assert.equal(
      r.text,
      'const a: number = 0.002\nconst b = (3) as number;\nconst c = 0.75;\nconst d = 999.5;\nconst e = (-0.5);\nconst f = a * b * c * d * e\n',
    );
  });

  it('a top-level let is a named input and is written', () => {
    const text = 'let k = 2;\nconst f = k * 3;';
    assert.equal(apply(text, 'f', { k: 5 }).text, 'let k = 5;\nconst f = k * 3;');
  });

  it('free inputs (declare const, parameters) are reported, not written; unknown names ignored; equal values unchanged', () => {
    const text =
      'declare const k: number;\nconst a = 0.5;\nconst b = 3;\nfunction g(x: number) { return x * a * k * b; }\nconst f = g(4);';
    const r = apply(text, 'f', { a: 0.75, k: 5, b: 3, nope: 1 });
    assert.equal(r.text, text.replace('const a = 0.5', 'const a = 0.75'));
    assert.deepEqual(
      r.skipped.map((s) => s.name),
      ['k'],
    );
    assert.deepEqual(r.unchanged, ['b']);
  });

  it('a literal that no longer holds the parsed value (text changed) is skipped', () => {
    const text = 'const a = 0.5;\nconst f = a * a;';
    const program = parseTarget({ text, fileName: 't.ts', name: 'f' });
    const r = computeValueEdits(text.replace('0.5', '0.6'), program, { a: 1 });
    assert.equal(r.edits.length, 0);
    assert.match(r.skipped[0].reason, /source changed/);
  });

  it('NaN cannot be written', () => {
    const r = apply('const a = 0.5;\nconst f = a * a;', 'f', { a: NaN });
    assert.equal(r.edits.length, 0);
    assert.match(r.skipped[0].reason, /cannot be written/);
  });

  it('writes a trained examples/network.ts that parses back to the trained values', () => {
    const file = join(__dirname, '../../examples/network.ts');
    const text = readFileSync(file, 'utf8');
    const program = parseTarget({ text, fileName: file, name: 'loss' });
    const run = runTraining(program, {}, { steps: 20, lr: 0.5 });
    const r = computeValueEdits(text, program, run.final);
    assert.equal(r.edits.length, 17);
    const out = applyEditsToText(text, r.edits);
    // only literals changed: the text without numbers is identical
    const skeleton = (s: string) => s.replace(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g, '#');
    assert.equal(skeleton(out), skeleton(text));
    assert.match(out, /^const w11 = [-\d.]+, w12 = [-\d.]+, w13 = [-\d.]+;$/m);
    const again = parseTarget({ text: out, fileName: file, name: 'loss' });
    for (const node of again.nodes) {
      if (node.kind !== 'input') continue;
      const expected = run.final[node.name];
      if (expected === undefined) continue;
      assert.ok(
        Math.abs(node.value! - expected) <= 1e-8 * Math.max(1, Math.abs(expected)),
        `${node.name}: ${node.value} vs ${expected}`,
      );
    }
  });
});
