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
import { OP_CODE, OP_LIST, type OpSpec } from './ops';

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

/**
 * Builds a tape node by node; every tape is built here (compileProgram from expression data,
 * the interpreter while it runs a program). The arrays grow by doubling; `build` copies them to
 * their exact sizes.
 */
export class TapeBuilder {
  /** The arrays under construction (capacity ≥ size): read them, append through the methods. */
  op: Int8Array;
  argStart: Int32Array;
  args: Int32Array;
  value: Float64Array;
  /** Nodes and edges so far. */
  n = 0;
  e = 0;

  constructor(nodeCapacity = 64, edgeCapacity = nodeCapacity * 2) {
    nodeCapacity = Math.max(1, nodeCapacity);
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
    const id = this.n;
    for (const a of args) {
      if (!(a >= 0 && a < id)) throw new RangeError(`tape: node ${id} has argument ${a}, not an earlier node`);
    }
    return this.nodeN(opCode, args, value);
  }

  // Unchecked appends, for callers whose arguments are ids this builder returned (the interpreter).

  /** A node with no arguments (a leaf when code is LEAF). */
  node0(code: number, v: number): number {
    const id = this.n;
    if (id === this.op.length) this.growNodes();
    this.op[id] = code;
    this.value[id] = v;
    this.argStart[id + 1] = this.e;
    this.n = id + 1;
    return id;
  }

  node1(code: number, a: number, v: number): number {
    if (this.e + 1 > this.args.length) this.growEdges(1);
    this.args[this.e++] = a;
    return this.node0(code, v);
  }

  node2(code: number, a: number, b: number, v: number): number {
    if (this.e + 2 > this.args.length) this.growEdges(2);
    const e = this.e;
    this.args[e] = a;
    this.args[e + 1] = b;
    this.e = e + 2;
    return this.node0(code, v);
  }

  nodeN(code: number, ids: readonly number[], v: number): number {
    if (this.e + ids.length > this.args.length) this.growEdges(ids.length);
    for (let k = 0; k < ids.length; k++) this.args[this.e++] = ids[k];
    return this.node0(code, v);
  }

  private growNodes(): void {
    const cap = this.op.length * 2;
    this.op = grow(this.op, cap, Int8Array);
    this.value = grow(this.value, cap, Float64Array);
    this.argStart = grow(this.argStart, cap + 1, Int32Array);
  }

  private growEdges(more: number): void {
    let cap = this.args.length * 2;
    while (cap < this.e + more) cap *= 2;
    this.args = grow(this.args, cap, Int32Array);
  }

  /**
   * The tape, taking the builder's arrays where they are exactly full instead of copying them
   * (a builder made with the exact capacities copies nothing); the builder is empty afterwards.
   */
  take(): Tape {
    const n = this.n;
    const e = this.e;
    const fit = <T extends Int8Array | Int32Array | Float64Array>(a: T, len: number): T =>
      a.length === len ? a : (a.slice(0, len) as T);
    const t: Tape = {
      size: n,
      op: fit(this.op, n),
      argStart: fit(this.argStart, n + 1),
      args: fit(this.args, e),
      value: fit(this.value, n),
      grad: new Float64Array(n),
      local: new Float64Array(e),
    };
    this.op = new Int8Array(1);
    this.argStart = new Int32Array(2);
    this.args = new Int32Array(1);
    this.value = new Float64Array(1);
    this.n = 0;
    this.e = 0;
    return t;
  }

