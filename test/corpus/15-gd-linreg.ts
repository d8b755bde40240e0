// Corpus 15: stochastic gradient descent for a line: for...of with object destructuring, `let`
// reassignment, results.push({ m, b }) with shorthand properties, then the last result's slope.
// Source: npomfret/icodestats, website/public/functions.js @ 15f02b13f61d8396b4b3c46b1232d21ba5d6918e
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: types added;
// inputs and target appended.
function gradientDescent(data: { x: number; y: number }[]) {
  const learningRate = 0.05;
  const iterations = 100;
  let m = 0;
  let b = 0;
  let results = [];
  for (let i = 0; i < iterations; i++) {
    for (let { x, y } of data) {
      const guess = m * x + b;
      const error = y - guess;
      m = m + error * x * learningRate;
      b = b + error * learningRate;
    }
    results.push({ m, b });
  }
  return results;
}

const data = [
  { x: 1, y: 2 },
  { x: 2, y: 2.5 },
  { x: 3, y: 4 },
];
const fit = gradientDescent(data);
const slope = fit[fit.length - 1].m;
