/**
 * The array-level graph (the vector view): the traced scalar tape grouped into array nodes,
 * with each edge's Jacobian, the vectorized chain rule and per-iteration (minibatch)
 * contributions. Pure TypeScript, no recursion (explicit stacks and heaps throughout).
 *
 * Groups. Every ArrayGroup of the program becomes a group (identical element lists are one
 * group with aliases; an array entirely made of another group's elements is a *view* of it);
 * the root is a scalar group; named values computed across loop iterations (`const d = ...`
 * inside a loop) become one vector over the iterations; other named scalars and inputs not in
 * an array are scalar groups. Each scalar node is *owned* by at most one group.
 *
 * Edges. Walking the tape backwards from a group's own elements through unowned nodes until
 * owned nodes are hit gives the groups it depends on. The Jacobian J_BA = ∂B/∂A of an edge A→B
 * is the sum over the paths from A's elements to B's elements whose interior nodes are
 * unowned (other groups held fixed), so the gradient of every owned node ≠ root is exactly
 *
 *     ∂L/∂A = Σ_B J_BAᵀ · ∂L/∂B       (the vectorized chain rule; fan-out sums over B)
 *
 * which `chainRule` checks against the tape. A group whose elements depend on its own earlier
 * elements (an accumulator `loss += ...`) has a self-edge.
 */
import type { ExprProgram, LoopInfo, SourceRange } from './expr';
import { OP_CODE, OP_LIST, type GateRole, type OpName } from './ops';
import { LEAF, chosenArgument, liveNodes, type Tape } from './tape';

export type GroupKind = 'array' | 'root' | 'input' | 'named' | 'iterations';

export interface VectorGroup {
  id: number;
  /** `W1`, `h`, `loss`: the array's label, the variable name, or the target. */
  label: string;
  /** Labels of other arrays with exactly the same elements (`const v = w` makes `w` an alias). */
  aliases: string[];
  kind: GroupKind;
  /** [] for a scalar, [n] for a vector, [rows, cols] for a matrix. */
  shape: number[];
  /** Node ids, row-major (length = product of shape). */
  elements: number[];
  /** Flat indices into `elements` of the elements this group owns (usually all of them). */
  owned: number[];
  range: SourceRange;
  /** Index into program.arrays (kind 'array'). */
  array?: number;
  /** The loop whose iterations index this group (kind 'iterations'). */
  loop?: number;
  /** Groups that own some of this group's elements (shared elements, e.g. `[...x, 1]`). */
  sharesWith: number[];
  /**
   * The same binding recorded once per loop iteration (`const h = ...` in a loop over samples),
   * stacked: the first dimension (this many) runs over the recordings in execution order.
   */
  stacked?: number;
}

/** An array made entirely of another group's elements (`const r = W[0]`): shown inside that group. */
export interface VectorViewOf {
  label: string;
  array: number;
  of: number;
}

export type EdgeRole = GateRole | 'mixed';

export interface VectorEdge {
  id: number;
  /** A: the group whose elements are arguments. */
  from: number;
  /** B: the group whose elements depend on them. */
  to: number;
  /** Ops of the gates that take A's elements as arguments on the way to B (what A's gradient meets first). */
  gates: OpName[];
  /**
   * The seed's vocabulary for what the gates between A and B do to the gradient, the strongest on
   * any path: nonlinear > route (max) > select (?:) > switch (mul) > scale > distribute (add);
   * `mixed` when the paths both switch and route (a whole layer W·x → ReLU).
   */
  role: EdgeRole;
  /** Groups owning the *other* arguments of those gates (for mul: the factor A is multiplied by). */
  partners: number[];
}

export interface VectorGraph {
  program: ExprProgram;
  groups: VectorGroup[];
  edges: VectorEdge[];
  views: VectorViewOf[];
  /** Owning group per node, or -1. */
  owner: Int32Array;
  /** Flat index of the node in its owning group's `elements`, or -1. */
  ownerIndex: Int32Array;
  rootGroup: number;
  /** Edge ids into / out of each group. */
  inEdges: number[][];
  outEdges: number[][];
  /** Unowned nodes each group's walk went through (its interior), for "expand into scalars". */
  interior: number[][];
}

/**
 * The loops the target's graph went through: those some node was computed in, and their enclosing
 * loops. `program.loops` lists every loop that ran, also loops elsewhere in the file (a top-level
 * `for` that fills a table the target never reads).
 */
export function graphLoops(program: ExprProgram): Set<number> {
  const loops = program.loops ?? [];
  const used = new Set<number>();
  for (const node of program.nodes) {
    let l = node.loop ?? -1;
    // Walk out to the enclosing loops; stop at one already seen (its parents are in) or after
    // loops.length steps (a malformed parent chain).
    for (let guard = loops.length; l >= 0 && l < loops.length && !used.has(l) && guard > 0; guard--) {
      used.add(l);
      l = loops[l].parent;
    }
  }
  return used;
}

/**
 * True when the target's graph has arrays or loops: the vector view is the default for it. Arrays
 * are recorded only when all their elements are in the graph; loops count only when some node of
 * the graph was computed in them.
 */
