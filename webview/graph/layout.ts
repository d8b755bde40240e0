/**
 * Layered layout of the display graph, inputs on the left, the output on the right.
 * DOM-free (runs in Node for the unit tests and the benchmark).
 *
 * ENGINE CHOICE (measured; 2 cores, Node 20; `npm run bench`, section "layout"):
 * our own Sugiyama-style layout -- longest-path layering, leaves pulled next to their first
 * use, dummy nodes on long edges, DFS initial order + barycentric sweeps (keeping the order
 * with the fewest crossings), and coordinate assignment by isotonic regression (pool adjacent
 * violators) towards the neighbours' mean. On the benchmark's random DAG it takes 13 ms for
 * 332 drawn nodes and ~110 ms for 2,000 nodes (4,843 dummies). elkjs 0.10 ('layered',
 * direction RIGHT, default options) on the SAME inputs took 4.45 s (332 nodes) and 48.2 s
 * (2,000 nodes), and would add ~1.4 MB to the webview bundle: it cannot meet the 500 ms
 * budget, so it is not used (not installed in the project; measured from a scratch dir).
 * Known weak spot: a very deep graph (e.g. a 500-term left-associative sum, ~500 columns)
 * measured ~1.1 s in the webview (time-sliced, so the panel stays responsive).
 *
 * NOT BLOCKING THE UI: `layoutSteps` is a generator that yields between phases and between
 * sweeps; the view runs it in time slices (setTimeout between slices of ~10 ms), so a big
 * layout never freezes the panel and needs no Web Worker (a worker would need
 * `worker-src ${cspSource}` in the CSP and a second bundle, and would copy the graph both
 * ways, for a layout that takes tens of milliseconds once the graph is capped at
 * maxRenderedNodes).
 */

export interface LayoutInput {
  /** Number of nodes. */
  n: number;
  width: ArrayLike<number>;
  height: ArrayLike<number>;
  /** Edges argument → gate (forward direction). */
  from: ArrayLike<number>;
  to: ArrayLike<number>;
  /** Argument position of each edge at its gate (ports top to bottom). */
  port?: ArrayLike<number>;
}

export interface LayoutOptions {
  /** Horizontal gap between columns, vertical gap between boxes. */
  colGap?: number;
  rowGap?: number;
  /** Barycentric sweeps (down + up pairs). */
  sweeps?: number;
  /** Coordinate relaxation iterations. */
  relax?: number;
  /** At most this many dummy nodes (long edges beyond it are drawn straight). */
  maxDummies?: number;
}

export interface LayoutResult {
  /** Top-left corner of each node's box. */
  x: Float64Array;
  y: Float64Array;
  rank: Int32Array;
  /** Per edge: the bend points (x, y pairs) through the columns it crosses, or empty. */
  bends: Float64Array[];
  width: number;
  height: number;
  ranks: number;
  /** Per rank: left x and width of the column (the gap after rank r is colX[r]+colW[r] .. colX[r+1]). */
  colX: Float64Array;
  colW: Float64Array;
  crossings: number;
  dummies: number;
}

/** Default gap between columns: room for a two- or three-line chain-rule label (render.ts). */
export const COL_GAP = 92;

/** Work budgets (node + edge visits of the augmented graph) for the sweeps and the relaxation. */
const WORK_SWEEPS = 50_000;
const WORK_RELAX = 50_000;

