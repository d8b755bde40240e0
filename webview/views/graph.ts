/**
 * The graph view. Each gate is an element carrying data-node-id, data-label, data-value,
 * data-grad (full precision) and an aria-label, in topological order, with its incoming
 * edges as chain-rule lines: upstream × local = contribution.
 */
import type { ViewContext } from '../app';
import { OP_LIST, LEAF } from '../../src/core';
import { full, short } from '../format';
import { h } from './dom';

export interface GraphView {
  element: HTMLElement;
  select(nodeId: number | null, scroll?: boolean): void;
  command(command: string, args: Record<string, unknown>): void;
  probe(): Record<string, unknown>;
}

export function renderGraph(c: ViewContext): GraphView {
  const { tape, program } = c.ev;
  const p = c.settings.precision;
  const limit = Math.min(tape.size, c.settings.maxRenderedNodes);
  const list = h('ol', { class: 'node-list', 'aria-label': 'Gates in topological order' });
  const items = new Map<number, HTMLElement>();
  for (let i = tape.size - limit; i < tape.size; i++) {
    const node = program.nodes[i];
    const leaf = tape.op[i] === LEAF;
    const symbol = leaf ? (node.kind === 'input' ? 'input' : 'const') : OP_LIST[tape.op[i]].symbol;
    const edges = h('ul', { class: 'edges' });
    for (let k = tape.argStart[i]; k < tape.argStart[i + 1]; k++) {
      const a = tape.args[k];
      edges.append(h('li', { class: 'edge', 'data-from': a, 'data-to': i }, [
        `∂/∂${program.nodes[a].name ?? program.nodes[a].label}: `,
        `${short(tape.grad[i], p)} × ${short(tape.local[k], p)} = ${short(tape.grad[i] * tape.local[k], p)}`,
      ]));
    }
    const label = node.name ?? node.label;
    const item = h('li', {
      class: `node ${leaf ? 'leaf' : 'gate'}${i === c.ev.root ? ' root' : ''}`, tabindex: 0,
      'data-node-id': i, 'data-label': label, 'data-value': full(tape.value[i]), 'data-grad': full(tape.grad[i]),
      'aria-label': `${label} (${symbol}): value ${full(tape.value[i])}, gradient ${full(tape.grad[i])}`,
    }, [
      h('span', { class: 'op' }, [symbol]), ' ', h('code', { class: 'label' }, [label]),
      h('span', { class: 'value', title: full(tape.value[i]) }, [`= ${short(tape.value[i], p)}`]),
      h('span', { class: 'grad', title: full(tape.grad[i]) }, [`grad ${short(tape.grad[i], p)}`]),
      edges,
    ]);
    item.addEventListener('mouseenter', () => c.highlight(node.range));
    item.addEventListener('mouseleave', () => c.highlight(null));
    item.addEventListener('click', () => { c.select(i); c.reveal(node.range); });
    items.set(i, item);
    list.append(item);
  }
  const element = h('section', { class: 'graph', 'aria-label': 'Computational graph' }, [
    limit < tape.size ? h('p', { class: 'summary', role: 'status' }, [`Showing the last ${limit} of ${tape.size} nodes (setting gradientLens.maxRenderedNodes).`]) : undefined,
    list,
  ]);
  return {
    element,
    select(id, scroll) {
      for (const e of items.values()) e.classList.remove('selected');
      if (id === null) return;
      const e = items.get(id);
      e?.classList.add('selected');
      if (scroll) e?.scrollIntoView({ block: 'nearest' });
    },
    command() { /* the interactive graph adds step/play/fit/export */ },
    probe: () => ({ renderedNodes: items.size }),
  };
}
