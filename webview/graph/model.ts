/**
 * The display graph: what the panel draws for an evaluation. DOM-free (unit-tested in Node).
 *
 * - Inlined helper calls (the program's `frames`) are FOLDED into one gate by default: a
 *   `sigmoid(...)` call becomes one σ node standing for every node inside the call. Its
 *   inputs are the nodes outside the frame that nodes inside it use (the bound arguments,
 *   and any outer name the body reads). A folded frame can be expanded (its body is shown,
 *   its own inner calls stay folded until expanded too).
 * - Only nodes that reach the output are shown.
 * - Beyond `maxNodes` shown nodes the graph is SUMMARIZED: the nodes nearest the output
 *   (breadth-first from the output) are shown, and the nodes at the boundary are drawn as
 *   "stub" nodes that stand for the rest of their subgraph (their value and gradient are
 *   still exact). Everything else stays available in the inputs table and the exports.
 *
 * Structure (this file) depends only on the program, the fold state and the limit; numbers
 * (values, gradients, local derivatives of folded gates) come from `edgeNumbers` so editing
 * an input never rebuilds the structure or the layout.
 */
import { callLocals, isSigmoidName } from '../../src/core/program';
import type { ExprProgram } from '../../src/core/expr';
import { OPS, type GateRole } from '../../src/core/ops';
import type { Tape } from '../../src/core/tape';

export type DisplayKind = 'input' | 'const' | 'gate' | 'folded' | 'stub';

export interface DNode {
  /** Index in DisplayGraph.nodes (ascending = topological order). */
  index: number;
  /** Tape node id this node stands for (a folded call: the call's result). */
  id: number;
  kind: DisplayKind;
  /** Short op text: '×', '+', 'σ', 'relu', 'input', 'const'. */
  symbol: string;
  /** Name or label (what `data-label` carries). */
  label: string;
  /** First line of the box: symbol and name. */
  header: string;
  role?: GateRole | 'folded';
  /** Folded call: its frame index. */
  frame?: number;
  /** Folded call: its function name. */
  fn?: string;
  /** Stub (summary mode): the node's own kind symbol, for the tooltip. */
  stubOf?: string;
  /** Expanded frames this node sits in (innermost last), for the group boxes. */
  groups: number[];
  /** Estimated box size in px (layout input). */
  width: number;
  height: number;
}

export interface DEdge {
  index: number;
  /** Display indices: argument → gate (the forward direction). */
  from: number;
  to: number;
  /** Argument position at the gate (0-based; a folded gate numbers its distinct inputs). */
  argIndex: number;
  /** Tape edge index (into tape.args/local), or -1 for the inputs of a folded gate. */
  tapeEdge: number;
}

export interface FrameInfo {
  index: number;
  fn: string;
  parent: number;
  result: number;
  /** Tape ids inside the frame (any depth), ascending. */
  members: Int32Array;
  /** Tape ids outside the frame used by its members, ascending. */
  inputs: Int32Array;
  /** False when the call cannot be drawn as one gate (e.g. `id = (a) => a`). */
  foldable: boolean;
}

export interface DisplayGraph {
  nodes: DNode[];
  edges: DEdge[];
  /** Per display node: edge indices into it (in argument order) and out of it. */
  inEdges: number[][];
  outEdges: number[][];
  /** Tape id → display index of the node that shows it (folded calls show their members), −1 if not shown. */
  byTapeId: Int32Array;
  /** Display index of the output. */
  root: number;
  frames: FrameInfo[];
  /** Frames drawn as one gate. */
  folded: Set<number>;
  /** Nodes reaching the output (after folding) and how many are drawn. */
  total: number;
  truncated: boolean;
  /** Shown in the panel when the graph is summarized. */
  message?: string;
  /** Tape node the view is rooted at (the output unless focused on a stub). */
  focus: number;
}

export interface DisplayOptions {
  /** Frames the user expanded (all others fold by default). */
  expanded?: ReadonlySet<number>;
  /** Beyond this many drawn nodes the graph is summarized. */
  maxNodes?: number;
  /** Root the view at this tape node instead of the output (summary mode drill-down). */
  focus?: number;
  precision?: number;
}

/** Monospace text metrics the renderer uses too (12px editor font). */
export const CHAR_W = 7.3;
export const LINE_H = 16;
export const NODE_PAD_X = 10;
export const NODE_H = 3 * LINE_H + 10;
export const MAX_HEADER_CHARS = 18;

