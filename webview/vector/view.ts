/**
 * The vector view: the program's arrays as nodes (`W1 3×2` with its values and its gradient side
 * by side, same shape), edges between them with their Jacobians, the vectorized chain rule with
 * numbers, a backward walk over the arrays, a sample slider for loops, and each array expandable
 * into its scalars. The default for programs with arrays or loops; the scalar graph (views/graph)
 * is one click away. Plain expressions get the scalar graph unchanged.
 *
 * It implements the GraphView interface, so the panel hosts it where the scalar graph was.
 */
import { hasVectorStructure, shapeText, type VectorGroup } from '../../src/core';
import type { ViewContext } from '../state';
import { full, short } from '../format';
import { maxAbsFinite } from '../graph/color';
import { button } from '../toolkit';
import { h, svg } from '../views/dom';
import { renderGraph, type GraphView } from '../views/graph';
import {
  buildVectorModel,
  groupTitle,
  indexText,
  roleGlyph,
  roleText,
  sparsityText,
  transpose,
  type VectorModel,
} from './model';
import { captioned, renderMatrix, updateMatrix, type MatrixOptions } from './matrix';
import { webMark } from '../trace';

type Mode = 'vector' | 'scalar';
/** The smallest scale the canvas is shrunk to in a narrow panel (below it the box scrolls). */
const MIN_FIT = 0.7;
/** Cards farther than this (px) outside the canvas's box are not rendered until they come near it. */
const FAR_MARGIN = 32;
/** Vertical space between the two bands of a wrapped canvas (px, its corridor for edges). */
const BAND_GAP = 28;
/** Extra left padding of a wrapped canvas: room for edges coming down into its second band's first column. */
const WRAP_EXTRA_PAD = 14;
/**
 * Bands may be this much taller than the box's height limit (it then scrolls down, not sideways:
 * the minibatch with a sample's figures, 889 px for a 600 px box, instead of 7.7 px numbers).
 * Much taller graphs (big matrices, test/ui/vector-scale) keep one row.
 */
const WRAP_MAX_HEIGHT = 1.5;
type Selection = { kind: 'edge'; id: number } | { kind: 'group'; id: number } | undefined;

/** The panel's graph slot: the vector view for programs with arrays/loops, else the scalar graph. */
export function renderVectorOrGraph(c: ViewContext): GraphView {
  if (!hasVectorStructure(c.payload.program)) return renderGraph(c);
  try {
    return createVectorHost(c);
  } catch (e) {
    // Never lose the panel over the vector view: log, and show the scalar graph.
    c.post({ type: 'log', level: 'error', message: `vector view: ${(e as Error).stack ?? e}` });
    return renderGraph(c);
  }
}

function createVectorHost(initial: ViewContext): GraphView {
  let c = initial;
  let mode: Mode = 'vector';
  let inner: GraphView | undefined;
  let vector: VectorView | undefined;
  const content = h('div', { class: 'vhost-content' });
  const vecBtn = button('Arrays', () => setMode('vector'), {
    title: 'Arrays as matrices, with Jacobians on the edges',
    attrs: { 'data-action': 'vector-view' },
  });
  const scalarBtn = button('Scalars', () => setMode('scalar'), {
    title: 'Every scalar gate of the computation',
    attrs: { 'data-action': 'scalar-view' },
  });
  const bar = h('div', { class: 'vhost-bar', role: 'group', 'aria-label': 'View' }, [
    h('span', { class: 'toolbar-label' }, ['View']),
    vecBtn,
    scalarBtn,
  ]);
  const element = h('section', { class: 'vhost', 'aria-label': 'Gradient graph' }, [bar, content]);

  function setMode(next: Mode, selectNode?: number): void {
    mode = next;
    element.dataset.mode = mode;
    vecBtn.setAttribute('appearance', mode === 'vector' ? 'primary' : 'secondary');
    scalarBtn.setAttribute('appearance', mode === 'scalar' ? 'primary' : 'secondary');
    content.replaceChildren();
    if (mode === 'vector') {
      inner?.dispose();
      inner = undefined;
      if (vector) vector.update(c);
      else vector = createVectorView(c, (node) => setMode('scalar', node));
      content.append(vector.element);
      vector.relayout();
    } else {
      inner ??= renderGraph(c);
      inner.update(c);
      content.append(inner.element);
      if (selectNode !== undefined) {
        c.select(selectNode);
        inner.select(selectNode, true);
      }
    }
  }
  // A selection inside a function body is highlighted in the scalar graph: open on it.
  const sel = initial.ev.program.target.selection ?? initial.payload.program.target.selection;
  setMode(sel && !sel.alone && sel.nodes.length > 0 ? 'scalar' : 'vector');

  return {
    element,
    select(nodeId, scroll) {
      if (mode === 'scalar') inner?.select(nodeId, scroll);
      else vector?.selectNode(nodeId);
    },
    command(command, args) {
      if (command === 'vectorView') return setMode('vector');
      if (command === 'scalarView') return setMode('scalar');
      if (mode === 'scalar') inner?.command(command, args);
      else vector?.command(command, args);
    },
    probe: () => ({
      mode,
      ...(mode === 'scalar' ? (inner?.probe() ?? {}) : { laidOut: true }),
      vector: vector?.probe(),
    }),
    accepts: (next) => next.payload.program === c.payload.program && next.settings.precision === c.settings.precision,
    update(next) {
      c = next;
      if (mode === 'scalar') inner?.update(next);
      else vector?.update(next);
    },
    dispose() {
      inner?.dispose();
      vector?.dispose();
    },
  };
}

interface VectorView {
  element: HTMLElement;
  update(c: ViewContext): void;
  relayout(): void;
  selectNode(nodeId: number | null): void;
  command(command: string, args: Record<string, unknown>): void;
  probe(): Record<string, unknown>;
  dispose(): void;
}

/**
 * Under the arrays: what L is (the cards say ∂L/∂W1 whatever the output is called), that a
 * gradient has its array's shape, and the colours (the scalar graph has the same legend).
 */
function vectorLegend(output: string | undefined): HTMLElement {
  const item = (cls: string, label: string) =>
    h('span', { class: 'legend-item' }, [h('span', { class: `sw ${cls}` }), label]);
  return h('div', { class: 'legend vlegend', 'data-legend': '' }, [
    h('span', { class: 'legend-item' }, [`L = ${output ?? 'the output'}; ∂L/∂X has the shape of X`]),
    item('sw-pos', '▲ positive'),
    item('sw-neg', '▼ negative'),
    item('sw-zero', '○ zero'),
    h('span', { class: 'legend-item' }, ['stronger colour = larger |gradient|']),
  ]);
}