/** Runs the layout to completion (Node, tests, small graphs). */
export function layout(g: LayoutInput, opts: LayoutOptions = {}): LayoutResult {
  const it = layoutSteps(g, opts);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/** The layout as resumable steps: yields (a phase name) between units of work. */
export function* layoutSteps(g: LayoutInput, opts: LayoutOptions = {}): Generator<string, LayoutResult, void> {
  const colGap = opts.colGap ?? COL_GAP;
  const rowGap = opts.rowGap ?? 16;
  const n = g.n;
  const m = g.from.length;

  // ---- 1. Ranks: longest path from the sources; sources pulled next to their first use. ----
  const preds: number[][] = Array.from({ length: n }, () => []);
  const succs: number[][] = Array.from({ length: n }, () => []);
  const indeg = new Int32Array(n);
  for (let e = 0; e < m; e++) {
    preds[g.to[e]].push(e);
    succs[g.from[e]].push(e);
    indeg[g.to[e]]++;
  }
  const topo = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let v = 0; v < n; v++) if (indeg[v] === 0) topo[tail++] = v;
  while (head < tail) {
    const v = topo[head++];
    for (const e of succs[v]) if (--indeg[g.to[e]] === 0) topo[tail++] = g.to[e];
  }
  if (tail < n) throw new Error('layout: the graph has a cycle');
  // As late as possible: rank = maxRank − (longest path to a sink). An expression is mostly a
  // tree hanging off the output, so every operand sits in the column right before its gate
  // (a 500-term sum is a staircase of one-column edges, not 500 edges fanning in from the
  // left), and a shared node sits right before its first use.
  const dist = new Int32Array(n);
  for (let t = n - 1; t >= 0; t--) {
    const v = topo[t];
    let d = 0;
    for (const e of succs[v]) d = Math.max(d, dist[g.to[e]] + 1);
    dist[v] = d;
  }
  let maxRank = 0;
  for (let v = 0; v < n; v++) maxRank = Math.max(maxRank, dist[v]);
  const rank = new Int32Array(n);
  for (let v = 0; v < n; v++) rank[v] = maxRank - dist[v];
  yield 'rank';

  // ---- 2. Dummy nodes on long edges (augmented graph: every edge spans one column). ----
  const maxDummies = opts.maxDummies ?? Math.max(2000, 2 * n);
  let dummies = 0;
  const chain: Int32Array[] = new Array(m); // per edge: its dummy node ids, or empty
  const empty = new Int32Array(0);
  const aRank: number[] = Array.from(rank);
  const aFrom: number[] = [];
  const aTo: number[] = [];
  const aPort: number[] = [];
  // Process short long-edges first, so the budget goes to the most edges.
  const order = Array.from({ length: m }, (_, e) => e).sort(
    (p, q) => rank[g.to[p]] - rank[g.from[p]] - (rank[g.to[q]] - rank[g.from[q]]),
  );
  const direct = new Uint8Array(m);
  for (const e of order) {
    const a = g.from[e];
    const b = g.to[e];
    const span = rank[b] - rank[a];
    if (span <= 1 || dummies + span - 1 > maxDummies) {
      chain[e] = empty;
      if (span > 1)
        direct[e] = 1; // drawn straight, left out of ordering
      else {
        aFrom.push(a);
        aTo.push(b);
        aPort.push(g.port ? g.port[e] : 0);
      }
      continue;
    }
    const ids = new Int32Array(span - 1);
    let prev = a;
    for (let s = 0; s < span - 1; s++) {
      const d = n + dummies++;
      ids[s] = d;
      aRank.push(rank[a] + s + 1);
      aFrom.push(prev);
      aTo.push(d);
      aPort.push(0);
      prev = d;
    }
    aFrom.push(prev);
    aTo.push(b);
    aPort.push(g.port ? g.port[e] : 0);
    chain[e] = ids;
  }
  const N = n + dummies;
  const M = aFrom.length;
  // CSR adjacency of the augmented graph; predecessors in port (argument) order so the DFS
  // visits the first argument first.
  const upStart = new Int32Array(N + 1);
  const downStart = new Int32Array(N + 1);
  for (let e = 0; e < M; e++) {
    upStart[aTo[e] + 1]++;
    downStart[aFrom[e] + 1]++;
  }
  for (let v = 0; v < N; v++) {
    upStart[v + 1] += upStart[v];
    downStart[v + 1] += downStart[v];
  }
  const upList = new Int32Array(M);
  const downList = new Int32Array(M);
  {
    const fillU = upStart.slice(0, N);
    const fillD = downStart.slice(0, N);
    const byPort = Array.from({ length: M }, (_, e) => e).sort((p, q) => aPort[p] - aPort[q]);
    for (const e of byPort) upList[fillU[aTo[e]]++] = aFrom[e];
    for (let e = 0; e < M; e++) downList[fillD[aFrom[e]]++] = aTo[e];
  }
  const adj: Adjacency = { upStart, upList, downStart, downList };
  // Work budgets, O(k·(N + M)) in all: small graphs get every sweep and relaxation pass,
  // big ones as many as WORK allows (at least one of each).
  const unit = N + M + 1;
  const sweeps = opts.sweeps ?? Math.max(1, Math.min(6, Math.floor(WORK_SWEEPS / unit)));
  const relax = opts.relax ?? Math.max(2, Math.min(6, Math.floor(WORK_RELAX / unit)));
  yield 'dummies';

  // ---- 3. Order within columns: DFS from the sinks, then barycentric sweeps. ----
  const layers: Int32Array[] = [];
  {
    const dfsIndex = new Float64Array(N).fill(-1);
    let counter = 0;
    const sinks: number[] = [];
    for (let v = 0; v < N; v++) if (downStart[v + 1] === downStart[v]) sinks.push(v);
    sinks.sort((p, q) => q - p); // the output (last in topological order) first
    const stack: number[] = [];
    for (const s of sinks) {
      if (dfsIndex[s] >= 0) continue;
      stack.push(s);
      while (stack.length) {
        const v = stack.pop()!;
        if (dfsIndex[v] >= 0) continue;
        dfsIndex[v] = counter++;
        for (let i = upStart[v + 1] - 1; i >= upStart[v]; i--) if (dfsIndex[upList[i]] < 0) stack.push(upList[i]);
      }
    }
    const tmp: number[][] = Array.from({ length: maxRank + 1 }, () => []);
    for (let v = 0; v < N; v++) tmp[aRank[v]].push(v);
    for (const L of tmp) {
      L.sort((p, q) => dfsIndex[p] - dfsIndex[q]);
      layers.push(Int32Array.from(L));
    }
  }
  const pos = new Float64Array(N);
  const setPos = () => {
    for (const L of layers) for (let i = 0; i < L.length; i++) pos[L[i]] = i;
  };
  setPos();
  const fenwick = new Int32Array(N + 2);
  let bestCross = countCrossingsCsr(layers, adj, pos, fenwick);
  let best = layers.map((L) => L.slice());
  yield 'order';
  const key = new Float64Array(N);
  let stale = 0;
  for (let s = 0; s < sweeps && bestCross > 0 && stale < 2; s++) {
    stale++;
    for (const dir of [1, -1]) {
      if (dir === 1) for (let r = 1; r < layers.length; r++) sortLayer(layers[r], adj, pos, key, true);
      else for (let r = layers.length - 2; r >= 0; r--) sortLayer(layers[r], adj, pos, key, false);
      const c = countCrossingsCsr(layers, adj, pos, fenwick);
      if (c < bestCross) {
        bestCross = c;
        best = layers.map((L) => L.slice());
        stale = 0;
      }
      yield 'sweep';
    }
  }
  for (let r = 0; r < layers.length; r++) layers[r] = best[r];
  setPos();

  // ---- 4. Coordinates. ----
  const h = new Float64Array(N);
  const w = new Float64Array(N);
  for (let v = 0; v < n; v++) {
    h[v] = g.height[v];
    w[v] = g.width[v];
  }
  const dummyH = Math.max(2, rowGap / 2);
  for (let v = n; v < N; v++) h[v] = dummyH;
  const cy = new Float64Array(N); // centre y
  for (const L of layers) {
    let y = 0;
    for (const v of L) {
      cy[v] = y + h[v] / 2;
      y += h[v] + rowGap;
    }
  }
  // Centre every column on the tallest one to start from.
  const colH = layers.map((L) => L.reduce((s, v) => s + h[v] + rowGap, -rowGap));
  const tallest = Math.max(0, ...colH);
  layers.forEach((L, r) => {
    const off = (tallest - colH[r]) / 2;
    for (const v of L) cy[v] += off;
  });
  const desired = new Float64Array(N);
  const sepAfter = (a: number, b: number) => (h[a] + h[b]) / 2 + (a >= n && b >= n ? rowGap / 4 : rowGap);
  const scratch = { off: new Float64Array(N), val: new Float64Array(N), cnt: new Int32Array(N) };
  for (let it = 0; it < relax; it++) {
    for (const dir of [1, -1, 0]) {
      if (dir === -1)
        for (let r = layers.length - 1; r >= 0; r--) relaxLayer(layers[r], adj, cy, desired, dir, sepAfter, scratch);
      else for (let r = 0; r < layers.length; r++) relaxLayer(layers[r], adj, cy, desired, dir, sepAfter, scratch);
    }
    if (it % 2 === 1) yield 'relax';
  }

  // ---- 5. Columns: x from the widest box of each rank. ----
  const colW = new Float64Array(layers.length);
  for (let v = 0; v < n; v++) colW[rank[v]] = Math.max(colW[rank[v]], w[v]);
  const colX = new Float64Array(layers.length);
  for (let r = 1; r < layers.length; r++) colX[r] = colX[r - 1] + colW[r - 1] + colGap;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let v = 0; v < N; v++) {
    minY = Math.min(minY, cy[v] - h[v] / 2);
    maxY = Math.max(maxY, cy[v] + h[v] / 2);
  }
  if (N === 0) {
    minY = 0;
    maxY = 0;
  }
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    x[v] = colX[rank[v]] + (colW[rank[v]] - w[v]) / 2;
    y[v] = cy[v] - h[v] / 2 - minY;
  }
  const bends: Float64Array[] = new Array(m);
  for (let e = 0; e < m; e++) {
    const ids = chain[e];
    const b = new Float64Array(ids.length * 2);
    for (let s = 0; s < ids.length; s++) {
      const d = ids[s];
      b[2 * s] = colX[aRank[d]] + colW[aRank[d]] / 2;
      b[2 * s + 1] = cy[d] - minY;
    }
    bends[e] = b;
  }
  const width = layers.length ? colX[layers.length - 1] + colW[layers.length - 1] : 0;
  return {
    x,
    y,
    rank,
    bends,
    width,
    height: maxY - minY,
    ranks: layers.length,
    colX,
    colW,
    crossings: bestCross,
    dummies,
  };
}

