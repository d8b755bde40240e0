/**
 * src/parse/text.ts: abbreviate (node labels, target text, messages) against its definition, and
 * source ranges against TypeScript's line and character of a position.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ts } from 'ts-morph';
import { abbreviate, SourceText } from '../../src/parse/text';

/** The definition: whitespace runs → one space, trimmed, the middle replaced by '…' beyond `max`. */
function reference(text: string, start: number, end: number, max: number): string {
  const full = text
    .slice(start, end)
    .replace(/[ \t\n\r\v\f\u00a0\ufeff]+/g, ' ')
    .trim();
  if (full.length <= max) return full;
  const headLen = Math.ceil((max - 1) / 2);
  const tailLen = max - 1 - headLen;
  return full.slice(0, headLen).trimEnd() + '…' + full.slice(full.length - tailLen).trimStart();
}

describe('abbreviate', () => {
  it('equals its definition on texts of any length, whitespace and window', () => {
    const piece = fc.constantFrom('a', 'x1', ' + ', '  ', '\n', '\t', '\u00a0', '(', ')', '  \n  ', 'x0 + ', '*');
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 400 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom(1, 2, 3, 10, 24, 48, 60, 200),
        (pieces, a, b, max) => {
          const text = pieces.join('');
          const s = text.length ? a % (text.length + 1) : 0;
          const e = s + (text.length - s ? b % (text.length - s + 1) : 0);
          assert.equal(abbreviate(text, s, e, max), reference(text, s, e, max));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps a short collapsed text whole when a window at either end holds only blanks (found by the property)', () => {
    for (const [pieces, s, e] of [
      [[' + ', '  \n  ', 'a', '  \n  ', '\t', 'a', ' + '], 2, 15],
      [['x1', '  \n  ', '  \n  ', ' + ', '  '], 3, 16],
    ] as const) {
      const text = pieces.join('');
      assert.equal(abbreviate(text, s, e, 1), reference(text, s, e, 1));
    }
  });

  it('labels a 20,000-term sum by its two ends', () => {
    const text = 'const s = ' + Array.from({ length: 20_000 }, (_, i) => `x${i % 5}`).join(' + ') + ';';
    const label = abbreviate(text, 10, text.length - 1, 48);
    assert.equal(label, reference(text, 10, text.length - 1, 48));
    assert.equal(label, 'x0 + x1 + x2 + x3 + x4 +…x0 + x1 + x2 + x3 + x4');
  });
});

describe('SourceText.abbrev', () => {
  it('equals the definition for every node of long chains, asked in any order (it reuses the last long label)', function () {
    this.timeout(20000);
    const piece = fc.constantFrom('1', 'x0', ' + ', ' * ', '  +  ', '\n+ ', '\t', '(1 + 1)', ' - 2', '  ', '\n');
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 300, size: 'max' }),
        fc.constantFrom(1, 10, 24, 48, 60),
        fc.boolean(),
        (pieces, max, reverse) => {
          const text = `const s = ${pieces.join('')};`;
          const sf = ts.createSourceFile('/a.ts', text, ts.ScriptTarget.Latest, false);
          const src = new SourceText(sf, 'a.ts');
          const nodes: ts.Node[] = [];
          const stack: ts.Node[] = [sf];
          while (stack.length) {
            const n = stack.pop()!;
            nodes.push(n);
            ts.forEachChild(n, (c) => void stack.push(c));
          }
          if (reverse) nodes.reverse();
          for (const n of nodes) {
            const start = n.getStart(sf);
            assert.equal(src.abbrev(n, max), reference(text, start, n.end, max));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('SourceText.rangeOf', () => {
  it("gives TypeScript's line and character for every offset, whatever the line breaks", () => {
    const piece = fc.constantFrom('a', 'bc', ' ', '\n', '\r\n', '\r', '\u2028', '\u2029', '\n\n', '// x\n');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.constantFrom(0, 1), (pieces, bom) => {
        const text = pieces.join('');
        const sf = ts.createSourceFile('/a.ts', text, ts.ScriptTarget.Latest, false);
        const src = new SourceText(sf, 'a.ts', bom);
        for (let s = 0; s <= text.length; s++) {
          const e = Math.min(text.length, s + 3);
          const a = sf.getLineAndCharacterOfPosition(s);
          const b = sf.getLineAndCharacterOfPosition(e);
          assert.deepEqual(src.rangeOf(s, e), {
            start: s + bom,
            end: e + bom,
            line: a.line + 1,
            column: a.character + 1,
            endLine: b.line + 1,
            endColumn: b.character + 1,
          });
        }
      }),
      { numRuns: 500 },
    );
  });
});
