// Corpus 17: batch gradient descent with Unicode identifiers (θ0, θ1), a closure that updates
// outer `let`s, for...of with array destructuring, a top-level while loop, and the last loss.
// Source: AngusFu/mechine-learning, 1-simple-linear-regression.js @ 29d8129ab631b667faffe6500cc78aa284cf0e84
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the random
// training set (Array.from with Math.random) becomes four fixed points, len = their count, the
// random θ start values become numbers, 1e5 iterations become 50; console.log dropped.
const trainingSet = [
  [1, 3.1],
  [2, 4.9],
  [3, 7.2],
  [4, 8.8],
];
const len = 4;

// learning rate
const alpha = 0.01;

// y'(i) = θ0 + θ1 * x(i)
let θ0 = 0.5;
let θ1 = 0.5;

let lastLoss = 0;

const training = () => {
  let d_θ0 = 0;
  let d_θ1 = 0;
  for (let [x_i, y_i] of trainingSet) {
    const diff = θ0 + θ1 * x_i - y_i;
    d_θ0 += diff * 1;
    d_θ1 += diff * x_i;
  }
  θ0 -= (alpha * d_θ0) / len;
  θ1 -= (alpha * d_θ1) / len;
  let loss = 0;
  for (let [x_i, y_i] of trainingSet) {
    loss += Math.pow(θ0 + θ1 * x_i - y_i, 2);
  }
  loss = loss / (len * 2);
  return loss;
};

const iter = 50;
let index = 0;

while (index < iter) {
  lastLoss = training();
  index++;
}

const finalLoss = lastLoss;
