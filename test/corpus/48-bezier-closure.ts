// Corpus 48: a curried cubic Bézier: createCubicBez(p0, p1, p2, p3) returns a `function (t)`
// closure over the control points; sampled at 11 points in a loop, the polyline length summed with
// Math.hypot is the target (a differentiable approximation of the curve's arc length).
// Source: hackclub/blot, interface/drawing-functions/createCubicBez.js @ 14c0f97d42bff343ed6a62fb11e64fe372b8744d
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: `export`
// dropped; the control points, the sampling loop and the target appended.
function createCubicBez(p0, p1, p2, p3) {
  return function (t) {
    const u = 1 - t;
    const tt = t * t;
    const uu = u * u;
    const uuu = uu * u;
    const ttt = tt * t;
    const p = [
      uuu * p0[0] + 3 * uu * t * p1[0] + 3 * u * tt * p2[0] + ttt * p3[0],
      uuu * p0[1] + 3 * uu * t * p1[1] + 3 * u * tt * p2[1] + ttt * p3[1],
    ];
    return p;
  };
}

const start = [0, 0];
const ctrlA = [0.3, 0.9];
const ctrlB = [0.7, -0.4];
const end = [1, 0.5];
const curve = createCubicBez(start, ctrlA, ctrlB, end);
let length = 0;
let prev = curve(0);
for (let k = 1; k <= 10; k++) {
  const cur = curve(k / 10);
  length += Math.hypot(cur[0] - prev[0], cur[1] - prev[1]);
  prev = cur;
}
const arcLength = length;
