/**
 * Plain, serializable views of an evaluation: the JSON report (CLI `--format json`, panel
 * export), Graphviz DOT and the aligned text table. Pure functions over an Evaluation.
 */
import type { SourceRange } from './expr';
import type { Evaluation, GradCheck } from './evaluate';
import { jsonNumber, plainNumber, relErrorText, tableNumber, type JsonNumber } from './format';
export { jsonNumber, tableNumber, type JsonNumber };
import { LEAF, specOf } from './tape';
import type { OpName } from './ops';

export interface ReportNode {
  id: number;
  op: OpName | 'input' | 'const';
  label: string;
  value: JsonNumber;
  grad: JsonNumber;
  inputs: number[];
  range: SourceRange;
  name?: string;
  /** Function name of the inlined helper this node belongs to, if any. */
  fn?: string;
}

export interface ReportEdge {
  /** Argument node (where the gradient goes). */
  from: number;
  /** Gate node (where the gradient comes from). */
  to: number;
  /** ∂to/∂from. */
  local: JsonNumber;
  /** upstream × local = grad(to) × ∂to/∂from: what this edge adds to grad(from). */
  contribution: JsonNumber;
}

export interface Report {
  target: { text: string; value: JsonNumber; name?: string };
  inputs: Array<{ name: string; value: JsonNumber; grad: JsonNumber; numericGrad?: JsonNumber; relError?: JsonNumber }>;
  nodes: ReportNode[];
  edges: ReportEdge[];
  diagnostics: Array<{ severity: string; message: string; nodeId: number; code: string }>;
}

export function toReport(ev: Evaluation, check?: GradCheck[]): Report {
  const { program, tape } = ev;
  const nodes: ReportNode[] = [];
  const edges: ReportEdge[] = [];
  for (let i = 0; i < tape.size; i++) {
    const n = program.nodes[i];
    const inputs = Array.from(tape.args.subarray(tape.argStart[i], tape.argStart[i + 1]));
    const node: ReportNode = {
      id: i,
      op: n.kind === 'op' ? n.op : n.kind,
      label: n.label,
      value: jsonNumber(tape.value[i]),
      grad: jsonNumber(tape.grad[i]),
      inputs,
      range: n.range,
    };
    if (n.name !== undefined) node.name = n.name;
    if (n.frame !== undefined) node.fn = program.frames[n.frame].fn;
    nodes.push(node);
    for (let k = tape.argStart[i]; k < tape.argStart[i + 1]; k++) {
      edges.push({
        from: tape.args[k],
        to: i,
        local: jsonNumber(tape.local[k]),
        contribution: jsonNumber(tape.grad[i] * tape.local[k]),
      });
    }
  }
  const byName = new Map(check?.map((c) => [c.name, c]));
  return {
    target: {
      text: program.target.text,
      value: jsonNumber(ev.value),
      ...(program.target.name ? { name: program.target.name } : {}),
    },
    inputs: ev.inputs.map((inp) => {
      const c = byName.get(inp.name);
      return {
        name: inp.name,
        value: jsonNumber(inp.value),
        grad: jsonNumber(inp.grad),
        ...(c ? { numericGrad: jsonNumber(c.numeric), relError: jsonNumber(c.relError) } : {}),
      };
    }),
    nodes,
    edges,
    diagnostics: ev.diagnostics.map((d) => ({
      severity: d.severity,
      message: d.message,
      nodeId: d.nodeId,
      code: d.code,
    })),
  };
}

/** The aligned text table: target value, then one row per input. */
/** Said instead of an empty inputs table (CLI and panel). */
export const NO_INPUTS_TEXT =
  'No inputs: every number this value depends on is a literal written inline (the graph still shows ' +
  'their gradients). To list a number here, edit it and train it, bind it to a top-level name: ' +
  'const x = 3; and use x.';

/**
 * The indices of `ev.inputs` in the order their numbers are written in the source (line, then
 * column): `W1[0][0]`, `W1[0][1]`, … `x[0]`, `W2[0][0]`, as a reader meets them, instead of the
 * order the run first read them (`W2[0][0]`, `W1[0][0]`, `x[0]`, …). Inputs without a position
 * keep their place after the others; ties keep the run's order.
 */
export function inputSourceOrder(ev: Pick<Evaluation, 'program' | 'inputs'>): number[] {
  const nodes = ev.program.nodes;
  const key = ev.inputs.map((inp) => {
    const r = (nodes[inp.node] as { range?: SourceRange } | undefined)?.range;
    return r ? [r.line, r.column] : [Number.MAX_SAFE_INTEGER, 0];
  });
  return ev.inputs.map((_, i) => i).sort((a, b) => key[a][0] - key[b][0] || key[a][1] - key[b][1] || a - b);
}

export function toTable(ev: Evaluation, check?: GradCheck[]): string {
  const { name: declared, text } = ev.program.target;
  const name = declared ?? text;
  // A note the target's text carries after its name: `loss (its final value, after line 4)`.
  const note =
    declared !== undefined && text.startsWith(`${declared} (`) ? `   ${text.slice(declared.length + 1)}` : '';
  const lines = [`${name} = ${tableNumber(ev.value)}${note}`, ''];
  const byName = new Map(check?.map((c) => [c.name, c]));
  const rows = [['input', 'value', 'grad', 'numeric grad', 'rel error']];
  for (const i of inputSourceOrder(ev)) {
    const inp = ev.inputs[i];
    const c = byName.get(inp.name);
    rows.push([
      inp.name,
      tableNumber(inp.value),
      tableNumber(inp.grad),
      c ? tableNumber(c.numeric) : '-',
      c ? relErrorText(c.relError) : '-',
    ]);
  }
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  for (const [r, row] of rows.entries()) {
    lines.push(
      row
        .map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col])))
        .join('  ')
        .trimEnd(),
    );
    if (r === 0) lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  if (ev.inputs.length === 0) lines.push('', NO_INPUTS_TEXT);
  for (const d of ev.diagnostics) lines.push('', `${d.severity}: ${d.message}`);
  return lines.join('\n') + '\n';
}

function dotString(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

/** Graphviz DOT, inputs on the left and the output on the right, value and gradient on every node. */
export function toDot(ev: Evaluation): string {
  const { program, tape } = ev;
  const out = ['digraph gradients {', '  rankdir=LR;', '  node [shape=box, style=rounded, fontname="Helvetica"];'];
  for (let i = 0; i < tape.size; i++) {
    const n = program.nodes[i];
    const head = tape.op[i] === LEAF ? n.label : `${specOf(tape, i)!.symbol}${n.name ? `  ${n.name}` : ''}`;
    const text = `${head}\nvalue ${plainNumber(tape.value[i])}\ngrad ${plainNumber(tape.grad[i])}`;
    const style = i === ev.root ? ', style="rounded,bold"' : '';
    out.push(`  n${i} [label=${dotString(text)}${style}];`);
  }
  for (let i = 0; i < tape.size; i++) {
    for (let k = tape.argStart[i]; k < tape.argStart[i + 1]; k++) {
      const c = tape.grad[i] * tape.local[k];
      out.push(
        `  n${tape.args[k]} -> n${i} [label=${dotString(`local ${plainNumber(tape.local[k])}\ncontrib ${plainNumber(c)}`)}];`,
      );
    }
  }
  out.push('}');
  return out.join('\n') + '\n';
}
