/** Pan/zoom maths (DOM-free, unit-tested); the controller is zoom.ts. */
export interface View {
  x: number;
  y: number;
  k: number;
}

export const MIN_K = 0.05;
export const MAX_K = 4;
const PAD = 24;

/** The view that fits a `bw`×`bh` world into a `W`×`H` viewport (never magnified beyond `maxK`). */
export function fitView(bw: number, bh: number, W: number, H: number, maxK = 1.25, x0 = 0, y0 = 0): View {
  const k = Math.max(MIN_K, Math.min(maxK, (W - 2 * PAD) / Math.max(1, bw), (H - 2 * PAD) / Math.max(1, bh)));
  return { k, x: x0 + bw / 2 - W / (2 * k), y: y0 + bh / 2 - H / (2 * k) };
}

/** The CSS transform that shows world point (v.x, v.y) at the viewport's top-left at scale v.k. */
export function transformFor(v: View, ox: number, oy: number): string {
  const tx = Math.round((ox - v.x) * v.k * 100) / 100;
  const ty = Math.round((oy - v.y) * v.k * 100) / 100;
  return `translate(${tx}px, ${ty}px) scale(${v.k})`;
}