interface Adjacency {
  upStart: Int32Array;
  upList: Int32Array;
  downStart: Int32Array;
  downList: Int32Array;
}

/** Barycentric reordering of one column from its neighbours on one side. */
function sortLayer(L: Int32Array, adj: Adjacency, pos: Float64Array, key: Float64Array, fromUp: boolean): void {
  const start = fromUp ? adj.upStart : adj.downStart;
  const list = fromUp ? adj.upList : adj.downList;
  for (let i = 0; i < L.length; i++) {
    const v = L[i];
    const a = start[v];
    const b = start[v + 1];
    if (a === b) {
      key[v] = pos[v];
      continue;
    }
    let sum = 0;
    for (let k = a; k < b; k++) sum += pos[list[k]];
    key[v] = sum / (b - a);
  }
  // Nodes without neighbours on that side keep roughly their place (ties by position).
  L.sort((p, q) => key[p] - key[q] || pos[p] - pos[q]);
  for (let i = 0; i < L.length; i++) pos[L[i]] = i;
}

function relaxLayer(
  L: Int32Array,
  adj: Adjacency,
  cy: Float64Array,
  desired: Float64Array,
  dir: number,
  sep: (a: number, b: number) => number,
  scratch: { off: Float64Array; val: Float64Array; cnt: Int32Array },
): void {
  for (let i = 0; i < L.length; i++) {
    const v = L[i];
    let sum = 0;
    let count = 0;
    if (dir >= 0)
      for (let k = adj.upStart[v]; k < adj.upStart[v + 1]; k++) {
        sum += cy[adj.upList[k]];
        count++;
      }
    if (dir <= 0)
      for (let k = adj.downStart[v]; k < adj.downStart[v + 1]; k++) {
        sum += cy[adj.downList[k]];
        count++;
      }
    desired[v] = count ? sum / count : cy[v];
  }
  placeInOrder(L, desired, cy, sep, scratch);
}

