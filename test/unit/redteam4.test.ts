/**
 * Red team 4: object-oriented and functional numeric code (autograd libraries written in
 * TypeScript, matrix/vector classes, closures with state, bound methods). Each program is run by
 * us and as plain JavaScript in the test (the value must be JavaScript's), and each gradient is
 * compared with central differences of the plain-JS program (never with our own engine); what we
 * cannot model must be refused by name with its line:column and what to write instead.
 */
import assert from 'node:assert/strict';
import { agrees, refusal, run } from './analyze';

const MICROGRAD = `class Value {
  data: number; grad = 0; _backward: () => void = () => {}; _prev: Set<Value>;
  constructor(data: number, children: Value[] = []) { this.data = data; this._prev = new Set(children); }
  add(other: Value | number): Value {
    const o = other instanceof Value ? other : new Value(other);
    const out = new Value(this.data + o.data, [this, o]);
    out._backward = () => { this.grad += out.grad; o.grad += out.grad; };
    return out;
  }
  mul(other: Value | number): Value {
    const o = other instanceof Value ? other : new Value(other);
    const out = new Value(this.data * o.data, [this, o]);
    out._backward = () => { this.grad += o.data * out.grad; o.grad += this.data * out.grad; };
    return out;
  }
  pow(k: number): Value {
    const out = new Value(this.data ** k, [this]);
    out._backward = () => { this.grad += k * this.data ** (k - 1) * out.grad; };
    return out;
  }
  tanh(): Value {
    const t = Math.tanh(this.data);
    const out = new Value(t, [this]);
    out._backward = () => { this.grad += (1 - t * t) * out.grad; };
    return out;
  }
  sub(o: number) { return this.add(-o); }
  backward() {
    const topo: Value[] = [];
    const visited = new Set<Value>();
    const build = (v: Value) => { if (!visited.has(v)) { visited.add(v); for (const c of v._prev) build(c); topo.push(v); } };
    build(this);
    this.grad = 1;
    for (const v of topo.reverse()) v._backward();
  }
}
const x1 = 0.8; const w1 = -0.5; const b = 0.3;
const a = new Value(x1); const w = new Value(w1);
const L = a.mul(w).add(b).tanh().sub(0.2).pow(2).add(a.mul(a));
L.backward();
const r = w.grad * 3 + a.grad;
`;

describe('red team 4: diagnostics on user-written autograd', () => {
  it('micrograd’s pow(k) with a negative base: no "gradient becomes NaN" for the constant exponent k - 1 (it flows nowhere)', () => {
    const ev = agrees(MICROGRAD, 'r');
    const nan = ev.diagnostics.filter((d) => d.code === 'non-finite-grad');
    assert.deepEqual(
      nan.map((d) => d.message),
      [],
    );
  });

  it('a NaN gradient towards an exponent that is an input is still reported', () => {
    const ev = run('const a = -2;\nconst k = 2;\nconst r = a ** k;\n', 'r');
    assert.ok(Number.isNaN(ev.inputs.find((i) => i.name === 'k')!.grad));
    assert.ok(ev.diagnostics.some((d) => d.code === 'non-finite-grad'));
  });
});

describe('red team 4: Function.prototype.bind', () => {
  it('f.bind(obj, a) calls f with this = obj and a first (was refused as an unsupported function property)', () => {
    agrees(
      'class Lin { constructor(public w: number) {} f(x: number, y: number) { return this.w * x + y; } }\n' +
        'const w = 0.9;\nconst l = new Lin(w); const l2 = new Lin(2);\nconst g = l.f.bind(l2, 3);\n' +
        'const r = l.f.call(l2, w, 1) + l.f.apply(l, [w, 2]) + g(w);\n',
      'r',
    );
  });

  it('this.forward = this.forward.bind(this) in a constructor, then the method passed to map', () => {
    agrees(
      'class Layer {\n  constructor(public w: number) { this.forward = this.forward.bind(this); }\n' +
        '  forward(x: number) { return Math.tanh(this.w * x); }\n}\n' +
        'const w = 0.7;\nconst xs = [0.5, -1, 2];\nconst r = xs.map(new Layer(w).forward).reduce((a, b) => a + b, 0);\n',
      'r',
    );
  });

  it('an arrow ignores the bound this; bind of a bound function appends; the name is "bound f"', () => {
    agrees(
      'const w = 0.7;\n' +
        'const o = { k: w, f(a: number, b: number, c: number) { return this.k * a + b * 10 + c * 100; } };\n' +
        'const h = (a: number) => a * w;\nconst g = o.f.bind(o, 1).bind(null, 2);\n' +
        "const r = h.bind({ k: 5 })(3) + g(w) + (o.f.bind(o).name === 'bound f' ? 1000 : 0);\n",
      'r',
    );
  });

  it('a bound Math function as a callback drops map’s index and array, as JavaScript does', () => {
    agrees('const x = 0.7;\nconst r = [x, 1].map(Math.exp.bind(null)).reduce((a, b) => a + b);\n', 'r');
    agrees('const x = 0.7;\nconst r = [1, 2, 3].map((k) => Math.pow.bind(null, x)(k)).reduce((a, b) => a + b);\n', 'r');
  });
});

