/**
 * The panel's views: the header, the graph, the inputs table, diagnostics and the Train section,
 * rendered from the store (webview/state.ts) and repainted on its changes: a new program renders
 * everything, new values repaint the numbers in place.
 */
import type { PanelError, PanelProbe } from '../src/shared/protocol';
import { button, badge } from './toolkit';
import { h } from './views/dom';
import { short } from './format';
import { renderInputs, type InputsView } from './views/inputs';
import type { GraphView } from './views/graph';
// Vector view hook (branch `vector`): the graph slot shows the array-level view for programs with
// arrays/loops (and the scalar graph otherwise). Re-wire into the router when app.ts is restructured.
import { renderVectorOrGraph } from './vector/view';
import { renderDiagnostics } from './views/diagnostics';
import { renderTrain } from './views/train';
import { debugProbe, renderDebugBanner } from './views/debugBanner';
import { renderSelectionNote, selectionOf, selectionProbe } from './views/selection';
import type { AppHost, PanelStore, ViewContext } from './state';
import { webMark } from './trace';

/** From this many scalar nodes, a new program's side sections are built after its graph is painted. */
const DEFER_SIDE_NODES = 5000;

export type { AppHost, ViewContext } from './state';

export interface App {
  /** Answer the host's probe from the DOM. */
  probe(requestId: number): void;
  /** A host command for the graph (step, play, reset, fit, export). */
  command(command: string, args: Record<string, unknown>): void;
}

