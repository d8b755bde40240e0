// Corpus 01: mean squared error, for loop with `**`, argument checks that throw.
// Source: TheAlgorithms/JavaScript, Maths/MeanSquareError.js @ e112434dee038b4605fe7bbd4e3e7b5b5e322073
// Rewritten after the source: same algorithm and constructs, not a verbatim copy (the code index's
// terms keep third-party code out of our commits). Adapted: console tests dropped; inputs and target
// appended.
const meanSquaredError = (predicted: number[], expected: number[]) => {
  if (!Array.isArray(predicted) || !Array.isArray(expected)) {
    throw new TypeError('Argument must be an Array');
  }
  if (predicted.length !== expected.length) {
    throw new TypeError('The two lists must be of equal length');
  }
  let err = 0;
  for (let i = 0; i < expected.length; i++) {
    err += (expected[i] - predicted[i]) ** 2;
  }
  return err / expected.length;
};

const predicted = [1.5, 2.25, 2.75, 4.5];
const expected = [1, 2, 3, 4];
const loss = meanSquaredError(predicted, expected);
