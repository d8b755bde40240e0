/**
 * The backward-pass stepper's sequence (DOM-free): the drawn gates in reverse topological
 * order, and for each one the chain rule with its numbers, the gate's role in words and how
 * the gradients of its inputs add up at fan-out.
 */
import { isSigmoidName } from '../../src/core/program';
import type { ExprProgram } from '../../src/core/expr';
import type { Tape } from '../../src/core/tape';
import { short } from '../format';
import { edgeFormula, type DisplayGraph, type DNode, type EdgeNumbers } from './model';

export interface StepLine {
  edge: number;
  from: number;
  upstream: number;
  local: number;
  contribution: number;
  formula: string;
  text: string;
}

export interface Step {
  /** Display index of the gate. */
  gate: number;
  /** Tape id of the gate. */
  nodeId: number;
  /** Title: which gate and what it does. */
  title: string;
  role: string;
  lines: StepLine[];
  /** Gradients that are complete after this step (fan-out sums). */
  sums: string[];
  /** Everything as one text (what the panel shows and the probe returns). */
  text: string;
}

export type NodeGradState = 0 | 1 | 2; // 0 pending, 1 partial (some uses so far), 2 final

/** Reverse topological order of the drawn gates (display indices). */
export function gateOrder(g: DisplayGraph): number[] {
  const order: number[] = [];
  for (let i = g.nodes.length - 1; i >= 0; i--) if (g.inEdges[i].length > 0) order.push(i);
  return order;
}

export function roleText(node: DNode): string {
  const s = node.symbol;
  switch (node.role) {
    case 'distribute':
      return s === '−'
        ? 'subtraction distributes: the first input gets the upstream gradient, the second gets it negated'
        : `${s === '+' ? 'add' : s} distributes: every input gets the upstream gradient unchanged`;
    case 'switch':
      return s === '×'
        ? "mul switches: each input gets the upstream gradient times the OTHER input's value"
        : `${s} scales: the numerator gets upstream / b, the denominator upstream × (−a/b²)`;
    case 'route':
      return `${s} routes: the whole gradient goes to the chosen input, the others get 0`;
    case 'select':
      // `c ? a : b` as one gate (plain expressions), or the branch gate of a traced program (one
      // input: only the branch taken ran): either way the gradient passes to the branch taken.
      return '?: selects: the gradient goes to the branch taken, unchanged; the condition (and a branch not taken) get none';
    case 'scale':
      return `${s} scales the gradient by a constant factor`;
    case 'nonlinear':
      return `${s} scales the gradient by its local derivative at the input`;
    case 'constant':
      return `${s} is piecewise constant: no gradient flows through it`;
    case 'folded':
      return isSigmoidName(node.fn)
        ? `${node.fn}(…) is folded into one σ gate: its local gradient is σ(1−σ)`
        : `${node.fn}(…) is folded into one gate: its local gradient is that of the whole call`;
    default:
      return '';
  }
}

function paren(x: number, p: number): string {
  const s = short(x, p);
  return x < 0 || s.startsWith('−') ? `(${s})` : s;
}

