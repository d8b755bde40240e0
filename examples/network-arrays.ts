// The 2-3-2 sigmoid network with the L2 loss L = ½ Σ (y − t)², written with arrays and a loop
// (the same numbers as network.ts). Show gradients on `loss`:
// - ∂L/∂a2 is the output-layer delta δ = (y − t)·y·(1 − y), the gradient of a2 (shape 2);
// - ∂L/∂a1 is the hidden-layer delta, (Uᵀ·δ)·h·(1 − h), the gradient of a1 (shape 3);
// - ∂L/∂U = δ · hᵀ (2×3) and ∂L/∂W = δ_hidden · xᵀ (3×2): outer products, same shapes as U, W.

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));
const dot = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * b[i], 0);

const x = [0.5, -1.2];
const W = [
  [0.1, 0.3],
  [-0.4, 0.2],
  [0.7, -0.6],
]; // input → hidden, row j = weights into h[j]
const b1 = [0.05, -0.1, 0.2];
const U = [
  [0.5, -0.8, 0.4],
  [-0.3, 0.9, 0.1],
]; // hidden → output, row k = weights into y[k]
const b2 = [-0.2, 0.3];
const t = [1, 0];

const a1 = W.map((row, j) => dot(row, x) + b1[j]);
const h = a1.map(sigmoid);
const a2 = U.map((row, k) => dot(row, h) + b2[k]);
const y = a2.map(sigmoid);

let sq = 0;
for (let k = 0; k < y.length; k++) {
  sq += (y[k] - t[k]) ** 2;
}
const loss = 0.5 * sq;

export {}; // a module: its names are its own (the examples share one folder)
