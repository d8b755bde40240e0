// A maxout layer: h = max(W1·x + b1, W2·x + b2) element by element, y = v·h.
// Show gradients on `y`: the max gate routes each element's gradient to the larger of a and c;
// the edges a → h and c → h are complementary 0/1 diagonal masks.

const W1 = [
  [0.3, -0.2],
  [0.5, 0.4],
  [-0.6, 0.1],
];
const b1 = [0.1, -0.2, 0.05];
const W2 = [
  [-0.1, 0.6],
  [0.2, -0.3],
  [0.4, 0.5],
];
const b2 = [0.0, 0.15, -0.1];
const x = [0.8, -0.6];
const v = [1.0, -0.5, 0.7];

const dot = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * b[i], 0);

const a = W1.map((row, j) => dot(row, x) + b1[j]);
const c = W2.map((row, j) => dot(row, x) + b2[j]);
const h = a.map((aj, j) => Math.max(aj, c[j]));
const y = dot(v, h);

export {}; // a module: its names are its own (the examples share one folder)