export function hasVectorStructure(program: ExprProgram): boolean {
  return (program.arrays?.length ?? 0) > 0 || graphLoops(program).size > 0;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

const OFF_PATH = new WeakMap<ExprProgram, ExprProgram>();

/**
 * The program the vector view groups: `program` with its off-path arrays (ExprProgram.offPath,
 * softmax's `p` when the loss reads only `p[label]`) appended after its nodes, so a named array
 * shows whole, with ∂L/∂ = 0 where it does not reach the target. The same object for the same
 * program. Other views read `program` itself.
 */
export function withOffPath(program: ExprProgram): ExprProgram {
  const off = program.offPath;
  if (!off || off.nodes.length + off.arrays.length === 0) return program;
  let ext = OFF_PATH.get(program);
  if (!ext) {
    ext = {
      ...program,
      nodes: program.nodes.concat(off.nodes),
      arrays: (program.arrays ?? []).concat(off.arrays),
    };
    delete ext.offPath;
    OFF_PATH.set(program, ext);
  }
  return ext;
}

/**
 * `tape` (the evaluation of the program's own nodes) extended to the nodes of `ext`
 * (withOffPath): the off-path nodes' values computed forward from the tape's, their gradients 0
 * (they are after the root). `tape` itself when there are none.
 */
export function offPathTape(ext: ExprProgram, tape: Tape): Tape {
  const n = ext.nodes.length;
  if (n <= tape.size) return tape;
  let edges = tape.args.length;
  for (let i = tape.size; i < n; i++) {
    const node = ext.nodes[i];
    if (node.kind === 'op') edges += node.args.length;
  }
  const op = new Int8Array(n);
  op.set(tape.op);
  const argStart = new Int32Array(n + 1);
  argStart.set(tape.argStart);
  const args = new Int32Array(edges);
  args.set(tape.args);
  const value = new Float64Array(n);
  value.set(tape.value);
  const grad = new Float64Array(n);
  grad.set(tape.grad);
  const local = new Float64Array(edges);
  local.set(tape.local);
  let e = tape.args.length;
  for (let i = tape.size; i < n; i++) {
    const node = ext.nodes[i];
    argStart[i] = e;
    if (node.kind !== 'op') {
      op[i] = LEAF;
      value[i] = node.kind === 'const' ? node.value : (node.value ?? NaN);
      continue;
    }
    const code = OP_CODE[node.op];
    const spec = OP_LIST[code];
    op[i] = code;
    for (const a of node.args) args[e++] = a;
    const at = argStart[i];
    if (spec.arity === 'n') {
      let acc = value[args[at]];
      for (let k = at + 1; k < e; k++) acc = spec.forward(acc, value[args[k]], 0);
      value[i] = acc;
    } else {
      const count = e - at;
      value[i] = spec.forward(
        value[args[at]],
        count > 1 ? value[args[at + 1]] : 0,
        count > 2 ? value[args[at + 2]] : 0,
      );
    }
  }
  argStart[n] = e;
  return { size: n, op, argStart, args, value, grad, local };
}

/** `3×2`, `3`, or `scalar`. */
export function shapeText(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('×');
}

/** Groups the program's scalar nodes and finds the edges between the groups. */
export function buildVectorGraph(program: ExprProgram): VectorGraph {
  const n = program.nodes.length;
  const owner = new Int32Array(n).fill(-1);
  const ownerIndex = new Int32Array(n).fill(-1);
  const groups: VectorGroup[] = [];
  const views: VectorViewOf[] = [];

  const addGroup = (g: Omit<VectorGroup, 'id' | 'owned' | 'sharesWith' | 'aliases'>, aliases: string[] = []) => {
    const id = groups.length;
    const owned: number[] = [];
    const shares = new Set<number>();
    g.elements.forEach((node, flat) => {
      if (owner[node] < 0) {
        owner[node] = id;
        ownerIndex[node] = flat;
        owned.push(flat);
      } else if (owner[node] !== id) shares.add(owner[node]);
    });
    groups.push({ ...g, id, owned, aliases, sharesWith: [...shares] });
    return id;
  };

  // 1. Arrays: identical element lists merge (aliases); the same binding recorded once per loop
  //    iteration (same label and source range, same shape, disjoint elements) stacks into one
  //    group with the iterations as its first dimension; larger arrays claim their elements
  //    first, so a matrix owns its rows and a row bound to its own name becomes a view.
  const arrays = program.arrays ?? [];
  const byElements = new Map<string, number[]>();
  arrays.forEach((a, i) => {
    if (a.elements.length === 0) return;
    for (const e of a.elements) {
      if (!(Number.isInteger(e) && e >= 0 && e < n))
        throw new RangeError(`array ${a.label}: element ${e} is not a node`);
    }
    const key = a.elements.join(',');
    const list = byElements.get(key);
    if (list) list.push(i);
    else byElements.set(key, [i]);
  });
  interface Candidate {
    members: number[];
    shape: number[];
    elements: number[];
    stacked?: number;
  }
  const shapeOf = (a: (typeof arrays)[number]) =>
    product(a.shape) === a.elements.length ? a.shape.slice() : [a.elements.length];
  const bySite = new Map<string, number[][]>();
  for (const members of byElements.values()) {
    const a = arrays[members[0]];
    const site = `${a.label}@${a.range.start}:${a.range.end}`;
    const list = bySite.get(site);
    if (list) list.push(members);
    else bySite.set(site, [members]);
  }
  const candidates: Candidate[] = [];
  for (const recordings of bySite.values()) {
    const first = arrays[recordings[0][0]];
    const shape = shapeOf(first);
    const seen = new Set<number>();
    const stackable =
      recordings.length > 1 &&
      recordings.every((m) => shapeOf(arrays[m[0]]).join() === shape.join()) &&
      recordings.every((m) => arrays[m[0]].elements.every((e) => !seen.has(e) && seen.add(e)));
    if (!stackable) {
      for (const members of recordings)
        candidates.push({ members, shape: shapeOf(arrays[members[0]]), elements: arrays[members[0]].elements });
      continue;
    }
    const ordered = recordings
      .map((m) => ({ m, at: arrays[m[0]].elements.reduce((x, y) => Math.min(x, y), Infinity) }))
      .sort((x, y) => x.at - y.at)
      .map((x) => x.m);
    candidates.push({
      members: ordered.map((m) => m[0]),
      shape: [ordered.length, ...shape],
      elements: ordered.flatMap((m) => arrays[m[0]].elements),
      stacked: ordered.length,
    });
  }
  candidates.sort((p, q) => q.elements.length - p.elements.length || p.members[0] - q.members[0]);
  for (const c of candidates) {
    const a = arrays[c.members[0]];
    if (c.elements.every((e) => owner[e] >= 0)) {
      for (const m of c.members) views.push({ label: arrays[m].label, array: m, of: owner[c.elements[0]] });
      continue;
    }
    const aliases = c.stacked ? [] : c.members.slice(1).map((m) => arrays[m].label);
    const id = addGroup(
      {
        label: a.label,
        kind: 'array',
        shape: c.shape,
        elements: c.elements.slice(),
        range: a.range,
        array: c.members[0],
      },
      aliases,
    );
    if (c.stacked) groups[id].stacked = c.stacked;
  }

  // 2. Named values: one declaration computed several times (in a loop) is one vector over the
  //    iterations; computed once, a scalar (`const S = e.reduce(...)` ends inside the reduce loop).
  //    Names inside inlined helper calls stay interior (the helper is one gate).
  const named = new Map<string, number[]>();
  const nameKey = (id: number) => {
    const node = program.nodes[id];
    return `${node.name}@${node.range.start}:${node.range.end}@${node.loop ?? -1}`;
  };
  // A name on a call's result (`const S = e.reduce(...)`) is the caller's binding, not the body's.
  const callResult = new Set(program.frames.map((f) => f.result));
  program.nodes.forEach((node, id) => {
    if (node.kind !== 'op' || node.name === undefined || owner[id] >= 0) return;
    if (node.frame !== undefined && !callResult.has(id)) return;
    const key = nameKey(id);
    const list = named.get(key);
    if (list) list.push(id);
    else named.set(key, [id]);
  });

  // 3. The root: its own scalar group, unless an array owns it (`f = y[0]`) or it is the last value
  //    of a loop's running variable (`loss += ...` as the target: the `loss` vector ends in it).
  let rootGroup = owner[program.root];
  const rootNode = program.nodes[program.root];
  const rootRun = rootNode.name !== undefined ? named.get(nameKey(program.root)) : undefined;
  if (rootGroup < 0 && !(rootRun && rootRun.length > 1 && rootRun.includes(program.root))) {
    rootGroup = addGroup({
      label: program.target.name ?? rootNode.name ?? program.target.text,
      kind: 'root',
      shape: [],
      elements: [program.root],
      range: program.target.range,
    });
  }
  for (const ids of named.values()) {
    const first = program.nodes[ids[0]];
    const free = ids.filter((id) => owner[id] < 0);
    if (free.length === 0) continue;
    if (ids.length > 1) {
      addGroup({
        label: first.name!,
        kind: 'iterations',
        shape: [ids.length],
        elements: ids,
        range: first.range,
        loop: first.loop,
      });
    } else addGroup({ label: first.name!, kind: 'named', shape: [], elements: ids, range: first.range });
  }
  if (rootGroup < 0) rootGroup = owner[program.root];

  // 4. Inputs not in an array.
  const labels = new Set(groups.map((g) => g.label));
  program.nodes.forEach((node, id) => {
    if (node.kind !== 'input' || owner[id] >= 0) return;
    // `let loss = 0` before a loop is an input of its own: the running `loss` vector's start.
    const label = labels.has(node.name) ? `${node.name} (initial)` : node.name;
    addGroup({ label, kind: 'input', shape: [], elements: [id], range: node.range });
  });

  // Edges: from each group's own elements back through unowned nodes (explicit stack). The nodes'
  // arguments and gate roles are read once into typed arrays (a 20,000-node minibatch MLP walks
  // every node here; object and Map lookups per node cost more than the walk).
  const argStart = new Int32Array(n + 1);
  let argCount = 0;
  for (let i = 0; i < n; i++) {
    const node = program.nodes[i];
    argStart[i] = argCount;
    if (node.kind === 'op') argCount += node.args.length;
  }
  argStart[n] = argCount;
  const argList = new Int32Array(argCount);
  const roleBit = new Uint8Array(n);
  const opOf: (OpName | undefined)[] = new Array<OpName | undefined>(n);
  for (let i = 0; i < n; i++) {
    const node = program.nodes[i];
    if (node.kind !== 'op') continue;
    const at = argStart[i];
    for (let k = 0; k < node.args.length; k++) argList[at + k] = node.args[k];
    opOf[i] = node.op;
    roleBit[i] = gateRoleBit(program, i);
  }
  const edges: VectorEdge[] = [];
  const inEdges: number[][] = groups.map(() => []);
  const outEdges: number[][] = groups.map(() => []);
  const interior: number[][] = groups.map(() => []);
  const stamp = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const down = new Uint8Array(n);
  for (const g of groups) {
    const edgeTo = new Map<number, { gates: Set<OpName>; partners: Set<number> }>();
    const visit = (consumer: number) => {
      const op = opOf[consumer];
      if (op === undefined) return;
      const a0 = argStart[consumer];
      const a1 = argStart[consumer + 1];
      for (let k = a0; k < a1; k++) {
        const arg = argList[k];
        const o = owner[arg];
        if (o >= 0) {
          let e = edgeTo.get(o);
          if (!e) edgeTo.set(o, (e = { gates: new Set(), partners: new Set() }));
          e.gates.add(op);
          for (let q = a0; q < a1; q++) {
            const other = argList[q];
            if (other !== arg && owner[other] >= 0) e.partners.add(owner[other]);
          }
        } else if (stamp[arg] !== g.id) {
          stamp[arg] = g.id;
          stack.push(arg);
        }
      }
    };
    for (const flat of g.owned) visit(g.elements[flat]);
    const inner = interior[g.id];
    while (stack.length > 0) {
      const node = stack.pop()!;
      inner.push(node);
      visit(node);
    }
    inner.sort((a, b) => a - b);
    // The gates on the paths from each source group to g (a role bit per gate), for the edge's role:
    // walk g's own elements and its interior from the last node back (the tape is topological).
    const pathRoles = new Map<number, number>();
    const walk = new Int32Array(g.owned.length + inner.length);
    g.owned.forEach((f, i) => (walk[i] = g.elements[f]));
    walk.set(inner, g.owned.length);
    walk.sort();
    for (let w = walk.length - 1; w >= 0; w--) {
      const node = walk[w];
      if (opOf[node] === undefined) continue;
      const m = roleBit[node] | down[node];
      for (let k = argStart[node]; k < argStart[node + 1]; k++) {
        const arg = argList[k];
        const o = owner[arg];
        if (o >= 0) pathRoles.set(o, (pathRoles.get(o) ?? 0) | m);
        else down[arg] |= m;
      }
    }
    for (const node of inner) down[node] = 0;
    const froms = [...edgeTo.keys()].sort((a, b) => a - b);
    for (const from of froms) {
      const info = edgeTo.get(from)!;
      const gates = [...info.gates];
      const id = edges.length;
      const role = roleOf(pathRoles.get(from) ?? 0);
      edges.push({ id, from, to: g.id, gates, role, partners: [...info.partners] });
      inEdges[g.id].push(id);
      outEdges[from].push(id);
    }
  }
  return { program, groups, edges, views, owner, ownerIndex, rootGroup, inEdges, outEdges, interior };
}

/** Strongest first: an edge through a sigmoid is nonlinear even though its first gate is a negation. */
const ROLE_PRIORITY: readonly GateRole[] = [
  'nonlinear',
  'route',
  'select',
  'switch',
  'scale',
  'distribute',
  'constant',
];

/** A gate's role as a bit; `mul`/`div` by a constant only scales. */
function gateRoleBit(program: ExprProgram, id: number): number {
  const node = program.nodes[id];
  if (node.kind !== 'op') return 0;
  const nodes = program.nodes;
  const args = node.args;
  if (node.op === 'mul') {
    for (let k = 0; k < args.length; k++) if (nodes[args[k]].kind === 'const') return SCALE_BIT;
  } else if (node.op === 'div' && nodes[args[1]].kind === 'const') return SCALE_BIT;
  return ROLE_BIT_BY_OP.get(node.op) ?? 0;
}

const SCALE_BIT = 1 << ROLE_PRIORITY.indexOf('scale');
const ROLE_BIT_BY_OP = new Map<OpName, number>(
  OP_LIST.map((spec) => [spec.name, 1 << ROLE_PRIORITY.indexOf(spec.role)] as [OpName, number]),
);

function roleOf(mask: number): EdgeRole {
  const has = (r: GateRole) => (mask & (1 << ROLE_PRIORITY.indexOf(r))) !== 0;
  // A whole layer (W·x then a ReLU) both switches and routes: no single gate's word fits.
  if (!has('nonlinear') && has('switch') && (has('route') || has('select'))) return 'mixed';
  for (let i = 0; i < ROLE_PRIORITY.length; i++) if (mask & (1 << i)) return ROLE_PRIORITY[i];
  return 'constant';
}

// ---------------------------------------------------------------------------------------------
// Numbers: restricted passes over the tape.

/** A graph bound to an evaluated tape (values, gradients and local derivatives filled). */
export interface VectorContext {
  graph: VectorGraph;
  tape: Tape;
  /** ∂node/∂arg per tape edge: the tape's, plus the nodes after the root (which backward skips). */
  local: Float64Array;
  /** Whether a node passes gradients to its arguments (false only in a `c ? a : b` branch not taken). */
  propagates: Uint8Array;
  /** Whether the tape's backward pass propagates from a node (live and not after the root). */
  tapeLive: Uint8Array;
  /** Consumers of each node (CSR): consumerStart[i] .. consumerStart[i+1] index consumerNode / consumerEdge. */
  consumerStart: Int32Array;
  consumerNode: Int32Array;
  consumerEdge: Int32Array;
  /** Scratch space for the passes. */
  scratch: Float64Array;
  seedWeight: Float64Array;
  mark: Uint8Array;
}

/** Binds `graph` to `tape` after `evaluate` (forward and backward done). */
export function vectorContext(graph: VectorGraph, tape: Tape): VectorContext {
  const n = tape.size;
  const root = graph.program.root;
  const live = liveNodes(tape, root);
  const propagates = new Uint8Array(n).fill(1);
  if (live) {
    // Reachable from the root ignoring conditionals: reachable but not live = in a branch not taken.
    const reach = new Uint8Array(n);
    reach[root] = 1;
    for (let i = root; i >= 0; i--) {
      if (!reach[i]) continue;
      for (let k = tape.argStart[i]; k < tape.argStart[i + 1]; k++) reach[tape.args[k]] = 1;
    }
    for (let i = 0; i <= root; i++) if (reach[i] && !live[i]) propagates[i] = 0;
  }
  const tapeLive = new Uint8Array(n);
  for (let i = 0; i <= root; i++) tapeLive[i] = live ? live[i] : 1;
  // Local derivatives of nodes after the root too (backward stops at the root), in a copy: the
  // evaluation's tape stays as backward left it.
  const local = root + 1 < n ? tape.local.slice() : tape.local;
  for (let i = root + 1; i < n; i++) fillLocal(tape, local, i);
  const counts = new Int32Array(n + 1);
  for (let k = 0; k < tape.args.length; k++) counts[tape.args[k] + 1]++;
  for (let i = 0; i < n; i++) counts[i + 1] += counts[i];
  const consumerStart = counts.slice();
  const cursor = counts.slice(0, n);
  const consumerNode = new Int32Array(tape.args.length);
  const consumerEdge = new Int32Array(tape.args.length);
  for (let i = 0; i < n; i++) {
    for (let k = tape.argStart[i]; k < tape.argStart[i + 1]; k++) {
      const at = cursor[tape.args[k]]++;
      consumerNode[at] = i;
      consumerEdge[at] = k;
    }
  }
  return {
    graph,
    tape,
    local,
    propagates,
    tapeLive,
    consumerStart,
    consumerNode,
    consumerEdge,
    scratch: new Float64Array(n),
    seedWeight: new Float64Array(n),
    mark: new Uint8Array(n),
  };
}

function fillLocal(t: Tape, local: Float64Array, i: number): void {
  const code = t.op[i];
  if (code === LEAF) return;
  const spec = OP_LIST[code];
  const s = t.argStart[i];
  const end = t.argStart[i + 1];
  if (spec.arity === 'n') {
    const chosen = chosenArgument(t, i);
    for (let k = s; k < end; k++) local[k] = k === chosen ? 1 : 0;
    return;
  }
  const v = t.value;
  const a = v[t.args[s]];
  const b = end - s > 1 ? v[t.args[s + 1]] : 0;
  const c = end - s > 2 ? v[t.args[s + 2]] : 0;
  for (let k = s; k < end; k++) local[k] = spec.local(k - s, a, b, c, v[i]);
}

/** Binary heap of node ids (max-heap when `max`, else min-heap). */
class NodeHeap {
  private items: number[] = [];
  constructor(private readonly max: boolean) {}
  get size(): number {
    return this.items.length;
  }
  private before(a: number, b: number): boolean {
    return this.max ? a > b : a < b;
  }
  push(x: number): void {
    const h = this.items;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): number {
    const h = this.items;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l], h[m])) m = l;
        if (r < h.length && this.before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Restricted backward pass: seeds (nodes owned by one group, with weights) propagate back through
 * unowned nodes; each owned node reached is reported once with its accumulated adjoint
 * (`hit(node, adjoint)`), even when that adjoint is 0 (the structure). A seed reached from another
 * seed (a self-edge) is reported too, and still propagates only its own seed weight.
 */
function restrictedBackward(
  ctx: VectorContext,
  seeds: readonly number[],
  weights: ArrayLike<number>,
  hit: (node: number, adjoint: number) => void,
  propagates: Uint8Array = ctx.propagates,
  sweep = false,
): void {
  const { tape, graph, local, scratch: adj, seedWeight, mark } = ctx;
  const { owner } = graph;
  const heap = sweep ? undefined : new NodeHeap(true);
  const touched: number[] = [];
  // With `sweep`, nodes are visited by a scan down from the highest seed instead of a heap (the
  // same order, the tape being topological: a node's args come before it); cheaper when the
  // seeds' region is most of the tape (edgeContributions), dearer for one seed (a Jacobian row).
  let high = -1;
  let low = Infinity;
  // mark bits: 1 = in heap / touched, 2 = seed, 4 = reached by propagation
  seeds.forEach((s, i) => {
    if (!(mark[s] & 1)) {
      mark[s] |= 1;
      heap?.push(s);
      touched.push(s);
      if (s > high) high = s;
      if (s < low) low = s;
    }
    mark[s] |= 2;
    seedWeight[s] += weights[i];
  });
  const visit = (node: number): void => {
    const m = mark[node];
    let w: number;
    if (m & 2) {
      if (m & 4) hit(node, adj[node]);
      w = seedWeight[node];
    } else if (owner[node] >= 0) {
      hit(node, adj[node]);
      return;
    } else w = adj[node];
    if (!propagates[node] || tape.op[node] === LEAF) return;
    for (let k = tape.argStart[node]; k < tape.argStart[node + 1]; k++) {
      const a = tape.args[k];
      adj[a] += w * local[k];
      if (!(mark[a] & 1)) {
        mark[a] |= 1;
        heap?.push(a);
        touched.push(a);
        if (a < low) low = a;
      }
      mark[a] |= 4;
    }
  };
  if (heap) while (heap.size > 0) visit(heap.pop());
  else for (let node = high; node >= low; node--) if (mark[node] & 1) visit(node);
  for (const t of touched) {
    adj[t] = 0;
    seedWeight[t] = 0;
    mark[t] = 0;
  }
}

/** Restricted forward pass (tangents) from one owned node through unowned consumers to owned nodes. */
function restrictedForward(ctx: VectorContext, seed: number, hit: (node: number, tangent: number) => void): void {
  const { graph, local, propagates, scratch: tan, mark, consumerStart, consumerNode, consumerEdge } = ctx;
  const { owner } = graph;
  const heap = new NodeHeap(false);
  const touched: number[] = [seed];
  tan[seed] = 1;
  mark[seed] = 1;
  heap.push(seed);
  while (heap.size > 0) {
    const node = heap.pop();
    if (node !== seed && owner[node] >= 0) {
      hit(node, tan[node]);
      continue;
    }
    const t = tan[node];
    for (let c = consumerStart[node]; c < consumerStart[node + 1]; c++) {
      const consumer = consumerNode[c];
      if (!propagates[consumer]) continue;
      tan[consumer] += local[consumerEdge[c]] * t;
      if (!mark[consumer]) {
        mark[consumer] = 1;
        heap.push(consumer);
        touched.push(consumer);
      }
    }
  }
  for (const t of touched) {
    tan[t] = 0;
    mark[t] = 0;
  }
}

/** Values of a group's elements (row-major, like its shape). */
export function groupValues(ctx: VectorContext, group: number): Float64Array {
  return Float64Array.from(ctx.graph.groups[group].elements, (e) => ctx.tape.value[e]);
}

/** ∂L/∂group: same shape as the group (the tape's gradient of each element). */
export function groupGrads(ctx: VectorContext, group: number): Float64Array {
  return Float64Array.from(ctx.graph.groups[group].elements, (e) => ctx.tape.grad[e]);
}

export type SparsityKind = 'zero' | 'diagonal' | 'block-diagonal' | 'dense' | 'sparse';

export interface Sparsity {
  kind: SparsityKind;
  /** Entries with a path (structurally non-zero). */
  structural: number;
  /** Entries whose value is non-zero. */
  nonzero: number;
  /** structural / (rows × cols). */
  density: number;
  /** Diagonal with only 0s and 1s on it: a mask (a ReLU's routing). */
  mask: boolean;
  /** Every structural entry is exactly 1 on the diagonal: the identity (add distributes). */
  identity: boolean;
  /** block-diagonal: each row depends on `block` consecutive columns (W·x: row i of W), or the transpose. */
  block?: number;
}

export interface Jacobian {
  edge: number;
  /** ∂B/∂A: rows index B's own elements, columns A's own elements (flat indices into their `elements`). */
  rows: number[];
  cols: number[];
  /** Shapes to draw it with: B's and A's shapes when they own all their elements. */
  rowShape: number[];
  colShape: number[];
  /** Row-major rows.length × cols.length, or undefined when too large (see `note`). */
  values?: Float64Array;
  /** 1 where a path exists, row-major (undefined with `values`). */
  pattern?: Uint8Array;
  /** How it was computed: one backward pass per row, or one forward pass per column. */
  mode: 'reverse' | 'forward';
  sparsity?: Sparsity;
  /** Why `values` is missing (too large). */
  note?: string;
}

export interface JacobianOptions {
  /** Largest rows × cols computed (default 2^20). */
  maxEntries?: number;
  /** Force one mode (tests compare both); default: the one with fewer passes. */
  mode?: 'reverse' | 'forward';
}

export const DEFAULT_MAX_JACOBIAN_ENTRIES = 1 << 20;

/** The Jacobian ∂B/∂A of edge A→B with other groups held fixed. */
export function edgeJacobian(ctx: VectorContext, edgeId: number, options: JacobianOptions = {}): Jacobian {
  const { graph } = ctx;
  const edge = graph.edges[edgeId];
  const A = graph.groups[edge.from];
  const B = graph.groups[edge.to];
  const rows = B.owned;
  const cols = A.owned;
  const rowShape = rows.length === B.elements.length ? B.shape : [rows.length];
  const colShape = cols.length === A.elements.length ? A.shape : [cols.length];
  const mode = options.mode ?? (rows.length <= cols.length ? 'reverse' : 'forward');
  const base = { edge: edgeId, rows, cols, rowShape, colShape, mode } as const;
  const entries = rows.length * cols.length;
  const max = options.maxEntries ?? DEFAULT_MAX_JACOBIAN_ENTRIES;
  if (entries > max) {
    return {
      ...base,
      note:
        `∂${B.label}/∂${A.label} is ${rows.length}×${cols.length} = ${entries.toLocaleString('en-US')} entries, ` +
        `more than the ${max.toLocaleString('en-US')} computed; its effect on the gradient (the vector–Jacobian ` +
        'product Jᵀ·∂L/∂' +
        B.label +
        ') is still exact.',
    };
  }
  const values = new Float64Array(entries);
  const pattern = new Uint8Array(entries);
  const colOf = new Map<number, number>(cols.map((flat, j) => [A.elements[flat], j]));
  const rowOf = new Map<number, number>(rows.map((flat, i) => [B.elements[flat], i]));
  const nc = cols.length;
  if (mode === 'reverse') {
    const one = [1];
    rows.forEach((flat, i) => {
      restrictedBackward(ctx, [B.elements[flat]], one, (node, adjoint) => {
        if (graph.owner[node] !== A.id) return;
        const j = colOf.get(node)!;
        values[i * nc + j] += adjoint;
        pattern[i * nc + j] = 1;
      });
    });
  } else {
    cols.forEach((flat, j) => {
      restrictedForward(ctx, A.elements[flat], (node, tangent) => {
        if (graph.owner[node] !== B.id) return;
        const i = rowOf.get(node)!;
        values[i * nc + j] += tangent;
        pattern[i * nc + j] = 1;
      });
    });
  }
  return { ...base, values, pattern, sparsity: classify(values, pattern, rows.length, cols.length) };
}

function classify(values: Float64Array, pattern: Uint8Array, nr: number, nc: number): Sparsity {
  let structural = 0;
  let nonzero = 0;
  let offDiagonal = false;
  let mask = true;
  let identity = true;
  for (let i = 0; i < nr; i++) {
    for (let j = 0; j < nc; j++) {
      const at = i * nc + j;
      if (!pattern[at]) continue;
      structural++;
      const v = values[at];
      if (v !== 0) nonzero++;
      if (i !== j) offDiagonal = true;
      if (v !== 0 && v !== 1) mask = false;
      if (v !== 1) identity = false;
    }
  }
  const density = nr * nc === 0 ? 0 : structural / (nr * nc);
  const result = (kind: SparsityKind, block?: number): Sparsity => ({
    kind,
    structural,
    nonzero,
    density,
    mask: kind === 'diagonal' && mask,
    identity: kind === 'diagonal' && identity && structural === nr,
    ...(block !== undefined ? { block } : {}),
  });
  if (structural === 0) return result('zero');
  if (structural === nr * nc) return result(nr === 1 && nc === 1 ? 'diagonal' : 'dense');
  if (nr === nc && !offDiagonal) return result('diagonal');
  // Block-diagonal: cols = k·rows and row i only in columns [i·k, (i+1)·k), or rows = k·cols.
  const blockwise = (k: number, byRow: boolean) => {
    for (let i = 0; i < nr; i++) {
      for (let j = 0; j < nc; j++) {
        if (pattern[i * nc + j] && (byRow ? Math.floor(j / k) !== i : Math.floor(i / k) !== j)) return false;
      }
    }
    return true;
  };
  if (nr > 1 && nc % nr === 0 && nc > nr && blockwise(nc / nr, true)) return result('block-diagonal', nc / nr);
  if (nc > 1 && nr % nc === 0 && nr > nc && blockwise(nr / nc, false)) return result('block-diagonal', nr / nc);
  return result('sparse');
}

/**
 * Each edge's share of ∂L/∂A: Jᵀ_BA · ∂L/∂B (one restricted backward pass per group B seeded with
 * its gradient, so exact however large J is). Indexed by edge id; each is laid out like A's elements
 * (0 at elements A does not own).
 */
export function edgeContributions(ctx: VectorContext): Float64Array[] {
  const { graph, tape } = ctx;
  const out: Float64Array[] = graph.edges.map((e) => new Float64Array(graph.groups[e.from].elements.length));
  for (const B of graph.groups) {
    if (graph.inEdges[B.id].length === 0) continue;
    const edgeFrom = new Map<number, number>(graph.inEdges[B.id].map((e) => [graph.edges[e].from, e]));
    const seeds = B.owned.map((flat) => B.elements[flat]);
    const weights = seeds.map((s) => tape.grad[s]);
    restrictedBackward(
      ctx,
      seeds,
      weights,
      (node, adjoint) => {
        const e = edgeFrom.get(graph.owner[node]);
        if (e !== undefined) out[e][graph.ownerIndex[node]] += adjoint;
      },
      ctx.tapeLive, // the same gates the tape's backward pass goes through
      true,
    );
  }
  return out;
}

export interface ChainRuleTerm {
  edge: number;
  /** Jᵀ_BA · ∂L/∂B, laid out like A. */
  contribution: Float64Array;
}

export interface ChainRule {
  group: number;
  /** One term per group B that A feeds (fan-out: they sum). */
  terms: ChainRuleTerm[];
  /** Σ of the terms. */
  sum: Float64Array;
  /** The tape's ∂L/∂A. */
  grad: Float64Array;
  /** max over A's own elements (except the root) of |sum − grad|. */
  maxAbsError: number;
  /** The same relative to max(|grad|, Σ|terms|, 1e-300). */
  maxRelError: number;
}

/** The vectorized chain rule at group A: ∂L/∂A = Σ_B J_BAᵀ · ∂L/∂B, with its check against the tape. */
export function chainRule(ctx: VectorContext, group: number, contributions = edgeContributions(ctx)): ChainRule {
  const { graph } = ctx;
  const A = graph.groups[group];
  const terms = graph.outEdges[group].map((edge) => ({ edge, contribution: contributions[edge] }));
  const size = A.elements.length;
  const sum = new Float64Array(size);
  const magnitude = new Float64Array(size);
  for (const t of terms) {
    for (let i = 0; i < size; i++) {
      sum[i] += t.contribution[i];
      magnitude[i] += Math.abs(t.contribution[i]);
    }
  }
  const grad = groupGrads(ctx, group);
  let maxAbsError = 0;
  let maxRelError = 0;
  for (const flat of A.owned) {
    if (A.elements[flat] === graph.program.root) continue;
    const err = Math.abs(sum[flat] - grad[flat]);
    if (!(err <= maxAbsError)) maxAbsError = err; // NaN sticks
    const rel = err / Math.max(Math.abs(grad[flat]), magnitude[flat], 1e-300);
    if (!(rel <= maxRelError)) maxRelError = rel;
  }
  return { group, terms, sum, grad, maxAbsError, maxRelError };
}

export interface OuterProduct {
  /** ∂L/∂A (this edge's share) = ∂L/∂B · Xᵀ: B the left factor, X the right one. */
  left: number;
  right: number;
  maxAbsError: number;
}

/**
 * For a `switch` (mul) edge into a matrix A (e.g. W in z = W·x): is the edge's share of ∂L/∂W the
 * outer product ∂L/∂z · xᵀ with the partner group x? Checked numerically; undefined when not.
 */
export function outerProduct(ctx: VectorContext, edgeId: number, contribution: Float64Array): OuterProduct | undefined {
  const { graph } = ctx;
  const edge = graph.edges[edgeId];
  const A = graph.groups[edge.from];
  const B = graph.groups[edge.to];
  if (edge.role !== 'switch' || A.shape.length !== 2 || A.owned.length !== A.elements.length) return undefined;
  const [r, c] = A.shape;
  if (B.elements.length !== r) return undefined;
  const g = groupGrads(ctx, B.id);
  for (const p of edge.partners) {
    const X = graph.groups[p];
    if (X.elements.length !== c || p === A.id) continue;
    const x = groupValues(ctx, p);
    let maxAbsError = 0;
    let scale = 0;
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < c; j++) {
        const expect = g[i] * x[j];
        maxAbsError = Math.max(maxAbsError, Math.abs(contribution[i * c + j] - expect));
        scale = Math.max(scale, Math.abs(expect));
      }
    }
    if (maxAbsError <= 1e-12 * Math.max(scale, 1e-300)) return { left: B.id, right: p, maxAbsError };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Minibatch: per-iteration contributions.

export interface IterationAttribution {
  loop: number;
  /** Per node: the iteration of `loop` it was computed in, or -1 outside the loop. */
  iteration: Int32Array;
  /**
   * True when some inner-loop nodes between two iterations were placed by matching the body's
   * first statement (a heuristic on the tape order); false when every placement was forced.
   */
  positional: boolean;
}

/** Which loops a node's innermost loop is nested in (itself included). */
function inLoopSubtree(loops: readonly LoopInfo[], inner: number | undefined, loop: number): boolean {
  let l = inner ?? -1;
  let guard = loops.length + 1;
  while (l >= 0 && guard-- > 0) {
    if (l === loop) return true;
    l = loops[l].parent;
  }
  return false;
}

/**
 * The iteration of `loop` each node was computed in. Nodes directly in the loop carry it; nodes of
 * inner loops (a `map` callback, a helper's loop) are placed by their position in the tape (nodes
 * are in execution order): between two direct nodes of the same iteration they belong to it;
 * between iterations k and k+1, the body's leading inner-loop nodes (as in the first iteration)
 * start iteration k+1.
 */
export function attributeIterations(program: ExprProgram, loop: number): IterationAttribution {
  const loops = program.loops ?? [];
  const n = program.nodes.length;
  const iteration = new Int32Array(n).fill(-1);
  const inside: number[] = [];
  for (let i = 0; i < n; i++) {
    const node = program.nodes[i];
    if (node.loop === loop && node.iteration !== undefined) iteration[i] = node.iteration;
    else if (!inLoopSubtree(loops, node.loop, loop)) continue;
    inside.push(i);
  }
  // Signature of the body's head: the inner-loop nodes before the first direct node.
  let headLength = 0;
  while (headLength < inside.length && iteration[inside[headLength]] < 0) headLength++;
  const headSig =
    headLength > 0 && headLength < inside.length
      ? `${program.nodes[inside[0]].loop}:${program.nodes[inside[0]].range.start}`
      : undefined;
  let positional = false;
  let k = 0;
  while (k < inside.length) {
    if (iteration[inside[k]] >= 0) {
      k++;
      continue;
    }
    let end = k;
    while (end < inside.length && iteration[inside[end]] < 0) end++;
    const before = k > 0 ? iteration[inside[k - 1]] : -1;
    const after = end < inside.length ? iteration[inside[end]] : -1;
    let split = end; // nodes [k, split) go to `before`, [split, end) to `after`
    if (before < 0) split = k;
    else if (after < 0 || after === before) split = end;
    else {
      positional = true;
      if (headSig !== undefined) {
        for (let s = k; s < end; s++) {
          const node = program.nodes[inside[s]];
          if (`${node.loop}:${node.range.start}` === headSig) {
            split = s;
            break;
          }
        }
      }
    }
    for (let s = k; s < end; s++) iteration[inside[s]] = s < split ? before : after;
    k = end;
  }
  return { loop, iteration, positional };
}

export interface IterationContributions {
  group: number;
  loop: number;
  iterations: number;
  /** perIteration[k]: the part of ∂L/∂A sent back by gates computed in iteration k (laid out like A). */
  perIteration: Float64Array[];
  /** The part sent back by gates outside the loop. */
  outside: Float64Array;
  /** Σ_k perIteration[k] + outside. */
  total: Float64Array;
  grad: Float64Array;
  maxAbsError: number;
  /** See IterationAttribution.positional. */
  positional: boolean;
}

/**
 * Each iteration's contribution to ∂L/∂A: the sum over the tape edges from A's elements into gates
 * computed in iteration k of local × upstream. They sum (with gates outside the loop) to ∂L/∂A.
 */
export function iterationContributions(
  ctx: VectorContext,
  group: number,
  loop: number,
  attribution = attributeIterations(ctx.graph.program, loop),
): IterationContributions {
  const { graph, tape, tapeLive, consumerStart, consumerNode, consumerEdge } = ctx;
  const A = graph.groups[group];
  const info = graph.program.loops?.[loop];
  let iterations = info?.iterations ?? 0;
  for (const it of attribution.iteration) if (it + 1 > iterations) iterations = it + 1;
  const size = A.elements.length;
  const perIteration = Array.from({ length: iterations }, () => new Float64Array(size));
  const outside = new Float64Array(size);
  const root = graph.program.root;
  for (const flat of A.owned) {
    const node = A.elements[flat];
    for (let c = consumerStart[node]; c < consumerStart[node + 1]; c++) {
      const consumer = consumerNode[c];
      if (!tapeLive[consumer]) continue;
      const share = tape.grad[consumer] * tape.local[consumerEdge[c]];
      const it = attribution.iteration[consumer];
      (it >= 0 ? perIteration[it] : outside)[flat] += share;
    }
  }
  const total = outside.slice();
  for (const p of perIteration) for (let i = 0; i < size; i++) total[i] += p[i];
  const grad = groupGrads(ctx, group);
  let maxAbsError = 0;
  for (const flat of A.owned) {
    if (A.elements[flat] === root) continue;
    const err = Math.abs(total[flat] - grad[flat]);
    if (!(err <= maxAbsError)) maxAbsError = err;
  }
  return {
    group,
    loop,
    iterations,
    perIteration,
    outside,
    total,
    grad,
    maxAbsError,
    positional: attribution.positional,
  };
}

/** Loops worth a minibatch slider: more than one iteration, outermost first. */
export function sampleLoops(program: ExprProgram): number[] {
  const loops = program.loops ?? [];
  const used = graphLoops(program);
  return loops
    .map((l, i) => ({ l, i }))
    .filter(({ l, i }) => l.iterations > 1 && used.has(i))
    .sort((a, b) => (a.l.parent < 0 ? 0 : 1) - (b.l.parent < 0 ? 0 : 1) || a.i - b.i)
    .map(({ i }) => i);
}
