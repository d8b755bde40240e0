/**
 * Zoom and pan by ONE CSS transform on the <svg> element (an HTML-level box inside the
 * viewport div): the SVG keeps a fixed viewBox and size (the world's bounds), so panning
 * and zooming never re-lay out or re-paint the graph's elements. Chrome only re-composites
 * (during a drag the svg gets `will-change: transform`, so a pan is a compositor move of
 * already rastered tiles; the hint is dropped when the gesture ends so the next paint is
 * sharp at the new scale). Writes are coalesced to one per animation frame.
 *
 * Wheel zooms around the pointer, dragging the background pans, +/−/0 zoom in/out/fit from
 * the keyboard (handled by the view), arrow keys with Shift pan.
 *
 * Level of detail: `onChange` reports the scale; the view hides text below LOD_TEXT_K.
 */
import { fitView, MAX_K, MIN_K, transformFor, type View } from './view';

export { fitView, transformFor, MAX_K, MIN_K, type View };

export interface ZoomController {
  fit(): void;
  zoomBy(factor: number, cx?: number, cy?: number): void;
  panBy(dx: number, dy: number): void;
  /**
   * Make the world rectangle visible (centre it if it is outside or clipped). With `minK`,
   * zoom in to at least that scale first (a node selected at a far-out zoom becomes readable).
   */
  ensureVisible(x: number, y: number, w: number, h: number, minK?: number): void;
  /** The world's bounds (layout coordinates; may start below 0 for group labels). */
  setBounds(width: number, height: number, x0?: number, y0?: number): void;
  view(): View;
  setView(v: View): void;
  /** Viewport size in CSS px. */
  size(): { W: number; H: number };
  /** True right after a drag (so the click that ends a pan does not select). */
  dragged(): boolean;
  /** True while the pointer is down and moving (hover effects are suppressed). */
  panning(): boolean;
  dispose(): void;
}

/** Below this scale node text is hidden (it would be < 5 px). */
export const LOD_TEXT_K = 0.4;
/** A scale at which 12 px text reads comfortably (selection zooms in to it). */
export const READABLE_K = 0.8;
/** Margin around the world inside the svg (labels and badges stick out of the boxes). */
const MARGIN = 64;

/**
 * @param host the viewport element (receives the gestures; its size is the view's size)
 * @param svg the graph, a child of `host`, positioned at the host's top-left
 */