/** Edge crossings between adjacent columns (inversions of the targets' positions, counted with a Fenwick tree). */
function countCrossingsCsr(
  layers: Int32Array[],
  adj: Pick<Adjacency, 'downStart' | 'downList'>,
  pos: Float64Array,
  tree: Int32Array,
): number {
  let total = 0;
  const targets: number[] = [];
  for (let r = 0; r + 1 < layers.length; r++) {
    const L = layers[r];
    const size = layers[r + 1].length;
    tree.fill(0, 0, size + 1);
    let seen = 0;
    for (let i = 0; i < L.length; i++) {
      const v = L[i];
      targets.length = 0;
      for (let k = adj.downStart[v]; k < adj.downStart[v + 1]; k++) targets.push(pos[adj.downList[k]]);
      if (targets.length > 1) targets.sort((a, b) => a - b);
      for (const t of targets) {
        let le = 0;
        for (let j = t + 1; j > 0; j -= j & -j) le += tree[j];
        total += seen - le;
        for (let j = t + 1; j <= size; j += j & -j) tree[j]++;
        seen++;
      }
    }
  }
  return total;
}

/**
 * Places the nodes of one column, in their order, as close as possible (least squares) to
 * their desired centres with at least `sep(a, b)` between neighbours' centres: isotonic
 * regression by pool-adjacent-violators on desired − cumulative offset. O(column size).
 */