export function truncate(s: string, n = MAX_HEADER_CHARS): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

/** Width of a node box: the header and the two number lines (whose length the precision bounds). */
export function nodeWidth(header: string, precision: number): number {
  const numberChars = Math.max(precision + 9, 11); // "∇ −1.234e−12 ▲"
  return Math.ceil(Math.max(truncate(header).length + 2, numberChars) * CHAR_W + 2 * NODE_PAD_X);
}

/** Display symbol of a folded helper: σ for sigmoid/logistic, tanh, relu ... else the name. */
export function foldSymbol(fn: string): string {
  if (isSigmoidName(fn)) return 'σ';
  return fn;
}

/** Frames analysis (structure only): members, outside inputs, foldability. */
export function analyzeFrames(program: ExprProgram, tape: Tape): FrameInfo[] {
  const frames = program.frames;
  const F = frames.length;
  if (F === 0) return [];
  const n = tape.size;
  const { argStart, args } = tape;
  const inner = new Int32Array(n).fill(-1);
  program.nodes.forEach((node, i) => {
    if (node.frame !== undefined) inner[i] = node.frame;
  });
  const contains = (f: number, i: number): boolean => {
    for (let g = inner[i]; g >= 0; g = frames[g].parent) if (g === f) return true;
    return false;
  };
  const members: number[][] = frames.map(() => []);
  for (let i = 0; i < n; i++) for (let g = inner[i]; g >= 0; g = frames[g].parent) members[g].push(i);
  const foldable = frames.map((fr, f) => fr.result >= 0 && contains(f, fr.result));
  const inputs: Array<Set<number>> = frames.map(() => new Set());
  // A member other than the result used outside the frame cannot be folded away.
  for (let j = 0; j < n; j++) {
    for (let k = argStart[j]; k < argStart[j + 1]; k++) {
      const a = args[k];
      for (let g = inner[a]; g >= 0; g = frames[g].parent) {
        if (a !== frames[g].result && !contains(g, j)) foldable[g] = false;
      }
      for (let g = inner[j]; g >= 0; g = frames[g].parent) if (!contains(g, a)) inputs[g].add(a);
    }
  }
  return frames.map((fr, f) => ({
    index: f,
    fn: fr.fn,
    parent: fr.parent,
    result: fr.result,
    members: Int32Array.from(members[f]),
    inputs: Int32Array.from([...inputs[f]].sort((p, q) => p - q)),
    foldable: foldable[f] && members[f].length > 0,
  }));
}

/**
 * Builds the display graph. `frames` may be passed in (from a previous call on the same
 * program) to skip the frame analysis.
 */