/** Builds every step's text. */
export function buildSteps(
  g: DisplayGraph,
  program: ExprProgram,
  tape: Tape,
  nums: EdgeNumbers,
  precision: number,
): Step[] {
  const order = gateOrder(g);
  const position = new Int32Array(g.nodes.length).fill(-1);
  order.forEach((v, s) => {
    position[v] = s;
  });
  // The step at which each node's gradient is complete: after its last drawn consumer.
  const doneAt = new Int32Array(g.nodes.length).fill(-1);
  for (let v = 0; v < g.nodes.length; v++) {
    for (const e of g.outEdges[v]) doneAt[v] = Math.max(doneAt[v], position[g.edges[e].to]);
  }
  const p = precision;
  const name = (v: number) => g.nodes[v].label;
  // `∂/∂y2 - t2` reads as (∂/∂y2) − t2: a compound label is one operand, so it gets parentheses.
  const operand = (label: string) => (/[\s+\-*/%^]/.test(label.replace(/^-(?=\d)/, '')) ? `(${label})` : label);
  const steps: Step[] = [];
  order.forEach((v, s) => {
    const node = g.nodes[v];
    const up = tape.grad[node.id];
    const lines: StepLine[] = g.inEdges[v].map((ei) => {
      const e = g.edges[ei];
      const local = nums.local[ei];
      const contribution = nums.contribution[ei];
      const formula = edgeFormula(g, program, e);
      const text =
        `∂/∂${operand(name(e.from))}: upstream ${short(up, p)} × local ${paren(local, p)}` +
        `${formula && formula !== short(local, p) ? ` [${formula}]` : ''} = ${short(contribution, p)}`;
      return { edge: ei, from: e.from, upstream: up, local, contribution, formula, text };
    });
    const sums: string[] = [];
    const seen = new Set<number>();
    for (const line of lines) {
      const u = line.from;
      if (seen.has(u)) continue;
      seen.add(u);
      // In the order the walk reaches them (the order the += happens).
      const uses = g.outEdges[u].slice().sort((a, b) => position[g.edges[a].to] - position[g.edges[b].to]);
      if (doneAt[u] === s) {
        const parts = uses.map((ei) => nums.contribution[ei]);
        const hidden = tape.grad[g.nodes[u].id] - parts.reduce((a, b) => a + b, 0);
        const hiddenNote =
          Math.abs(hidden) > 1e-12 * Math.max(1, Math.abs(tape.grad[g.nodes[u].id]))
            ? ` (${short(hidden, p)} from uses not drawn)`
            : '';
        if (uses.length > 1) {
          sums.push(
            `grad(${name(u)}) = ${parts.map((x, i) => (i === 0 ? short(x, p) : paren(x, p))).join(' + ')}` +
              ` = ${short(tape.grad[g.nodes[u].id], p)} from ${uses.length} uses${hiddenNote}`,
          );
        } else {
          sums.push(`grad(${name(u)}) = ${short(tape.grad[g.nodes[u].id], p)}${hiddenNote}`);
        }
      } else {
        const sofar = uses.filter((ei) => position[g.edges[ei].to] <= s);
        const partial = sofar.reduce((a, ei) => a + nums.contribution[ei], 0);
        sums.push(`grad(${name(u)}) so far ${short(partial, p)} (${sofar.length} of ${uses.length} uses)`);
      }
    }
    const where = program.nodes[node.id].range;
    const title =
      `Step ${s + 1} of ${order.length}: ${node.header} (${where.line}:${where.column}), ` +
      `grad ${short(up, p)}${v === g.root && s === 0 ? ' (the output: grad = 1 to start)' : ''}`;
    const role = roleText(node);
    const text = [title, role, ...lines.map((l) => l.text), ...sums].filter(Boolean).join('\n');
    steps.push({ gate: v, nodeId: node.id, title, role, lines, sums, text });
  });
  return steps;
}

/**
 * Gradient state of every drawn node after step `s` (−1: before the first step, only the
 * start is known). Returns the state and the running sums.
 */
export function stateAt(g: DisplayGraph, steps: readonly Step[], nums: EdgeNumbers, s: number): StepState {
  const state = new Uint8Array(g.nodes.length);
  const processed = new Uint8Array(g.nodes.length);
  const partial = new Float64Array(g.nodes.length);
  const received = new Int32Array(g.nodes.length);
  if (g.root >= 0) state[g.root] = 2;
  for (let i = 0; i <= s && i < steps.length; i++) {
    state[steps[i].gate] = 2;
    processed[steps[i].gate] = 1;
    for (const line of steps[i].lines) {
      partial[line.from] += nums.contribution[line.edge];
      received[line.from]++;
    }
  }
  for (let v = 0; v < g.nodes.length; v++) {
    if (state[v] === 2 || received[v] === 0) continue;
    state[v] = received[v] >= g.outEdges[v].length ? 2 : 1;
  }
  return { state, partial, processed };
}

export interface StepState {
  /** Per drawn node: 0 pending, 1 partial, 2 final. */
  state: Uint8Array;
  /** Running sum of the contributions received so far. */
  partial: Float64Array;
  /** 1 for gates already walked (their contributions have been sent). */
  processed: Uint8Array;
}
