/**
 * The vector view's model (DOM-free): the array-level graph of src/core/vector.ts bound to the
 * panel's evaluation, its column layout, the words for edges and Jacobians, and caches of the
 * numbers (Jacobians are computed when an edge is selected; per-iteration contributions when the
 * sample slider moves).
 */
import {
  buildVectorGraph,
  chainRule,
  edgeContributions,
  edgeJacobian,
  groupGrads,
  groupValues,
  iterationContributions,
  offPathTape,
  outerProduct,
  sampleLoops,
  shapeText,
  vectorContext,
  withOffPath,
  type ChainRule,
  type EdgeRole,
  type ExprProgram,
  type IterationContributions,
  type Jacobian,
  type OuterProduct,
  type Tape,
  type VectorContext,
  type VectorGraph,
  type VectorGroup,
} from '../../src/core';

export interface VectorModel {
  graph: VectorGraph;
  ctx: VectorContext;
  /** Column of each group (inputs left, the root right). */
  column: number[];
  /** Groups per column, top to bottom. */
  columns: number[][];
  /** Back edges (against the column order) and self-edges are drawn as loops. */
  backEdge: boolean[];
  values: Float64Array[];
  grads: Float64Array[];
  /** Jᵀ·∂L/∂B per edge, laid out like the edge's source group. */
  contributions: Float64Array[];
  /** The loop the sample slider moves through (outermost with > 1 iteration), or undefined. */
  sampleLoop?: number;
  jacobian(edge: number): Jacobian;
  chainRule(group: number): ChainRule;
  outer(edge: number): OuterProduct | undefined;
  /** Per-iteration contributions of the sample loop to a group's gradient (undefined without a loop). */
  iterations(group: number): IterationContributions | undefined;
}

export function buildVectorModel(
  program: ExprProgram,
  tape: Tape,
  graph = buildVectorGraph(withOffPath(program)),
): VectorModel {
  // Named arrays off the loss's path (softmax's `p`) are in the graph's program, after the root.
  const ctx = vectorContext(graph, offPathTape(graph.program, tape));
  const { groups, edges } = graph;
  // Column order: by each group's first own node (the tape is topological), longest path from the left.
  const first = groups.map((g) => {
    let m = Infinity;
    for (const f of g.owned) m = Math.min(m, g.elements[f]);
    return m;
  });
  const order = groups.map((g) => g.id).sort((a, b) => first[a] - first[b] || a - b);
  const rank = new Int32Array(groups.length);
  order.forEach((g, i) => (rank[g] = i));
  const column = groups.map(() => 0);
  const backEdge = edges.map((e) => rank[e.from] >= rank[e.to]);
  for (const g of order) {
    for (const e of graph.inEdges[g]) {
      if (backEdge[e]) continue;
      column[g] = Math.max(column[g], column[edges[e].from] + 1);
    }
  }
  // Sources (inputs, parameters) sit just left of their first consumer, not all in column 0.
  for (let i = order.length - 1; i >= 0; i--) {
    const g = order[i];
    if (graph.inEdges[g].some((e) => !backEdge[e])) continue;
    const outs = graph.outEdges[g].filter((e) => !backEdge[e]).map((e) => column[edges[e].to]);
    if (outs.length > 0) column[g] = Math.max(0, Math.min(...outs) - 1);
  }
  const width = Math.max(0, ...column) + 1;
  const columns: number[][] = Array.from({ length: width }, () => []);
  for (const g of order) columns[column[g]].push(g);

  const values = groups.map((g) => groupValues(ctx, g.id));
  const grads = groups.map((g) => groupGrads(ctx, g.id));
  const contributions = edgeContributions(ctx);
  // The slider moves through a loop whose iterations have named values of their own (`d`, `loss`
  // in a loop over samples), not through the `map` that builds an array (that is the array itself).
  const perIteration = new Set(groups.filter((g) => g.kind === 'iterations').map((g) => g.loop));
  const sampleLoop = sampleLoops(program).find((l) => perIteration.has(l));
  const jacobians = new Map<number, Jacobian>();
  const rules = new Map<number, ChainRule>();
  const its = new Map<number, IterationContributions>();
  return {
    graph,
    ctx,
    column,
    columns,
    backEdge,
    values,
    grads,
    contributions,
    sampleLoop,
    jacobian(edge) {
      let j = jacobians.get(edge);
      if (!j) jacobians.set(edge, (j = edgeJacobian(ctx, edge, { maxEntries: 1 << 18 })));
      return j;
    },
    chainRule(group) {
      let r = rules.get(group);
      if (!r) rules.set(group, (r = chainRule(ctx, group, contributions)));
      return r;
    },
    outer: (edge) => outerProduct(ctx, edge, contributions[edge]),
    iterations(group) {
      if (sampleLoop === undefined) return undefined;
      let r = its.get(group);
      if (!r) its.set(group, (r = iterationContributions(ctx, group, sampleLoop)));
      return r;
    },
  };
}

