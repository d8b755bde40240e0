/**
 * The backprop engine: a computational graph stored as a tape of plain typed arrays.
 *
 * Node i is a leaf (input or constant, op = LEAF) or a gate `op[i]` applied to the nodes
 * args[argStart[i] .. argStart[i+1]). Nodes are in topological order (args < i), so:
 *   forward  = one loop from 0 up,
 *   backward = one loop from the output down (reverse topological order),
 * with no recursion anywhere, and the gradient of a node that feeds several gates (fan-out)
 * is the sum of what each gate sends back: the single `grad[arg] += ...` in `backward`.
 *
 * Per node: op (1 B) + argStart (4 B) + value (8 B) + grad (8 B); per edge: arg (4 B) and its
 * local derivative (8 B). A typical expression (about one edge per node) costs ~33 B/node.
 * Typed arrays are structured-cloneable, so a tape can be posted to the webview as is.
 */
import { OP_LIST, type OpSpec } from './ops';

export const LEAF = -1;

export interface Tape {
  readonly size: number;
  /** Op code (index into OP_LIST) or LEAF. */
  readonly op: Int8Array;
  /** Node i's args are args[argStart[i] .. argStart[i + 1]). Length size + 1. */
  readonly argStart: Int32Array;
  readonly args: Int32Array;
  readonly value: Float64Array;
  readonly grad: Float64Array;
  /** Per edge (same index as `args`): ∂node/∂arg, filled by `backward`. */
  readonly local: Float64Array;
}

/** Builds a tape node by node; `push` returns the new node's id. */
export class TapeBuilder {
  private op: Int8Array;
  private argStart: Int32Array;
  private args: Int32Array;
  private value: Float64Array;
  private n = 0;
  private e = 0;

  constructor(nodeCapacity = 64, edgeCapacity = nodeCapacity * 2) {
    this.op = new Int8Array(nodeCapacity);
    this.argStart = new Int32Array(nodeCapacity + 1);
    this.args = new Int32Array(Math.max(1, edgeCapacity));
    this.value = new Float64Array(nodeCapacity);
  }

  get size(): number {
    return this.n;
  }

  leaf(value: number): number {
    return this.push(LEAF, [], value);
  }

  gate(opCode: number, args: readonly number[]): number {
    return this.push(opCode, args, 0);
  }

  private push(opCode: number, args: readonly number[], value: number): number {
    if (this.n === this.op.length) {
      const cap = this.op.length * 2;
      this.op = grow(this.op, cap, Int8Array);
      this.value = grow(this.value, cap, Float64Array);
      this.argStart = grow(this.argStart, cap + 1, Int32Array);
    }
    while (this.e + args.length > this.args.length) this.args = grow(this.args, this.args.length * 2, Int32Array);
    const id = this.n++;
    for (const a of args) {
      if (!(a >= 0 && a < id)) throw new RangeError(`tape: node ${id} has argument ${a}, not an earlier node`);
      this.args[this.e++] = a;
    }
    this.op[id] = opCode;
    this.value[id] = value;
    this.argStart[id + 1] = this.e;
    return id;
  }

  build(): Tape {
    const n = this.n;
    const e = this.e;
    return {
      size: n,
      op: this.op.slice(0, n),
      argStart: this.argStart.slice(0, n + 1),
      args: this.args.slice(0, e),
      value: this.value.slice(0, n),
      grad: new Float64Array(n),
      local: new Float64Array(e),
    };
  }
}

function grow<T extends Int8Array | Int32Array | Float64Array>(
  a: T, cap: number, Ctor: new (n: number) => T,
): T {
  const b = new Ctor(cap);
  b.set(a);
  return b;
}

/** Forward pass: every gate's value from its arguments' values, in topological order. */
export function forward(t: Tape): void {
  const { op, argStart, args, value } = t;
  for (let i = 0; i < t.size; i++) {
    const code = op[i];
    if (code === LEAF) continue;
    const spec = OP_LIST[code];
    const s = argStart[i];
    const end = argStart[i + 1];
    if (spec.arity === 'n') {
      let acc = value[args[s]];
      for (let k = s + 1; k < end; k++) acc = spec.forward(acc, value[args[k]], 0);
      value[i] = acc;
    } else {
      const a = value[args[s]];
      const b = end - s > 1 ? value[args[s + 1]] : 0;
      const c = end - s > 2 ? value[args[s + 2]] : 0;
      value[i] = spec.forward(a, b, c);
    }
  }
}

/**
 * Backward pass from `root` (default: the last node). Gradients start at zero (a fresh run
 * never sees old gradients), ∂root/∂root = 1, then each gate, in reverse topological order,
 * sends upstream × local to each argument. Fills `grad` and `local`.
 */
export function backward(t: Tape, root = t.size - 1): void {
  const { op, argStart, args, value, grad, local } = t;
  grad.fill(0);
  local.fill(0);
  if (root < 0) return;
  grad[root] = 1;
  for (let i = root; i >= 0; i--) {
    const code = op[i];
    if (code === LEAF) continue;
    const spec = OP_LIST[code];
    const s = argStart[i];
    const end = argStart[i + 1];
    const out = value[i];
    const upstream = grad[i];
    if (spec.arity === 'n') {
      const chosen = chosenArgument(t, i);
      for (let k = s; k < end; k++) {
        const d = k === chosen ? 1 : 0;
        local[k] = d;
        grad[args[k]] += upstream * d; // the chain rule; += is where fan-out accumulates
      }
    } else {
      const a = value[args[s]];
      const b = end - s > 1 ? value[args[s + 1]] : 0;
      const c = end - s > 2 ? value[args[s + 2]] : 0;
      for (let k = s; k < end; k++) {
        const d = spec.local(k - s, a, b, c, out);
        local[k] = d;
        grad[args[k]] += upstream * d; // the chain rule; += is where fan-out accumulates
      }
    }
  }
}

/**
 * For a routing gate (max/min) node i: the edge index of the argument that receives the
 * gradient: the leftmost argument equal to the result (or the first NaN if the result is NaN).
 */
export function chosenArgument(t: Tape, i: number): number {
  const { argStart, args, value } = t;
  const out = value[i];
  const nan = out !== out;
  for (let k = argStart[i]; k < argStart[i + 1]; k++) {
    const v = value[args[k]];
    if (nan ? v !== v : v === out) return k;
  }
  return argStart[i];
}

/** The spec of node i's gate, or undefined for a leaf. */
export function specOf(t: Tape, i: number): OpSpec | undefined {
  const code = t.op[i];
  return code === LEAF ? undefined : OP_LIST[code];
}

/** Bytes held by the tape's arrays (the engine's memory per graph). */
export function tapeBytes(t: Tape): number {
  return t.op.byteLength + t.argStart.byteLength + t.args.byteLength + t.value.byteLength +
    t.grad.byteLength + t.local.byteLength;
}