export function buildDisplay(
  program: ExprProgram,
  tape: Tape,
  opts: DisplayOptions = {},
  frames: FrameInfo[] = analyzeFrames(program, tape),
): DisplayGraph {
  const n = tape.size;
  const { argStart, args } = tape;
  const expanded = opts.expanded ?? new Set<number>();
  const maxNodes = Math.max(2, opts.maxNodes ?? 2000);
  const precision = opts.precision ?? 4;

  // 1. Which frames are drawn folded: foldable and not expanded, outermost wins.
  const folded = new Set<number>();
  for (const f of frames) if (f.foldable && !expanded.has(f.index)) folded.add(f.index);
  // rep[i]: tape id of the unit that shows node i (itself, or the result of its outermost folded frame).
  const rep = new Int32Array(n);
  const groupsOf = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    rep[i] = i;
    let g = program.nodes[i].frame ?? -1;
    let groups: number[] | undefined;
    while (g >= 0) {
      if (folded.has(g)) {
        rep[i] = frames[g].result;
        groups = undefined; // groups are the expanded frames outside the outermost folded one
      } else if (frames[g]?.foldable) {
        (groups ??= []).unshift(g);
      }
      g = frames[g].parent;
    }
    if (groups && rep[i] === i) groupsOf.set(i, groups);
  }
  // A folded result's own groups: the expanded frames around its frame.
  for (const f of folded) {
    const r = frames[f].result;
    if (rep[r] !== r) continue;
    const gs: number[] = [];
    for (let g = frames[f].parent; g >= 0; g = frames[g].parent)
      if (!folded.has(g) && frames[g].foldable) gs.unshift(g);
    if (gs.length) groupsOf.set(r, gs);
    else groupsOf.delete(r);
  }
  const foldedAt = new Int32Array(n).fill(-1); // result id → folded frame (outermost)
  for (const f of folded) {
    const r = frames[f].result;
    if (rep[r] === r && (foldedAt[r] < 0 || isOuter(frames, f, foldedAt[r]))) foldedAt[r] = f;
  }

  // 2. Unit-level in-edges: for a plain gate its tape args (mapped to units); for a folded
  //    gate its frame's outside inputs (mapped to units).
  const unitArgs = (u: number): Array<{ from: number; tapeEdge: number }> => {
    const f = foldedAt[u];
    if (f >= 0) {
      const seen = new Set<number>();
      const out: Array<{ from: number; tapeEdge: number }> = [];
      for (const a of frames[f].inputs) {
        const r = rep[a];
        if (r === u || seen.has(r)) continue;
        seen.add(r);
        out.push({ from: r, tapeEdge: -1 });
      }
      return out;
    }
    const out: Array<{ from: number; tapeEdge: number }> = [];
    for (let k = argStart[u]; k < argStart[u + 1]; k++) out.push({ from: rep[args[k]], tapeEdge: k });
    return out;
  };

  // 3. Breadth-first from the focus (the output): reachable units, nearest first, within budget.
  const focus = opts.focus !== undefined && opts.focus >= 0 && opts.focus < n ? rep[opts.focus] : rep[program.root];
  const state = new Uint8Array(n); // 0 unseen, 1 frontier (queued), 2 expanded (args shown)
  const queue: number[] = [focus];
  state[focus] = 1;
  let shown = 1;
  let head = 0;
  let truncated = false;
  for (; head < queue.length; head++) {
    const u = queue[head];
    const ua = unitArgs(u);
    let fresh = 0;
    for (const e of ua)
      if (state[e.from] === 0) {
        state[e.from] = 3;
        fresh++;
      } // 3: counted
    if (shown + fresh > maxNodes) {
      for (const e of ua) if (state[e.from] === 3) state[e.from] = 0;
      truncated = true;
      break;
    }
    state[u] = 2;
    shown += fresh;
    for (const e of ua)
      if (state[e.from] === 3) {
        state[e.from] = 1;
        queue.push(e.from);
      }
  }
  let total = shown;
  if (truncated) total = countReachable(focus, n, unitArgs);

  // 4. Display nodes in ascending tape id (topological: every unit's args have smaller ids).
  const ids = queue.slice().sort((p, q) => p - q);
  const byUnit = new Int32Array(n).fill(-1);
  const nodes: DNode[] = ids.map((id, index) => {
    byUnit[id] = index;
    const node = program.nodes[id];
    const isStub = state[id] === 1 && hasArgs(id);
    const f = foldedAt[id];
    let kind: DisplayKind;
    let symbol: string;
    let role: DNode['role'];
    if (f >= 0) {
      kind = 'folded';
      symbol = foldSymbol(frames[f].fn);
      role = 'folded';
    } else if (node.kind === 'op') {
      kind = 'gate';
      symbol = OPS[node.op].symbol;
      role = OPS[node.op].role;
    } else {
      kind = node.kind;
      symbol = node.kind;
    }
    const label = node.name ?? node.label;
    let header: string;
    if (kind === 'input' || kind === 'const') header = label;
    else header = node.name ? `${symbol}  ${node.name}` : symbol;
    const d: DNode = {
      index,
      id,
      kind,
      symbol,
      label,
      header,
      role,
      groups: groupsOf.get(id) ?? [],
      width: 0,
      height: NODE_H,
    };
    if (f >= 0) {
      d.frame = f;
      d.fn = frames[f].fn;
    }
    if (isStub) {
      d.stubOf = symbol;
      d.kind = 'stub';
      d.header = `⋯ ${header}`;
    }
    d.width = nodeWidth(d.header, precision);
    return d;
  });
  function hasArgs(id: number): boolean {
    return foldedAt[id] >= 0 || argStart[id + 1] > argStart[id];
  }

  // 5. Edges into every expanded unit (stubs have none drawn).
  const edges: DEdge[] = [];
  const inEdges: number[][] = nodes.map(() => []);
  const outEdges: number[][] = nodes.map(() => []);
  for (const d of nodes) {
    if (state[d.id] !== 2) continue;
    unitArgs(d.id).forEach((e, argIndex) => {
      const from = byUnit[e.from];
      if (from < 0) return;
      const edge: DEdge = { index: edges.length, from, to: d.index, argIndex, tapeEdge: e.tapeEdge };
      edges.push(edge);
      inEdges[d.index].push(edge.index);
      outEdges[from].push(edge.index);
    });
  }

  const byTapeId = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) byTapeId[i] = byUnit[rep[i]];

  const display: DisplayGraph = {
    nodes,
    edges,
    inEdges,
    outEdges,
    byTapeId,
    root: byUnit[focus],
    frames,
    folded,
    total,
    truncated,
    focus,
  };
  if (truncated) {
    display.message =
      `Showing the ${nodes.length.toLocaleString('en-US')} nodes nearest the ` +
      `${opts.focus !== undefined ? 'focused node' : 'output'} of ${total.toLocaleString('en-US')} ` +
      `(setting gradientLens.maxRenderedNodes). Dashed ⋯ nodes stand for the rest of their subgraph; ` +
      'their values and gradients are exact, and every input is in the table.';
  }
  return display;
}

