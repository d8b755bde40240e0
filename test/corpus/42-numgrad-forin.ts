// Corpus 42: gradient descent with a numerical (forward-difference) gradient: data built with
// `[...Array(n).keys()].map(...)`, forEach with an index, `for (let i in solution)` over an array
// (string keys used as indices, `deltaSolution[i] += delta`), Math.sqrt of a mean square; the
// target is the error after three steps of `run` (Gradient Lens differentiates through the
// program's own finite differences).
// Source: OrekiSH/reading-record, Machine-learning/deep-learning.md @ 1f35d28e717f95b4b86014a64390dd041731e01b
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: 20 samples
// instead of 100; Math.random() * 3 noise replaced by (e % 3); delta 1e-4 instead of 1e-8 (at
// 1e-8 the difference quotient is mostly rounding); console.log and the final Math.min dropped;
// the target appended.
// y = wx^2 + bx
const target = (x) => 3 * Math.pow(x, 2) + 2 * x;

const input = [...Array(20).keys()].map((e) => e - 10);
const output = [...Array(20).keys()].map((e) => target(e - 10) + (e % 3));

// [w, b]
const solution = [0.5, -0.25];
const hypothesis = (x, params) => params[0] * Math.pow(x, 2) + params[1] * x;

const errorOfHypothesis = (params) => {
  let SST = 0;
  input.forEach((e, index) => {
    SST += Math.pow(hypothesis(e, params) - output[index], 2);
  });
  return Math.sqrt(SST / input.length);
};

const calculateGradientDescent = (stepSize) => {
  const error = errorOfHypothesis(solution);
  const delta = 1e-4;
  let gradient = [];
  for (let i in solution) {
    let deltaSolution = [];
    deltaSolution[0] = solution[0];
    deltaSolution[1] = solution[1];
    deltaSolution[i] += delta;
    gradient[i] = (errorOfHypothesis(deltaSolution) - error) / delta;
  }
  for (let i in solution) {
    solution[i] -= gradient[i] * stepSize;
  }
  return error;
};

function run(iterations, stepSize) {
  return [...new Array(iterations).keys()].map((e) => calculateGradientDescent(stepSize));
}

const stepSize = 0.0002;
run(3, stepSize);
const finalError = errorOfHypothesis(solution);
