// Corpus 09: a micrograd-style Value class (add, mul, pow, tanh with backward closures that are
// never called here), instanceof, typeof, a template literal; the target is the forward `.data`.
// Source: mammadkhan/jsgrad, engine.js @ b0457adad433dbaf0fd7105b0837397b2b720d18
// Rewritten after the source (same algorithm and constructs, including its `this.grad =` in
// pow/tanh, not verbatim). Adapted: TypeScript field declarations added; inputs and target appended.
class Value {
  data: number;
  grad: number;
  op: string | null;
  children: Value[] | null;
  backward: (() => void) | undefined;
  constructor(data: number, children: Value[] | null = null, op: string | null = null) {
    this.data = data;
    this.grad = 0.0;
    this.op = op;
    this.backward;
    this.children = children;
  }
  //Operations
  add(other: Value | number) {
    const assertOther = other instanceof Value ? other : new Value(other);
    const out = new Value(this.data + assertOther.data, [this, assertOther], '+');
    out.backward = () => {
      this.grad += 1.0 * out.grad;
      assertOther.grad += 1.0 * out.grad;
    };
    return out;
  }
  mul(other: Value | number) {
    const assertOther = other instanceof Value ? other : new Value(other);
    const out = new Value(this.data * assertOther.data, [this, assertOther], '*');
    out.backward = () => {
      this.grad += assertOther.data * out.grad;
      assertOther.grad += this.data * out.grad;
    };
    return out;
  }
  pow(other: number) {
    const assertOther = typeof other == 'number' && other;
    const out = new Value(Math.pow(this.data, assertOther), [this], `**${assertOther}`);
    out.backward = () => {
      this.grad = assertOther * Math.pow(this.data, assertOther - 1) * out.grad;
    };
    return out;
  }
  //Activation
  tanh() {
    const out = new Value(Math.tanh(this.data), [this], 'tanh');
    out.backward = () => {
      this.grad = (1 - out.data ** 2) * out.grad;
    };
    return out;
  }
}

const x1 = 0.5;
const w1 = -1.5;
const x2 = 2;
const w2 = 0.75;
const bias = 0.3;
const n = new Value(x1).mul(new Value(w1)).add(new Value(x2).mul(w2)).add(bias);
const o = n.tanh().pow(2);
const out = o.data;
