/**
 * From expression data to numbers: compile an ExprProgram to a tape, bind input values,
 * run forward and backward, and collect per-input results and diagnostics.
 */
import { GradientLensError } from './errors';
import type { ExprProgram, InputNode } from './expr';
import { OP_CODE } from './ops';
import { TapeBuilder, backward, forward, takeCompiled, type Tape } from './tape';
import { diagnose, type Diagnostic } from './diagnostics';
import { interpret, type ProgramSource } from './interpret';

export interface InputResult {
  name: string;
  /** Node id of the input. */
  node: number;
  value: number;
  grad: number;
  /** True when the source gives no value (parameter, let/var ...). */
  free: boolean;
  /** Where the value came from: the source, the caller's `values`, or a default for a free input. */
  source: 'source' | 'given' | 'default';
}

export interface Evaluation {
  program: ExprProgram;
  tape: Tape;
  root: number;
  value: number;
  inputs: InputResult[];
  diagnostics: Diagnostic[];
}

export interface EvaluateOptions {
  /**
   * Value for free inputs that have none (panel: prefilled and marked as a default).
   * Without it, missing free inputs are an error that lists them.
   */
  defaultForFree?: (input: InputNode) => number;
}

/** A fresh tape for a program (each evaluation owns its arrays). */
export function compileProgram(program: ExprProgram): Tape {
  const made = takeCompiled(program, program.nodes.length);
  if (made) return made;
  let edges = 0;
  for (const node of program.nodes) if (node.kind === 'op') edges += node.args.length;
  const b = new TapeBuilder(program.nodes.length, edges);
  for (const node of program.nodes) {
    if (node.kind === 'op') b.gate(OP_CODE[node.op], node.args);
    else b.leaf(node.kind === 'const' ? node.value : (node.value ?? NaN));
  }
  return b.take();
}

/**
 * Forward and backward on `program` with `values` overriding named inputs.
 * Throws GradientLensError('missing-input') listing free inputs without a value,
 * unless `options.defaultForFree` supplies one.
 */
export function evaluate(
  program: ExprProgram,
  values: Readonly<Record<string, number>> = {},
  options: EvaluateOptions = {},
): Evaluation {
  const source = sourceOf(program);
  if (source) program = retraceIfNeeded(program, source, values, options);
  const tape = compileProgram(program);
  const inputs: InputResult[] = [];
  const missing: InputNode[] = [];
  program.nodes.forEach((node, id) => {
    if (node.kind !== 'input') return;
    let value: number;
    let source: InputResult['source'];
    if (Object.prototype.hasOwnProperty.call(values, node.name)) {
      value = values[node.name];
      source = 'given';
    } else if (!node.free && node.value !== undefined) {
      value = node.value;
      source = 'source';
    } else if (options.defaultForFree) {
      value = options.defaultForFree(node);
      source = 'default';
    } else {
      missing.push(node);
      return;
    }
    tape.value[id] = value;
    inputs.push({ name: node.name, node: id, value, grad: 0, free: node.free, source });
  });
  if (missing.length > 0) {
    const list = missing.map((m) => `${m.name} (${m.range.line}:${m.range.column})`).join(', ');
    const first = missing[0].range;
    throw new GradientLensError(
      'missing-input',
      `Missing input value${missing.length > 1 ? 's' : ''} for ${list}: ` +
        'these names have no numeric value in the file; give each one a value.',
      first,
      missing.map((m) => m.name),
    );
  }
  forward(tape);
  backward(tape, program.root);
  for (const input of inputs) input.grad = tape.grad[input.node];
  return {
    program,
    tape,
    root: program.root,
    value: tape.value[program.root],
    inputs,
    diagnostics: diagnose(program, tape),
  };
}

/** Re-run forward and backward after changing input values in place (the panel's live edit). */
export function reevaluate(ev: Evaluation, values: Readonly<Record<string, number>>): Evaluation {
  // ev.program is the program as traced for ev's values; evaluate re-traces when values change it.
  return evaluate(ev.program, { ...Object.fromEntries(ev.inputs.map((i) => [i.name, i.value])), ...values });
}

export interface GradCheck {
  name: string;
  analytic: number;
  numeric: number;
  /** |analytic − numeric| / max(|analytic|, |numeric|, 1e-6); 0 when both are equal. */
  relError: number;
}

/**
 * Central differences for every input: (f(x+h) − f(x−h)) / 2h with h = ∛ε·max(1, |x|).
 * Costs two forward passes per input; returns undefined when inputs × nodes exceeds `budget`.
 */
