/**
 * Expression data: what the front end (src/parse) produces and the core consumes.
 * Plain, serializable data (no classes, no functions), so it can be posted to the webview
 * and re-evaluated there.
 *
 * Nodes are stored flat and in topological order: every node's args refer to nodes with a
 * smaller index, so a single forward loop evaluates the program and no code ever recurses.
 */
import type { OpName } from './ops';

/** A span of the source file. Offsets are 0-based; line and column are 1-based. */
export interface SourceRange {
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

interface NodeBase {
  /** Short display text: the name, the literal, or the (possibly abbreviated) source text. */
  label: string;
  range: SourceRange;
  /** Declaration name when this node is the value of `const name = ...` (so `h1` shows in the graph). */
  name?: string;
  /** Innermost inlined call this node belongs to (index into ExprProgram.frames). */
  frame?: number;
  /** Innermost loop this node was computed in (index into ExprProgram.loops), for programs. */
  loop?: number;
  /** 0-based iteration of that loop in which this node was computed. */
  iteration?: number;
}

/** A numeric literal or a named constant like Math.PI that is not a named input. */
export interface ConstNode extends NodeBase {
  kind: 'const';
  value: number;
}

/**
 * A named input: a `const x = 3` (value 3), an element of a const array literal `w[0]`,
 * or a free name (function parameter, let/var, ...) whose value the user must give (value undefined).
 * Every use of the same name refers to the same node, so fan-out accumulates there.
 */
export interface InputNode extends NodeBase {
  kind: 'input';
  name: string;
  value?: number;
  /** True when no value is known from the source (parameters, let/var, ...). */
  free: boolean;
  /**
   * For free inputs only: a starting value found in the source, e.g. 3 for `let x = 3`
   * (the input stays free: the user may change it).
   */
  suggested?: number;
  /** The numeric literal in the source that gave the input its value (Apply to source writes there). */
  literal?: SourceRange;
}

export interface OpNode extends NodeBase {
  kind: 'op';
  op: OpName;
  args: number[];
}

export type ExprNode = ConstNode | InputNode | OpNode;

/** One inlined call of a helper function declared in the same file (e.g. `sigmoid(a)`). */
export interface CallFrame {
  /** Function name as declared (`sigmoid`). */
  fn: string;
  /** Enclosing frame, or -1 at top level. */
  parent: number;
  /** The call expression's range in the source. */
  range: SourceRange;
  /** Node indices of the bound arguments (evaluated in the caller). */
  args: number[];
  /** Node index of the call's result. */
  result: number;
}

/**
 * An array (vector or matrix of numbers) the program built or was given, for the vector view:
 * its elements as they are when the target's value is computed.
 */
export interface ArrayGroup {
  /** The variable or access path it is bound to (`W1`, `h`, `model.w`), else the source text that made it. */
  label: string;
  /** Where it was created: the array literal, the `map`/`Array.from`/`new Array` call, or the declaration. */
  range: SourceRange;
  /** [n] for a vector, [rows, cols] for a rectangular matrix, and so on. */
  shape: number[];
  /** Node ids of its elements, row-major (length = product of shape). */
  elements: number[];
  /**
   * The top-level declaration that named it, when a helper created it (`const z = matvec(W1, x)`
   * for the `W.map(…)` in `matvec`): its line shows the array's inline values.
   */
  bound?: SourceRange;
}

/** A loop of the program as it ran (`for`, `while`, `for…of`, a `map`/`reduce`/`forEach` callback). */
export interface LoopInfo {
  /** `for (let i = 0; i < n; i++)`, abbreviated, or `xs.map(...)`. */
  label: string;
  range: SourceRange;
  /** Enclosing loop, or -1. */
  parent: number;
  /** How many iterations ran (all activations of this loop together). */
  iterations: number;
}

/**
 * A branch the run took at a tie (programs only): a number computed from the inputs compared with
 * an equal one (`z > 0 ? z : 0.01 * z` at z = 0), or tested for truth at exactly 0 (`z && y`).
 * The function has a kink or a jump there, so no gradient is the right one: the one shown is the
 * branch JavaScript took. The run steers on these numbers, so an input edit that moves them
 * re-traces and the list stays current.
 */
export interface TieDecision {
  /** The comparison, or the number tested for truth (its source text, abbreviated). */
  text: string;
  range: SourceRange;
  test: 'compare' | 'truth';
  /** The value both sides had (compare), or 0 (truth). */
  value: number;
  /** A program node of the decision (the number compared or tested), when the program has it. */
  node?: number;
}

export interface ExprProgram {
  nodes: ExprNode[];
  /** Branches taken at a tie (programs only; absent when none). */
  ties?: TieDecision[];
  /** Arrays of numbers the program built or was given (programs only; absent for plain expressions). */
  arrays?: ArrayGroup[];
  /** Loops that ran (programs only). */
  loops?: LoopInfo[];
  /**
   * For the vector view only (`withOffPath` in vector.ts); every other view reads `nodes` and
   * `arrays` alone. Named arrays whose elements do not all reach the target (softmax's `p` when
   * the loss reads only `p[label]`): `nodes` are their elements missing from the program and what
   * those need beyond it, with ids from `nodes.length` of the program on (after the root: gradient
   * 0); `arrays` refer to program and off-path ids.
   */
  offPath?: { nodes: ExprNode[]; arrays: ArrayGroup[] };
  /** Index of the output node (the target expression). */
  root: number;
  frames: CallFrame[];
  target: {
    /** Source text of the target (trimmed, possibly abbreviated for very long text). */
    text: string;
    range: SourceRange;
    /** Declaration name when the target is `const name = ...` or found via --name. */
    name?: string;
    /** A selection inside a function body: the function is analysed, the selection highlighted. */
    selection?: TargetSelection;
  };
}

/**
 * A selection inside a function body (issue 10): the target is the enclosing function's result,
 * and the selected sub-expression is highlighted in it. When the selected expression does not
 * reach the function's result (its gradient there would be 0), it is analysed on its own
 * (`alone`), as the target, in the function's run.
 */
export interface TargetSelection {
  /** The selected expression's source text (abbreviated like target.text). */
  text: string;
  range: SourceRange;
  /** The enclosing function's name, when it has one. */
  fn?: string;
  /**
   * Node ids recorded from the selected expression: its values in every evaluation that reaches
   * the target, and the nodes of its sub-expressions (their source range lies in the selection).
   */
  nodes: number[];
  /** Some value of the selected expression reaches the target (the root depends on it). */
  reaches: boolean;
  /** The selected expression was evaluated at all in this run (false: a branch not taken ...). */
  evaluated: boolean;
  /** The selection did not reach the function's result: it is the target itself. */
  alone?: boolean;
}
