/**
 * The graph's interaction: pointer and keyboard events on the SVG turned into actions (hover,
 * select, expand, fold, move between nodes), and the zoom keys of the whole view. The view
 * (graph.ts) says what each action does; the keyboard's neighbour rule is a pure function here.
 */
import type { DisplayGraph } from '../graph/model';
import type { LayoutResult } from '../graph/layout';
import type { ZoomController } from '../graph/zoom';

export interface GraphActions {
  zoom(): ZoomController | undefined;
  pointerDown(): void;
  hoverNode(index: number, e: PointerEvent): void;
  hoverEdge(edge: number, e: PointerEvent): void;
  move(e: PointerEvent): void;
  /** The pointer left a node (for another element). */
  leaveNode(index: number): void;
  /** The pointer left a node or edge: hide the tooltip. */
  leaveItem(): void;
  toggleFrame(frame: number): void;
  activate(index: number): void;
  expandOrFocus(index: number): void;
  focusIn(index: number): void;
  /** The node an arrow key or Home moves to from `index` (-1: none). */
  neighbour(index: number, key: string): number;
  focusNode(index: number): void;
  clearHighlight(): void;
}

/** The display index of the node an event target is in (-1: none). */
export function indexOf(target: EventTarget | null): number {
  const g = (target as Element | null)?.closest?.('.gnode') as SVGGElement | null;
  return g ? Number(g.dataset.index) : -1;
}

export function wireGraph(svg: SVGSVGElement, a: GraphActions): void {
  svg.addEventListener('pointerdown', () => a.pointerDown());
  svg.addEventListener('pointerover', (e) => {
    if (a.zoom()?.panning()) return; // no hover work while dragging
    const i = indexOf(e.target);
    if (i >= 0) return a.hoverNode(i, e as PointerEvent);
    const eg = (e.target as Element).closest?.('.gedge') as SVGGElement | null;
    if (eg) a.hoverEdge(Number(eg.dataset.edge), e as PointerEvent);
  });
  svg.addEventListener('pointermove', (e) => a.move(e));
  svg.addEventListener('pointerout', (e) => {
    const i = indexOf(e.target);
    const to = indexOf((e as PointerEvent).relatedTarget);
    if (i >= 0 && to !== i) a.leaveNode(i);
    const eg = (e.target as Element).closest?.('.gedge, .gnode');
    const next = ((e as PointerEvent).relatedTarget as Element | null)?.closest?.('.gedge, .gnode');
    if (eg && eg !== next) a.leaveItem();
  });
  svg.addEventListener('click', (e) => {
    if (a.zoom()?.dragged()) return;
    const t = e.target as Element;
    const fold = t.closest?.('[data-fold]');
    if (fold) return a.toggleFrame(Number(fold.getAttribute('data-fold')));
    const exp = t.closest?.('[data-expand]');
    if (exp) return a.toggleFrame(Number(exp.getAttribute('data-expand')));
    const i = indexOf(t);
    if (i >= 0) a.activate(i);
  });
  svg.addEventListener('dblclick', (e) => {
    const i = indexOf(e.target);
    if (i >= 0) a.expandOrFocus(i);
  });
  svg.addEventListener('focusin', (e) => {
    const i = indexOf(e.target);
    if (i >= 0) a.focusIn(i);
  });
  svg.addEventListener('keydown', (e) => {
    const fold = (e.target as Element).closest?.('[data-fold]');
    if (fold && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      a.toggleFrame(Number(fold.getAttribute('data-fold')));
      return;
    }
    onNodeKey(e, a);
  });
}

function onNodeKey(e: KeyboardEvent, a: GraphActions): void {
  const i = indexOf(e.target);
  if (i < 0) return;
  switch (e.key) {
    case 'Enter':
      a.activate(i);
      e.preventDefault();
      return;
    case ' ':
    case 'e':
    case 'E':
      a.expandOrFocus(i);
      e.preventDefault();
      return;
    case 'Escape':
      a.clearHighlight();
      return;
    case 'ArrowLeft':
    case 'ArrowRight':
    case 'ArrowUp':
    case 'ArrowDown':
    case 'Home': {
      e.preventDefault();
      e.stopPropagation();
      const next = a.neighbour(i, e.key);
      if (next >= 0) a.focusNode(next);
      return;
    }
  }
}

/** Left: the first operand; right: the first consumer; up/down: the nearest node of the same rank; Home: the output. */
export function neighbour(display: DisplayGraph, layout: LayoutResult | undefined, i: number, key: string): number {
  switch (key) {
    case 'ArrowLeft':
      return display.inEdges[i].length ? display.edges[display.inEdges[i][0]].from : -1;
    case 'ArrowRight':
      return display.outEdges[i].length ? display.edges[display.outEdges[i][0]].to : -1;
    case 'ArrowUp':
    case 'ArrowDown': {
      if (!layout) return -1;
      const dir = key === 'ArrowUp' ? -1 : 1;
      let best = -1;
      let bestDy = Infinity;
      for (let j = 0; j < display.nodes.length; j++) {
        if (layout.rank[j] !== layout.rank[i] || j === i) continue;
        const dy = (layout.y[j] - layout.y[i]) * dir;
        if (dy > 0 && dy < bestDy) {
          bestDy = dy;
          best = j;
        }
      }
      return best;
    }
    case 'Home':
      return display.root;
    default:
      return -1;
  }
}

/** + / − / 0 zoom, Shift+arrows pan, anywhere in the view except text fields. */
export function wireZoomKeys(element: HTMLElement, zoom: () => ZoomController | undefined): void {
  element.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    if (t.closest?.('vscode-text-field, input, textarea')) return;
    const z = zoom();
    if (e.key === '+' || e.key === '=') z?.zoomBy(1.25);
    else if (e.key === '-' || e.key === '_') z?.zoomBy(1 / 1.25);
    else if (e.key === '0') z?.fit();
    else if (e.shiftKey && e.key.startsWith('Arrow')) {
      const d = 60;
      z?.panBy(
        e.key === 'ArrowLeft' ? -d : e.key === 'ArrowRight' ? d : 0,
        e.key === 'ArrowUp' ? -d : e.key === 'ArrowDown' ? d : 0,
      );
    } else return;
    e.preventDefault();
  });
}
