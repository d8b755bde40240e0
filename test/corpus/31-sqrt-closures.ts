// Corpus 31: Newton square root with three closures over the parameter, one of them recursive
// through a ternary.
// Source: wilsonify/base-python-data-science, src/rest-scratch-node-express/external/ts-sqrt/sqrt_nr.ts @ a83241635d3b8870d69f207cea8d384013c54334
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: `export
// default` dropped, types added; input and target appended.
function sqrt_newton(x: number) {
  // Newton's method square root
  var isGoodEnough = function (guess: number) {
    return Math.abs(guess * guess - x) / x < 0.001;
  };
  var improve = function (guess: number) {
    return (guess + x / guess) / 2;
  };
  var sqrIter = function (guess: number): number {
    return isGoodEnough(guess) ? guess : sqrIter(improve(guess));
  };
  return sqrIter(1.0);
}

const area = 2;
const side = sqrt_newton(area);
