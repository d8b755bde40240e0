/**
 * The benchmark's random expression graph: a DAG in topological order, generated from a fixed
 * seed with our own PRNG, so every engine (and every run) sees exactly the same work.
 *
 * - Leaves (inputs) are scattered through the graph (~5% of nodes), values in [-1, 1).
 * - Gates pick both arguments among the last `window` (1024) nodes (fan-out: a node feeds
 *   ~1.6 gates on average), except that a node about to leave the window unused is taken as a
 *   first argument: every node reaches the root (no dead nodes that one engine would skip and
 *   another compute).
 * - Op mix: add, mul, sub, tanh, exp (only of values ≤ 0.5), div (only by |b| ≥ 1: a
 *   sigmoid-like squash), max. A gate whose value would leave [-1.5, 1.5] becomes tanh(a)
 *   instead, so values stay finite and (with the window's depth of ~3k gates) gradients stay
 *   between ~1e-19 and ~1e2: no overflow, no denormals (which would slow every engine down).
 * - The graph ends with a tree of adds over the remaining unused nodes; the root is the last node.
 *
 * Op codes are the engine's own (OP_CODE), LEAF = -1; unary gates have b = -1.
 */
import { OP_CODE, type OpName } from '../../src/core/ops';
import { LEAF, TapeBuilder, type Tape } from '../../src/core/tape';
import type { ExprNode, ExprProgram, SourceRange } from '../../src/core/expr';

export const ADD = OP_CODE.add;
export const SUB = OP_CODE.sub;
export const MUL = OP_CODE.mul;
export const DIV = OP_CODE.div;
export const TANH = OP_CODE.tanh;
export const EXP = OP_CODE.exp;
export const MAX = OP_CODE.max;

export interface Graph {
  readonly n: number;
  readonly op: Int8Array;
  readonly a: Int32Array;
  /** Second argument, or -1 for unary gates and leaves. */
  readonly b: Int32Array;
  /** Leaf values (0 for gates). */
  readonly leafValue: Float64Array;
  /** Node ids of the leaves, in order. */
  readonly inputs: Int32Array;
  readonly root: number;
  readonly edges: number;
}

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GraphOptions {
  seed?: number;
  leafFraction?: number;
  window?: number;
  /** Gates whose value would leave [-bound, bound] become tanh(a). */
  bound?: number;
}

const BOUND = 1.5;
/** Cumulative weights: add 24%, mul 22%, sub 10%, tanh 16%, exp 8%, div 8%, max 12%. */
const MIX: ReadonlyArray<readonly [number, number]> = [
  [0.24, ADD],
  [0.46, MUL],
  [0.56, SUB],
  [0.72, TANH],
  [0.8, EXP],
  [0.88, DIV],
  [1, MAX],
];

