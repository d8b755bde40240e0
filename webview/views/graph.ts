/**
 * The graph view: toolbar (zoom, stepper, export), the SVG graph (webview/graph/*), the
 * chain-rule text, and a tooltip. Structure (folding, summary, layout) is built once per
 * program and fold state; `update` repaints numbers in place (no re-layout) when only
 * input values change. Layout runs in time slices so big graphs never freeze the panel.
 */
import type { ViewContext } from '../state';
import type { Diagnostic } from '../../src/core/diagnostics';
import type { ExportFormat } from '../../src/shared/protocol';
import { short } from '../format';
import { button, progressRing } from '../toolkit';
import { h } from './dom';
import {
  buildDisplay,
  analyzeFrames,
  edgeNumbers,
  type DisplayGraph,
  type EdgeNumbers,
  type FrameInfo,
} from '../graph/model';
import { layoutSteps, type LayoutResult } from '../graph/layout';
import { GraphRenderer } from '../graph/render';
import { createZoom, LOD_TEXT_K, READABLE_K, type ZoomController } from '../graph/zoom';
import { buildSteps, gateOrder, stateAt, type Step } from '../graph/stepper';
import { createStepper, type StepperView } from './stepper';
import { exportGraph, renderExportButtons, serializeSvg } from './export';
import { createTooltip, edgeTooltip, nodeTooltip } from './graphTooltip';
import { markSelection, selectionOf } from './selection';
import { neighbour, wireGraph, wireZoomKeys, type GraphActions } from './graphInteraction';

export interface GraphView {
  element: HTMLElement;
  select(nodeId: number | null, scroll?: boolean): void;
  command(command: string, args: Record<string, unknown>): void;
  probe(): Record<string, unknown>;
  /** True when this view can show `c` by repainting numbers only (same program and limit). */
  accepts(c: ViewContext): boolean;
  /** Repaint values and gradients in place (same structure). */
  update(c: ViewContext): void;
  dispose(): void;
}

/** Below this fit scale the graph opens on the output at OPEN_K instead of fitted. */
const OPEN_MIN_K = 0.5;
const OPEN_K = 0.75;
/** Graphs up to this many drawn nodes are laid out synchronously (no flash of a spinner). */
const SYNC_LAYOUT_NODES = 400;
const SLICE_MS = 16;

/** Runs `f` as a new task soon (a MessageChannel message: no 4 ms clamping like nested setTimeout). */
const channel = typeof MessageChannel === 'function' ? new MessageChannel() : undefined;
const queued: Array<() => void> = [];
if (channel) channel.port1.onmessage = () => queued.shift()?.();
function nextSlice(f: () => void): void {
  if (!channel) {
    setTimeout(f, 0);
    return;
  }
  queued.push(f);
  channel.port2.postMessage(0);
}

