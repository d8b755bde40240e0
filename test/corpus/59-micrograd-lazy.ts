// Corpus 59: a micrograd Value class whose forward pass is lazy: every op builds the node with
// `data` undefined and a `_forward` closure, `add(...others)` takes rest arguments and wraps plain
// numbers with `instanceof Value ? … : new Value(…)`, `sub` and `div` are built from `mul`,
// `pow` labels its node with a template literal, the constructor reads an unset static
// (`Value.group`) and returns `this`, and backward() zeroes and walks `getTopo().reverse()`
// (a Set and a recursive buildTopo); the target mixes the loss with micrograd's own gradients.
// Source: ellatrix/micrograd, engine.js @ 0093325765b8c9bd40f4876a74fe454b154bfb90
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the Matrix
// class (numjs) dropped; the expression, the inputs and the target appended.
class Value {
  constructor(data, _children = [], _operation = '', label = '') {
    this.data = data;
    this.grad = 0;
    this._backward = () => {};
    this._forward = () => {};
    this._prev = new Set(_children);
    this._operation = _operation;
    this.label = label;
    this.group = Value.group;
    return this;
  }
  add(...others) {
    others = others.map((other) => (other instanceof Value ? other : new Value(other)));
    const out = new Value(undefined, [this, ...others], '+');
    out._forward = () => {
      this._forward();
      out.data = this.data;
      others.forEach((other) => {
        other._forward();
        out.data += other.data;
      });
    };
    out._backward = () => {
      this.grad += out.grad;
      others.forEach((other) => (other.grad += out.grad));
    };
    return out;
  }
  sub(other) {
    return this.add(new Value(-1).mul(other));
  }
  mul(other) {
    other = other instanceof Value ? other : new Value(other);
    const out = new Value(undefined, [this, other], '*');
    out._forward = () => {
      this._forward();
      other._forward();
      out.data = this.data * other.data;
    };
    out._backward = () => {
      this.grad += other.data * out.grad;
      other.grad += this.data * out.grad;
    };
    return out;
  }
  tanh() {
    const out = new Value(undefined, [this], 'tanh');
    out._forward = () => {
      this._forward();
      out.data = Math.tanh(this.data);
    };
    out._backward = () => {
      this.grad += (1 - Math.tanh(this.data) ** 2) * out.grad;
    };
    return out;
  }
  exp() {
    const out = new Value(undefined, [this], 'exp');
    out._forward = () => {
      this._forward();
      out.data = Math.exp(this.data);
    };
    out._backward = () => {
      this.grad += out.data * out.grad;
    };
    return out;
  }
  pow(other) {
    const out = new Value(undefined, [this], `**${other}`);
    out._forward = () => {
      this._forward();
      out.data = this.data ** other;
    };
    out._backward = () => {
      this.grad += other * this.data ** (other - 1) * out.grad;
    };
    return out;
  }
  div(other) {
    other = other instanceof Value ? other : new Value(other);
    return this.mul(other.pow(-1));
  }
  log() {
    const out = new Value(undefined, [this], 'log');
    out._forward = () => {
      this._forward();
      out.data = Math.log(this.data);
    };
    out._backward = () => {
      this.grad += (1 / this.data) * out.grad;
    };
    return out;
  }
  forward() {
    this._forward();
  }
  backward() {
    const reversed = this.getTopo().reverse();
    for (const node of reversed) {
      node.grad = 0;
    }
    this.grad = 1;
    for (const node of reversed) {
      node._backward();
    }
  }
  getTopo() {
    if (this.topo) {
      return this.topo;
    }
    this.topo = [];
    const visited = new Set();
    const buildTopo = (node) => {
      if (!visited.has(node)) {
        visited.add(node);
        for (const child of node._prev) {
          buildTopo(child);
        }
        this.topo.push(node);
      }
    };
    buildTopo(this);
    return this.topo;
  }
}

const a0 = 0.8;
const b0 = -1.3;
const c0 = 0.4;
const a = new Value(a0, [], '', 'a');
const b = new Value(b0, [], '', 'b');
const c = new Value(c0, [], '', 'c');
const e = a.mul(b).add(c, 1.5);
const L = e.tanh().sub(a.exp().div(2)).pow(2).add(c.mul(c)).log();
L.forward();
L.backward();
const result = L.data + 0.25 * a.grad - b.grad * c.grad;
