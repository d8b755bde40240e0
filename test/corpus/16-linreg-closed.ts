// Corpus 16: least-squares line in closed form: two for...of loops with destructuring, means,
// and an object returned with shorthand properties.
// Source: npomfret/icodestats, website/public/functions.js @ 15f02b13f61d8396b4b3c46b1232d21ba5d6918e
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: types added;
// inputs and target appended.
function linearRegression(data: { x: number; y: number }[]) {
  // step 1: the mean of x and of y
  let xSum = 0;
  let ySum = 0;
  for (let { x, y } of data) {
    xSum += x;
    ySum += y;
  }
  const sampleSize = data.length;
  const xMean = xSum / sampleSize;
  const yMean = ySum / sampleSize;
  let num = 0;
  let den = 0;
  for (let { x, y } of data) {
    num += (x - xMean) * (y - yMean);
    den += (x - xMean) * (x - xMean);
  }
  const m = num / den;
  const b = yMean - m * xMean;
  return { m, b };
}

const points = [
  { x: 0.5, y: 1.1 },
  { x: 1.5, y: 2.3 },
  { x: 2.5, y: 2.9 },
  { x: 4, y: 5.2 },
];
const line = linearRegression(points);
const intercept = line.b;
