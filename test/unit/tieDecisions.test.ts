// Branches a program takes at a tie (ExprProgram.ties): a number computed from the inputs compared
// with an equal one, or tested for truth at exactly 0. The function has a kink or a jump there; the
// panel and the CLI say so instead of showing the branch's gradient as if it were the only one.
// Oracle for "a kink or a jump": one-sided differences of the same program run as plain JavaScript.
import assert from 'node:assert/strict';
import { run } from './analyze';

const tiesOf = (text: string, name: string, values: Record<string, number> = {}) =>
  run(text, name, values).diagnostics.filter((d) => /tested for truth|compares two equal numbers/.test(d.message));

/** Left and right difference quotients of `f` at `x` (step h): unequal at a kink or a jump. */
function oneSided(f: (x: number) => number, x: number, h = 1e-6): [number, number] {
  return [(f(x) - f(x - h)) / h, (f(x + h) - f(x)) / h];
}

const leaky = `const w = 2;
const x = 0;
const b = 0;
const z = w * x + b;
const y = z > 0 ? z : 0.01 * z;
const loss = y * 3;
`;

describe('branches taken at a tie', () => {
  it('a leaky ReLU written with ?: at z = 0 exactly: one note naming the comparison and its place', () => {
    // plain JS: loss(x) = 3 · (2x > 0 ? 2x : 0.02x): slopes 0.06 on the left, 6 on the right
    const [left, right] = oneSided((x) => {
      const z = 2 * x;
      return 3 * (z > 0 ? z : 0.01 * z);
    }, 0);
    assert.ok(Math.abs(left - 0.06) < 1e-6 && Math.abs(right - 6) < 1e-6, `${left} ${right}`);
    const notes = tiesOf(leaky, 'loss');
    assert.equal(notes.length, 1, JSON.stringify(notes));
    assert.equal(notes[0].code, 'tie');
    assert.match(notes[0].message, /^"z > 0" \(5:11\) compares two equal numbers \(both 0\)/);
    // Away from the tie: no note.
    assert.deepEqual(tiesOf(leaky, 'loss', { x: 0.5 }), []);
  });

  it('a loop bound that is an input (i < N ends at i = N) is not a tie of the target', () => {
    const text = 'const w = 2;\nconst N = 3;\nlet s = 0;\nfor (let i = 0; i < N; i++) s += w * i;\nconst loss = s;\n';
    assert.deepEqual(tiesOf(text, 'loss'), []);
  });

  it('`z && t` at z = 0 is a jump (noted, naming z); `z || 0` at z = 0 is not (z on both sides)', () => {
    const and = 'const w = 2;\nconst x = 0;\nconst z = w * x;\nconst t = 5;\nconst g = (z && t) * w;\n';
    const [l, r] = oneSided((x) => {
      const z = 2 * x;
      return (z && 5) * 2;
    }, 0);
    assert.ok(Math.abs(l - r) > 1e3, `${l} ${r}`); // a jump from 0 to 10
    const notes = tiesOf(and, 'g');
    assert.equal(notes.length, 1, JSON.stringify(notes));
    assert.equal(notes[0].code, 'kink');
    assert.match(notes[0].message, /^"z" \(3:11\) is tested for truth at exactly 0/);
    const or = 'const w = 2;\nconst x = 0;\nconst z = w * x;\nconst g = (z || 0) * w;\n';
    assert.deepEqual(tiesOf(or, 'g'), []);
  });

  it('an equality test on a computed number (z === 0 at z = 0) is noted', () => {
    const text = 'const w = 2;\nconst x = 0;\nconst z = w * x;\nconst g = (z === 0 ? 1 : z) * w;\n';
    const notes = tiesOf(text, 'g');
    assert.equal(notes.length, 1, JSON.stringify(notes));
    assert.match(notes[0].message, /^"z === 0" \(4:12\) compares two equal numbers/);
  });

  it('a decision the target does not depend on is not noted; one note per place, however many passes', () => {
    const unrelated =
      'const a = 1;\nconst q = a * 0;\nconst flag = q > 0 ? 1 : 0;\nconst w = 2;\nconst loss = w * 2;\n';
    assert.deepEqual(tiesOf(unrelated, 'loss'), []);
    const loop =
      'const w = 0;\nconst xs = [1, 2, 3, 4];\nlet s = 0;\nfor (const x of xs) {\n  const z = w * x;\n  s += z >= 0 ? z : -z;\n}\nconst loss = s;\n';
    const notes = tiesOf(loop, 'loss');
    assert.equal(notes.length, 1, JSON.stringify(notes));
    assert.match(notes[0].message, /^"z >= 0" \(6:8\)/);
  });
});
