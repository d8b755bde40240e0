// Corpus 61: Newton–Raphson inside a bracket, after Numerical Recipes' rtnewt: `var` declared
// together, a loop of MAX_ITER steps with `rtn -= dx`, and `throw 'Error: jumped out of brackets'`
// (a string) or `throw 'Maximum number of iterations exceeded'`; the target catches the throw of
// a bad bracket and falls back to the bracket's midpoint.
// Source: lsund/graph-visualization, minimizer/newton/newton.js @ a154cdc3477edb0ed54b8d1c5c030ec6536233be
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the test
// function x² − 1 is x² − c here; the console.log dropped; the try/catch fallback, the inputs and
// the target appended.
var MAX_ITER = 20;
var newton = function (f, df, x1, x2, xacc) {
  var fx, dfx, dx, rtn;
  rtn = 0.5 * (x1 + x2) + 0.4;
  for (var i = 0; i < MAX_ITER; i++) {
    fx = f(rtn);
    dfx = df(rtn);
    dx = fx / dfx;
    rtn -= dx;
    if (rtn < x1 || rtn > x2) {
      throw 'Error: jumped out of brackets';
    }
    if (Math.abs(dx) < xacc) {
      return rtn;
    }
  }
  throw 'Maximum number of iterations exceeded';
};

const c = 2.5;
const lo = 0.5;
const hi = 3;
const testf = function (x) {
  return x * x - c;
};
const testdf = function (x) {
  return 2 * x;
};
function safeRoot(a, b) {
  try {
    return newton(testf, testdf, a, b, 1e-9);
  } catch (e) {
    return typeof e === 'string' && e.startsWith('Error') ? 0.5 * (a + b) : -1;
  }
}
const roots = safeRoot(lo, hi) + 10 * safeRoot(-3, -1.7);
