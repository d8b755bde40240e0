/** Pure chart math for the Train view (no DOM): ticks, scales, decimated SVG paths. */

export interface Scale {
  (x: number): number;
  domain: [number, number];
  range: [number, number];
}

export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const span = d1 - d0 || 1;
  const s = ((x: number) => r0 + ((x - d0) / span) * (r1 - r0)) as Scale;
  s.domain = [d0, d1];
  s.range = [r0, r1];
  return s;
}

/** About `count` round tick values covering [min, max] (1, 2, 5 × 10^k steps). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  if (min > max) [min, max] = [max, min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Powers of ten covering [min, max] (both > 0), thinned to at most `count`. */
export function logTicks(min: number, max: number, count = 6): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const every = Math.max(1, Math.ceil((hi - lo + 1) / count));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e += every) ticks.push(10 ** e);
  return ticks;
}

/** [min, max] of the finite values, padded a little so a flat line is not on the frame. */
export function extent(values: ArrayLike<number>, pad = 0.05): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) {
    const d = Math.abs(lo) * 0.1 || 1;
    return [lo - d, hi + d];
  }
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

/**
 * SVG path `M x y L x y …` of ys[i] against i, with at most ~2·maxPoints vertices: beyond that,
 * each bucket of steps contributes its min and max (so spikes stay visible). Non-finite values
 * break the line.
 */
export function linePath(
  ys: ArrayLike<number>,
  sx: (i: number) => number,
  sy: (y: number) => number,
  maxPoints = 400,
): string {
  const n = ys.length;
  const parts: string[] = [];
  let pen = false;
  const put = (i: number, y: number) => {
    if (!Number.isFinite(y)) {
      pen = false;
      return;
    }
    const py = sy(y);
    if (!Number.isFinite(py)) {
      pen = false;
      return;
    }
    parts.push(`${pen ? 'L' : 'M'}${sx(i).toFixed(1)} ${py.toFixed(1)}`);
    pen = true;
  };
  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) put(i, ys[i]);
    return parts.join('');
  }
  const bucket = n / maxPoints;
  for (let b = 0; b < maxPoints; b++) {
    const from = Math.floor(b * bucket);
    const to = Math.min(n, Math.floor((b + 1) * bucket));
    let iMin = from;
    let iMax = from;
    for (let i = from; i < to; i++) {
      if (!(ys[i] >= ys[iMin])) iMin = i;
      if (!(ys[i] <= ys[iMax])) iMax = i;
    }
    if (iMin <= iMax) {
      put(iMin, ys[iMin]);
      if (iMax !== iMin) put(iMax, ys[iMax]);
    } else {
      put(iMax, ys[iMax]);
      put(iMin, ys[iMin]);
    }
  }
  put(n - 1, ys[n - 1]);
  return parts.join('');
}

export { tickLabel } from '../../src/core/format';
