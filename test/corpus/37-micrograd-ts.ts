// Corpus 37: a TypeScript micrograd: a Value class with constructor parameter properties and
// initialised fields, and free functions (add, mul, pow, neg, div) that build nodes and attach
// inner `function _backward()` closures; the target is the forward `.data`.
// Source: pedrogleta/microgradts, src/index.ts @ e562d2b965ff915e15abf083e3b3f5acc5995ee6
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the
// recursive backward() method (Set, topological sort) is left out because nothing here calls it;
// `export` dropped; inputs and target appended.
class Value {
  public grad: number = 0;
  public _backward: () => void = () => {};

  constructor(
    public data: number,
    public _children: Value[] = [],
    public _op = '',
  ) {}
}

const add = (a: Value, b: Value) => {
  const out = new Value(a.data + b.data, [a, b], '+');
  function _backward() {
    a.grad += 1 * out.grad;
    b.grad += 1 * out.grad;
  }
  out._backward = _backward;
  return out;
};

const mul = (a: Value, b: Value) => {
  const out = new Value(a.data * b.data, [a, b], '*');
  function _backward() {
    a.grad += b.data * out.grad;
    b.grad += a.data * out.grad;
  }
  out._backward = _backward;
  return out;
};

const pow = (a: Value, b: Value) => {
  const out = new Value(a.data ** b.data, [a, b], '**');
  function _backward() {
    a.grad += b.data * a.data ** (b.data - 1) * out.grad;
    b.grad += Math.log(a.data) * a.data ** b.data * out.grad;
  }
  out._backward = _backward;
  return out;
};

const neg = (a: Value) => {
  const out = new Value(-a.data, [a], '-');
  function _backward() {
    a.grad += -1 * out.grad;
  }
  out._backward = _backward;
  return out;
};

const div = (a: Value, b: Value) => {
  const out = new Value(a.data / b.data, [a, b], '/');
  function _backward() {
    a.grad += (1 / b.data) * out.grad;
    b.grad += (-a.data / b.data ** 2) * out.grad;
  }
  out._backward = _backward;
  return out;
};

const a0 = 1.5;
const b0 = -0.8;
const exponent = 2.5;
const a = new Value(a0);
const b = new Value(b0);
const c = div(add(mul(a, b), pow(a, new Value(exponent))), neg(b));
const out = c.data;