  /** The tape: the arrays copied to their exact sizes, gradients and local derivatives zero. */
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

function grow<T extends Int8Array | Int32Array | Float64Array>(a: T, cap: number, Ctor: new (n: number) => T): T {
  const b = new Ctor(cap);
  b.set(a);
  return b;
}

// Hot path. The op table (ops.ts) defines every op; forward and backward below inline the
// arithmetic of the most common ops in a switch and fall back to the table for the rest.
// Calling the table's closures from one call site is megamorphic (V8 cannot inline ~36
// targets): the switch halves forward+backward time (docs/benchmarks.md). A unit test
// checks every inlined case against the table.
const ADD = OP_CODE.add,
  SUB = OP_CODE.sub,
  MUL = OP_CODE.mul,
  DIV = OP_CODE.div,
  NEG = OP_CODE.neg;
const EXP = OP_CODE.exp,
  TANH = OP_CODE.tanh;

/** Forward pass: every gate's value from its arguments' values, in topological order. */
export function forward(t: Tape): void {
  const { op, argStart, args, value } = t;
  for (let i = 0; i < t.size; i++) {
    const code = op[i];
    if (code === LEAF) continue;
    const s = argStart[i];
    switch (code) {
      case ADD:
        value[i] = value[args[s]] + value[args[s + 1]];
        break;
      case SUB:
        value[i] = value[args[s]] - value[args[s + 1]];
        break;
      case MUL:
        value[i] = value[args[s]] * value[args[s + 1]];
        break;
      case DIV:
        value[i] = value[args[s]] / value[args[s + 1]];
        break;
      case NEG:
        value[i] = -value[args[s]];
        break;
      case EXP:
        value[i] = Math.exp(value[args[s]]);
        break;
      case TANH:
        value[i] = Math.tanh(value[args[s]]);
        break;
      default:
        value[i] = forwardByTable(t, i);
    }
  }
}

/** A gate's value computed through the op table (the definition). */
function forwardByTable(t: Tape, i: number): number {
  const { argStart, args, value } = t;
  const spec = OP_LIST[t.op[i]];
  const s = argStart[i];
  const end = argStart[i + 1];
  if (spec.arity === 'n') {
    let acc = value[args[s]];
    for (let k = s + 1; k < end; k++) acc = spec.forward(acc, value[args[k]], 0);
    return acc;
  }
  return spec.forward(value[args[s]], end - s > 1 ? value[args[s + 1]] : 0, end - s > 2 ? value[args[s + 2]] : 0);
}

/**
 * Backward pass from `root` (default: the last node). Gradients start at zero (a fresh run
 * never sees old gradients), ∂root/∂root = 1, then each gate, in reverse topological order,
 * computes its local derivatives and sends upstream × local to each argument. Fills `grad`
 * and `local`.
 */
export function backward(t: Tape, root = t.size - 1): void {
  const { op, argStart, args, grad, local } = t;
  grad.fill(0);
  local.fill(0);
  if (root < 0) return;
  grad[root] = 1;
  const live = liveNodes(t, root);
  for (let i = root; i >= 0; i--) {
    if (op[i] === LEAF) continue;
    localDerivatives(t, i);
    if (live && !live[i]) continue; // in a branch `c ? a : b` did not take: JS never evaluates it
    const upstream = grad[i];
    for (let k = argStart[i]; k < argStart[i + 1]; k++) {
      grad[args[k]] += upstream * local[k]; // the chain rule; the one place fan-out accumulates
    }
  }
}

const COND = OP_CODE.cond;

/**
 * The nodes JavaScript actually evaluates for `root`: everything it reaches, except through the
 * branch a `c ? a : b` does not take. Undefined when the graph has no conditional (all live).
 * Without this, a NaN/Infinity local derivative in the untaken branch (Math.sqrt(x) at 0 in
 * `x > 0 ? Math.sqrt(x) : 0`) would turn 0 × ∞ into a NaN gradient.
 */
export function liveNodes(t: Tape, root = t.size - 1): Uint8Array | undefined {
  const { op, argStart, args, value } = t;
  let hasCond = false;
  for (let i = 0; i <= root && !hasCond; i++) hasCond = op[i] === COND;
  if (!hasCond) return undefined;
  const live = new Uint8Array(t.size);
  live[root] = 1;
  for (let i = root; i >= 0; i--) {
    if (!live[i] || op[i] === LEAF) continue;
    const s = argStart[i];
    if (op[i] === COND) {
      live[args[s]] = 1;
      live[args[value[args[s]] ? s + 1 : s + 2]] = 1;
    } else {
      for (let k = s; k < argStart[i + 1]; k++) live[args[k]] = 1;
    }
  }
  return live;
}

/** Fills local[k] = ∂node_i/∂arg_k for node i's edges. */
function localDerivatives(t: Tape, i: number): void {
  const { op, argStart, args, value, local } = t;
  const s = argStart[i];
  const code = op[i];
  switch (code) {
    case ADD:
      local[s] = 1;
      local[s + 1] = 1;
      return;
    case SUB:
      local[s] = 1;
      local[s + 1] = -1;
      return;
    case MUL:
      local[s] = value[args[s + 1]];
      local[s + 1] = value[args[s]];
      return;
    case DIV: {
      const a = value[args[s]];
      const b = value[args[s + 1]];
      local[s] = 1 / b;
      local[s + 1] = -a / (b * b);
      return;
    }
    case NEG:
      local[s] = -1;
      return;
    case EXP:
      local[s] = value[i];
      return;
    case TANH:
      local[s] = 1 - value[i] * value[i];
      return;
  }
  const spec = OP_LIST[code];
  const end = argStart[i + 1];
  if (spec.arity === 'n') {
    const chosen = chosenArgument(t, i);
    for (let k = s; k < end; k++) local[k] = k === chosen ? 1 : 0;
    return;
  }
  const a = value[args[s]];
  const b = end - s > 1 ? value[args[s + 1]] : 0;
  const c = end - s > 2 ? value[args[s + 2]] : 0;
  for (let k = s; k < end; k++) local[k] = spec.local(k - s, a, b, c, value[i]);
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
  return (
    t.op.byteLength +
    t.argStart.byteLength +
    t.args.byteLength +
    t.value.byteLength +
    t.grad.byteLength +
    t.local.byteLength
  );
}

/**
 * Tapes remembered for the programs they were made with: the interpreter records a program's
 * tape while it runs, so compileProgram copies it instead of rebuilding it from a million node
 * objects. Keyed weakly by the program object (a copy, e.g. posted to the webview, has none).
 */
const COMPILED = new WeakMap<object, Tape>();

export function rememberCompiled(program: object, tape: Tape): void {
  COMPILED.set(program, tape);
}

/**
 * The tape remembered for `program` (values as built, zero gradients), handed over once: the
 * caller owns it, and later calls get undefined (compile the nodes again).
 */
export function takeCompiled(program: object, size: number): Tape | undefined {
  const t = COMPILED.get(program);
  if (t === undefined) return undefined;
  COMPILED.delete(program);
  return t.size === size ? t : undefined;
}
