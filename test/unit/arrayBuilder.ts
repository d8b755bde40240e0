/**
 * Builds ExprPrograms with arrays and loops the way the program interpreter fills them
 * (ArrayGroup per array binding, LoopInfo per loop, loop/iteration per node), for the vector
 * view's tests. Scalar nodes are traced in execution order, like an interpreter running
 * `W.map(row => row.reduce((s, w, j) => s + w * x[j], 0))`.
 */
import type { ArrayGroup, ExprProgram, LoopInfo, SourceRange } from '../../src/core/expr';
import type { OpName } from '../../src/core/ops';
import { ProgramBuilder } from './builder';

const at = (line: number, start = line * 100): SourceRange => ({
  start,
  end: start + 10,
  line,
  column: 1,
  endLine: line,
  endColumn: 11,
});

export type Vec = number[];
export type Mat = number[][];

export class ArrayProgramBuilder extends ProgramBuilder {
  readonly arrays: ArrayGroup[] = [];
  readonly loops: LoopInfo[] = [];
  /** Open loops; `ordinal` counts the nodes made so far in the current iteration's body. */
  private loopStack: { loop: number; iteration: number; ordinal: number }[] = [];
  private line = 1;

  /** Tags every node created while a loop is open with the innermost loop and its iteration. */
  override op(op: OpName, ...args: number[]): number {
    const id = super.op(op, ...args);
    this.tag(id);
    return id;
  }

  override const(value: number): number {
    const id = super.const(value);
    this.tag(id);
    return id;
  }

  private tag(id: number) {
    const top = this.loopStack[this.loopStack.length - 1];
    if (top) {
      this.nodes[id].loop = top.loop;
      this.nodes[id].iteration = top.iteration;
      // The same source expression in every iteration: the k-th node of the body has one range.
      this.nodes[id].range = at(1000 + top.loop, 100_000 * (top.loop + 1) + top.ordinal++);
    }
  }

  private arraySites = new Map<string, SourceRange>();

  /**
   * Records an array binding (what the interpreter does for `const label = ...`). In a loop the
   * same binding is recorded again each iteration, at the same source range.
   */
  array(label: string, ids: number[], shape = [ids.length]): number[] {
    const top = this.loopStack[this.loopStack.length - 1];
    let range: SourceRange;
    if (top) {
      const key = `${label}|${top.loop}`;
      range = this.arraySites.get(key) ?? at(this.line++);
      this.arraySites.set(key, range);
    } else range = at(this.line++);
    this.arrays.push({ label, range, shape, elements: ids.slice() });
    return ids;
  }

  /** `const label = [[...], ...]`: named inputs `label[i][j]`, one ArrayGroup. */
  matrix(label: string, m: Mat): number[][] {
    const ids = m.map((row, i) => row.map((v, j) => this.input(`${label}[${i}][${j}]`, v)));
    this.array(label, ids.flat(), [m.length, m[0].length]);
    return ids;
  }

  vector(label: string, v: Vec): number[] {
    return this.array(
      label,
      v.map((x, i) => this.input(`${label}[${i}]`, x)),
    );
  }

  private loopIds = new Map<string, number>();

  /**
   * Runs `body(k)` for k = 0..n-1 as loop iterations. One LoopInfo per source loop (`label` in
   * its enclosing loop): a helper's loop run again is the same loop, its iterations add up.
   */
  loop(label: string, n: number, body: (k: number) => void): number {
    const parent = this.loopStack.length > 0 ? this.loopStack[this.loopStack.length - 1].loop : -1;
    const key = `${label}|${parent}`;
    let loop = this.loopIds.get(key);
    if (loop === undefined) {
      loop = this.loops.push({ label, range: at(this.line++), parent, iterations: 0 }) - 1;
      this.loopIds.set(key, loop);
    }
    for (let k = 0; k < n; k++) {
      this.loopStack.push({ loop: loop!, iteration: k, ordinal: 0 });
      body(k);
      this.loopStack.pop();
    }
    this.loops[loop].iterations += n;
    return loop;
  }

  /** `a.reduce((s, v, j) => s + v * b[j], 0)`: a traced dot product (its own loop). */
  dot(a: number[], b: number[]): number {
    let s = this.const(0);
    this.loop('reduce', a.length, (j) => {
      s = this.op('add', s, this.op('mul', a[j], b[j]));
    });
    return s;
  }

  /** `W.map(row => dot(row, x))`. */
  matvec(W: number[][], x: number[]): number[] {
    const out: number[] = [];
    this.loop('map', W.length, (i) => {
      out.push(this.dot(W[i], x));
    });
    return out;
  }

  /** `v.map(f)`. */
  map(v: number[], f: (id: number, i: number) => number): number[] {
    const out: number[] = [];
    this.loop('map', v.length, (i) => {
      out.push(f(v[i], i));
    });
    return out;
  }

  relu(a: number): number {
    return this.op('max', this.const(0), a);
  }

  sigmoid(a: number): number {
    return this.op('div', this.const(1), this.op('add', this.const(1), this.op('exp', this.op('neg', a))));
  }

  program(root = this.nodes.length - 1, name?: string): ExprProgram {
    const p = this.build(root, name ?? 'target');
    p.arrays = this.arrays;
    p.loops = this.loops;
    if (name) p.target.name = name;
    return p;
  }
}

/** Reshapes a flat row-major array to rows × cols. */
export function reshape(flat: ArrayLike<number>, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => flat[i * cols + j]));
}