export function placeInOrder(
  L: ArrayLike<number>,
  desired: ArrayLike<number>,
  out: { [i: number]: number },
  sep: (a: number, b: number) => number,
  scratch?: { off: Float64Array; val: Float64Array; cnt: Int32Array },
): void {
  const k = L.length;
  if (k === 0) return;
  const off = scratch?.off ?? new Float64Array(k);
  off[0] = 0;
  for (let i = 1; i < k; i++) off[i] = off[i - 1] + sep(L[i - 1], L[i]);
  // PAV blocks: value (mean of z) and size.
  const val = scratch?.val ?? new Float64Array(k);
  const cnt = scratch?.cnt ?? new Int32Array(k);
  let top = -1;
  for (let i = 0; i < k; i++) {
    top++;
    val[top] = desired[L[i]] - off[i];
    cnt[top] = 1;
    while (top > 0 && val[top - 1] > val[top]) {
      const c = cnt[top - 1] + cnt[top];
      val[top - 1] = (val[top - 1] * cnt[top - 1] + val[top] * cnt[top]) / c;
      cnt[top - 1] = c;
      top--;
    }
  }
  let i = 0;
  for (let b = 0; b <= top; b++) for (let c = 0; c < cnt[b]; c++, i++) out[L[i]] = val[b] + off[i];
}

/**
 * Edge crossings between adjacent columns, from plain arrays: builds the compressed adjacency
 * the layout uses and counts with the layout's own counter (countCrossingsCsr).
 */
export function countCrossings(layers: number[][], down: number[][], pos: ArrayLike<number>): number {
  const downStart = new Int32Array(down.length + 1);
  down.forEach((d, v) => (downStart[v + 1] = downStart[v] + d.length));
  const downList = Int32Array.from(down.flat());
  const maxColumn = Math.max(0, ...layers.map((L) => L.length));
  return countCrossingsCsr(
    layers.map((L) => Int32Array.from(L)),
    { downStart, downList },
    Float64Array.from(pos),
    new Int32Array(maxColumn + 1),
  );
}
