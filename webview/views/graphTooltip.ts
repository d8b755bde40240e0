/**
 * The graph's tooltip: a node's full-precision value and gradient, an edge's chain-rule product
 * (upstream × local = contribution). Text is built from the graph model; the element follows
 * the pointer inside the viewport.
 */
import type { Evaluation } from '../../src/core';
import type { ExprProgram } from '../../src/core/expr';
import { full } from '../format';
import { edgeFormula, type DisplayGraph, type EdgeNumbers } from '../graph/model';
import { h } from './dom';

export interface Tooltip {
  element: HTMLElement;
  show(e: PointerEvent, text: string): void;
  place(e: PointerEvent | MouseEvent): void;
  hide(): void;
  readonly hidden: boolean;
}

export function createTooltip(viewport: HTMLElement): Tooltip {
  const tooltip = h('div', { class: 'graph-tooltip', role: 'tooltip', hidden: true });
  function place(e: PointerEvent | MouseEvent): void {
    const r = viewport.getBoundingClientRect();
    const x = e.clientX - r.left + 14;
    const y = e.clientY - r.top + 14;
    const w = tooltip.offsetWidth;
    const hgt = tooltip.offsetHeight;
    tooltip.style.left = `${Math.max(4, Math.min(x, r.width - w - 4))}px`;
    tooltip.style.top = `${y + hgt > r.height ? Math.max(4, y - hgt - 24) : y}px`;
  }
  return {
    element: tooltip,
    show(e, text) {
      tooltip.textContent = text;
      tooltip.hidden = false;
      place(e);
    },
    place,
    hide: () => {
      tooltip.hidden = true;
    },
    get hidden() {
      return tooltip.hidden;
    },
  };
}

export function nodeTooltip(display: DisplayGraph, program: ExprProgram, ev: Evaluation, i: number): string {
  const d = display.nodes[i];
  const node = program.nodes[d.id];
  const t = ev.tape;
  const lines = [
    `${d.label}${d.kind === 'folded' ? ` = ${d.fn}(…)` : node.kind === 'op' && node.label !== d.label ? ` = ${node.label}` : ''}  (${node.range.line}:${node.range.column})`,
    `value    ${full(t.value[d.id])}`,
    `gradient ${full(t.grad[d.id])}`,
  ];
  if (d.kind === 'folded') lines.push('folded helper call: click ⊕ (or press E) to expand');
  if (d.kind === 'stub') lines.push('subgraph not drawn: double-click (or press E) to show it');
  for (const g of ev.diagnostics) if (display.byTapeId[g.nodeId] === i) lines.push(`${g.severity}: ${g.message}`);
  return lines.join('\n');
}

export function edgeTooltip(
  display: DisplayGraph,
  program: ExprProgram,
  ev: Evaluation,
  nums: EdgeNumbers,
  ei: number,
): string {
  const e = display.edges[ei];
  const from = display.nodes[e.from];
  const to = display.nodes[e.to];
  const up = ev.tape.grad[to.id];
  const formula = edgeFormula(display, program, e);
  return [
    `${from.label} → ${to.header}`,
    `contribution to grad(${from.label}) = upstream × local`,
    `= ${full(up)} × ${full(nums.local[ei])}${formula ? `   [local = ${formula}]` : ''}`,
    `= ${full(nums.contribution[ei])}`,
  ].join('\n');
}