/** The panel's views: renders what the store holds and repaints on its changes. */
export function createApp(root: HTMLElement, host: AppHost, store: PanelStore): App {
  let graph: GraphView | undefined;
  let inputsView: InputsView | undefined;
  let diagnosticsEl: HTMLElement | undefined;
  let trainEl: HTMLElement | undefined;
  /** Counts repaints of the side sections deferred past a frame (repaintValues). */
  let sideRepaint = 0;
  /** A big program's side sections, built after its graph's first frame (render). */
  let sideBuild: (() => void) | undefined;

  store.subscribe((change, s) => {
    if (change === 'selection') return graph?.select(s.selected, true);
    host.persist(store.persisted());
    if (change === 'values') repaintValues();
    else render();
  });

  const ctx = (): ViewContext => {
    const { payload, ev, check, values, defaults, selected, timing } = store.get();
    return {
      timing,
      payload: payload!,
      ev: ev!,
      check,
      values,
      defaults,
      settings: payload!.settings,
      selected,
      setValues(next) {
        store.setValues(next);
        host.post({ type: 'valuesChanged', values: store.get().values });
      },
      select: (id) => store.select(id),
      highlight: (range) => host.post({ type: 'highlight', range }),
      reveal: (range) => host.post({ type: 'reveal', range }),
      post: (m) => host.post(m),
    };
  };

  function dropGraph(): void {
    graph?.dispose();
    graph = undefined;
  }

  function render(): void {
    sideRepaint++;
    const { payload, error, ev, evalError, stale, selected, notice } = store.get();
    // Keep the focused value field focused across the repaint (typing Enter in the inputs table).
    const editing = (document.activeElement as HTMLElement | null)
      ?.closest?.('[data-edit-input]')
      ?.getAttribute('data-edit-input');
    root.replaceChildren();
    root.classList.toggle('stale', stale);
    // A note about the last run (it was cancelled): what the panel showed before stays below it.
    if (notice) root.append(h('div', { class: 'run-notice', role: 'status' }, [notice]));
    if (error) {
      dropGraph();
      root.append(renderError(error));
      return;
    }
    if (!payload) {
      dropGraph();
      root.append(
        h('p', { class: 'placeholder' }, ['Select an expression and run ', h('b', {}, ['Show gradients']), '.']),
      );
      return;
    }
    root.append(renderHeader());
    if (evalError || !ev) {
      dropGraph();
      root.append(h('div', { class: 'error', role: 'alert' }, [evalError ?? 'Cannot evaluate']));
      return;
    }
    const c = ctx();
    // Same program and limits: repaint the numbers in place (no re-layout; zoom and folds kept).
    const fresh = !(graph && graph.accepts(c));
    if (graph && !fresh) graph.update(c);
    else {
      dropGraph();
      graph = renderVectorOrGraph(c);
    }
    const side = h('section', { class: 'side' }, []);
    root.append(h('div', { class: 'body' }, [graph.element, side]));
    graph.select(selected);
    const buildSide = () => {
      const t0 = performance.now();
      inputsView = renderInputs(c);
      const t1 = performance.now();
      diagnosticsEl = renderDiagnostics(c);
      const t2 = performance.now();
      trainEl = renderTrain(c);
      // For the scale UI tests: where a full render's time goes besides the graph.
      root.dataset.timings = JSON.stringify({
        inputsMs: t1 - t0,
        diagnosticsMs: t2 - t1,
        trainMs: performance.now() - t2,
      });
      side.append(inputsView.element, diagnosticsEl);
      root.append(trainEl);
      if (editing) (root.querySelector(`[data-edit-input="${CSS.escape(editing)}"]`) as HTMLElement | null)?.focus();
    };
    // A big new program paints its graph first: the inputs table, diagnostics and the Train section
    // (hundreds of toolkit components to style and lay out) are built after the graph's first
    // painted frame (two frames: the graph's own paint mark comes first). The side column keeps its
    // width meanwhile (media/panel.css), so the graph does not move.
    if (fresh && c.payload.program.nodes.length >= DEFER_SIDE_NODES) {
      const token = sideRepaint;
      sideBuild = () => {
        sideBuild = undefined;
        if (token !== sideRepaint || !side.isConnected) return;
        buildSide();
        webMark('side');
      };
      requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => sideBuild?.(), 0)));
    } else buildSide();
  }

  /** The side sections still to be built after a big graph's first paint: now (an edit, a probe). */
  function flushSide(): void {
    sideBuild?.();
  }

  /**
   * After an input edit: the same program, new numbers. Patch header, graph, inputs and
   * diagnostics in place (the inputs table of a big graph is costly to rebuild, and the focused
   * field keeps its focus); fall back to a full render when the structure changed.
   */
  function repaintValues(): void {
    flushSide();
    const { payload, ev, error, evalError } = store.get();
    const header = root.querySelector('header.header');
    if (!payload || !ev || error || evalError || !graph || !inputsView || !diagnosticsEl || !trainEl || !header)
      return render();
    const c = ctx();
    const t0 = performance.now();
    if (!graph.accepts(c) || !inputsView.update(c)) return render();
    const t1 = performance.now();
    header.replaceWith(renderHeader());
    graph.update(c);
    const t2 = performance.now();
    // The diagnostics and the Train section (toolkit components: costly to style and lay out) are
    // rebuilt after the frame that shows the graph's new numbers, so an edit paints the graph
    // first; a newer edit before then supersedes this one.
    const timings = { inputsMs: t1 - t0, graphMs: t2 - t1 };
    root.dataset.timings = JSON.stringify(timings);
    const token = ++sideRepaint;
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (token !== sideRepaint || !diagnosticsEl?.isConnected || !trainEl?.isConnected) return;
        const t3 = performance.now();
        const diagnostics = renderDiagnostics(c);
        diagnosticsEl.replaceWith(diagnostics);
        diagnosticsEl = diagnostics;
        const t4 = performance.now();
        const train = renderTrain(c);
        trainEl.replaceWith(train);
        trainEl = train;
        root.dataset.timings = JSON.stringify({
          ...timings,
          diagnosticsMs: t4 - t3,
          trainMs: performance.now() - t4,
        });
      }, 0),
    );
  }

  function renderHeader(): HTMLElement {
    const { payload, ev, stale, defaults } = store.get();
    const t = payload!.program.target;
    const value = ev ? short(ev.value, payload!.settings.precision) : '…';
    const header = h('header', { class: 'header' }, [
      h('div', { class: 'target' }, [
        h('span', { class: 'target-name' }, [t.name ?? 'expression']),
        h('span', { class: 'target-eq' }, [' = ']),
        h(
          'span',
          { class: 'target-value', 'data-value': ev ? String(ev.value) : '', title: ev ? String(ev.value) : '' },
          [value],
        ),
        h('code', { class: 'target-text', title: t.text }, [t.text]),
        h('span', { class: 'target-where' }, [
          `${payload!.document.fileName.split(/[\\/]/).pop()}:${t.range.line}:${t.range.column}`,
        ]),
      ]),
    ]);
    if (stale) {
      header.append(
        h('div', { class: 'stale-banner', role: 'status' }, [
          h('span', {}, ['The source changed since these numbers were computed. ']),
          button('Refresh', () => host.post({ type: 'refresh' }), {
            appearance: 'primary',
            attrs: { 'data-action': 'refresh' },
          }),
        ]),
      );
    }
    const selectionNote = renderSelectionNote(selectionOf(ev?.program, payload!.program));
    if (selectionNote) header.append(selectionNote);
    const debugBanner = renderDebugBanner(payload!.debug);
    if (debugBanner) header.append(debugBanner);
    if (defaults.size > 0) {
      header.append(
        h('div', { class: 'defaults-note', role: 'note' }, [
          badge('default', { class: 'default-badge' }),
          ` ${[...defaults].join(', ')} ${defaults.size > 1 ? 'have' : 'has'} no value in the source; using a default. Set ${defaults.size > 1 ? 'them' : 'it'} in the inputs table.`,
        ]),
      );
    }
    return header;
  }

  function renderError(e: PanelError): HTMLElement {
    return h(
      'div',
      { class: 'error-view', role: 'alert', 'data-error-code': e.code },
      [
        h('h2', {}, ['Cannot show gradients']),
        h('p', { class: 'error-message' }, [e.message]),
        e.line !== undefined && e.start !== undefined
          ? button(
              `Reveal ${e.line}:${e.column} in the editor`,
              () =>
                host.post({
                  type: 'reveal',
                  range: {
                    start: e.start!,
                    end: e.end ?? e.start!,
                    line: e.line!,
                    column: e.column!,
                    endLine: e.line!,
                    endColumn: e.column!,
                  },
                }),
              { appearance: 'primary', attrs: { 'data-action': 'reveal-error' } },
            )
          : undefined,
      ].filter(Boolean) as HTMLElement[],
    );
  }

  /** Answer a probe once the graph is drawn (big graphs lay out in slices), at most ~10 s later. */
  function probe(requestId: number, attempts = 200): void {
    flushSide();
    const { stale } = store.get();
    if (graph && graph.probe().laidOut === false && attempts > 0) {
      setTimeout(() => probe(requestId, attempts - 1), 50);
      return;
    }
    const nodes = [...root.querySelectorAll<HTMLElement>('[data-node-id]')].map((e) => ({
      id: Number(e.dataset.nodeId),
      label: e.dataset.label ?? '',
      value: Number(e.dataset.value),
      grad: Number(e.dataset.grad),
      ariaLabel: e.getAttribute('aria-label') ?? '',
    }));
    const inputs = [...root.querySelectorAll<HTMLElement>('[data-input-name]')].map((e) => ({
      name: e.dataset.inputName ?? '',
      value: Number(e.dataset.value),
      grad: Number(e.dataset.grad),
    }));
    const result: PanelProbe = {
      title: root.querySelector('.target-name')?.textContent ?? '',
      error: root.querySelector('.error-message')?.textContent ?? undefined,
      notice: root.querySelector('.run-notice')?.textContent ?? undefined,
      stale,
      nodes,
      inputs,
      extra: { ...(graph?.probe() ?? {}), ...debugProbe(root), ...selectionProbe(root) },
    };
    host.post({ type: 'probeResult', requestId, result });
  }

  return {
    probe,
    command: (command, args) => graph?.command(command, args),
  };
}