describe('red team 4: refusals say what to write instead', () => {
  const cases: [string, string, RegExp][] = [
    [
      'Array.prototype.slice.call',
      'const x = 1.1;\nconst a = [x, 2, 3];\nconst b = Array.prototype.slice.call(a, 1);\nconst r = b[0] * x;\n',
      /Array\.prototype at 3:11: call the method on the array itself/,
    ],
    [
      'a function property other than name/call/apply/bind',
      'const x = 1.1;\nconst f = (v: number) => v;\nconst r = (f as any).length * x;\n',
      /'length' at 3:11: functions have name, call, apply, bind/,
    ],
    [
      'Number.parseFloat',
      "const x = 2.5;\nconst r = Number.parseFloat('1.5') * x;\n",
      /Number\.parseFloat in "Number\.parseFloat" at 2:11: strings are never converted to numbers here; write the number/,
    ],
    [
      'structuredClone (was "Unknown name")',
      'const x = 1.5;\nconst o = { a: [x, 2] };\nconst o2 = structuredClone(o);\nconst r = o2.a[0];\n',
      /'structuredClone' at 3:12: copy with spread or map/,
    ],
    [
      'Int32Array (was "Unknown name")',
      'const x = 1.7;\nconst a = new Int32Array(2);\na[0] = x * 3;\nconst r = a[0] + x;\n',
      /'Int32Array' at 2:15: typed arrays are not supported/,
    ],
    [
      'WeakMap (was "Unknown name")',
      'const x = 1.5;\nconst cache = new WeakMap<object, number>();\nconst k = {};\ncache.set(k, x);\nconst r = cache.get(k)!;\n',
      /'WeakMap' at 2:19: use a Map/,
    ],
    [
      'an object with valueOf in arithmetic',
      'class M { constructor(public v: number) {} valueOf() { return this.v * 2; } }\n' +
        'const x = 1.5;\nconst a: any = new M(x); const b: any = new M(3);\nconst r = a + b;\n',
      /An object is used as an operand of '\+' in "a \+ b" at 4:11: objects are never converted to numbers here .*call valueOf\(\) yourself/,
    ],
    [
      'an array in arithmetic',
      'const x = 1.5;\nconst a: any = [x];\nconst r = a * 2;\n',
      /An array is used as an operand of '\*' in "a \* 2" at 3:11: .*index it \(a\[0\]\)/,
    ],
  ];
  for (const [what, text, want] of cases) {
    it(what, () => {
      const e = refusal(text, 'r');
      assert.match(e.message, want);
    });
  }
});

describe('red team 4: #private fields are not listed', () => {
  const CLS =
    'class A {\n  #p = 5;\n  x: number;\n  constructor(x: number) { this.x = x; }\n  get p() { return this.#p; }\n}\nconst x = 1.5;\nconst a = new A(x);\n';

  it('Object.keys/values/entries skip #p (was 10, JavaScript 7.5)', () => {
    agrees(
      CLS + 'const r = Object.keys(a).length * x + Object.values(a).length + Object.entries(a).length * 10 + a.p;\n',
      'r',
    );
  });

  it('for…in, spread, Object.assign and a rest pattern skip #p', () => {
    agrees(
      CLS +
        'let r = 0;\nfor (const k in a) r += k.length * x;\nconst s: any = { ...a };\nconst t: any = Object.assign({}, a);\n' +
        'const { ...rest }: any = a;\n' +
        'r += Object.keys(s).length * 10 + Object.keys(t).length * 100 + Object.keys(rest).length * 1000 + s.x;\n',
      'r',
    );
  });

  it("a string key starting with '#' (literal or computed) is refused: it would be taken for a private field", () => {
    const lit = refusal("const x = 1.5;\nconst o = { '#tag': x };\nconst r = Object.keys(o).length * x;\n", 'r');
    assert.match(lit.message, /property name starting with '#' '#tag' at 2:13: rename the key/);
    const comp = refusal(
      "class A { #p = 5; get p() { return this.#p; } }\nconst x = 1.5;\nconst a: any = new A();\nconst r = (a['#p'] ?? 1) * x;\n",
      'r',
    );
    assert.match(comp.message, /The key '#p' at 4:12 starts with '#'/);
  });
});

describe('red team 4: Object.assign onto an accessor', () => {
  it('a target with a setter for a copied key is refused (JavaScript calls the setter: 4.5; we gave 0)', () => {
    const e = refusal(
      'const x = 1.5;\nconst t = { _v: 0, set v(y: number) { this._v = y * 3; } };\nObject.assign(t, { v: x });\nconst r = t._v;\n',
      'r',
    );
    assert.match(e.message, /Object\.assign onto an object with a setter or getter \('v'\) at 3:1: .*t\.v = \.\.\./);
  });

  it('the same through a class setter on the prototype', () => {
    const e = refusal(
      'class A { _v = 0; set v(y: number) { this._v = y * 3; } }\nconst x = 1.5;\nconst t = new A();\nObject.assign(t, { v: x });\nconst r = t._v;\n',
      'r',
    );
    assert.match(e.message, /setter or getter \('v'\) at 4:1/);
  });
});

