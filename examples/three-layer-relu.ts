// The 3-layer network of the seed: f = W3·max(0, W2·max(0, W1·x)).
// Show gradients on `f`: every weight matrix has a gradient of its own shape, and each ReLU's
// Jacobian (edges z1 → h1, z2 → h2) is a diagonal 0/1 mask.

const W1 = [
  [0.2, -0.5, 0.7],
  [-0.3, 0.8, 0.1],
  [0.9, -0.2, -0.6],
  [0.4, 0.3, -0.9],
];
const W2 = [
  [0.5, -0.4, 0.3, 0.2],
  [-0.7, 0.6, 0.1, -0.3],
  [0.25, 0.35, -0.45, 0.55],
];
const W3 = [[1.2, -0.8, 0.5]];
const x = [0.9, -1.3, 0.4];

const dot = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * b[i], 0);
const matvec = (W: number[][], v: number[]) => W.map((row) => dot(row, v));
const relu = (v: number[]) => v.map((vi) => Math.max(0, vi));

const z1 = matvec(W1, x); // 4
const h1 = relu(z1);
const z2 = matvec(W2, h1); // 3
const h2 = relu(z2);
const y = matvec(W3, h2); // 1
const f = y[0];

export {}; // a module: its names are its own (the examples share one folder)
