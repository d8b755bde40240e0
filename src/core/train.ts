/**
 * Gradient descent on the user's expression: u ← u − η·∂L/∂u for every parameter u,
 * the update rule the seed material ends with. One tape is reused for all steps.
 */
import { GradientLensError } from './errors';
import type { ExprProgram } from './expr';
import { evaluate, sourceOf, type Evaluation } from './evaluate';
import { backward, forward } from './tape';
import { jsonNumber, tableNumber, type JsonNumber } from './format';

export interface TrainOptions {
  steps: number;
  /** Learning rate η. */
  lr: number;
  /** Names of the inputs to update; default: defaultParams() of the named inputs. */
  params?: string[];
}

/**
 * The pre-marking of inputs as data or targets (not trained): names starting with `x` or `t`
 * followed by nothing, a digit, `_`, `[` or a capital (x, x1, t2, x_i, xIn, t[0]), and names like
 * input(s), target(s), label(s), data. A heuristic the panel shows and the user can override.
 */
export function isDataName(name: string): boolean {
  return /^[xt](?:$|[\d_[A-Z])/.test(name) || /^(?:inputs?|targets?|labels?|data)(?:$|[\d_[A-Z])/i.test(name);
}

/** Default parameters: every named input except those isDataName() marks (all of them if that leaves none). */
export function defaultParams(names: readonly string[]): string[] {
  const params = names.filter((n) => !isDataName(n));
  return params.length > 0 ? params : [...names];
}

export interface Trainer {
  readonly params: string[];
  /** Loss at the current values. */
  readonly loss: number;
  /** Current value of every named input. */
  values(): Record<string, number>;
  /** Gradient of the loss at the current values, per parameter. */
  grads(): Record<string, number>;
  /** One update u ← u − η·∂L/∂u; returns the loss after it. */
  step(): number;
}

export function createTrainer(
  program: ExprProgram,
  values: Readonly<Record<string, number>>,
  lr: number,
  params?: string[],
): Trainer {
  let ev: Evaluation = evaluate(program, values); // throws on missing inputs
  const chosen = [...new Set(params ?? defaultParams(ev.inputs.map((i) => i.name)))];
  const names = new Set(ev.inputs.map((i) => i.name));
  for (const p of chosen) {
    if (!names.has(p)) throw new GradientLensError('usage', `No input named '${p}' to train`);
  }
  // A program (loops, branches) is re-traced at every step: the graph may change with the values.
  const retrace = sourceOf(program) !== undefined;
  const nodeOf = () => new Map(ev.inputs.map((i) => [i.name, i.node]));
  let ids = chosen.map((p) => nodeOf().get(p)!);
  const current = (): Record<string, number> =>
    Object.fromEntries(ev.inputs.map((i) => [i.name, ev.tape.value[i.node]]));
  return {
    params: chosen,
    get loss() {
      return ev.tape.value[ev.root];
    },
    values: current,
    grads: () => Object.fromEntries(chosen.map((p, k) => [p, ev.tape.grad[ids[k]]])),
    step() {
      // grads are those of the current values (backward ran after the last forward);
      // read them all before writing any value
      const g = ids.map((id) => ev.tape.grad[id]);
      if (retrace) {
        const next = current();
        chosen.forEach((p, k) => {
          next[p] -= lr * g[k];
        });
        ev = evaluate(ev.program, next);
        const m = nodeOf();
        ids = chosen.map((p) => m.get(p)!);
        return ev.tape.value[ev.root];
      }
      const { tape, root } = ev;
      ids.forEach((id, k) => {
        tape.value[id] -= lr * g[k];
      });
      forward(tape);
      backward(tape, root);
      return tape.value[root];
    },
  };
}

export interface TrainingRun {
  target: string;
  lr: number;
  params: string[];
  /** losses[0] before any step, losses[k] after step k. */
  losses: number[];
  /** Per parameter, its value before any step and after each step. */
  trajectories: Record<string, number[]>;
  initial: Record<string, number>;
  final: Record<string, number>;
  /** Set when the loss became NaN/Infinity and training stopped early. */
  stoppedEarly?: string;
}

/**
 * A training run as a DOM-free state machine: the CLI drives it to the end in one call, the
 * panel in time slices (advanceTraining with `yieldNow`), continuing a run across clicks.
 */
export interface TrainingProgress {
  params: string[];
  lr: number;
  /** losses[0] before any step, losses[k] after step k. */
  losses: number[];
  /** Per parameter, its value before any step and after each step. */
  trajectories: Record<string, number[]>;
  /** Every named input's value before the first step. */
  initial: Record<string, number>;
  /** Steps still to do. */
  remaining: number;
  /** The last step recorded in full: per parameter its value before, the gradient used, the value after. */
  last?: { step: number; before: Record<string, number>; grad: Record<string, number>; after: Record<string, number> };
  /** Set when the loss became NaN/Infinity: the run stopped at this step. */
  diverged?: { step: number; loss: number };
}

export type TrainingStatus = 'running' | 'done' | 'diverged';

/** A new run of `steps` steps from the trainer's current values. */
export function startTraining(trainer: Trainer, lr: number, steps: number): TrainingProgress {
  const initial = trainer.values();
  return {
    params: trainer.params,
    lr,
    losses: [trainer.loss],
    trajectories: Object.fromEntries(trainer.params.map((p) => [p, [initial[p]]])),
    initial,
    remaining: steps,
  };
}

/**
 * Steps until the run is done, diverged, or `yieldNow()` says to pause (then the step just done
 * is recorded in `last`, as is the run's final step).
 */
export function advanceTraining(
  run: TrainingProgress,
  trainer: Trainer,
  yieldNow: () => boolean = () => false,
): TrainingStatus {
  while (run.remaining > 0) {
    const lastOfSlice = run.remaining === 1 || yieldNow();
    const before = lastOfSlice ? trainer.values() : undefined;
    const grad = lastOfSlice ? trainer.grads() : undefined;
    const loss = trainer.step();
    run.remaining--;
    run.losses.push(loss);
    const now = trainer.values();
    for (const p of run.params) run.trajectories[p].push(now[p]);
    if (lastOfSlice) run.last = { step: run.losses.length - 1, before: before!, grad: grad!, after: now };
    if (!Number.isFinite(loss)) {
      run.remaining = 0;
      run.diverged = { step: run.losses.length - 1, loss };
      return 'diverged';
    }
    if (lastOfSlice) break;
  }
  return run.remaining === 0 ? 'done' : 'running';
}

export function runTraining(
  program: ExprProgram,
  values: Readonly<Record<string, number>>,
  opts: TrainOptions,
): TrainingRun {
  const trainer = createTrainer(program, values, opts.lr, opts.params);
  const run = startTraining(trainer, opts.lr, opts.steps);
  advanceTraining(run, trainer);
  const final = trainer.values();
  return {
    target: program.target.name ?? program.target.text,
    lr: opts.lr,
    params: trainer.params,
    losses: run.losses,
    trajectories: run.trajectories,
    initial: pick(run.initial, trainer.params),
    final: pick(final, trainer.params),
    stoppedEarly: run.diverged
      ? `the loss became ${run.diverged.loss} at step ${run.diverged.step}; try a smaller learning rate`
      : undefined,
  };
}

function pick(values: Record<string, number>, names: string[]): Record<string, number> {
  return Object.fromEntries(names.map((n) => [n, values[n]]));
}

export function trainingReport(run: TrainingRun): {
  target: string;
  lr: number;
  params: string[];
  losses: JsonNumber[];
  final: Record<string, JsonNumber>;
  initial: Record<string, JsonNumber>;
  stoppedEarly?: string;
} {
  const j = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, jsonNumber(v)]));
  return {
    target: run.target,
    lr: run.lr,
    params: run.params,
    losses: run.losses.map(jsonNumber),
    initial: j(run.initial),
    final: j(run.final),
    ...(run.stoppedEarly ? { stoppedEarly: run.stoppedEarly } : {}),
  };
}

export function trainingTable(run: TrainingRun): string {
  const lines = [
    `training ${run.target} with lr = ${run.lr} on ${run.params.join(', ')}`,
    '',
    `${'step'.padStart(6)}  loss`,
  ];
  run.losses.forEach((l, s) => lines.push(`${String(s).padStart(6)}  ${tableNumber(l)}`));
  if (run.stoppedEarly) lines.push('', `stopped early: ${run.stoppedEarly}`);
  lines.push('', 'final parameters:');
  const w = Math.max(...run.params.map((p) => p.length));
  for (const p of run.params)
    lines.push(`  ${p.padEnd(w)}  ${tableNumber(run.final[p])}  (was ${tableNumber(run.initial[p])})`);
  return lines.join('\n') + '\n';
}
