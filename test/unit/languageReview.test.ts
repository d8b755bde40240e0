/**
 * Fresh-eyes review of the interpreter's newer language features (sort, Map and iterators,
 * optional chains, class parameter properties, array callbacks): each program is run by us and as
 * plain JavaScript in the test; the value must be JavaScript's and each gradient must equal
 * central differences of the plain-JS program. Every case here gave another number (silently)
 * before its fix, or is now refused by name where JavaScript's answer depends on what we do not
 * model.
 */
import assert from 'node:assert/strict';
import { timSort } from '../../src/core/interp/timsort';
import { agrees, refusal } from './analyze';

describe('review: array callbacks see what JavaScript passes', () => {
  it('filter and find return the element given to the callback, not a re-read after the callback changed the array', () => {
    agrees(
      'const w = 1.5;\nconst a = [w, 2 * w, 3];\nconst f = a.filter((v, i, arr) => { arr[i] = 99; return true; });\n' +
        'const b = [w, 2, 3];\nconst g = b.find((v, i, arr) => { arr[i] = 99; return v === 2; })!;\n' +
        'const c = [w, 2, 3];\nconst h = c.findLast((v) => { c.pop(); return v === w; })!;\n' +
        'const t = f[0] * 100 + f[1] * 10 + f[2] + g * 1000 + h * 7;\n',
      't',
      ['b[1]'], // compared with ===
    );
  });

  it('an index the callback removed is skipped by forEach/reduce/reduceRight (find visits it as undefined); map leaves a hole (refused when read by in)', () => {
    agrees(
      'const w = 0.5;\nconst a = [w, 2, 3, 4];\nconst r = a.reduce((acc, v) => { a.length = 2; return acc * 10 + (v ?? 5); }, 0);\n' +
        'const b = [w, 2, 3, 4];\nlet s = 0;\nb.forEach((v) => { b.pop(); s = s * 10 + (v ?? 5); });\n' +
        'const c = [w, 2, 3, 4];\nconst rr = c.reduceRight((acc, v) => { c.length = 1; return acc * 10 + (v ?? 5); }, 0);\n' +
        'const d = [w, 2, 3];\nlet seen = 0;\nd.find((v) => { d.pop(); seen = seen * 10 + (v === undefined ? 7 : 1); return false; });\n' +
        'const t = r + s * 3 + rr * 5 + seen;\n',
      't',
    );
    assert.match(
      refusal(
        'const a = [1, 2, 3, 4];\nconst m = a.map((v) => { a.pop(); return v; });\nconst t = 3 in m ? 1 : 0;\n',
        't',
      ).message,
      /'in' on an array with an empty slot/,
    );
  });
});

describe('review: a short-circuited optional chain evaluates nothing after the ?.', () => {
  it('a?.[f()], a?.b[f()], a?.b.c(f()), g?.(f()) do not call f', () => {
    agrees(
      'const w = 2;\nlet calls = 0;\nfunction f() { calls++; return 1; }\nconst n: any = null;\nconst g: any = undefined;\n' +
        'const r = (n?.[f()] ?? w) + (n?.b[f()] ?? 0) + (n?.b.c(f()) ?? 0) + (g?.(f()) ?? 0) + (n?.[f()](f()) ?? 0);\n' +
        'const o: any = { k: [w, 3 * w], m: (x: number) => x * w };\nconst s = o?.k[f()] + o?.m(f());\n' +
        'const t = calls * 100 + r + s;\n',
      't',
    );
  });
});

describe('review: a Map/Set iterator is read once', () => {
  it('reading a keys()/values()/entries() iterator a second time is refused (JavaScript: used up, or resumes after a break)', () => {
    for (const second of ['for (const v of it) t += v;', 't += [...it].length;', 't += Array.from(it).length;'])
      assert.match(
        refusal(
          `const m = new Map([[1, 10], [2, 20]]);\nconst it = m.values();\nlet t = 0;\nfor (const v of it) { t += v; break; }\n${second}\n`,
          't',
        ).message,
        /Map\.values\(\) at 5:\d+ is read a second time: in JavaScript its first for…of, spread or Array\.from used it up/,
      );
    assert.match(
      refusal(
        'const s = new Set([1, 2]);\nconst it = s.entries();\nconst a = [...it];\nconst t = new Map(it).size;\n',
        't',
      ).message,
      /Set\.entries\(\) at 4:11 is read a second time/,
    );
    // one read each: fine
    agrees(
      'const w = 3;\nconst m = new Map([[1, w], [2, 2 * w]]);\nconst a = [...m.values()];\nlet t = 0;\nfor (const v of m.values()) t += v;\nt += a[1];\n',
      't',
    );
  });
});