function createVectorView(initial: ViewContext, showScalar: (node: number) => void): VectorView {
  let c = initial;
  const program = c.payload.program;
  let model: VectorModel | undefined;
  let selection: Selection;
  let sample = -1; // −1: all samples
  let stepIndex = -1;
  const expanded = new Set<number>();
  const timings: Record<string, number> = {};
  let resizeObserver: ResizeObserver | undefined;
  // What the next drawn frame completes: the first show (from the show message's arrival) or an
  // input edit (from setValues), for `showMs` / `editMs` in data-timings (test/ui/vector-scale).
  let pending: { kind: 'showMs' | 'editMs'; at: number } | undefined =
    c.timing?.shownAt !== undefined ? { kind: 'showMs', at: c.timing.shownAt } : undefined;
  let lastEditAt = c.timing?.editAt;
  /** The canvas's structure changed (cards added, expanded, a sample's figures): fit its width again. */
  let fitPending = true;
  let fittedWidth = -1;
  /** The columns wrap into two bands from this column on (a narrow, tall enough box), or not at all. */
  let bandStarts: number[] = [];
  /** Cards rendered (renderCards): their content-visibility waits for their first painted frame. */
  let cardsGen = 0;
  /** A drawEdges is queued for the next frame (relayout coalesces). */
  let edgesQueued = false;
  /** drawEdges ran in this rendering step (its card rectangles are the ones the observer reports). */
  let edgesDrawn = false;
  /**
   * A card changed size outside an edges frame (a card skipped below the box's edge rendered
   * again with numbers that changed meanwhile, once it scrolls into view): redraw the edges.
   */
  const cardObserver =
    typeof ResizeObserver === 'function'
      ? new ResizeObserver(() => {
          if (!edgesDrawn) relayout();
        })
      : undefined;

  const canvas = h('div', { class: 'vgraph' });
  const edgesSvg = svg('svg', { class: 'vedges', 'aria-hidden': 'true' }) as SVGSVGElement;
  const graphBox = h('div', { class: 'vgraph-box' }, [canvas]);
  graphBox.prepend(edgesSvg);
  /** Cards outside the box (and a margin around it) are 'vfar': not rendered (media/vector.css). */
  const farObserver =
    typeof IntersectionObserver === 'function'
      ? new IntersectionObserver(
          (entries) => {
            for (const e of entries) {
              if (e.isIntersecting && staleTables.size > 0) paintStale(e.target);
              e.target.classList.toggle('vfar', !e.isIntersecting);
            }
          },
          { root: graphBox, rootMargin: `${FAR_MARGIN}px` },
        )
      : undefined;
  const detail = h('div', {
    class: 'vdetail',
    role: 'region',
    'aria-label': 'Selected array or edge',
    'aria-live': 'polite',
  });
  const edgeList = h('ul', { class: 'vedge-list', 'aria-label': 'Edges' });
  const stepText = h('div', { class: 'step-text', role: 'status', 'data-step-text': '' });
  const sampleBar = h('div', { class: 'vsamples', role: 'group', 'aria-label': 'Samples' });
  const toolbar = h('div', { class: 'graph-toolbar vtoolbar' }, [
    h('div', { class: 'stepper', role: 'group', 'aria-label': 'Backward walk over the arrays' }, [
      h('span', { class: 'toolbar-label' }, ['Backward']),
      button('Step', () => step(1), { title: 'Next array, from the output back', attrs: { 'data-action': 'vstep' } }),
      button('Reset', () => step(0), { title: 'Stop the walk', attrs: { 'data-action': 'vreset' } }),
    ]),
    sampleBar,
  ]);
  const element = h('div', { class: 'vview', 'data-scalar-nodes': program.nodes.length }, [
    toolbar,
    graphBox,
    vectorLegend(program.target.name),
    stepText,
    h('div', { class: 'vbelow' }, [
      detail,
      h('details', { class: 'vedges-details' }, [h('summary', {}, ['Edges']), edgeList]),
    ]),
  ]);

  const precision = () => c.settings.precision;
  const group = (id: number): VectorGroup => model!.graph.groups[id];

  function rebuild(numbersOnly = false): void {
    const t0 = performance.now();
    model = buildVectorModel(program, c.ev.tape, model?.graph);
    timings.modelMs = performance.now() - t0;
    webMark('model');
    const t1 = performance.now();
    // New numbers on the same cards (an input edit): repaint the cells in place. Expanded scalars
    // and a sample's figure (shown only when its share is non-zero) are rebuilt.
    if (numbersOnly && expanded.size === 0 && sample < 0 && cardMatrices.length > 0) {
      // Cards not rendered (outside the box) get their numbers in the task after the painted frame,
      // or when they come near the box, whichever is first.
      const far = canvas.classList.contains('vcv');
      for (const cm of cardMatrices) {
        if (far && cm.table.closest('.vfar')) staleTables.add(cm);
        else paintTable(cm);
      }
      if (staleTables.size > 0) {
        element.dataset.staleTables = String(staleTables.size);
        requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => paintStale(), 0)));
      }
    } else {
      renderSamples();
      renderCards();
      renderEdgeList();
    }
    renderDetail();
    timings.renderMs = performance.now() - t1;
    webMark('cards');
    element.dataset.timings = JSON.stringify(timings);
    relayout();
  }

  /** The cards' value and gradient tables and how to get their current numbers (for in-place repaints). */
  interface CardMatrix {
    table: HTMLElement;
    shape: readonly number[];
    numbers(): { values: ArrayLike<number>; options: MatrixOptions };
  }
  let cardMatrices: CardMatrix[] = [];
  /** Tables of cards outside the box whose new numbers are not written yet (`data-stale-tables`). */
  const staleTables = new Set<CardMatrix>();

  function paintTable(cm: CardMatrix): void {
    staleTables.delete(cm);
    const { values, options } = cm.numbers();
    updateMatrix(cm.table, values, cm.shape, options);
  }

  /** Writes the numbers held back (of `card`'s tables, or all). */
  function paintStale(card?: Element): void {
    for (const cm of [...staleTables]) if (!card || card.contains(cm.table)) paintTable(cm);
    if (staleTables.size > 0) element.dataset.staleTables = String(staleTables.size);
    else delete element.dataset.staleTables;
  }

  // ---- cards ----
  function renderCards(): void {
    const m = model!;
    cardMatrices = [];
    staleTables.clear();
    delete element.dataset.staleTables;
    // New cards are laid out whole once (their sizes remembered) before offscreen ones are skipped.
    cardsGen++;
    canvas.classList.remove('vcv');
    cardObserver?.disconnect();
    farObserver?.disconnect();
    canvas.replaceChildren(
      ...m.columns.map((col) =>
        h(
          'div',
          { class: 'vcol' },
          col.map((g) => renderCard(g)),
        ),
      ),
    );
    for (const card of canvas.querySelectorAll('.vnode')) {
      cardObserver?.observe(card);
      farObserver?.observe(card);
    }
  }

  function renderCard(id: number): HTMLElement {
    const m = model!;
    const g = group(id);
    const dim = new Set<number>();
    if (g.owned.length < g.elements.length) {
      const own = new Set(g.owned);
      g.elements.forEach((_, i) => !own.has(i) && dim.add(i));
    }
    const marked = new Set<number>();
    if (sample >= 0 && g.kind === 'iterations' && g.loop === m.sampleLoop) marked.add(sample);
    if (sample >= 0 && g.stacked !== undefined && sample < g.stacked) {
      // A binding recorded once per iteration: row `sample` is that sample's array.
      const per = g.elements.length / g.stacked;
      for (let i = 0; i < per; i++) marked.add(sample * per + i);
    }
    const p = precision();
    const valueOptions: MatrixOptions = { kind: 'value', precision: p, label: g.label, dim, marked };
    const gradOptions: MatrixOptions = { kind: 'grad', precision: p, label: `∂L/∂${g.label}`, dim, marked };
    const valueTable = renderMatrix(m.values[id], g.shape, valueOptions);
    const gradTable = renderMatrix(m.grads[id], g.shape, gradOptions);
    cardMatrices.push(
      { table: valueTable, shape: g.shape, numbers: () => ({ values: model!.values[id], options: valueOptions }) },
      { table: gradTable, shape: g.shape, numbers: () => ({ values: model!.grads[id], options: gradOptions }) },
    );
    const figures = [captioned('value', valueTable), captioned(`∂L/∂${g.label}`, gradTable)];
    if (sample >= 0 && g.kind !== 'iterations') {
      const it = m.iterations(id);
      if (it && it.perIteration[sample]?.some((v) => v !== 0)) {
        figures.push(
          captioned(
            `sample ${sample}`,
            renderMatrix(it.perIteration[sample], g.shape, {
              kind: 'grad',
              precision: p,
              label: `sample ${sample}'s share of ∂L/∂${g.label}`,
              maxAbs: maxAbsFinite(m.grads[id]),
            }),
            'vsample',
          ),
        );
      }
    }
    const isRoot = id === m.graph.rootGroup;
    const card = h(
      'div',
      {
        class: `vnode vnode-${g.kind}${isRoot ? ' vnode-root' : ''}`,
        tabindex: 0,
        role: 'button',
        'data-group': id,
        'data-group-label': g.label,
        'data-shape': shapeText(g.shape),
        'aria-label': `${groupTitle(g)}${g.kind === 'iterations' ? ' (one per iteration)' : ''}`,
      },
      [
        h('div', { class: 'vnode-head' }, [
          h('span', { class: 'vnode-title' }, [g.label]),
          h('span', { class: 'vnode-shape' }, [g.shape.length === 0 ? 'scalar' : shapeText(g.shape)]),
          g.kind === 'iterations'
            ? h('span', { class: 'vnode-kind', title: 'one element per loop iteration' }, ['per iteration'])
            : undefined,
          g.stacked !== undefined
            ? h('span', { class: 'vnode-kind', title: 'one row per loop iteration' }, ['row per iteration'])
            : undefined,
          g.aliases.length > 0 ? h('span', { class: 'vnode-kind' }, [`= ${g.aliases.join(', ')}`]) : undefined,
        ]),
        h('div', { class: 'vnode-body' }, figures),
        expanded.has(id) ? renderScalars(id) : undefined,
      ],
    );
    const expand = button(
      expanded.has(id) ? '⊟' : '⊞',
      () => {
        if (expanded.has(id)) expanded.delete(id);
        else expanded.add(id);
        fitPending = true;
        renderCards();
        relayout();
      },
      {
        title: expanded.has(id) ? 'Fold back into the array' : `Expand ${g.label} into its scalars`,
        attrs: { 'data-action': 'expand' },
      },
    );
    card.querySelector('.vnode-head')!.append(expand);
    if (selection?.kind === 'group' && selection.id === id) card.classList.add('selected');
    card.addEventListener('click', (e) => {
      if ((e.target as Element).closest('vscode-button, .vscalars')) return;
      select({ kind: 'group', id });
    });
    card.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        select({ kind: 'group', id });
      }
    });
    card.addEventListener('pointerenter', () => c.highlight(g.range));
    card.addEventListener('pointerleave', () => c.highlight(null));
    return card;
  }

  /** The array's scalars: each element's node, value and gradient; a link into the scalar graph. */
  function renderScalars(id: number): HTMLElement {
    const g = group(id);
    const m = model!;
    const limit = 64;
    const rows = g.elements.slice(0, limit).map((node, i) =>
      h('tr', {}, [
        h('td', {}, [g.shape.length ? `[${indexText(g.shape, i)}]` : '']),
        h('td', {}, [h('code', {}, [m.graph.program.nodes[node].label])]),
        h('td', { 'data-v': full(m.values[id][i]) }, [short(m.values[id][i], precision())]),
        h('td', { 'data-v': full(m.grads[id][i]) }, [short(m.grads[id][i], precision())]),
        h('td', {}, [
          // An element off the loss's path (softmax's p[0] when the loss reads p[1]) is not in the
          // scalar graph, which shows what the target depends on.
          node < program.nodes.length
            ? button('graph', () => showScalar(node), {
                title: 'Show this scalar in the scalar graph',
                attrs: { 'data-action': 'show-scalar' },
              })
            : h('span', { class: 'muted', title: `does not reach ${m.graph.groups[m.graph.rootGroup].label}` }, [
                'off path',
              ]),
        ]),
      ]),
    );
    return h('div', { class: 'vscalars' }, [
      h('table', {}, [
        h('thead', {}, [
          h(
            'tr',
            {},
            ['', 'scalar', 'value', `∂L/∂·`, ''].map((t) => h('th', {}, [t])),
          ),
        ]),
        h('tbody', {}, rows),
      ]),
      g.elements.length > limit ? h('p', { class: 'muted' }, [`… ${g.elements.length - limit} more`]) : undefined,
    ]);
  }

  // ---- edges (SVG overlay) ----
  function relayout(): void {
    if (edgesQueued) return;
    edgesQueued = true;
    requestAnimationFrame(() => {
      edgesQueued = false;
      drawEdges();
    });
  }

  function drawEdges(): void {
    const m = model;
    if (!m || !element.isConnected) return;
    const t0 = performance.now();
    const traced = pending?.kind === 'showMs';
    if (traced) webMark('frame');
    // Fitting forces two layouts of the whole canvas: only when its structure or the box's width changed
    // (an input edit repaints numbers and keeps the scale).
    if (fitPending || graphBox.clientWidth !== fittedWidth) fitWidth();
    if (traced) webMark('layout');
    fitPending = false;
    drawEdgePaths(m);
    timings.edgesMs = performance.now() - t0;
    if (traced) webMark('edges');
    edgesDrawn = true;
    setTimeout(() => (edgesDrawn = false), 0);
    if (!canvas.classList.contains('vcv')) {
      // The cards' sizes are recorded in this frame's rendering: from the next one on, the cards
      // outside the box skip style, layout and paint (media/vector.css).
      const gen = cardsGen;
      requestAnimationFrame(() => gen === cardsGen && canvas.classList.add('vcv'));
    }
    const done = pending;
    pending = undefined;
    if (done) {
      // The frame after this one starts once this one is painted: that is when the user sees it.
      requestAnimationFrame(() => {
        timings[done.kind] = performance.now() - done.at;
        webMark(done.kind === 'showMs' ? 'painted' : 'editPainted');
        performance.mark(`gl:${done.kind === 'showMs' ? 'painted' : 'editPainted'}`);
        if (c.timing?.evaluateMs !== undefined) timings.evaluateMs = c.timing.evaluateMs;
        timings.frames = (timings.frames ?? 0) + 1;
        element.dataset.timings = JSON.stringify(timings);
      });
    }
    element.dataset.timings = JSON.stringify(timings);
  }

  /**
   * A panel narrower than the arrays: first, if the box is tall enough, wrap the columns into two
   * bands (the later columns under the earlier ones, edges between them along the gap), which
   * halves the width; then shrink the canvas (CSS zoom, so layout and the edges'
   * getBoundingClientRect agree) to the box's width, down to MIN_FIT (numbers stay readable);
   * narrower than that, the box scrolls.
   */
  function fitWidth(): void {
    canvas.style.removeProperty('zoom');
    unwrap();
    let natural = canvas.offsetWidth;
    const available = graphBox.clientWidth - 2;
    if (natural > available && available > 0) {
      const split = bestBands(available);
      if (split) {
        bandStarts = split.starts;
        canvas.classList.add('vwrap');
        canvas.style.width = `${split.width}px`;
        const cols = canvas.querySelectorAll(':scope > .vcol');
        for (const at of split.starts) cols[at].before(h('div', { class: 'vbreak' }));
        natural = canvas.offsetWidth;
      }
    }
    const k = natural > available && available > 0 ? Math.max(MIN_FIT, available / natural) : 1;
    if (k < 1) canvas.style.setProperty('zoom', k.toFixed(3));
    fittedWidth = graphBox.clientWidth;
    graphBox.dataset.zoom = k.toFixed(3);
    if (bandStarts.length === 0) delete graphBox.dataset.bands;
    else graphBox.dataset.bands = `${bandStarts.length + 1} (from columns ${bandStarts.join(', ')})`;
  }

  function unwrap(): void {
    bandStarts = [];
    canvas.classList.remove('vwrap');
    canvas.style.removeProperty('width');
    for (const b of canvas.querySelectorAll(':scope > .vbreak')) b.remove();
  }

  /**
   * Two or three bands when they draw the numbers larger (by ≥ 15 %) and their height at that
   * scale is within WRAP_MAX_HEIGHT of the box's height limit: the fewest bands that draw largest,
   * each split so that the widest band is narrowest.
   */
  function bestBands(available: number): { starts: number[]; width: number } | undefined {
    const cols = [...canvas.querySelectorAll<HTMLElement>(':scope > .vcol')];
    const n = cols.length;
    if (n < 3) return undefined;
    const cs = getComputedStyle(canvas);
    const gap = parseFloat(cs.columnGap) || 0;
    const padX = (parseFloat(cs.paddingLeft) || 0) + (parseFloat(cs.paddingRight) || 0) + WRAP_EXTRA_PAD;
    const padY = (parseFloat(cs.paddingTop) || 0) + (parseFloat(cs.paddingBottom) || 0);
    const w = cols.map((c) => c.offsetWidth);
    const hs = cols.map((c) => c.offsetHeight);
    const maxHeight = parseFloat(getComputedStyle(graphBox).maxHeight) || window.innerHeight * 0.7;
    const single = Math.max(MIN_FIT, available / canvas.offsetWidth);
    const splits: number[][] = [];
    for (let i = 1; i < n; i++) {
      splits.push([i]);
      for (let j = i + 1; j < n && n > 3; j++) splits.push([i, j]);
    }
    let best: { starts: number[]; width: number; zoom: number } | undefined;
    for (const starts of splits) {
      const bounds = [0, ...starts, n];
      let width = 0;
      let height = padY + BAND_GAP * starts.length;
      for (let b = 0; b + 1 < bounds.length; b++) {
        const [from, to] = [bounds[b], bounds[b + 1]];
        width = Math.max(width, w.slice(from, to).reduce((x, y) => x + y, 0) + gap * (to - from - 1));
        height += Math.max(...hs.slice(from, to));
      }
      width += padX;
      const zoom = Math.min(1, Math.max(MIN_FIT, available / width));
      if (zoom < single * 1.15 || height * zoom > maxHeight * WRAP_MAX_HEIGHT) continue;
      const better =
        !best ||
        zoom > best.zoom + 0.01 ||
        (Math.abs(zoom - best.zoom) <= 0.01 &&
          (starts.length < best.starts.length || (starts.length === best.starts.length && width < best.width)));
      if (better) best = { starts, width, zoom };
    }
    // The bands' content width (the canvas's box-sizing is content-box), with a pixel per column for
    // the widths' rounding (a band must not wrap again).
    return best && { starts: best.starts, width: best.width - padX + n };
  }

  function drawEdgePaths(m: VectorModel): void {
    const box = graphBox.getBoundingClientRect();
    edgesSvg.setAttribute('width', String(graphBox.scrollWidth));
    edgesSvg.setAttribute('height', String(graphBox.scrollHeight));
    const toBox = (r: DOMRect): Rect => ({
      x: r.left - box.left + graphBox.scrollLeft,
      y: r.top - box.top + graphBox.scrollTop,
      w: r.width,
      h: r.height,
    });
    const rect = (g: number) => {
      const el = canvas.querySelector(`[data-group="${g}"]`);
      return el ? toBox(el.getBoundingClientRect()) : undefined;
    };
    const cols = [...canvas.querySelectorAll(':scope > .vcol')];
    const lanes = columnLanes(toBox(canvas.getBoundingClientRect()), cols, toBox, bandStarts);
    let crossing = 0;
    let maxAbs = 1e-300;
    for (const v of m.contributions) maxAbs = Math.max(maxAbs, maxAbsFinite(v));
    const paths: SVGElement[] = [];
    m.graph.edges.forEach((e, id) => {
      const a = rect(e.from);
      const b = rect(e.to);
      if (!a || !b) return;
      let d: string;
      let lx: number;
      let ly: number;
      if (e.from === e.to) {
        const x = a.x + a.w;
        const y = a.y + 14;
        d = `M${x},${y} C${x + 40},${y - 30} ${x + 40},${y + 40} ${x},${y + 24}`;
        lx = x + 32;
        ly = y + 6;
      } else if (m.backEdge[id]) {
        const x1 = a.x + a.w / 2;
        const y1 = a.y;
        const x2 = b.x + b.w / 2;
        const y2 = b.y;
        d = `M${x1},${y1} C${x1},${y1 - 50} ${x2},${y2 - 50} ${x2},${y2}`;
        lx = (x1 + x2) / 2;
        ly = Math.min(y1, y2) - 36;
      } else if (lanes[m.column[e.from]].band !== lanes[m.column[e.to]].band) {
        // From the first band down to the second: along the gaps beside both ends and the corridor between the bands.
        const route = routeAcross(
          { x: a.x + a.w, y: a.y + Math.min(a.h / 2, 40) },
          { x: b.x, y: b.y + Math.min(b.h / 2, 40) },
          lanes,
          m.column[e.from],
          m.column[e.to],
          (crossing++ % 5) - 2,
        );
        d = route.d;
        lx = route.label.x;
        ly = route.label.y - 4;
      } else {
        // Through the gaps: across each column in between along a free lane (between two cards,
        // above the first or below the last), so no edge passes over a card's title or numbers.
        const route = routeEdge(
          { x: a.x + a.w, y: a.y + Math.min(a.h / 2, 40) },
          { x: b.x, y: b.y + Math.min(b.h / 2, 40) },
          lanes.slice(m.column[e.from] + 1, m.column[e.to]),
        );
        d = route.d;
        lx = route.label.x;
        ly = route.label.y - 4;
      }
      const share = m.contributions[id];
      const big = maxAbsFinite(share);
      const width = 1.5 + 3 * Math.min(1, Math.max(0, 1 + Math.log10(big / maxAbs) / 4));
      const selected = selection?.kind === 'edge' && selection.id === id;
      const gEl = svg('g', { class: `vedge${selected ? ' selected' : ''}`, 'data-edge': id }, [
        svg('path', { d, class: 'vedge-hit' }),
        svg('path', { d, class: 'vedge-line', 'stroke-width': width.toFixed(2), 'marker-end': 'url(#varrow)' }),
        svg('text', { x: lx, y: ly, class: 'vedge-label', 'text-anchor': 'middle' }, [
          document.createTextNode(roleGlyph(e.role)),
        ]),
      ]);
      gEl.addEventListener('click', () => select({ kind: 'edge', id }));
      const title = svg('title');
      title.textContent = `${group(e.from).label} → ${group(e.to).label}: ${roleText(e.role)} (click for the Jacobian)`;
      gEl.append(title);
      paths.push(gEl);
    });
    const defs = svg('defs', {}, [
      svg(
        'marker',
        {
          id: 'varrow',
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerUnits: 'userSpaceOnUse',
          markerWidth: 9,
          markerHeight: 9,
          orient: 'auto-start-reverse',
        },
        [svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'vedge-arrow' })],
      ),
    ]);
    edgesSvg.replaceChildren(defs, ...paths);
  }

  function renderEdgeList(): void {
    const m = model!;
    edgeList.replaceChildren(
      ...m.graph.edges.map((e, id) =>
        h('li', {}, [
          button(`${group(e.from).label} → ${group(e.to).label}`, () => select({ kind: 'edge', id }), {
            title: roleText(e.role),
            attrs: { 'data-action': 'select-edge', 'data-edge': id },
          }),
          h('span', { class: 'muted' }, [` ${e.role}`]),
        ]),
      ),
    );
  }

  // ---- selection and details ----
  function select(next: Selection): void {
    selection = next;
    element.dataset.selection = next ? `${next.kind}:${next.id}` : '';
    renderCards();
    renderDetail();
    relayout();
  }

  function renderDetail(): void {
    detail.replaceChildren();
    if (!model || !selection) {
      detail.append(
        h('p', { class: 'muted' }, [
          'Click an array for its chain rule (how its gradient sums over its uses), or an edge for its Jacobian.',
        ]),
      );
      return;
    }
    if (selection.kind === 'edge') detail.append(...edgeDetail(selection.id));
    else detail.append(...groupDetail(selection.id));
  }

  function edgeDetail(id: number): HTMLElement[] {
    const m = model!;
    const e = m.graph.edges[id];
    const A = group(e.from);
    const B = group(e.to);
    const J = m.jacobian(id);
    const p = precision();
    const out: HTMLElement[] = [];
    const rc = `${J.rows.length}×${J.cols.length}`;
    out.push(
      h('h3', { 'data-jacobian': `${B.label}/${A.label}` }, [
        `∂${B.label}/∂${A.label}: Jacobian ${rc}`,
        h('span', { class: 'muted', 'data-jacobian-axes': '' }, [
          ` (${J.rowShape.length ? `a row per element of ${B.label} ${shapeText(J.rowShape)}` : `one row: ${B.label} is a scalar`}, ` +
            `${J.colShape.length ? `a column per element of ${A.label} ${shapeText(J.colShape)}` : `one column: ${A.label} is a scalar`})`,
        ]),
      ]),
      h('p', {}, [roleText(e.role), h('span', { class: 'muted' }, [` (gates: ${e.gates.join(', ')})`])]),
    );
    if (!J.values) {
      out.push(h('p', { class: 'vnote', role: 'note' }, [J.note ?? '']));
    } else {
      out.push(
        h('p', { 'data-sparsity': J.sparsity!.kind }, [sparsityText(J, A, B)]),
        h('p', { class: 'muted' }, [
          J.mode === 'reverse'
            ? `Computed by ${J.rows.length} backward pass${J.rows.length === 1 ? '' : 'es'} (one per row).`
            : `Computed by ${J.cols.length} forward pass${J.cols.length === 1 ? '' : 'es'} (one per column).`,
        ]),
        captioned(
          `∂${B.label}/∂${A.label}`,
          renderMatrix(J.values, [J.rows.length, J.cols.length], {
            kind: 'grad',
            precision: Math.min(p, 3),
            label: `∂${B.label}/∂${A.label}`,
            maxRows: 64,
            maxCols: 64,
            textLimit: 64,
            attrs: { 'data-jacobian-matrix': '' },
          }),
        ),
      );
      if (J.sparsity!.kind === 'diagonal' && J.rows.length === J.cols.length && J.rows.length > 1) {
        // The diagonal shaped like A: a ReLU's 0/1 mask, a leaky ReLU's 1 / 0.01, an ELU's 1 / eᶻ.
        const d = Float64Array.from(J.rows, (_, i) => J.values![i * J.cols.length + i]);
        const mask = J.sparsity!.mask;
        out.push(
          captioned(
            mask
              ? `mask (the diagonal, shaped like ${A.label}): 1 passes the gradient, 0 blocks it`
              : `the diagonal, shaped like ${A.label}: ∂${B.label}[i]/∂${A.label}[i]`,
            renderMatrix(d, J.colShape, {
              kind: 'grad',
              precision: mask ? 1 : Math.min(p, 3),
              label: mask ? 'mask' : 'diagonal',
              attrs: { 'data-diagonal': '' },
            }),
          ),
        );
      }
    }
    // The vectorized chain rule with numbers: this edge's share of ∂L/∂A = Jᵀ · ∂L/∂B.
    const gB = m.grads[B.id];
    const share = m.contributions[id];
    const chain = h('div', { class: 'vchain' }, [
      J.values && J.rows.length * J.cols.length <= 400
        ? captioned(
            `(∂${B.label}/∂${A.label})ᵀ`,
            renderMatrix(transpose(J.values, J.rows.length, J.cols.length), [J.cols.length, J.rows.length], {
              kind: 'grad',
              precision: Math.min(p, 3),
              label: 'Jᵀ',
              textLimit: 36,
              maxRows: 64,
              maxCols: 64,
            }),
          )
        : h('span', { class: 'vop' }, [`(∂${B.label}/∂${A.label})ᵀ ${J.cols.length}×${J.rows.length}`]),
      h('span', { class: 'vop' }, ['·']),
      captioned(
        `∂L/∂${B.label}`,
        renderMatrix(gB, [gB.length], { kind: 'grad', precision: p, label: `∂L/∂${B.label}` }),
      ),
      h('span', { class: 'vop' }, ['=']),
      captioned(
        `share of ∂L/∂${A.label}`,
        renderMatrix(share, A.shape, {
          kind: 'grad',
          precision: p,
          label: `share of ∂L/∂${A.label}`,
          attrs: { 'data-share': '' },
        }),
      ),
    ]);
    out.push(
      h('h4', {}, [`Vectorized chain rule: ∂L/∂${A.label} ⟵ (∂${B.label}/∂${A.label})ᵀ · ∂L/∂${B.label}`]),
      chain,
    );
    const outer = m.outer(id);
    if (outer) {
      const X = group(outer.right);
      out.push(
        h('p', { 'data-outer': `${B.label},${X.label}` }, [
          `mul switches: ∂L/∂${A.label} (this use) = ∂L/∂${B.label} · ${X.label}ᵀ, the outer product of the upstream gradient with ${X.label}.`,
        ]),
      );
    }
    if (m.graph.outEdges[A.id].length > 1) {
      out.push(
        h('p', { class: 'muted' }, [
          `${A.label} is used ${m.graph.outEdges[A.id].length} times: its gradient is the sum of every use's share (click ${A.label}).`,
        ]),
      );
    }
    return out;
  }

  function groupDetail(id: number): HTMLElement[] {
    const m = model!;
    const g = group(id);
    const p = precision();
    const out: HTMLElement[] = [h('h3', {}, [groupTitle(g), h('span', { class: 'muted' }, [` line ${g.range.line}`])])];
    if (g.sharesWith.length > 0) {
      out.push(
        h('p', { class: 'muted' }, [
          `Shares elements with ${g.sharesWith.map((s) => group(s).label).join(', ')} (dimmed).`,
        ]),
      );
    }
    if (id === m.graph.rootGroup && g.elements.length === 1) {
      out.push(h('p', {}, ['The output: ∂L/∂L = 1 starts the backward pass.']));
      return out;
    }
    const rule = m.chainRule(id);
    // Elements after the program's own nodes are off the output's path (ExprProgram.offPath:
    // softmax's p[0] when the loss reads p[1]); the scalar graph does not have them.
    const offPath = g.elements.filter((e) => e >= program.nodes.length).length;
    const root = group(m.graph.rootGroup).label;
    if (rule.terms.length === 0) {
      out.push(
        h(
          'p',
          {
            class: offPath ? 'vnote' : 'muted',
            role: offPath ? 'note' : undefined,
            'data-off-path': offPath || undefined,
          },
          [
            offPath
              ? `${g.label} does not reach ${root}: it is computed beside it, so ∂L/∂${g.label} = 0. ` +
                `Shown because it is a named array; the scalar graph shows only what ${root} depends on.`
              : `${g.label} does not reach the output: its gradient is 0.`,
          ],
        ),
      );
      return out;
    }
    if (offPath > 0) {
      const off = g.elements
        .map((e, i) => (e >= program.nodes.length ? i : -1))
        .filter((i) => i >= 0)
        .slice(0, 8)
        .map((i) => `${g.label}[${indexText(g.shape, i)}]`);
      out.push(
        h('p', { class: 'vnote', role: 'note', 'data-off-path': offPath }, [
          `${offPath} of ${g.elements.length} elements (${off.join(', ')}${offPath > off.length ? ', …' : ''}) ` +
            `do not reach ${root}: ∂L/∂${g.label} is 0 there, and the scalar graph does not show them.`,
        ]),
      );
    }
    const uses = rule.terms.map((t) => group(m.graph.edges[t.edge].to).label);
    out.push(
      h('h4', {}, [
        `∂L/∂${g.label} = ${rule.terms.map((t) => `(∂${group(m.graph.edges[t.edge].to).label}/∂${g.label})ᵀ·∂L/∂${group(m.graph.edges[t.edge].to).label}`).join(' + ')}`,
      ]),
    );
    const parts: HTMLElement[] = [];
    rule.terms.forEach((t, i) => {
      if (i > 0) parts.push(h('span', { class: 'vop' }, ['+']));
      parts.push(
        captioned(
          `via ${uses[i]}`,
          renderMatrix(t.contribution, g.shape, { kind: 'grad', precision: p, label: `via ${uses[i]}` }),
        ),
      );
    });
    parts.push(
      h('span', { class: 'vop' }, ['=']),
      captioned(
        `∂L/∂${g.label}`,
        renderMatrix(rule.grad, g.shape, { kind: 'grad', precision: p, label: `∂L/∂${g.label}` }),
      ),
    );
    out.push(h('div', { class: 'vchain' }, parts));
    out.push(
      h('p', { class: 'muted', 'data-chain-error': full(rule.maxAbsError) }, [
        rule.terms.length > 1 ? `${g.label} is used ${rule.terms.length} times: the gradients sum. ` : '',
        `Checked against the backward pass: largest difference ${short(rule.maxAbsError, 2)}.`,
      ]),
    );
    const it = m.iterations(id);
    if (it && g.kind !== 'iterations' && it.perIteration.some((v) => v.some((x) => x !== 0))) {
      const loop = program.loops![it.loop];
      const rows = it.perIteration.map((v, k) =>
        h('tr', { class: k === sample ? 'marked' : '' }, [
          h('td', {}, [String(k)]),
          h('td', {}, [
            renderMatrix(v, g.shape, {
              kind: 'grad',
              precision: Math.min(p, 3),
              label: `sample ${k}`,
              maxRows: 4,
              maxCols: 6,
              textLimit: 8,
            }),
          ]),
        ]),
      );
      out.push(
        h('h4', {}, [`Per iteration of ${loop.label}: each sample's share of ∂L/∂${g.label}`]),
        h('table', { class: 'vper' }, [h('tbody', {}, rows)]),
        h('p', { class: 'muted', 'data-iteration-error': full(it.maxAbsError) }, [
          `Σ over the ${it.iterations} iterations${it.outside.some((x) => x !== 0) ? ' + uses outside the loop' : ''} = ∂L/∂${g.label} (largest difference ${short(it.maxAbsError, 2)}).`,
          it.positional ? ' Inner-loop gates were placed in their iteration by their order in the trace.' : '',
        ]),
      );
    }
    return out;
  }

  // ---- samples ----
  function renderSamples(): void {
    const m = model!;
    sampleBar.replaceChildren();
    if (m.sampleLoop === undefined) return;
    const loop = program.loops![m.sampleLoop];
    const n = loop.iterations;
    const label = h('span', { class: 'vsample-label', 'data-sample': sample }, [
      sample < 0 ? 'all' : `${sample + 1} / ${n}`,
    ]);
    const slider = h('input', {
      type: 'range',
      min: -1,
      max: n - 1,
      step: 1,
      value: sample,
      'aria-label': `Iteration of ${loop.label} (−1: all)`,
      'data-action': 'sample',
    }) as HTMLInputElement;
    slider.addEventListener('input', () => setSample(Number(slider.value)));
    sampleBar.append(h('span', { class: 'toolbar-label' }, [`Sample (${loop.label})`]), slider, label);
  }

  function setSample(k: number): void {
    sample = k;
    fitPending = true;
    renderSamples();
    renderCards();
    renderDetail();
    relayout();
  }

  // ---- stepping: from the output back, array by array ----
  function walkOrder(): number[] {
    const m = model!;
    return m.graph.groups
      .map((g) => g.id)
      .filter((g) => m.graph.outEdges[g].length > 0 || g === m.graph.rootGroup)
      .sort((a, b) => m.column[b] - m.column[a] || b - a);
  }

  function step(delta: number): void {
    const order = walkOrder();
    stepIndex = delta === 0 ? -1 : Math.min(order.length - 1, stepIndex + 1);
    if (stepIndex < 0) {
      stepText.textContent = '';
      select(undefined);
      return;
    }
    const g = order[stepIndex];
    select({ kind: 'group', id: g });
    const m = model!;
    const G = group(g);
    if (g === m.graph.rootGroup) {
      stepText.textContent = `${G.label}: the output, ∂L/∂${G.label} = 1.`;
      return;
    }
    const words = m.graph.outEdges[g].map((e) => {
      const edge = m.graph.edges[e];
      const B = group(edge.to);
      let how = roleText(edge.role).split(':')[0];
      const outer = m.outer(e);
      if (outer) how += `: ∂L/∂${G.label} = ∂L/∂${B.label} · ${group(outer.right).label}ᵀ, an outer product`;
      else if (edge.role === 'route') {
        const J = m.jacobian(e);
        if (J.sparsity?.mask) how += `: a 0/1 mask, ${J.sparsity.nonzero} of ${J.rows.length} pass`;
      }
      return `${B.label} (${how})`;
    });
    // The seed's rule in words, with the names of this step (the numbers are in the detail below).
    const uses = m.graph.outEdges[g].map((e) => group(m.graph.edges[e].to).label);
    const rule =
      uses.length === 1
        ? ` Upstream ∂L/∂${uses[0]} × local ∂${uses[0]}/∂${G.label}: the edge ${G.label} → ${uses[0]} (Edges) shows it with numbers.`
        : ` For each use B: upstream ∂L/∂B × local ∂B/∂${G.label}, with numbers on each edge (Edges).`;
    stepText.textContent =
      `∂L/∂${G.label} (${shapeText(G.shape)}, same shape as ${G.label}) comes back from ${words.join(' and ')}` +
      (words.length > 1 ? ': the gradients sum.' : '.') +
      rule;
  }

  function update(next: ViewContext): void {
    const sameSettings = next.settings.precision === c.settings.precision;
    c = next;
    const editAt = next.timing?.editAt;
    const edit = editAt !== undefined && editAt !== lastEditAt;
    if (edit) {
      lastEditAt = editAt;
      pending = { kind: 'editMs', at: editAt };
    }
    rebuild(edit && sameSettings);
  }

  rebuild();
  if (typeof ResizeObserver === 'function') {
    resizeObserver = new ResizeObserver(() => relayout());
    resizeObserver.observe(graphBox);
  }

  return {
    element,
    update,
    relayout,
    selectNode(nodeId) {
      if (nodeId === null || !model) return;
      const g = model.graph.owner[nodeId];
      if (g >= 0) select({ kind: 'group', id: g });
    },
    command(command, args) {
      if (command === 'step') step(1);
      else if (command === 'reset') step(0);
      else if (command === 'selectEdge') select({ kind: 'edge', id: Number(args.edge) });
      else if (command === 'selectGroup') select({ kind: 'group', id: Number(args.group) });
      else if (command === 'sample') setSample(Number(args.index));
    },
    probe() {
      const m = model!;
      return {
        groups: m.graph.groups.map((g) => ({
          label: g.label,
          kind: g.kind,
          shape: g.shape,
          values: g.elements.length <= 1024 ? Array.from(m.values[g.id]) : undefined,
          grads: g.elements.length <= 1024 ? Array.from(m.grads[g.id]) : undefined,
        })),
        edges: m.graph.edges.map((e) => ({ from: group(e.from).label, to: group(e.to).label, role: e.role })),
        selection: selection ?? null,
        sample,
        stepText: stepText.textContent,
        timings,
      };
    },
    dispose() {
      resizeObserver?.disconnect();
      cardObserver?.disconnect();
      farObserver?.disconnect();
    },
  };
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Point {
  x: number;
  y: number;
}
/** A column's box, its band (0, or 1 in a wrapped canvas) and the vertical intervals where no card is. */
interface Lanes {
  x: number;
  w: number;
  y: number;
  h: number;
  band: number;
  free: Array<[number, number]>;
}

