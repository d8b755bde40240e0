// Corpus 47: a 2-D cubic Bézier point with `**` powers of t and 1 - t, points as number[] and an
// array returned; the target is the curve's y at a parameter t that is itself an input.
// Source: zHaOdANiuu/zd-es-lib, src/cubicBezier.ts @ baecc5fed5fa3125cdbbd05971bd08fef8ad3d61
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the return
// type TwoDPoint (declared elsewhere) written as number[]; `export default` dropped; the control
// points and target appended.
/**
 * @param t time parameter
 * @param p1 start point
 * @param p2 control point 1
 * @param p3 control point 2
 * @param p4 end point
 */
function cubicBezier(t: number, p1: number[], p2: number[], p3: number[], p4: number[]): number[] {
  const tmp = 1 - t;
  const b1 = t ** 3;
  const b2 = t ** 2 * 3 * tmp;
  const b3 = tmp ** 2 * 3 * t;
  const b4 = tmp ** 3;
  return [p1[0] * b1 + p2[0] * b2 + p3[0] * b3 + p4[0] * b4, p1[1] * b1 + p2[1] * b2 + p3[1] * b3 + p4[1] * b4];
}

const t0 = 0.35;
const a = [0, 0];
const c1 = [0.25, 1.5];
const c2 = [0.8, -0.5];
const b = [1, 1];
const y = cubicBezier(t0, a, c1, c2, b)[1];
