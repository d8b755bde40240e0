/**
 * The interpreter's options (budgets, input values) and ProgramSource, what a traced program
 * keeps to be traced again. Re-exported by ../interpret.ts.
 */
import type { IrProgram, IrTarget } from '../ir';

// ---------------------------------------------------------------------------------------------
// Options and results

export interface Budgets {
  /** Interpreter steps (one per task). Default 60,000,000 (about a second or two). */
  maxSteps?: number;
  /** Tape nodes recorded during the run. Default 8,000,000. */
  maxNodes?: number;
  /** Depth of user function calls. Default 10,000. */
  maxDepth?: number;
  /**
   * Milliseconds of running for one run. Default 5,000 (the editor passes its own, ~1 s). A run in
   * slices (interpretSlices) counts the time its slices run, not the waits between them.
   */
  maxMillis?: number;
}

export const DEFAULT_BUDGETS: Required<Budgets> = {
  maxSteps: 100_000_000,
  maxNodes: 8_000_000,
  maxDepth: 10_000,
  maxMillis: 5_000,
};

export interface InterpretOptions extends Budgets {
  /**
   * Values for named inputs by name: the plain access path (`w[0]`, `p.x`) or the qualified
   * name `path@line:column` for inputs whose plain name is taken. For a free parameter `w`,
   * keys `w[0]`, `w[1][2]`, `w.x` give it the shape of an array / object of numbers.
   */
  values?: Readonly<Record<string, number>>;
}

/** The IR and target a program was traced from, and the input values of that trace. */
export interface ProgramSource {
  ir: IrProgram;
  target: IrTarget;
  /** Value of every input of the trace, by input name. */
  traced: Record<string, number>;
  /** Names of the free parameters of a function target (their keys shape arrays/objects). */
  params?: string[];
  /**
   * Inputs whose values steered the run (a branch, a loop bound, an index, a number turned into
   * text: every read of a number's value off the tape records it in `steer`). Changing only other
   * inputs cannot change the run's course, so the program need not be traced again for them.
   */
  steering?: string[];
  budgets?: Budgets;
}