/** Each column's free lanes: above its first card, between cards, below its last (down to the canvas's bottom). */
function columnLanes(
  canvas: Rect,
  columns: Element[],
  toBox: (r: DOMRect) => Rect,
  starts: readonly number[],
): Lanes[] {
  const all = columns.map((col, i) => {
    const band = starts.filter((at) => i >= at).length;
    const r = toBox(col.getBoundingClientRect());
    const cards = [...col.children].map((c) => toBox(c.getBoundingClientRect())).sort((p, q) => p.y - q.y);
    return { ...r, band, cards, top: band > 0 ? r.y : canvas.y };
  });
  // A band's columns end where its tallest one does (the first band's free space stops above the second).
  const bottom = [0, ...starts].map((_, band) => Math.max(...all.filter((c) => c.band === band).map((c) => c.y + c.h)));
  return all.map(({ cards, top, ...c }) => {
    const free: Array<[number, number]> = [];
    let y = top;
    for (const card of cards) {
      free.push([y, card.y]);
      y = Math.max(y, card.y + card.h);
    }
    const end = starts.length === 0 ? canvas.y + canvas.h : bottom[c.band] + (c.band === starts.length ? 10 : 0);
    free.push([y, Math.max(y + 12, end)]);
    return { ...c, free: free.filter(([lo, hi]) => hi - lo >= 4) };
  });
}