export function gradientCheck(ev: Evaluation, budget = 5e7): GradCheck[] | undefined {
  const { tape, root } = ev;
  if (ev.inputs.length * tape.size > budget) return undefined;
  const results: GradCheck[] = [];
  for (const input of ev.inputs) {
    const x = tape.value[input.node];
    const h = 6.0554544523933395e-6 * Math.max(1, Math.abs(x)); // cbrt(2^-52)
    tape.value[input.node] = x + h;
    forward(tape);
    const up = tape.value[root];
    tape.value[input.node] = x - h;
    forward(tape);
    const down = tape.value[root];
    tape.value[input.node] = x;
    const numeric = (up - down) / (x + h - (x - h)); // the step actually taken in floating point
    results.push({ name: input.name, analytic: input.grad, numeric, relError: relativeError(input.grad, numeric) });
  }
  forward(tape); // restore every node's value
  return results;
}

/**
 * |a − b| / max(|a|, |b|, 1e-6): relative for ordinary gradients, absolute below 1e-6, so that
 * an exact 0 against a numeric 3e-11 (x³ at 0) reads as agreement, not as a relative error of 1.
 */
export function relativeError(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), ABS_FLOOR);
}

const ABS_FLOOR = 1e-6;

/** The IR a program was traced from (programs made by the interpreter), if any. */
export function sourceOf(program: ExprProgram): ProgramSource | undefined {
  return (program as ExprProgram & { source?: ProgramSource }).source;
}

/**
 * Define-by-run: the graph was recorded for the traced input values. When the values of inputs
 * that steered the run differ (or give a free parameter an array/object shape), the program is
 * run again on them, since loops and branches may take another course; new values of other
 * inputs only change the numbers on the same graph (the interpreter records every value that
 * leaves the tape: ProgramSource.steering).
 */
function retraceIfNeeded(
  program: ExprProgram,
  source: ProgramSource,
  values: Readonly<Record<string, number>>,
  options: EvaluateOptions,
): ExprProgram {
  // Null-prototype records: input names like `__proto__` or `constructor` are plain keys.
  const effective: Record<string, number> = Object.create(null) as Record<string, number>;
  let differs = false;
  // Only inputs that steered the run can change its course; others only change tape values. The
  // elements of a free parameter (`w[0]` of `f(w)`) always count: the keys given shape it.
  const steering = source.steering ? new Set(source.steering) : undefined;
  const params = source.params ?? [];
  const steers = (name: string) => !steering || steering.has(name) || params.includes(/^[^[.@]*/.exec(name)![0]);
  const names = new Set<string>();
  const nodes = program.nodes;
  // An index loop: for…of allocates an iterator result per node until the loop is optimized.
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (node.kind !== 'input') continue;
    names.add(node.name);
    let v: number | undefined;
    if (Object.prototype.hasOwnProperty.call(values, node.name)) v = values[node.name];
    else if (!node.free && node.value !== undefined) v = node.value;
    else if (options.defaultForFree) v = options.defaultForFree(node);
    if (v === undefined) continue; // reported as missing below
    effective[node.name] = v;
    if (!Object.is(v, source.traced[node.name]) && steers(node.name)) differs = true;
  }
  // Keys that shape a free parameter (w[0], p.x) or name an input the trace did not reach.
  for (const k of Object.keys(values)) {
    if (names.has(k)) continue;
    const base = /^[^[.@]*/.exec(k)![0];
    if (params.includes(base) || Object.prototype.hasOwnProperty.call(source.traced, k) === false) {
      if (params.includes(base)) {
        effective[k] = values[k];
        differs = true;
      }
    }
  }
  if (!differs) return program;
  const all: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const k of Object.keys(values)) all[k] = values[k];
  for (const k of Object.keys(effective)) all[k] = effective[k];
  const next = interpret(source.ir, source.target, { ...source.budgets, values: all });
  // The same graph for the new values (the usual case: no branch or loop changed course): keep
  // the program object, so that views keyed on it only repaint numbers.
  return sameStructure(program, next) ? program : next;
}

/** Same nodes (kinds, ops, arguments, constants, names), frames and loops. */
export function sameStructure(a: ExprProgram, b: ExprProgram): boolean {
  if (a.nodes.length !== b.nodes.length || a.root !== b.root || a.frames.length !== b.frames.length) return false;
  for (let i = 0; i < a.nodes.length; i++) {
    const x = a.nodes[i];
    const y = b.nodes[i];
    if (x.kind !== y.kind || x.range.start !== y.range.start || x.name !== y.name) return false;
    if (x.kind === 'op') {
      const yo = y as typeof x;
      if (x.op !== yo.op || x.args.length !== yo.args.length) return false;
      for (let k = 0; k < x.args.length; k++) if (x.args[k] !== yo.args[k]) return false;
    } else if (x.kind === 'const') {
      if (!Object.is(x.value, (y as typeof x).value)) return false;
    }
  }
  for (let f = 0; f < a.frames.length; f++) {
    if (a.frames[f].result !== b.frames[f].result || a.frames[f].parent !== b.frames[f].parent) return false;
  }
  const la = a.loops ?? [];
  const lb = b.loops ?? [];
  if (la.length !== lb.length) return false;
  for (let l = 0; l < la.length; l++) if (la[l].iterations !== lb[l].iterations) return false;
  return true;
}
