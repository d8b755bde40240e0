/**
 * The gradient colour scale (DOM-free). Sign picks the hue (positive: --vscode-charts-blue,
 * negative: --vscode-charts-red, non-finite: --vscode-charts-orange), magnitude picks how much
 * of it is mixed into the node background, on a log scale relative to the largest |gradient|
 * in the graph (4 decades), so the output's 1 and a 1e-3 contribution are both visible. A sign
 * glyph goes with every colour so colour is never the only cue.
 */

export type GradSign = 'pos' | 'neg' | 'zero' | 'nonfinite';

export interface GradStyle {
  sign: GradSign;
  /** 0..1: relative magnitude on the log scale. */
  t: number;
  /** ▲ positive, ▼ negative, ○ zero, ⚠ NaN/Infinity. */
  glyph: string;
  /** Percent of the sign colour mixed into the background (0 for zero). */
  mix: number;
  /** A CSS colour expression using the theme's variables. */
  fill: string;
  /** Words for screen readers and tooltips. */
  words: string;
}

export const DECADES = 4;
export const MIN_MIX = 10;
export const MAX_MIX = 40;

export function gradSign(g: number): GradSign {
  if (!Number.isFinite(g)) return 'nonfinite';
  if (g > 0) return 'pos';
  if (g < 0) return 'neg';
  return 'zero';
}

/** Relative magnitude of |g| against the graph's largest |gradient|, log scale, in [0, 1]. */
export function magnitude(g: number, maxAbs: number): number {
  const a = Math.abs(g);
  if (!Number.isFinite(a)) return 1;
  if (a === 0 || !(maxAbs > 0)) return 0;
  if (!Number.isFinite(maxAbs)) return 0.5;
  const t = 1 + Math.log10(a / maxAbs) / DECADES;
  return Math.min(1, Math.max(0, t));
}

export function gradStyle(g: number, maxAbs: number): GradStyle {
  const sign = gradSign(g);
  const t = magnitude(g, maxAbs);
  const mix = sign === 'zero' ? 0 : sign === 'nonfinite' ? MAX_MIX : Math.round(MIN_MIX + (MAX_MIX - MIN_MIX) * t);
  const varName =
    sign === 'pos' ? '--gl-pos' : sign === 'neg' ? '--gl-neg' : sign === 'nonfinite' ? '--gl-bad' : '--gl-zero';
  const fill = sign === 'zero' ? 'var(--gl-node-bg)' : `color-mix(in srgb, var(${varName}) ${mix}%, var(--gl-node-bg))`;
  const glyph = sign === 'pos' ? '▲' : sign === 'neg' ? '▼' : sign === 'zero' ? '○' : '⚠';
  const words = sign === 'pos' ? 'positive' : sign === 'neg' ? 'negative' : sign === 'zero' ? 'zero' : 'not finite';
  return { sign, t, glyph, mix, fill, words };
}

/** Stroke width of an edge for a contribution (1..4 px on the same log scale). */
export function edgeWidth(contribution: number, maxAbs: number): number {
  return 1 + 3 * magnitude(contribution, maxAbs);
}

/** Largest finite |x| (0 if none). */
export function maxAbsFinite(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) {
    const a = Math.abs(xs[i]);
    if (Number.isFinite(a) && a > m) m = a;
  }
  return m;
}