/**
 * An edge from a card in the first band to one in the second: right to the gap after its column,
 * down that gap to the corridor between the bands, along it to the gap before the target's
 * column, down to the target. Orthogonal, with rounded corners; `lane` (−2…2) spreads edges that
 * share the corridor.
 */
function routeAcross(
  from: Point,
  to: Point,
  cols: readonly Lanes[],
  ca: number,
  cb: number,
  lane: number,
): { d: string; label: Point } {
  const A = cols[ca];
  const B = cols[cb];
  const next = cols[ca + 1];
  const prev = cols[cb - 1];
  const gx1 = (next && next.band === A.band ? (A.x + A.w + next.x) / 2 : A.x + A.w + 12) + lane * 4;
  const gx2 = (prev && prev.band === B.band ? (prev.x + prev.w + B.x) / 2 : B.x - 12) + lane * 4;
  // The corridor under the source's band and the one over the target's; two bands apart, down the
  // canvas's left margin between them.
  const bandBottom = Math.max(...cols.filter((c) => c.band === A.band).map((c) => c.y + c.h));
  const bandTop = Math.min(...cols.filter((c) => c.band === B.band).map((c) => c.y));
  const yc1 = bandBottom + BAND_GAP / 2 + lane * 4;
  const yc2 = bandTop - BAND_GAP / 2 + lane * 4;
  const margin = Math.min(...cols.map((c) => c.x)) - 14 + lane * 3;
  const points =
    B.band === A.band + 1
      ? [from, { x: gx1, y: from.y }, { x: gx1, y: yc1 }, { x: gx2, y: yc1 }, { x: gx2, y: to.y }, to]
      : [
          from,
          { x: gx1, y: from.y },
          { x: gx1, y: yc1 },
          { x: margin, y: yc1 },
          { x: margin, y: yc2 },
          { x: gx2, y: yc2 },
          { x: gx2, y: to.y },
          to,
        ];
  const yc = B.band === A.band + 1 ? yc1 : yc2;
  return { d: roundedPath(points, 8), label: { x: (gx1 + gx2) / 2, y: yc } };
}

