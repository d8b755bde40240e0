// Corpus 02: mean of squared errors over an array, `sum +=` in a counted loop.
// Source: BrainJS/brain.js, src/utilities/mse.js @ ec2fb5c290ab95e1801d7f199eb1451a2b1034cc
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted:
// `module.exports = function mse` becomes a function declaration; inputs and target appended.
function mse(errors: number[]): number {
  // mean squared error
  let sum = 0;
  for (let i = 0; i < errors.length; i++) {
    sum += errors[i] ** 2;
  }
  return sum / errors.length;
}

const errors = [0.5, -0.25, 0.125, -1];
const loss = mse(errors);