function isOuter(frames: FrameInfo[], f: number, other: number): boolean {
  for (let g = frames[other].parent; g >= 0; g = frames[g].parent) if (g === f) return true;
  return false;
}

function countReachable(start: number, n: number, unitArgs: (u: number) => Array<{ from: number }>): number {
  const seen = new Uint8Array(n);
  const stack = [start];
  seen[start] = 1;
  let count = 0;
  while (stack.length) {
    const u = stack.pop()!;
    count++;
    for (const e of unitArgs(u))
      if (!seen[e.from]) {
        seen[e.from] = 1;
        stack.push(e.from);
      }
  }
  return count;
}

/** Per display edge: the local derivative and the contribution (upstream × local). */
export interface EdgeNumbers {
  local: Float64Array;
  contribution: Float64Array;
}

/**
 * Numbers on the edges. A plain edge reads the tape. A folded gate's local derivative for
 * each of its inputs is computed exactly from the tape: a backward pass restricted to the
 * frame's members, seeded with 1 at the result, using the tape's per-edge local derivatives
 * (so it is exact even where grad(result) = 0, and grad(result) × local equals the sum of the
 * contributions that flow from inside the frame into that input).
 */
export function edgeNumbers(g: DisplayGraph, tape: Tape): EdgeNumbers {
  const m = g.edges.length;
  const local = new Float64Array(m);
  const contribution = new Float64Array(m);
  const scratch = new Map<number, number>();
  for (const e of g.edges) {
    const to = g.nodes[e.to];
    if (e.tapeEdge >= 0) {
      local[e.index] = tape.local[e.tapeEdge];
    } else if (to.frame !== undefined) {
      if (!scratch.has(-1 - e.to)) foldedLocals(g, tape, to.frame, scratch, e.to);
      local[e.index] = scratch.get(e.index) ?? 0;
    }
    contribution[e.index] = tape.grad[to.id] * local[e.index];
  }
  return { local, contribution };
}

function foldedLocals(g: DisplayGraph, tape: Tape, f: number, out: Map<number, number>, toIndex: number): void {
  out.set(-1 - toIndex, 1);
  const fr = g.frames[f];
  // Sum per display input (several outside nodes may map to the same drawn unit).
  const perFrom = new Map<number, number>();
  for (const { node, local } of callLocals(tape, fr.result, fr.members)) {
    const from = g.byTapeId[node];
    if (from < 0) continue;
    perFrom.set(from, (perFrom.get(from) ?? 0) + local);
  }
  for (const ei of g.inEdges[toIndex]) out.set(ei, perFrom.get(g.edges[ei].from) ?? 0);
}

/** The local derivative's formula for an edge, for the chain-rule text. */
export function edgeFormula(g: DisplayGraph, program: ExprProgram, e: DEdge): string {
  const to = g.nodes[e.to];
  if (to.kind === 'folded') {
    if (isSigmoidName(to.fn)) return 'σ(1−σ)';
    const from = g.nodes[e.from];
    return `∂${to.fn}/∂${from.label}`;
  }
  const node = program.nodes[to.id];
  if (node.kind !== 'op') return '';
  const spec = OPS[node.op];
  return spec.formula[Math.min(e.argIndex, spec.formula.length - 1)] ?? '';
}
