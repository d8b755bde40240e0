/**
 * Zoom and pan of an SVG by its viewBox only (no re-render: panning changes one attribute,
 * coalesced to one write per animation frame). Wheel zooms around the pointer, dragging the
 * background pans, +/−/0 zoom in/out/fit from the keyboard (handled by the view), arrow keys
 * with Shift pan.
 */
export interface View { x: number; y: number; k: number }

export interface ZoomController {
  fit(animate?: boolean): void;
  zoomBy(factor: number, cx?: number, cy?: number): void;
  panBy(dx: number, dy: number): void;
  /** Make the world rectangle visible (centre it if it is outside or clipped). */
  ensureVisible(x: number, y: number, w: number, h: number): void;
  setBounds(width: number, height: number): void;
  view(): View;
  setView(v: View): void;
  /** True right after a drag (so the click that ends a pan does not select). */
  dragged(): boolean;
  dispose(): void;
}

export const MIN_K = 0.05;
export const MAX_K = 4;
const PAD = 24;

/** The view that fits a `bw`×`bh` world into a `W`×`H` viewport (never magnified beyond `maxK`). */
export function fitView(bw: number, bh: number, W: number, H: number, maxK = 1.25): View {
  const k = Math.max(MIN_K, Math.min(maxK, (W - 2 * PAD) / Math.max(1, bw), (H - 2 * PAD) / Math.max(1, bh)));
  return { k, x: bw / 2 - W / (2 * k), y: bh / 2 - H / (2 * k) };
}

export function createZoom(svg: SVGSVGElement, onChange?: (v: View) => void): ZoomController {
  let v: View = { x: 0, y: 0, k: 1 };
  let bw = 1;
  let bh = 1;
  let frame = 0;
  let wasDragged = false;
  const size = () => ({ W: svg.clientWidth || 600, H: svg.clientHeight || 400 });

  const apply = () => {
    frame = 0;
    const { W, H } = size();
    svg.setAttribute('viewBox', `${v.x} ${v.y} ${W / v.k} ${H / v.k}`);
    onChange?.(v);
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(apply);
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
    const r = svg.getBoundingClientRect();
    if (e.ctrlKey || !e.shiftKey) {
      const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
      zoomBy(factor, e.clientX - r.left, e.clientY - r.top);
    } else {
      v = { ...v, x: v.x + e.deltaY / v.k, y: v.y };
      schedule();
    }
  };

  let drag: { id: number; sx: number; sy: number; vx: number; vy: number; moved: boolean } | undefined;
  const onDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
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
      svg.setPointerCapture(e.pointerId);
      svg.classList.add('panning');
    }
    v = { ...v, x: drag.vx - dx / v.k, y: drag.vy - dy / v.k };
    schedule();
  };
  const onUp = (e: PointerEvent) => {
    if (!drag || e.pointerId !== drag.id) return;
    wasDragged = drag.moved;
    if (drag.moved) svg.releasePointerCapture(e.pointerId);
    svg.classList.remove('panning');
    drag = undefined;
  };
  svg.addEventListener('wheel', onWheel, { passive: false });
  svg.addEventListener('pointerdown', onDown);
  svg.addEventListener('pointermove', onMove);
  svg.addEventListener('pointerup', onUp);
  svg.addEventListener('pointercancel', onUp);
  const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(() => schedule()) : undefined;
  ro?.observe(svg);

  return {
    fit() {
      const { W, H } = size();
      v = fitView(bw, bh, W, H);
      apply();
    },
    zoomBy,
    panBy(dx, dy) {
      v = { ...v, x: v.x + dx / v.k, y: v.y + dy / v.k };
      schedule();
    },
    ensureVisible(x, y, w, h) {
      const { W, H } = size();
      const vw = W / v.k;
      const vh = H / v.k;
      const m = 16 / v.k;
      if (x >= v.x + m && y >= v.y + m && x + w <= v.x + vw - m && y + h <= v.y + vh - m) return;
      v = { ...v, x: x + w / 2 - vw / 2, y: y + h / 2 - vh / 2 };
      apply();
    },
    setBounds(width, height) {
      bw = width;
      bh = height;
    },
    view: () => v,
    setView(nv) {
      v = nv;
      apply();
    },
    dragged: () => wasDragged,
    dispose() {
      ro?.disconnect();
      if (frame) cancelAnimationFrame(frame);
    },
  };
}
