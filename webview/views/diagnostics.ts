/** The diagnostics list: NaN/Infinity origins, dead ReLUs, saturation, ties, kinks. */
import type { ViewContext } from '../state';
import { h } from './dom';

export function renderDiagnostics(c: ViewContext): HTMLElement {
  const list = c.ev.diagnostics;
  const section = h('section', { class: 'diagnostics', 'aria-label': 'Diagnostics' }, [
    h('h3', {}, [`Diagnostics (${list.length})`]),
  ]);
  if (list.length === 0) {
    section.append(h('p', { class: 'muted' }, ['No NaN/Infinity, dead ReLUs, saturated activations, ties or kinks.']));
    return section;
  }
  const ul = h('ul', {});
  for (const d of list) {
    const li = h(
      'li',
      { class: `diag diag-${d.severity}`, 'data-diagnostic': d.code, 'data-node': d.nodeId, tabindex: 0 },
      [h('span', { class: 'diag-code' }, [d.code]), ' ', d.message],
    );
    li.addEventListener('click', () => c.select(d.nodeId));
    li.addEventListener('mouseenter', () => c.highlight(c.payload.program.nodes[d.nodeId].range));
    li.addEventListener('mouseleave', () => c.highlight(null));
    ul.append(li);
  }
  section.append(ul);
  return section;
}
