/** Builds ExprPrograms by hand for core tests (no parser involved). */
import type { ExprNode, ExprProgram, SourceRange } from '../../src/core/expr';
import type { OpName } from '../../src/core/ops';

const range = (i: number): SourceRange => ({
  start: i,
  end: i + 1,
  line: 1,
  column: i + 1,
  endLine: 1,
  endColumn: i + 2,
});

export class ProgramBuilder {
  readonly nodes: ExprNode[] = [];
  private inputsByName = new Map<string, number>();

  input(name: string, value?: number): number {
    const existing = this.inputsByName.get(name);
    if (existing !== undefined) return existing;
    const id =
      this.nodes.push({
        kind: 'input',
        name,
        value,
        free: value === undefined,
        label: name,
        range: range(this.nodes.length),
      }) - 1;
    this.inputsByName.set(name, id);
    return id;
  }

  const(value: number): number {
    return this.nodes.push({ kind: 'const', value, label: String(value), range: range(this.nodes.length) }) - 1;
  }

  op(op: OpName, ...args: number[]): number {
    return this.nodes.push({ kind: 'op', op, args, label: op, range: range(this.nodes.length) }) - 1;
  }

  named(name: string, id: number): number {
    this.nodes[id].name = name;
    return id;
  }

  build(root = this.nodes.length - 1, text = 'expr'): ExprProgram {
    return { nodes: this.nodes, root, frames: [], target: { text, range: range(0) } };
  }
}

/** `tanh(x0·w0) + tanh(x1·w1) + ...`, left-associative like the parser builds it: ~4 nodes per term, one column per term. */
export function chainProgram(terms: number): ExprProgram {
  const b = new ProgramBuilder();
  const xs = [b.input('x0', 0.5), b.input('x1', -0.25), b.input('x2', 1.5)];
  let sum = -1;
  for (let i = 0; i < terms; i++) {
    const t = b.op('tanh', b.op('mul', xs[i % 3], b.input(`w${i}`, ((i % 17) - 8) / 10)));
    sum = sum < 0 ? t : b.op('add', sum, t);
  }
  return b.build(sum);
}