export function makeGraph(n: number, options: GraphOptions = {}): Graph {
  const { seed = 0x5eed, leafFraction = 0.05, window = 1024, bound = BOUND } = options;
  const rnd = mulberry32(seed);
  const op = new Int8Array(n);
  const a = new Int32Array(n).fill(-1);
  const b = new Int32Array(n).fill(-1);
  const val = new Float64Array(n); // values as we go, to keep them bounded
  const leafValue = new Float64Array(n);
  const used = new Uint8Array(n);
  const queue = new Int32Array(n); // FIFO of nodes in creation order; skip used ones when popping
  let qHead = 0;
  let qTail = 0;
  let unused = 0;
  const use = (id: number) => {
    if (!used[id]) {
      used[id] = 1;
      unused--;
    }
  };
  const inputs: number[] = [];
  let edges = 0;
  let i = 0;
  // Main part: stop when the add tree over the unused nodes (unused - 1 adds) fills up to n.
  for (; i < n && i + unused - 1 < n; i++) {
    if (i < 8 || rnd() < leafFraction) {
      op[i] = LEAF;
      val[i] = leafValue[i] = rnd() * 2 - 1;
      inputs.push(i);
    } else {
      // First argument: the oldest unused node once it is about to leave the window, else a
      // random recent node. Second argument: a random recent node.
      while (qHead < qTail && used[queue[qHead]]) qHead++;
      const recent = () => i - 1 - Math.floor(rnd() * Math.min(window, i));
      const x = qHead < qTail && i - queue[qHead] >= window ? queue[qHead] : recent();
      const y = recent();
      const r = rnd();
      let code = MIX[MIX.length - 1][1];
      for (const [w, c] of MIX)
        if (r < w) {
          code = c;
          break;
        }
      const vx = val[x];
      const vy = val[y];
      let v: number;
      switch (code) {
        case ADD:
          v = vx + vy;
          break;
        case SUB:
          v = vx - vy;
          break;
        case MUL:
          v = vx * vy;
          break;
        case DIV:
          v = Math.abs(vy) >= 1 ? vx / vy : NaN;
          break;
        case EXP:
          v = vx <= 0.5 ? Math.exp(vx) : NaN;
          break;
        case MAX:
          v = Math.max(vx, vy);
          break;
        default:
          v = Math.tanh(vx);
      }
      if (!(Math.abs(v) <= bound)) {
        code = TANH;
        v = Math.tanh(vx);
      }
      op[i] = code;
      a[i] = x;
      use(x);
      edges++;
      if (code !== TANH && code !== EXP) {
        b[i] = y;
        use(y);
        edges++;
      }
      val[i] = v;
    }
    queue[qTail++] = i;
    unused++;
  }
  // Fold the unused nodes into one root with a balanced tree of adds.
  for (; unused > 1; i++) {
    while (used[queue[qHead]]) qHead++;
    const x = queue[qHead];
    use(x);
    while (used[queue[qHead]]) qHead++;
    const y = queue[qHead];
    use(y);
    op[i] = ADD;
    a[i] = x;
    b[i] = y;
    val[i] = val[x] + val[y];
    edges += 2;
    queue[qTail++] = i;
    unused++;
  }
  // The main loop may stop one node short of the exact fold size: pad with tanh(root).
  for (; i < n; i++) {
    op[i] = TANH;
    a[i] = i - 1;
    val[i] = Math.tanh(val[i - 1]);
    edges++;
  }
  if (unused !== 1) throw new Error(`graph: ${unused} unused nodes at the end (n too small?)`);
  return { n, op, a, b, leafValue, inputs: Int32Array.from(inputs), root: n - 1, edges };
}

/** The graph as our engine's tape (built with the public TapeBuilder API). */
export function toTape(g: Graph): Tape {
  const tb = new TapeBuilder(g.n, g.edges);
  for (let i = 0; i < g.n; i++) {
    if (g.op[i] === LEAF) tb.leaf(g.leafValue[i]);
    else tb.gate(g.op[i], g.b[i] < 0 ? [g.a[i]] : [g.a[i], g.b[i]]);
  }
  return tb.build();
}

const NAMES: Record<number, OpName> = {
  [ADD]: 'add',
  [SUB]: 'sub',
  [MUL]: 'mul',
  [DIV]: 'div',
  [TANH]: 'tanh',
  [EXP]: 'exp',
  [MAX]: 'max',
};

/** The graph as an ExprProgram (what the front end would produce), for the panel-path section. */
export function toProgram(g: Graph): ExprProgram {
  const range: SourceRange = { start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };
  const nodes: ExprNode[] = [];
  for (let i = 0; i < g.n; i++) {
    if (g.op[i] === LEAF) {
      nodes.push({ kind: 'input', name: `x${i}`, label: `x${i}`, value: g.leafValue[i], free: false, range });
    } else {
      const args = g.b[i] < 0 ? [g.a[i]] : [g.a[i], g.b[i]];
      nodes.push({ kind: 'op', op: NAMES[g.op[i]], args, label: `n${i}`, range });
    }
  }
  return { nodes, root: g.root, frames: [], target: { text: 'bench', range } };
}
