/**
 * The program interpreter: runs the IR (src/core/ir.ts) define-by-run, like PyTorch's eager
 * autograd, and records every number as a tape node. Control flow (`if`, loops, `?:`, `&&`,
 * comparisons) is decided by the forward values; the tape records what was computed.
 *
 * Nothing of the user's program is executed by JavaScript: this is an interpreter over our own
 * IR with an allowlisted set of builtins (no real globals, no I/O, no clock, no randomness).
 * It never recurses over the user's structures: one loop pops tasks from an explicit stack;
 * user calls, callbacks (map, reduce, ...), getters and constructors are tasks too.
 *
 * The result is the same ExprProgram the rest of the product consumes (nodes in topological
 * order, call frames, target), reduced to the nodes the target depends on, plus loops, arrays,
 * per-node loop/iteration, and `source` (the IR, the target and the traced input values) so
 * that `evaluate` can re-trace when input values change.
 */
import { GradientLensError } from './errors';
import type { ExprProgram } from './expr';
import type { IrProgram, IrTarget } from './ir';
import type { Tape } from './tape';
import { Interp } from './interp/interp';
import type { Budgets, InterpretOptions, ProgramSource } from './interp/options';
import { patternNames, RetraceNeeded, ZERO_RANGE } from './interp/paths';

// The interpreter's parts live in ./interp/ (see docs/architecture.md); this module is their
// public entry.
export { DEFAULT_BUDGETS, type Budgets, type InterpretOptions, type ProgramSource } from './interp/options';
export { Interp } from './interp/interp';
export { RetraceNeeded, patternNames } from './interp/paths';

// =============================================================================================
// Entry points

export interface TraceResult {
  program: ExprProgram;
}

/** Interprets `ir` for `target` with the given input values; returns the traced program. */
export function interpret(ir: IrProgram, target: IrTarget, options: InterpretOptions = {}): ExprProgram {
  const run = interpretSlices(ir, target, options);
  for (;;) {
    const r = run.next(); // without a slice length: one go, never pauses
    if (r.done) return r.value;
  }
}

/** How far a run in slices is: run time (ms, pauses not counted), interpreter steps, tape nodes. */
export interface RunProgress {
  millis: number;
  steps: number;
  nodes: number;
}

/**
 * `interpret` in slices of about `sliceMillis` of running each: yields the progress after each
 * slice, and goes on when resumed (`next()`); the result is the same program as `interpret`'s.
 * The time between slices does not count against the time budget. Stop a run by not resuming
 * it (or `return()`).
 */
export function* interpretSlices(
  ir: IrProgram,
  target: IrTarget,
  options: InterpretOptions = {},
  sliceMillis = Infinity,
): Generator<RunProgress, ExprProgram, void> {
  let noPlain: Set<string> | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const it = new Interp(ir, options);
    if (noPlain) it.noPlain = noPlain;
    try {
      const run = it.runSliced(target);
      let r: IteratorResult<void, ExprProgram>;
      for (;;) {
        it.sliceEnd = Date.now() + sliceMillis;
        r = run.next();
        if (r.done) break;
        const pausedAt = Date.now();
        yield it.progress();
        it.resumeAfter(Date.now() - pausedAt);
      }
      const p = r.value;
      const src = (p as ExprProgram & { source?: ProgramSource }).source!;
      const budgets: Budgets = {};
      if (options.maxSteps !== undefined) budgets.maxSteps = options.maxSteps;
      if (options.maxNodes !== undefined) budgets.maxNodes = options.maxNodes;
      if (options.maxDepth !== undefined) budgets.maxDepth = options.maxDepth;
      if (options.maxMillis !== undefined) budgets.maxMillis = options.maxMillis;
      if (Object.keys(budgets).length) src.budgets = budgets;
      if (target.fn !== undefined) {
        const fnIr = ir.functions[target.fn];
        const names: string[] = [];
        for (const prm of fnIr.params) patternNames(prm.p, names);
        src.params = names;
      }
      return p;
    } catch (e) {
      if (e instanceof RetraceNeeded) {
        noPlain = new Set([...(noPlain ?? []), ...e.names]);
        continue;
      }
      if (e instanceof RangeError && /call stack|Invalid array length/i.test(e.message)) {
        throw new GradientLensError('budget', `The program is too large to run: ${e.message}`);
      }
      throw e;
    }
  }
  throw new GradientLensError('runtime', 'Input names are ambiguous; qualify them as name@line:column');
}

/**
 * Runs the program and returns the raw tape (all recorded nodes, forward values filled in) and
 * the root, without building the ExprProgram: what the benchmark measures as "interpretation".
 */
export function traceTape(
  ir: IrProgram,
  target: IrTarget,
  options: InterpretOptions = {},
): { tape: Tape; root: number } {
  const it = new Interp(ir, options);
  it.runOnly(target);
  return it.rawTape(target);
}

/** Runs the whole top level, tolerating failing statements; returns the Tgt nodes that gave a number. */
export function probeTargets(ir: IrProgram, options: Budgets = {}): Set<object> {
  const it = new Interp(ir, options);
  it.keepGoing = true;
  try {
    it.run({ text: '', range: ZERO_RANGE, stmt: ir.body.length - 1 });
  } catch {
    // the target check at the end fails: only the hits matter
  }
  return it.hitTargets;
}
