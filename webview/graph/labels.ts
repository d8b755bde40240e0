/**
 * Placement of the chain-rule labels on the edges into one gate (DOM-free, unit-tested).
 *
 * A label sits in the GAP between the target's column and the column before it, where no
 * node box can be (layout.ts keeps COL_GAP free), centred on the point where the edge crosses
 * the middle of that gap. Of the text variants it is given (one line, two lines, three) it
 * takes the first that fits the gap's width. Labels never cover a node box nor each other:
 * a label that would is moved vertically to the nearest free place, and a leader line joins
 * it to its edge.
 */

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LabelRequest {
  edge: number;
  /** Text variants, preferred first (each a list of lines). */
  variants: string[][];
}

export interface PlacedLabel {
  edge: number;
  lines: string[];
  /** The label's box (top-left, size). */
  x: number;
  y: number;
  w: number;
  h: number;
  /** The point on the edge it labels. */
  ax: number;
  ay: number;
  /** True when the box does not cover the anchor (draw a leader line to it). */
  leader: boolean;
}

export interface LabelGeometry {
  /** Per label: the edge's polyline of curve points (x, y pairs: source, bends, target). */
  points(edge: number): ArrayLike<number>;
  /** Per label: the horizontal gap it goes in (left, right). */
  gap(edge: number): { left: number; right: number };
  /** Every node box (labels must not cover them). */
  boxes: Box[];
}

/** Label text metrics (11 px monospace) and padding. */
export const LABEL_CHAR_W = 6.7;
export const LABEL_LINE_H = 13;
export const LABEL_PAD_X = 4;
export const LABEL_PAD_Y = 2;

export function labelSize(lines: string[]): { w: number; h: number } {
  const chars = lines.reduce((m, l) => Math.max(m, [...l].length), 0);
  return { w: Math.ceil(chars * LABEL_CHAR_W + 2 * LABEL_PAD_X), h: lines.length * LABEL_LINE_H + 2 * LABEL_PAD_Y };
}

/**
 * y of the curve at x. The renderer's curve (render.ts `curve`) joins consecutive points with
 * cubic Béziers whose control points are horizontal at both ends and meet at the middle:
 * x(t) = px + (qx−px)(1.5t(1−t) + t³), y(t) = py + (qy−py)(3t² − 2t³).
 */
export function curveYAt(points: ArrayLike<number>, x: number): number {
  const n = points.length / 2;
  if (n === 0) return 0;
  if (x <= points[0]) return points[1];
  for (let i = 0; i + 1 < n; i++) {
    const px = points[2 * i];
    const py = points[2 * i + 1];
    const qx = points[2 * i + 2];
    const qy = points[2 * i + 3];
    if (x > qx) continue;
    if (qx - px < 1e-9) return qy;
    let lo = 0;
    let hi = 1;
    for (let k = 0; k < 30; k++) {
      const t = (lo + hi) / 2;
      const xt = px + (qx - px) * (1.5 * t * (1 - t) + t * t * t);
      if (xt < x) lo = t;
      else hi = t;
    }
    const t = (lo + hi) / 2;
    return py + (qy - py) * (3 * t * t - 2 * t * t * t);
  }
  return points[2 * n - 1];
}

const overlaps = (a: Box, b: Box, pad: number) =>
  a.x < b.x + b.w + pad && b.x < a.x + a.w + pad && a.y < b.y + b.h + pad && b.y < a.y + a.h + pad;

export function placeEdgeLabels(requests: LabelRequest[], geo: LabelGeometry): PlacedLabel[] {
  const wanted = requests.map((r) => {
    const { left, right } = geo.gap(r.edge);
    const room = right - left - 4;
    let lines = r.variants[0] ?? [''];
    let size = labelSize(lines);
    for (const v of r.variants) {
      const s = labelSize(v);
      if (s.w <= room) {
        lines = v;
        size = s;
        break;
      }
      if (s.w < size.w) {
        lines = v;
        size = s;
      }
    }
    const ax = (left + right) / 2;
    const ay = curveYAt(geo.points(r.edge), ax);
    return { edge: r.edge, lines, ...size, ax, ay };
  });
  // Top to bottom, so neighbours keep their order.
  wanted.sort((a, b) => a.ay - b.ay);
  const placed: PlacedLabel[] = [];
  for (const l of wanted) {
    const x = l.ax - l.w / 2;
    // Only boxes in the label's horizontal band can collide.
    const band = geo.boxes.filter((b) => b.x < x + l.w + 2 && x < b.x + b.w + 2);
    const free = (y: number) => {
      const r = { x, y, w: l.w, h: l.h };
      return !band.some((b) => overlaps(r, b, 2)) && !placed.some((p) => overlaps(r, p, 1));
    };
    const y0 = l.ay - l.h / 2;
    let y = y0;
    for (let d = 0; d < 4000; d += 3) {
      // Prefer below for ties (the first label went above or on its edge).
      if (free(y0 + d)) {
        y = y0 + d;
        break;
      }
      if (free(y0 - d)) {
        y = y0 - d;
        break;
      }
    }
    const leader = !(l.ay >= y && l.ay <= y + l.h);
    placed.push({ edge: l.edge, lines: l.lines, x, y, w: l.w, h: l.h, ax: l.ax, ay: l.ay, leader });
  }
  return placed;
}
