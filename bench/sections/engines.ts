/**
 * Issue: forward+backward on a 1,000,000-node random expression graph, beside
 *  (a) the floor: the same expression as generated straight-line JS, forward only,
 *  (a') a data-driven floor: a forward-only tight switch loop over the graph's arrays,
 *  (b) a micrograd-style engine (the usual baseline),
 *  (c) tfjs-core tf.valueAndGrads on scalars (on a smaller graph: see TFJS_NODES),
 * All engines run the same graph; the section verifies they agree before printing timings.
 */
import { backward, forward, LEAF, tapeBytes } from '../../src/core/tape';
import { OP_LIST } from '../../src/core/ops';
import { makeGraph, toTape, type Graph } from '../lib/graph';
import { compileFloor } from '../lib/floor';
import { forwardTight } from '../lib/tightloop';
import { buildMicrograd, type Value } from '../lib/micrograd';
import { loadTf, tfValueAndGrads } from '../lib/tfjs';
import { fmt, gc, heapUsed, relErr, table, timeInterleaved, timeIt, type Timing } from '../lib/timing';
import type { BenchContext, Check, Section, SectionResult } from './types';

const NODES = 1_000_000;
/** tfjs builds a tensor + a tape entry per scalar op (~µs each): a 1M-node graph is hopeless. */
const TFJS_NODES = 20_000;
const FLOOR_CHUNK = 10_000;
const SAMPLE = 2_000;
const TOL = 1e-9;
/** tfjs computes in float32 (no float64 dtype): agreement to float32 accuracy only. */
const TOL_F32 = 1e-3;

interface Row {
  engine: string;
  work: string;
  nodes: number;
  t: Timing;
}