/** `W1 3×2`, `loss` (scalar), `d 4 (per iteration)`. */
export function groupTitle(g: VectorGroup): string {
  if (g.shape.length === 0) return g.label;
  return `${g.label} ${shapeText(g.shape)}`;
}

/** The seed's words for what an edge does to the gradient. */
export function roleText(role: EdgeRole): string {
  switch (role) {
    case 'distribute':
      return 'add distributes: the gradient passes back unchanged';
    case 'switch':
      return 'mul switches: the gradient is scaled by the other factor';
    case 'route':
      return 'max routes: the whole gradient goes to the chosen argument, the others get 0';
    case 'select':
      return '?: selects: the gradient goes to the branch taken';
    case 'scale':
      return 'scales the gradient by a constant factor';
    case 'nonlinear':
      return 'nonlinear: scales the gradient by the local derivative';
    case 'constant':
      return 'constant: no gradient flows (comparisons)';
    case 'mixed':
      return 'several gates: the Jacobian combines them';
  }
}

/** Short role glyph for the edge label. */
export function roleGlyph(role: EdgeRole): string {
  return {
    distribute: '+',
    switch: '×',
    route: 'max',
    select: '?:',
    scale: '·c',
    nonlinear: 'f′',
    constant: '0',
    mixed: '…',
  }[role];
}

/** What the Jacobian's structure means, in words. */
export function sparsityText(j: Jacobian, from: VectorGroup, to: VectorGroup): string {
  const s = j.sparsity;
  if (!s) return j.note ?? '';
  const n = j.rows.length * j.cols.length;
  switch (s.kind) {
    case 'zero':
      return `zero: ${to.label} does not depend on ${from.label} here`;
    case 'diagonal':
      if (s.identity) return `identity: ${to.label}[i] = ${from.label}[i] + …, the gradient passes through unchanged`;
      if (s.mask)
        return `diagonal 0/1 mask (element-wise, ${s.nonzero} of ${j.rows.length} pass): the gradient is routed, not scaled`;
      {
        // A leaky ReLU: 1 where the branch passed z[i] through, 0.01 elsewhere.
        const n = Math.min(j.rows.length, j.cols.length);
        let ones = 0;
        for (let i = 0; i < n; i++) if (j.values![i * j.cols.length + i] === 1) ones++;
        const passed =
          ones > 0 && ones < n ? `; ${ones} of ${n} are 1 (the gradient passes unchanged), the others scale it` : '';
        return `diagonal (element-wise): ${to.label}[i] depends only on ${from.label}[i]${passed}`;
      }
    case 'block-diagonal':
      return j.cols.length > j.rows.length
        ? `block-diagonal: ${to.label}[i] depends only on row i of ${from.label} (${s.block} entries each)`
        : `block-diagonal: each ${from.label}[j] feeds ${s.block} consecutive entries of ${to.label}`;
    case 'dense':
      return `dense: every ${to.label} entry depends on every ${from.label} entry (${n} entries)`;
    case 'sparse':
      return `sparse: ${s.structural} of ${n} entries have a path (${Math.round(s.density * 100)}%)`;
  }
}

// ---- matrix helpers (DOM-free) ----

/** Shape as rows × cols for drawing: scalars 1×1, vectors as one column, higher ranks flattened to rows × last. */
export function drawShape(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], 1];
  const cols = shape[shape.length - 1];
  return [shape.slice(0, -1).reduce((a, b) => a * b, 1), cols];
}

/** `[1][0]` for a flat index in a shape. */
export function indexText(shape: readonly number[], flat: number): string {
  if (shape.length === 0) return '';
  const idx: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return idx.join('][');
}

/** The transpose of a row-major rows × cols matrix. */
export function transpose(values: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = values[r * cols + c];
  return t;
}
