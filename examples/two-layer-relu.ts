// The 2-layer network of the seed: f = W2·max(0, W1·x).
// Show gradients on `f`. The vector view shows W1 3×2, x 2, z 3, h 3, W2 1×3 and y, each with
// its gradient beside it in the same shape. Click the edge z → h: the ReLU's Jacobian is
// diag(z > 0), a mask that routes the gradient; the edge W1 → z shows ∂L/∂W1 = ∂L/∂z · xᵀ.

const W1 = [
  [0.5, -0.3],
  [-0.8, 0.2],
  [0.7, 0.9],
];
const x = [1.5, -0.5];
const W2 = [[0.6, -1.1, 0.4]];

const dot = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * b[i], 0);
const matvec = (W: number[][], v: number[]) => W.map((row) => dot(row, v));

const z = matvec(W1, x); // 3
const h = z.map((zi) => Math.max(0, zi)); // ReLU
const y = matvec(W2, h); // 1
const f = y[0];

export {}; // a module: its names are its own (the examples share one folder)