describe('red team 4: a data property shadows an inherited accessor', () => {
  it('b.v = x sets the subclass field v, not the parent’s setter (was 50, JavaScript 1.5)', () => {
    agrees(
      'class A { _v = 0; set v(y: number) { this._v = y * 3; } get v() { return this._v; } }\n' +
        'class B extends A { v = 5; }\nconst x = 1.5;\nconst b = new B();\nb.v = x;\nconst r = b._v * 10 + b.v;\n',
      'r',
    );
  });

  it('without the field, the parent’s setter still runs', () => {
    agrees(
      'class A { _v = 0; set v(y: number) { this._v = y * 3; } get v() { return this._v; } }\n' +
        'class B extends A { constructor(x: number) { super(); this.v = x; } }\nconst x = 1.5;\nconst b = new B(x);\nconst r = b._v * 10 + b.v;\n',
      'r',
    );
  });
});

describe('red team 4: the thisArg of array callbacks', () => {
  const C = 'const x = 1.5;\nconst c = { k: x, lim: 1.8 };\nconst xs = [1, 2, 3];\n';
  const cases: [string, string][] = [
    [
      'map (was refused: "JavaScript throws a TypeError here", it does not)',
      'const r = xs.map(function (this: any, v) { return v * this.k; }, c).reduce((a, b) => a + b);\n',
    ],
    ['forEach', 'let r = 0;\nxs.forEach(function (this: any, v) { r += v * this.k; }, c);\n'],
    [
      'filter, some, every',
      'const f = xs.filter(function (this: any, v) { return v * this.k > this.lim; }, c);\n' +
        'const r = f.length * x + (xs.some(function (this: any, v) { return v * this.k > 4; }, c) ? 1 : 0) +\n' +
        '  (xs.every(function (this: any, v) { return v * this.k > 1; }, c) ? 10 : 0);\n',
    ],
    [
      'find, findLast, flatMap, Array.from',
      'const fi = xs.find(function (this: any, v) { return v * this.k > 2; }, c)!;\n' +
        'const fl = xs.findLast(function (this: any, v) { return v * this.k < 4; }, c)!;\n' +
        'const fm = xs.flatMap(function (this: any, v) { return [v, v * this.k]; }, c);\n' +
        'const af = Array.from(xs, function (this: any, v) { return v * this.k; }, c);\n' +
        'const r = fi * x + fl * 10 + fm.reduce((a, b) => a + b) + af[2] * 3;\n',
    ],
    [
      'a method passed with its object: xs.map(l.f, l)',
      'class L { constructor(public w: number) {} f(v: number) { return v * this.w; } }\n' +
        'const r = xs.map(new L(x).f, new L(x)).reduce((a, b) => a + b);\n',
    ],
    [
      'reduce’s second argument is still its start',
      'const r = xs.reduce(function (a, v) { return a + v * x; }, 10);\n',
    ],
  ];
  for (const [what, text] of cases) it(what, () => void agrees(C + text, 'r'));
});

describe('red team 4: Boolean', () => {
  it('xs.filter(Boolean) keeps the truthy numbers; Boolean(v) is JavaScript’s truthiness (was "Unknown name")', () => {
    agrees(
      'const x = 1.5;\nconst xs = [x, x - x, 2 * x, 0 / 0];\n' +
        "const r = xs.filter(Boolean).reduce((a, b) => a + b) + (Boolean('') ? 100 : 0) + (Boolean({}) ? 10 : 0) +\n" +
        '  (Boolean() ? 1000 : 0) + xs.map(Boolean).filter((b) => b).length * 1e4;\n',
      'r',
    );
  });
});

describe('red team 4: super in a static method', () => {
  it('super.make(x) is the parent class’s static make, called with this = the subclass (was "Unknown function")', () => {
    agrees(
      'class A { static k = 2; static make(x: number) { return x * this.k; } static get twice() { return this.k * 2; } }\n' +
        'class B extends A { static k = 3; static make(x: number) { return super.make(x) + super.twice + 1; } }\n' +
        'const x = 1.5;\nconst r = B.make(x) + A.make(x) * 10;\n',
      'r',
    );
  });

  it('an instance method’s super is still the parent prototype, also from an arrow inside it', () => {
    agrees(
      'class A { f(x: number) { return x * 2; } static f(x: number) { return x * 100; } }\n' +
        'class B extends A { f(x: number) { const g = (v: number) => super.f(v) + 1; return [x, x].map(g).reduce((a, b) => a + b); } }\n' +
        'const x = 1.5;\nconst r = new B().f(x);\n',
      'r',
    );
  });
});

describe('red team 4: super without extends', () => {
  it('is refused by name (it crashed with a TypeError of our own)', () => {
    const e = refusal(
      'class A { f(x: number) { return (super.valueOf as any)(x); } }\nconst x = 1.5;\nconst r = new A().f(x);\n',
      'r',
    );
    assert.match(e.message, /'super' in a class without 'extends' at 1:34/);
  });
});