/** A polyline of horizontal and vertical segments with its corners rounded (radius ≤ r). */
function roundedPath(points: readonly Point[], r: number): string {
  let d = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [p, q, n] = [points[i - 1], points[i], points[i + 1]];
    const l1 = Math.hypot(q.x - p.x, q.y - p.y);
    const l2 = Math.hypot(n.x - q.x, n.y - q.y);
    const k = Math.min(r, l1 / 2, l2 / 2);
    if (k < 0.5) {
      d += ` L${q.x},${q.y}`;
      continue;
    }
    const a = { x: q.x - ((q.x - p.x) / l1) * k, y: q.y - ((q.y - p.y) / l1) * k };
    const b = { x: q.x + ((n.x - q.x) / l2) * k, y: q.y + ((n.y - q.y) / l2) * k };
    d += ` L${a.x},${a.y} Q${q.x},${q.y} ${b.x},${b.y}`;
  }
  const last = points[points.length - 1];
  return `${d} L${last.x},${last.y}`;
}

/**
 * An edge from `from` (a card's right side) to `to` (a later column's card's left side): straight
 * across each column in between along its free lane nearest to the line, joined by S-curves that
 * stay in the gaps between columns (their x only grows). The label sits on the middle curve.
 */
export function routeEdge(from: Point, to: Point, between: readonly Lanes[]): { d: string; label: Point } {
  const points: Point[] = [from];
  let y = from.y;
  between.forEach((col, k) => {
    // Aim at the straight line from here to the target; take the nearest free lane, a little inside it.
    const ideal = y + (to.y - y) / (between.length - k + 1);
    let best: [number, number] | undefined;
    let dist = Infinity;
    for (const lane of col.free) {
      const dd = ideal < lane[0] ? lane[0] - ideal : ideal > lane[1] ? ideal - lane[1] : 0;
      if (dd < dist) [best, dist] = [lane, dd];
    }
    if (!best) return;
    const margin = Math.min(8, (best[1] - best[0]) / 2);
    y = Math.min(Math.max(ideal, best[0] + margin), best[1] - margin);
    points.push({ x: col.x, y }, { x: col.x + col.w, y });
  });
  points.push(to);
  let d = `M${from.x},${from.y}`;
  const curves: Array<[Point, Point]> = [];
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1];
    const q = points[i];
    if (i % 2 === 1) {
      const dx = Math.max(0, (q.x - p.x) / 2);
      d += ` C${p.x + dx},${p.y} ${q.x - dx},${q.y} ${q.x},${q.y}`;
      curves.push([p, q]);
    } else d += ` L${q.x},${q.y}`;
  }
  const [p, q] = curves[Math.floor((curves.length - 1) / 2)];
  return { d, label: { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 } };
}