export function createZoom(host: HTMLElement, svg: SVGSVGElement, onChange?: (v: View) => void): ZoomController {
  let v: View = { x: 0, y: 0, k: 1 };
  let bx = 0;
  let by = 0;
  let bw = 1;
  let bh = 1;
  let frame = 0;
  let wasDragged = false;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const size = () => ({ W: host.clientWidth || 600, H: host.clientHeight || 400 });

  const placeSvg = () => {
    const ox = bx - MARGIN;
    const oy = by - MARGIN;
    const w = bw + 2 * MARGIN;
    const h = bh + 2 * MARGIN;
    svg.setAttribute('viewBox', `${ox} ${oy} ${w} ${h}`);
    svg.setAttribute('width', String(w));
    svg.setAttribute('height', String(h));
  };

  const apply = () => {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    svg.style.transform = transformFor(v, bx - MARGIN, by - MARGIN);
    onChange?.(v);
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(apply);
  };
  /** Compositor hint while a gesture lasts (dropped 200 ms after the last move). */
  const moving = () => {
    svg.classList.add('moving');
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      if (!drag) svg.classList.remove('moving');
    }, 200);
  };

  const zoomBy = (factor: number, cx?: number, cy?: number) => {
    const { W, H } = size();
    const px = cx ?? W / 2;
    const py = cy ?? H / 2;
    const k = Math.min(MAX_K, Math.max(MIN_K, v.k * factor));
    const wx = v.x + px / v.k;
    const wy = v.y + py / v.k;
    v = { k, x: wx - px / k, y: wy - py / k };
    schedule();
  };

  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const r = host.getBoundingClientRect();
    if (e.ctrlKey || !e.shiftKey) {
      const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
      moving();
      zoomBy(factor, e.clientX - r.left, e.clientY - r.top);
    } else {
      v = { ...v, x: v.x + e.deltaY / v.k, y: v.y };
      moving();
      schedule();
    }
  };

  let drag: { id: number; sx: number; sy: number; vx: number; vy: number; moved: boolean } | undefined;
  const onDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    if ((e.target as Element | null)?.closest?.('vscode-button, button, input, .graph-tooltip')) return;
    drag = { id: e.pointerId, sx: e.clientX, sy: e.clientY, vx: v.x, vy: v.y, moved: false };
    wasDragged = false;
  };
  const onMove = (e: PointerEvent) => {
    if (!drag || e.pointerId !== drag.id) return;
    const dx = e.clientX - drag.sx;
    const dy = e.clientY - drag.sy;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) {
      drag.moved = true;
      host.setPointerCapture(e.pointerId);
      svg.classList.add('panning', 'moving');
      host.classList.add('panning');
    }
    v = { ...v, x: drag.vx - dx / v.k, y: drag.vy - dy / v.k };
    schedule();
  };
  const onUp = (e: PointerEvent) => {
    if (!drag || e.pointerId !== drag.id) return;
    wasDragged = drag.moved;
    if (drag.moved) {
      try {
        host.releasePointerCapture(e.pointerId);
      } catch {
        /* already released */
      }
      moving();
    }
    svg.classList.remove('panning');
    host.classList.remove('panning');
    drag = undefined;
  };
  host.addEventListener('wheel', onWheel, { passive: false });
  host.addEventListener('pointerdown', onDown);
  host.addEventListener('pointermove', onMove);
  host.addEventListener('pointerup', onUp);
  host.addEventListener('pointercancel', onUp);
  const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(() => schedule()) : undefined;
  ro?.observe(host);
  placeSvg();
  apply();

  return {
    fit() {
      const { W, H } = size();
      v = fitView(bw, bh, W, H, 1.25, bx, by);
      apply();
    },
    zoomBy,
    panBy(dx, dy) {
      v = { ...v, x: v.x + dx / v.k, y: v.y + dy / v.k };
      schedule();
    },
    ensureVisible(x, y, w, h, minK) {
      const { W, H } = size();
      if (minK !== undefined && v.k < minK) {
        const k = Math.min(MAX_K, minK);
        v = { k, x: x + w / 2 - W / (2 * k), y: y + h / 2 - H / (2 * k) };
        apply();
        return;
      }
      const vw = W / v.k;
      const vh = H / v.k;
      const m = 16 / v.k;
      if (x >= v.x + m && y >= v.y + m && x + w <= v.x + vw - m && y + h <= v.y + vh - m) return;
      // Centre it, or (bigger than the view) show its top-left part.
      const nx = w + 2 * m <= vw ? x + w / 2 - vw / 2 : x - m;
      const ny = h + 2 * m <= vh ? y + h / 2 - vh / 2 : y - m;
      v = { ...v, x: nx, y: ny };
      apply();
    },
    setBounds(width, height, x0 = 0, y0 = 0) {
      bw = width;
      bh = height;
      bx = x0;
      by = y0;
      placeSvg();
      apply();
    },
    view: () => v,
    setView(nv) {
      v = nv;
      apply();
    },
    size,
    dragged: () => wasDragged,
    panning: () => drag?.moved === true,
    dispose() {
      ro?.disconnect();
      if (frame) cancelAnimationFrame(frame);
      if (idleTimer) clearTimeout(idleTimer);
      host.removeEventListener('wheel', onWheel);
      host.removeEventListener('pointerdown', onDown);
      host.removeEventListener('pointermove', onMove);
      host.removeEventListener('pointerup', onUp);
      host.removeEventListener('pointercancel', onUp);
    },
  };
}
