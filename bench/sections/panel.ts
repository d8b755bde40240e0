/**
 * Issue 4 (panel scale): our core's re-evaluation of a 500-node graph, i.e. what the panel
 * does when the user edits an input value: `reevaluate` (compile the program to a tape,
 * forward, backward, diagnostics; no gradientCheck), and the bare tape forward+backward.
 * Target: well within a 16 ms frame. The panel's layout timing will be added here (or as a
 * section of its own) later.
 */
import { evaluate, reevaluate } from '../../src/core/evaluate';
import { backward, forward } from '../../src/core/tape';
import { makeGraph, toProgram, toTape } from '../lib/graph';
import { fmt, median, percentile, table } from '../lib/timing';
import type { BenchContext, Section, SectionResult } from './types';

const NODES = 500;
const FRAME_MS = 16;
/** "Well within a frame": leave three quarters of the frame to layout and rendering. */
const BUDGET_MS = FRAME_MS / 4;

export const panelSection: Section = {
  id: 'panel',
  title: `Panel scale: re-evaluation of a ${NODES}-node graph`,
  async run(ctx: BenchContext): Promise<SectionResult> {
    const log = ctx.log;
    const g = makeGraph(Number(ctx.options['panel-nodes'] ?? NODES), { seed: 0x9a7e1 });
    const program = toProgram(g);
    const tape = toTape(g);
    let ev = evaluate(program);
    forward(tape);
    backward(tape, g.root);
    if (!(ev.value === tape.value[g.root])) {
      log(`reevaluate disagrees with the tape: ${ev.value} vs ${tape.value[g.root]}`);
      return { checks: [], verified: false };
    }
    const first = ev.inputs[0].name;
    // Each iteration changes one input, as dragging a value in the panel does.
    const iterate = (k: number) => {
      ev = reevaluate(ev, { [first]: Math.sin(k) });
    };
    for (let k = 0; k < 200; k++) iterate(k);
    const samples: number[] = [];
    for (let k = 0; k < 500; k++) {
      const t0 = performance.now();
      iterate(k);
      samples.push(performance.now() - t0);
    }
    // Bare tape: too fast for one timer reading, so time batches of 100.
    const batch = 100;
    for (let k = 0; k < 5000; k++) {
      forward(tape);
      backward(tape, g.root);
    }
    const bare: number[] = [];
    for (let r = 0; r < 21; r++) {
      const t0 = performance.now();
      for (let k = 0; k < batch; k++) {
        forward(tape);
        backward(tape, g.root);
      }
      bare.push((performance.now() - t0) / batch);
    }
    log(`graph: ${g.n} nodes, ${g.inputs.length} inputs, ${g.edges} edges (same generator as the engines section)\n`);
    log(
      table(
        ['what', 'median ms', 'p95 ms', 'max ms', 'share of a 16 ms frame (p95)'],
        [
          [
            'reevaluate(): compile + forward + backward + diagnostics',
            fmt(median(samples), 3),
            fmt(percentile(samples, 95), 3),
            fmt(Math.max(...samples), 3),
            `${fmt((100 * percentile(samples, 95)) / FRAME_MS, 1)}%`,
          ],
          [
            'tape forward + backward only',
            fmt(median(bare), 4),
            fmt(percentile(bare, 95), 4),
            fmt(Math.max(...bare), 4),
            `${fmt((100 * percentile(bare, 95)) / FRAME_MS, 2)}%`,
          ],
        ],
      ),
    );
    const p95 = percentile(samples, 95);
    return {
      verified: true,
      checks: [
        {
          name: `reevaluate ${g.n} nodes, p95`,
          measured: `${fmt(p95, 3)} ms`,
          target: `≤ ${BUDGET_MS} ms (¼ frame)`,
          ok: p95 <= BUDGET_MS,
        },
      ],
    };
  },
};
