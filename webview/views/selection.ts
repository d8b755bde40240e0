/**
 * A selection inside a function body (issue 10): the panel analyses the enclosing function and
 * highlights the selected sub-expression's nodes in the scalar graph. The header says which
 * selection is highlighted, or why it is not (it does not reach the function's result).
 */
import type { ExprProgram, TargetSelection } from '../../src/core/expr';
import { h } from './dom';

/** The selection of the program as evaluated (a re-trace renumbers the nodes), if any. */
export function selectionOf(evaluated: ExprProgram | undefined, shown: ExprProgram): TargetSelection | undefined {
  return (evaluated ?? shown).target.selection;
}

/** The header's note: "selection: `w * x` at line 4, highlighted". */
export function renderSelectionNote(sel: TargetSelection | undefined): HTMLElement | undefined {
  if (!sel) return undefined;
  const fn = sel.fn ? `${sel.fn}(…)` : 'the function';
  const where = `line ${sel.range.line}`;
  const code = h('code', {}, [sel.text]);
  let state: string;
  let rest: Array<string | HTMLElement>;
  if (sel.alone) {
    state = 'alone';
    rest = [
      ` at ${where} does not reach the result of ${fn} (its gradient there would be 0), so it is analysed on its own, as the target, in ${fn}'s run.`,
    ];
  } else if (!sel.evaluated) {
    state = 'not-evaluated';
    rest = [` at ${where} is not evaluated when ${fn} runs with these values: nothing to highlight.`];
  } else if (!sel.reaches) {
    state = 'unreached';
    rest = [` at ${where} does not reach the result of ${fn} with these values: nothing to highlight.`];
  } else {
    state = 'highlighted';
    const n = sel.nodes.length;
    rest = [` at ${where}, highlighted`, n > 1 ? ` (${n} nodes)` : '', ` in ${fn}.`];
  }
  return h('div', { class: `selection-note ${state}`, role: 'note', 'data-selection': state }, [
    'selection: ',
    code,
    ...rest,
  ]);
}

/** Marks the rendered graph nodes of the selection (class `in-selection`); returns how many. */
export function markSelection(svg: Element, sel: TargetSelection | undefined): number {
  if (!sel || sel.alone || !sel.nodes.length) return 0;
  const ids = new Set(sel.nodes.map(String));
  let marked = 0;
  for (const g of svg.querySelectorAll<SVGGElement>('[data-node-id]')) {
    if (!ids.has(g.dataset.nodeId ?? '')) continue;
    g.classList.add('in-selection');
    marked++;
  }
  return marked;
}

/** For the panel probe (tests): the note's state and text, and the graph nodes marked. */
export function selectionProbe(root: HTMLElement): Record<string, unknown> {
  const note = root.querySelector<HTMLElement>('.selection-note');
  if (!note) return {};
  return {
    selectionState: note.dataset.selection ?? '',
    selectionNote: note.textContent ?? '',
    selectionNodes: [...root.querySelectorAll<HTMLElement>('.gnode.in-selection')].map((g) => Number(g.dataset.nodeId)),
  };
}
