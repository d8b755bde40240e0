// Corpus 25: activation functions and derivatives as function declarations, with ternaries.
// Source: MarcoDonna/neural-network, activation.js @ 4954032b8492abfb07a4bc56719d9bb13f418ee7
// Rewritten after the source (same functions and constructs, not verbatim). Adapted: types added;
// inputs and target appended.
function sigmoid(x: number) {
  return 1 / (1 + Math.exp(-x));
}

function sigmoidPrime(x: number) {
  return sigmoid(x) * (1 - sigmoid(x));
}

function tanhPrime(x: number) {
  return 1 - Math.pow(Math.tanh(x), 2);
}

function linear(x: number) {
  return x;
}

function reluPrime(x: number) {
  return x < 0 ? 0 : 1;
}

function leakyRelu(x: number) {
  return x < 0 ? 0.002 * x : x;
}

const x = 0.8;
const y = -1.5;
const s = sigmoidPrime(x) + tanhPrime(x) + leakyRelu(y) + reluPrime(x) * linear(x);
