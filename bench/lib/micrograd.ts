/**
 * The usual baseline: a micrograd-style engine (Karpathy's micrograd, ported to TS as it is
 * usually ported): one Value object per node with data, grad, _prev (children) and a
 * per-node `_backward` closure; backward() sorts topologically (iteratively: recursion
 * overflows at this depth) and calls the closures in reverse order.
 *
 * Local derivatives and the order of the two contributions of a gate are the same as in our
 * engine (e.g. div is a real div gate, not a * b^-1), so both compute the same numbers.
 */
import { ADD, DIV, EXP, MAX, MUL, SUB, TANH, type Graph } from './graph';

const noop = () => {};

export class Value {
  grad = 0;
  _backward: () => void = noop;
  constructor(
    public data: number,
    public readonly _prev: Value[] = [],
    public readonly _op = '',
  ) {}

  add(other: Value): Value {
    const out = new Value(this.data + other.data, [this, other], '+');
    out._backward = () => {
      this.grad += out.grad;
      other.grad += out.grad;
    };
    return out;
  }

  sub(other: Value): Value {
    const out = new Value(this.data - other.data, [this, other], '-');
    out._backward = () => {
      this.grad += out.grad;
      other.grad += out.grad * -1;
    };
    return out;
  }

  mul(other: Value): Value {
    const out = new Value(this.data * other.data, [this, other], '*');
    out._backward = () => {
      this.grad += out.grad * other.data;
      other.grad += out.grad * this.data;
    };
    return out;
  }

  div(other: Value): Value {
    const out = new Value(this.data / other.data, [this, other], '/');
    out._backward = () => {
      this.grad += out.grad * (1 / other.data);
      other.grad += out.grad * (-this.data / (other.data * other.data));
    };
    return out;
  }

  tanh(): Value {
    const t = Math.tanh(this.data);
    const out = new Value(t, [this], 'tanh');
    out._backward = () => {
      this.grad += out.grad * (1 - t * t);
    };
    return out;
  }

  exp(): Value {
    const out = new Value(Math.exp(this.data), [this], 'exp');
    out._backward = () => {
      this.grad += out.grad * out.data;
    };
    return out;
  }

  max(other: Value): Value {
    const out = new Value(Math.max(this.data, other.data), [this, other], 'max');
    out._backward = () => {
      // Route to the leftmost argument equal to the result (our convention, torch.relu'(0) = 0).
      if (this.data === out.data) this.grad += out.grad;
      else other.grad += out.grad;
    };
    return out;
  }

  /** Topological order by an iterative post-order DFS, then the closures in reverse order. */
  backward(): void {
    const topo: Value[] = [];
    const visited = new Set<Value>();
    const stack: Value[] = [this];
    const next: number[] = [0];
    visited.add(this);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const v = stack[top];
      const k = next[top];
      if (k < v._prev.length) {
        next[top] = k + 1;
        const c = v._prev[k];
        if (!visited.has(c)) {
          visited.add(c);
          stack.push(c);
          next.push(0);
        }
      } else {
        topo.push(v);
        stack.pop();
        next.pop();
      }
    }
    this.grad = 1;
    for (let i = topo.length - 1; i >= 0; i--) topo[i]._backward();
  }
}

/** Forward: build the Value graph of `g` (micrograd computes values while building). */
export function buildMicrograd(g: Graph): { nodes: Value[]; root: Value } {
  const nodes: Value[] = new Array(g.n);
  const { op, a, b, leafValue } = g;
  for (let i = 0; i < g.n; i++) {
    const x = nodes[a[i]];
    switch (op[i]) {
      case ADD:
        nodes[i] = x.add(nodes[b[i]]);
        break;
      case SUB:
        nodes[i] = x.sub(nodes[b[i]]);
        break;
      case MUL:
        nodes[i] = x.mul(nodes[b[i]]);
        break;
      case DIV:
        nodes[i] = x.div(nodes[b[i]]);
        break;
      case TANH:
        nodes[i] = x.tanh();
        break;
      case EXP:
        nodes[i] = x.exp();
        break;
      case MAX:
        nodes[i] = x.max(nodes[b[i]]);
        break;
      default:
        nodes[i] = new Value(leafValue[i]);
    }
  }
  return { nodes, root: nodes[g.root] };
}