export function renderGraph(initial: ViewContext): GraphView {
  let c = initial;
  const program = c.payload.program;
  const maxNodes = c.settings.maxRenderedNodes;
  const precision = c.settings.precision;
  let frames: FrameInfo[] | undefined;
  const expanded = new Set<number>();
  // A selection inside a function body: the calls its nodes were recorded in start expanded.
  const sel = selectionOf(initial.ev.program, program);
  if (sel && !sel.alone) {
    for (const id of sel.nodes)
      for (let f = program.nodes[id]?.frame ?? -1; f >= 0 && !expanded.has(f); f = program.frames[f]?.parent ?? -1)
        expanded.add(f);
  }
  let focus: number | undefined;
  let display: DisplayGraph;
  let layout: LayoutResult | undefined;
  let renderer: GraphRenderer | undefined;
  let zoom: ZoomController | undefined;
  let nums: EdgeNumbers;
  /** Built on first use (stepping): a repaint only computes the edge numbers. */
  let steps: Step[] | undefined;
  let stepCount = 0;
  let stepIndex = -1;
  let selectedIndex = -1;
  let generation = 0;
  let disposed = false;
  const timings: Record<string, number> = {};
  let created = performance.now();
  let pendingSelect: { id: number; scroll: boolean; frame?: number } | undefined;
  let lod = false;
  let pointerAt = 0;
  let viewTimer: ReturnType<typeof setTimeout> | undefined;

  // ---- DOM skeleton ----
  const viewport = h('div', { class: 'graph-viewport', tabindex: -1 });
  /** The view fitOrOutput opened on the output with (while it lasts, the left-edge hint shows). */
  let openedOnOutput: { x: number; k: number } | undefined;
  const summary = h('div', { class: 'graph-summary', role: 'status', hidden: true });
  const zoomBar = h('div', { class: 'zoom', role: 'group', 'aria-label': 'Zoom' }, [
    button('−', () => zoom?.zoomBy(1 / 1.25), { title: 'Zoom out (−)', attrs: { 'data-action': 'zoom-out' } }),
    button('+', () => zoom?.zoomBy(1.25), { title: 'Zoom in (+)', attrs: { 'data-action': 'zoom-in' } }),
    button('Fit', () => zoom?.fit(), { title: 'Fit the whole graph (0)', attrs: { 'data-action': 'fit' } }),
  ]);
  const stepper: StepperView = createStepper({ count: 0, get: (i) => allSteps()[i], onChange: (i, s) => onStep(i, s) });
  const exportBar = renderExportButtons((f) => void doExport(f));
  const toolbar = h('div', { class: 'graph-toolbar' }, [stepper.element, zoomBar, exportBar]);
  const item = (cls: string, label: string) =>
    h('span', { class: 'legend-item' }, [h('span', { class: `sw ${cls}` }), label]);
  const legend = h('div', { class: 'legend', 'aria-hidden': 'true' }, [
    item('sw-pos', '▲ positive gradient'),
    item('sw-neg', '▼ negative'),
    item('sw-zero', '○ zero'),
    h('span', { class: 'legend-item' }, ['stronger colour = larger |gradient|']),
    h('span', { class: 'legend-item' }, ['hover an edge: upstream × local (or Step, keyboard included)']),
    h('span', { class: 'legend-item' }, ['a selected node (click, Tab, arrows): its inputs’ contributions']),
  ]);
  const element = h('section', { class: 'graph', 'aria-label': 'Computational graph' }, [
    toolbar,
    summary,
    viewport,
    legend,
    stepper.textElement,
  ]);
  const tooltip = createTooltip(viewport);
  viewport.append(tooltip.element);

  // ---- structure ----
  function structure(): void {
    const gen = ++generation;
    const t0 = performance.now();
    created = t0;
    frames ??= analyzeFrames(program, c.ev.tape);
    display = buildDisplay(program, c.ev.tape, { expanded, maxNodes, focus, precision: c.settings.precision }, frames);
    timings.displayMs = performance.now() - t0;
    summary.hidden = !display.message && focus === undefined;
    summary.replaceChildren();
    if (display.message) summary.append(display.message);
    if (focus !== undefined) {
      summary.append(
        ' ',
        button(
          'Back to the output',
          () => {
            focus = undefined;
            structure();
          },
          { attrs: { 'data-action': 'unfocus' } },
        ),
      );
    }
    const input = {
      n: display.nodes.length,
      width: display.nodes.map((d) => d.width),
      height: display.nodes.map((d) => d.height),
      from: display.edges.map((e) => e.from),
      to: display.edges.map((e) => e.to),
      port: display.edges.map((e) => e.argIndex),
    };
    const it = layoutSteps(input);
    const t1 = performance.now();
    if (display.nodes.length <= SYNC_LAYOUT_NODES) {
      let r = it.next();
      while (!r.done) r = it.next();
      timings.layoutMs = timings.layoutCpuMs = performance.now() - t1;
      draw(r.value);
      return;
    }
    // layoutMs: wall clock from start to done (other work of the page runs between slices);
    // layoutCpuMs: the time spent in the layout itself.
    let cpu = 0;
    const ring = h('div', { class: 'graph-busy', role: 'status' }, [
      progressRing(),
      ` Laying out ${display.nodes.length.toLocaleString('en-US')} nodes…`,
    ]);
    viewport.append(ring);
    const slice = () => {
      if (gen !== generation || disposed) {
        ring.remove();
        return;
      }
      const start = performance.now();
      const end = start + SLICE_MS;
      for (;;) {
        const r = it.next();
        if (r.done) {
          ring.remove();
          timings.layoutCpuMs = cpu + performance.now() - start;
          timings.layoutMs = performance.now() - t1;
          draw(r.value);
          return;
        }
        if (performance.now() > end) break;
      }
      cpu += performance.now() - start;
      nextSlice(slice);
    };
    nextSlice(slice);
  }

  function draw(result: LayoutResult): void {
    const t0 = performance.now();
    layout = result;
    const previousView = zoom?.view();
    zoom?.dispose();
    renderer?.svg.remove();
    renderer = new GraphRenderer(display, result, c.settings.precision);
    viewport.prepend(renderer.svg);
    markSelection(renderer.svg, selectionOf(c.ev.program, program));
    wire(renderer);
    lod = false;
    zoom = createZoom(viewport, renderer.svg, (v) => {
      // Opened on the output with gates cut off on the left: the hint goes once the view moves.
      if (openedOnOutput && (v.x !== openedOnOutput.x || v.k !== openedOnOutput.k)) {
        openedOnOutput = undefined;
        delete viewport.dataset.more;
      }
      // Level of detail: no text below a readable scale (and no per-frame work otherwise).
      const next = v.k < LOD_TEXT_K;
      if (next !== lod) {
        lod = next;
        renderer?.svg.classList.toggle('lod', lod);
      }
      // The current view for tests and the probe, written once the view settles.
      if (viewTimer) clearTimeout(viewTimer);
      viewTimer = setTimeout(() => {
        element.dataset.view = JSON.stringify(v);
      }, 80);
    });
    const b = renderer.bounds;
    zoom.setBounds(b.w, b.h, b.x, b.y);
    // Small graphs get a smaller box (the user can still resize it: CSS resize).
    if (!viewport.style.height) viewport.style.height = `min(58vh, ${Math.max(220, Math.ceil(b.h * 1.1 + 90))}px)`;
    selectedIndex = -1;
    repaint();
    timings.renderMs = performance.now() - t0;
    timings.totalMs = performance.now() - created;
    element.dataset.timings = JSON.stringify(timings);
    // Initial view: fit small graphs; big ones open on the output at a readable scale.
    requestAnimationFrame(() => {
      if (!zoom || !renderer) return;
      if (previousView) zoom.setView(previousView);
      else fitOrOutput();
      if (c.selected !== null && c.selected !== undefined) select(c.selected, false);
      if (pendingSelect) {
        const p = pendingSelect;
        pendingSelect = undefined;
        select(p.id, p.scroll);
        // An expanded call: show its whole box when it fits (else its top-left with the fold button).
        const gb = p.frame !== undefined ? renderer.groupBox(p.frame) : undefined;
        if (gb) zoom.ensureVisible(gb.x, gb.y, gb.w, gb.h, LOD_TEXT_K + 0.1);
      }
    });
  }

  function fitOrOutput(): void {
    if (!zoom || !renderer || !layout) return;
    zoom.fit();
    // Fitting would make the text unreadable: open on the output (right edge) at a readable
    // scale instead; Fit (0) shows the whole graph.
    if (zoom.view().k < OPEN_MIN_K && display.root >= 0) {
      const b = renderer.nodeBox(display.root);
      const { W, H } = zoom.size();
      const k = OPEN_K;
      const top = renderer.bounds.y - 10;
      const bottom = renderer.bounds.y + renderer.bounds.h + 10;
      // Vertically: centred on the output, but not past the graph's top or bottom when it is taller than the view.
      let y = b.y + b.h / 2 - H / (2 * k);
      if (bottom - top > H / k) y = Math.max(top, Math.min(y, bottom - H / k));
      zoom.setView({ k, x: b.x + b.w + 40 - W / k, y });
      // Say so at the left edge (the graph looked cut off, not opened on its output on purpose).
      if (zoom.view().x > renderer.bounds.x) {
        viewport.dataset.more = 'left';
        openedOnOutput = zoom.view();
      }
    }
  }

  function diagnosticsByIndex(): Map<number, Diagnostic[]> {
    const m = new Map<number, Diagnostic[]>();
    for (const d of c.ev.diagnostics) {
      const i = display.byTapeId[d.nodeId];
      if (i < 0) continue;
      const list = m.get(i) ?? [];
      list.push(d);
      m.set(i, list);
    }
    return m;
  }

  /** Numbers only: values, gradients, colours, step texts. */
  function repaint(): void {
    if (!renderer) return;
    nums = edgeNumbers(display, c.ev.tape);
    renderer.update(c.ev.tape, nums, diagnosticsByIndex(), c.settings.precision);
    steps = undefined;
    stepCount = gateOrder(display).length;
    stepper.setSteps(stepCount); // calls onStep → paints the stepping state (builds the steps if stepping)
  }

  function allSteps(): Step[] {
    steps ??= buildSteps(display, program, c.ev.tape, nums, c.settings.precision);
    return steps;
  }

  function onStep(i: number, s: Step | undefined): void {
    stepIndex = i;
    if (!renderer) return;
    const state = i >= 0 ? stateAt(display, allSteps(), nums, i) : undefined;
    renderer.paintSteps(state, s ? s.gate : -1, c.ev.tape);
    if (s) {
      renderer.showEdgeLabels(
        s.gate,
        s.lines.map((l) => {
          const up = short(l.upstream, 3);
          const local = short(l.local, 3);
          const out = `= ${short(l.contribution, 3)}`;
          const loc = l.local < 0 ? `(${local})` : local;
          return {
            edge: l.edge,
            variants: [[`${up} × ${loc} ${out}`], [`${up} × ${loc}`, out], [up, `× ${loc}`, out]],
          };
        }),
      );
      const b = renderer.nodeBox(s.gate);
      // The gate and the gap before it (where its labels are).
      zoom?.ensureVisible(b.x - 100, b.y, b.w + 100, b.h, LOD_TEXT_K + 0.1);
    } else {
      showSelectedLabels();
    }
  }

  function showSelectedLabels(): void {
    if (!renderer) return;
    if (selectedIndex < 0 || display.inEdges[selectedIndex].length === 0) {
      renderer.showEdgeLabels(-1, []);
      return;
    }
    renderer.showEdgeLabels(
      selectedIndex,
      display.inEdges[selectedIndex].map((ei) => ({
        edge: ei,
        variants: [[`${short(nums.contribution[ei], 3)}`]],
      })),
    );
  }

  /** The source a node stands for: a folded helper call is its call site, not the helper's body. */
  function rangeOf(index: number) {
    const d = display.nodes[index];
    return d.frame !== undefined ? program.frames[d.frame].range : program.nodes[d.id].range;
  }

  // ---- interaction (webview/views/graphInteraction.ts) ----
  const actions: GraphActions = {
    zoom: () => zoom,
    pointerDown: () => {
      pointerAt = performance.now();
      tooltip.hide();
    },
    hoverNode: (i, e) => {
      c.highlight(rangeOf(i));
      tooltip.show(e, nodeTooltip(display, program, c.ev, i));
    },
    hoverEdge: (ei, e) => tooltip.show(e, edgeTooltip(display, program, c.ev, nums, ei)),
    move: (e) => {
      if (tooltip.hidden) return;
      if (zoom?.panning()) tooltip.hide();
      else tooltip.place(e);
    },
    leaveNode: () => c.highlight(selectedIndex >= 0 ? rangeOf(selectedIndex) : null),
    leaveItem: () => tooltip.hide(),
    toggleFrame: (f) => toggleFrame(f),
    activate: (i) => activate(i),
    expandOrFocus: (i) => expandOrFocus(i),
    focusIn: (i) => {
      if (i === selectedIndex) return;
      // Keyboard focus (Tab, arrows, or a script) brings the node into view at a readable
      // scale; a click already points at a visible node.
      const byPointer = performance.now() - pointerAt < 600;
      selectIndex(i, !byPointer, byPointer ? undefined : READABLE_K);
      c.highlight(rangeOf(i));
    },
    neighbour: (i, key) => neighbour(display, layout, i, key),
    focusNode: (i) => focusNode(i),
    clearHighlight: () => c.highlight(null),
  };
  const wire = (r: GraphRenderer) => wireGraph(r.svg, actions);

  function activate(i: number): void {
    selectIndex(i, false);
    c.select(display.nodes[i].id);
    c.reveal(rangeOf(i));
    c.highlight(rangeOf(i));
  }

  function expandOrFocus(i: number): void {
    const d = display.nodes[i];
    if (d.kind === 'folded' && d.frame !== undefined) toggleFrame(d.frame);
    else if (d.kind === 'stub') {
      focus = d.id;
      pendingSelect = { id: d.id, scroll: true };
      structure();
    }
  }

  function toggleFrame(f: number): void {
    if (expanded.has(f)) expanded.delete(f);
    else expanded.add(f);
    const anchor = frames?.[f]?.result;
    if (anchor !== undefined) pendingSelect = { id: anchor, scroll: true, frame: expanded.has(f) ? f : undefined };
    structure();
  }

  function focusNode(i: number): void {
    if (!renderer) return;
    selectIndex(i, true, READABLE_K);
    renderer.nodes[i].g.focus({ preventScroll: true });
  }

  // Zoom keys on the whole view (nodes stop arrow keys above).
  wireZoomKeys(element, () => zoom);

  function selectIndex(i: number, scroll: boolean, minK?: number): void {
    selectedIndex = i;
    renderer?.select(i);
    if (stepIndex < 0) showSelectedLabels();
    if (scroll && renderer && i >= 0) {
      const b = renderer.nodeBox(i);
      zoom?.ensureVisible(b.x, b.y, b.w, b.h, minK);
    }
  }

  function select(nodeId: number | null, scroll = false): void {
    if (!renderer) {
      if (nodeId !== null) pendingSelect = { id: nodeId, scroll };
      return;
    }
    if (nodeId === null) {
      selectIndex(-1, false);
      return;
    }
    const i = nodeId >= 0 && nodeId < display.byTapeId.length ? display.byTapeId[nodeId] : -1;
    // Selected from outside (the editor, the diagnostics list): readable, not just in view.
    selectIndex(i, scroll, scroll ? READABLE_K : undefined);
  }

  // ---- export ----
  async function doExport(format: ExportFormat): Promise<void> {
    try {
      const base = (program.target.name ?? 'expression').replace(/[^\w.-]/g, '_').slice(0, 60) || 'expression';
      await exportGraph(
        format,
        {
          ev: c.ev,
          check: c.check,
          baseName: base,
          svg: () => {
            if (!renderer || !layout) return undefined;
            const b = renderer.bounds;
            const text = serializeSvg(
              renderer.svg,
              b,
              `${program.target.name ?? 'expression'} = ${c.ev.value}: gradients`,
            );
            return { text, width: b.w + 48, height: b.h + 64 };
          },
        },
        c.post,
      );
    } catch (e) {
      c.post({ type: 'log', level: 'error', message: `export ${format}: ${(e as Error).message}` });
    }
  }

  structure();

  return {
    element,
    select,
    command(command, args) {
      switch (command) {
        case 'step':
          stepper.step();
          return;
        case 'play':
          stepper.play();
          return;
        case 'reset':
          stepper.reset();
          return;
        case 'fit':
          zoom?.fit();
          return;
        case 'export': {
          const f = String(args.format ?? 'svg') as ExportFormat;
          void doExport(f);
          return;
        }
      }
    },
    probe: () => ({
      ...stepper.probe(),
      renderedNodes: display?.nodes.length ?? 0,
      totalNodes: display?.total ?? 0,
      truncated: display?.truncated ?? false,
      folded: display ? [...display.folded] : [],
      laidOut: renderer !== undefined,
      selectedNodeId: selectedIndex >= 0 ? display.nodes[selectedIndex].id : null,
      view: zoom?.view(),
      timings,
    }),
    accepts: (next) =>
      next.payload.program === program &&
      next.settings.maxRenderedNodes === maxNodes &&
      next.settings.precision === precision,
    update(next) {
      c = next;
      const t0 = performance.now();
      repaint();
      timings.updateMs = performance.now() - t0;
      element.dataset.timings = JSON.stringify(timings);
    },
    dispose() {
      disposed = true;
      stepper.dispose();
      zoom?.dispose();
    },
  };
}