describe('review: parameter properties of a derived class', () => {
  it('are set after super() returns and after the class’s fields (value and key order of JavaScript)', () => {
    agrees(
      'const w = 1.5;\nclass Q { a = 100; z = 9; constructor(public y: number) {} }\n' +
        'class P extends Q { c = 3; constructor(public a: number) { a = a * 3; super(a * 2); } }\n' +
        'class R { constructor() { (this as any).b = 50; } }\nclass S extends R { k = 2; constructor(public b: number) { super(); } }\n' +
        'class A { constructor(public x: number) {} }\nclass B extends A { constructor(public y: number) { super(y + 1); } }\n' +
        'class C extends B { k = 7; constructor(public z: number) { super(z * 2); } }\n' +
        'const p = new P(w);\nconst s = new S(w);\nconst c = new C(w);\n' +
        'const order = (o: object) => Object.keys(o).join(",");\n' +
        'const keys = (order(p) === "a,z,y,c" ? 1 : 0) + (order(s) === "b,k" ? 10 : 0) + (order(c) === "x,y,k,z" ? 100 : 0);\n' +
        'const t = keys * 1000 + p.a * 2 + p.y + s.b * 5 + c.x + c.y * 3 + c.z * 7;\n',
      't',
    );
  });
});

describe('review: sort with a comparator is node’s TimSort at every length', function () {
  this.timeout(60_000);
  it('the generator calls the comparator on node’s pairs in node’s order and gives node’s order (consistent or not, 0 to 1,200 elements)', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    for (let trial = 0; trial < 400; trial++) {
      const n = Math.floor(rnd() ** 2 * 1200);
      const kind = trial % 5;
      const objs: { k: number; i: number }[] = [];
      for (let i = 0; i < n; i++) {
        const k =
          kind === 0
            ? Math.floor(rnd() * 1000)
            : kind === 1
              ? Math.floor(rnd() * 4)
              : kind === 2
                ? i + (rnd() < 0.05 ? -50 : 0)
                : kind === 3
                  ? rnd() < 0.5
                    ? n - i
                    : i
                  : Math.floor(i / 37) % 2
                    ? i
                    : -i;
        objs.push({ k, i });
      }
      const inconsistent = trial % 7 === 0;
      const cmp = (a: { k: number; i: number }, b: { k: number; i: number }) =>
        inconsistent ? ((a.k * 7 + b.k * 3 + a.i) % 5) - 2 : a.k - b.k;
      const nodeTrace: number[] = [];
      const sorted = objs.slice().sort((a, b) => {
        nodeTrace.push(a.i, b.i);
        return cmp(a, b);
      });
      const w = objs.slice();
      const ours: number[] = [];
      const g = timSort(w as never[]);
      for (let r = g.next(0); !r.done;) {
        const [a, b] = r.value as unknown as [{ k: number; i: number }, { k: number; i: number }];
        ours.push(a.i, b.i);
        r = g.next(cmp(a, b));
      }
      assert.deepEqual(ours, nodeTrace, `trial ${trial}, ${n} elements: comparisons`);
      assert.ok(
        sorted.every((o, i) => o === w[i]),
        `trial ${trial}, ${n} elements: order`,
      );
    }
  });

  it('a comparator that counts its calls or is inconsistent gives node’s numbers on 70 and 200 elements (were: other counts)', () => {
    for (const n of [70, 200])
      agrees(
        `const w = 0.75;\nconst a = Array.from({ length: ${n} }, (_, i) => ((i * 37) % 211) * w);\nlet calls = 0;\nlet trace = 0;\n` +
          'a.sort((p, q) => {\n  calls++;\n  trace = (trace * 1.0001 + p) % 1000;\n  return p - q;\n});\n' +
          'const b = Array.from({ length: 90 }, (_, i) => (i * 13) % 17);\nconst c = b.toSorted((p, q) => ((p * 7 + q * 3) % 5) - 2);\n' +
          'let h = 0;\nfor (let j = 0; j < c.length; j++) h = (h * 31 + c[j]) % 1000003;\n' +
          'const t = calls * 1000 + a[0] + a[a.length - 1] * 2 + trace + h;\n',
        't',
        ['w', 'h', 'trace', 'calls'], // keys and accumulators under % and comparisons: piecewise
      );
  });
});