export const enginesSection: Section = {
  id: 'engines',
  title: 'Engines: forward+backward on a 1M-node random expression graph (--nodes=N to change)',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const n = Number(ctx.options.nodes ?? NODES);
    const reps = Number(ctx.options.reps ?? 5);
    const log = ctx.log;

    // ---- the graph ------------------------------------------------------------------------
    const t0 = performance.now();
    const g = makeGraph(n);
    log(`graph: ${describe(g)} (generated in ${fmt(performance.now() - t0, 0)} ms, seed 0x5eed)`);

    // ---- one run of every engine, kept for verification --------------------------------------
    const ours = toTape(g);
    forward(ours);
    backward(ours, g.root);

    const floor = compileFloor(g, 'array', FLOOR_CHUNK);
    floor.run();
    log(
      `floor: ${floor.fns.length} generated functions of ${FLOOR_CHUNK} statements (v[i] = v[a] op v[b] ` +
        `over one Float64Array), new Function ${fmt(floor.compileMs, 0)} ms`,
    );
    const tight = new Float64Array(g.leafValue);
    forwardTight(g, tight);

    const heap0 = heapUsed();
    let mg: { nodes: Value[]; root: Value } | undefined = buildMicrograd(g);
    mg.root.backward();
    const sample = sampleInputs(g, SAMPLE);
    const mgValue = mg.root.data;
    const mgGrads = sample.map((i) => mg!.nodes[i].grad);
    const mgRoot = mg.root;
    mg = undefined; // keep only the root (the graph hangs off it), as a micrograd user would
    const mgHeapPerNode = (heapUsed() - heap0) / n;
    if (mgRoot.data !== mgValue) throw new Error('unreachable');

    // ---- verification ------------------------------------------------------------------------
    const problems: string[] = [];
    const vrows: string[][] = [];
    const cmpValues = (name: string, v: Float64Array) => {
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, relErr(v[i], ours.value[i]));
      vrows.push([
        name,
        `all ${n.toLocaleString('en-US')} node values`,
        worst.toExponential(1),
        verdictTol(worst, TOL),
      ]);
      if (!(worst <= TOL)) problems.push(`${name}: node values differ (max rel ${worst})`);
    };
    cmpValues('floor (generated JS)', floor.v);
    cmpValues('floor (tight loop)', tight);
    {
      const worstV = relErr(mgValue, ours.value[g.root]);
      let worstG = 0;
      let nonzero = 0;
      sample.forEach((id, k) => {
        worstG = Math.max(worstG, relErr(mgGrads[k], ours.grad[id]));
        if (ours.grad[id] !== 0) nonzero++;
      });
      vrows.push([
        'micrograd',
        `root value + ${sample.length} input grads (${nonzero} non-zero)`,
        Math.max(worstV, worstG).toExponential(1),
        verdictTol(Math.max(worstV, worstG), TOL),
      ]);
      if (!(worstV <= TOL && worstG <= TOL)) problems.push(`micrograd: value rel ${worstV}, grads rel ${worstG}`);
    }
    const grads = Array.from(ours.grad)
      .filter((x, i) => g.op[i] === LEAF && x !== 0)
      .map(Math.abs);
    log(
      `input gradients: ${grads.length} of ${g.inputs.length} non-zero, |grad| from ` +
        `${Math.min(...grads).toExponential(1)} to ${Math.max(...grads).toExponential(1)}; root value ${ours.value[g.root]}`,
    );

    // tfjs: its own, smaller graph (same generator and seed), verified against ours on that graph.
    const tf = await loadTf();
    let tfRow: Row | undefined;
    let oursSmall: Row | undefined;
    let tfNote = '';
    if ('error' in tf) {
      tfNote = `tfjs skipped: ${tf.error}`;
    } else {
      const gs = makeGraph(TFJS_NODES);
      const ts = toTape(gs);
      try {
        forward(ts);
        backward(ts, gs.root);
        const r = tfValueAndGrads(tf.tf, gs);
        const scale = Math.max(...Array.from(gs.inputs, (i) => Math.abs(ts.grad[i])));
        let worst = relErr(r.value, ts.value[gs.root]);
        gs.inputs.forEach((id, k) => {
          // float32: compare relative to the gradient, or to 1e-3 of the largest gradient for tiny ones
          const d = Math.abs(r.grads[k] - ts.grad[id]) / Math.max(Math.abs(ts.grad[id]), 1e-3 * scale);
          worst = Math.max(worst, d);
        });
        vrows.push([
          `tfjs ${tf.version} (float32)`,
          `${TFJS_NODES.toLocaleString('en-US')}-node graph: root + all ` + `${gs.inputs.length} input grads`,
          worst.toExponential(1),
          verdictTol(worst, TOL_F32),
        ]);
        if (!(worst <= TOL_F32)) problems.push(`tfjs: max rel ${worst}`);
        tfRow = {
          engine: `tfjs-core ${tf.version} tf.valueAndGrads (cpu backend, float32)`,
          work: 'fwd+bwd',
          nodes: TFJS_NODES,
          t: timeIt(() => tfValueAndGrads(tf.tf, gs), { warmup: 1, reps }),
        };
        oursSmall = {
          engine: 'ours, same 20k graph',
          work: 'fwd+bwd',
          nodes: TFJS_NODES,
          t: timeIt(
            () => {
              forward(ts);
              backward(ts, gs.root);
            },
            { warmup: 20, reps: 21 },
          ),
        };
      } catch (e) {
        tfNote = `tfjs failed: ${(e as Error).message}`;
      }
    }

    log('\nverification (before any timing):\n');
    log(table(['engine', 'compared with ours', 'max rel err', 'result'], vrows));
    if (tfNote) log(tfNote);
    if (problems.length > 0) {
      log(`\nENGINES DISAGREE, timings not printed:\n  ${problems.join('\n  ')}`);
      return { checks: [], verified: false };
    }

    // ---- timings ----------------------------------------------------------------------------
    log(
      `\ntimings: median after warm-up (gc() before each run, not timed); the 1M-node fast engines in ${Math.max(reps, 9)} \n` +
        `interleaved rounds, micrograd and tfjs ${reps} runs each\n`,
    );
    const rows: Row[] = [];
    const fast = timeInterleaved(
      [
        () => {
          forward(ours);
          backward(ours, g.root);
        },
        () => forward(ours),
        () => floor.run(),
        () => forwardTight(g, tight),
      ],
      { warmup: 3, rounds: Math.max(reps, 9) },
    );
    const oursRow: Row = { engine: 'ours: src/core/tape.ts forward+backward', work: 'fwd+bwd', nodes: n, t: fast[0] };
    const floorRow: Row = {
      engine: `floor (a): generated straight-line JS, ${FLOOR_CHUNK / 1000}k-statement chunks`,
      work: 'fwd',
      nodes: n,
      t: fast[2],
    };
    const tightRow: Row = {
      engine: "floor (a'): tight switch loop over the graph's arrays",
      work: 'fwd',
      nodes: n,
      t: fast[3],
    };
    rows.push(oursRow, { engine: 'ours: forward only', work: 'fwd', nodes: n, t: fast[1] }, floorRow, tightRow);
    const mgRow: Row = {
      engine: 'micrograd-style Value objects + closures',
      work: 'fwd+bwd',
      nodes: n,
      t: timeIt(
        () => {
          buildMicrograd(g).root.backward();
        },
        { warmup: 1, reps },
      ),
    };
    rows.push(mgRow);
    if (tfRow && oursSmall) rows.push(tfRow, oursSmall);
    gc();

    const nsPerNode = (r: Row) => (r.t.medianMs * 1e6) / r.nodes;
    const ours1 = nsPerNode(oursRow);
    log(
      table(
        ['engine', 'work', 'nodes', 'median ms', 'ns/node', 'ns/node vs ours'],
        rows.map((r) => [
          r.engine,
          r.work,
          r.nodes.toLocaleString('en-US'),
          fmt(r.t.medianMs, 1),
          fmt(nsPerNode(r), 1),
          `${fmt(nsPerNode(r) / ours1, 2)}×`,
        ]),
      ),
    );
    const tb = tapeBytes(ours) / n;
    log(
      `\nmemory: our tape ${fmt(tb, 1)} B/node (tapeBytes ${tapeBytes(ours).toLocaleString('en-US')} / ${n.toLocaleString('en-US')} nodes, ` +
        `${(g.edges / n).toFixed(2)} edges/node); micrograd ${fmt(mgHeapPerNode, 1)} heap B/node (gc + heapUsed delta, graph held by its root)`,
    );
    log(
      `run-to-run spread (min–max ms): ` +
        rows
          .map(
            (r) =>
              `${r.engine.split(':')[0].split(' (')[0]} ` +
              `${fmt(Math.min(...r.t.samples), 0)}–${fmt(Math.max(...r.t.samples), 0)}`,
          )
          .join('; '),
    );
    if (tfNote) log(tfNote);

    const checks: Check[] = [
      check('ours(fwd+bwd) / floor(a) generated JS fwd', ours1 / nsPerNode(floorRow), '≤ 3×', (x) => x <= 3),
      check("ours(fwd+bwd) / floor(a') tight loop fwd", ours1 / nsPerNode(tightRow), '≤ 3×', (x) => x <= 3),
      check('micrograd / ours', nsPerNode(mgRow) / ours1, '≥ 10×', (x) => x >= 10),
    ];
    if (tfRow && oursSmall) {
      checks.push(
        check(
          `tfjs / ours (both on the ${TFJS_NODES / 1000}k graph)`,
          nsPerNode(tfRow) / nsPerNode(oursSmall),
          '(info)',
          () => true,
        ),
      );
    }
    checks.push(
      { name: 'tape bytes/node', measured: fmt(tb, 1), target: '≤ 64', ok: tb <= 64 },
      { name: 'micrograd heap bytes/node', measured: fmt(mgHeapPerNode, 1), target: '(info)', ok: true },
    );
    return { checks, verified: true };
  },
};

