// Corpus 22: small vector helpers as arrows: reduce with (prev, curr, ind), map with index,
// scaling, a norm, and a distance that throws a string and uses Math.pow(sum, 0.5).
// Source: nikita-malyschkin/fods, exSheet2/ex4.js @ 35fb2e580e05b8929564f04501a25cb03a50bec6
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the k-means
// driver (Math.random, JSON.stringify, console.log) dropped, types added; inputs and target appended.
const scalarProduct = (a: number[], b: number[]) => a.reduce((prev, curr, ind) => prev + curr * b[ind], 0);

const vectorAdd = (a: number[], b: number[]) => a.map((v, i) => v + b[i]);

const vectorScale = (v: number[], a: number) => v.map((val) => val * a);

const euclideanNorm = (v: number[]) => Math.sqrt(v.reduce((prev, curr) => prev + curr * curr, 0));

const euclideanDistance = (a: number[], b: number[]) => {
  if (a.length != b.length) {
    throw 'in euclideanDistance : length did not match';
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    sum += (a[i] - b[i]) * (a[i] - b[i]);
  }
  return Math.pow(sum, 0.5);
};

const a = [2, 12];
const b = [3, 11];
const c = [1.5, -4];
const s = 0.25;
const score = euclideanDistance(vectorAdd(a, vectorScale(b, s)), c) + scalarProduct(a, b) / euclideanNorm(c);