function check(name: string, x: number, target: string, ok: (x: number) => boolean): Check {
  return { name, measured: `${fmt(x, 2)}×`, target, ok: ok(x) };
}

function verdictTol(err: number, tol: number): string {
  return err <= tol ? `ok (≤ ${tol.toExponential(0)})` : `FAIL (> ${tol.toExponential(0)})`;
}

/** Evenly spaced inputs (first and last included) across the whole graph. */
function sampleInputs(g: Graph, k: number): number[] {
  const m = g.inputs.length;
  const out: number[] = [];
  for (let j = 0; j < Math.min(k, m); j++)
    out.push(g.inputs[Math.round((j * (m - 1)) / Math.max(1, Math.min(k, m) - 1))]);
  return out;
}

function describe(g: Graph): string {
  const count = new Map<string, number>();
  let depth = 0;
  const d = new Int32Array(g.n);
  for (let i = 0; i < g.n; i++) {
    const name = g.op[i] === LEAF ? 'input' : OP_LIST[g.op[i]].name;
    count.set(name, (count.get(name) ?? 0) + 1);
    if (g.op[i] !== LEAF) {
      d[i] = 1 + Math.max(d[g.a[i]], g.b[i] >= 0 ? d[g.b[i]] : 0);
      depth = Math.max(depth, d[i]);
    }
  }
  const gates = g.n - g.inputs.length;
  const mix = [...count]
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ${((100 * v) / g.n).toFixed(1)}%`)
    .join(', ');
  return (
    `${g.n.toLocaleString('en-US')} nodes (${mix}), ${g.edges.toLocaleString('en-US')} edges ` +
    `(${(g.edges / gates).toFixed(2)} per gate), depth ${depth}`
  );
}
