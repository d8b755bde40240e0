// Softmax cross-entropy: p = softmax(W·x), loss = −log p[label].
// Show gradients on `loss`: ∂L/∂z = p − onehot(label). The exponentials e feed both the sum S
// and p (fan-out: their gradients add), and the edge z → e is the diagonal diag(eᶻ). Only p[label]
// reaches the loss: ∂L/∂p is 0 at the other elements.

const W = [
  [0.2, -0.4],
  [0.6, 0.1],
  [-0.5, 0.3],
];
const x = [1.2, -0.7];
const label = 1;

const dot = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * b[i], 0);

const z = W.map((row) => dot(row, x)); // logits
const e = z.map((zi) => Math.exp(zi));
const S = e.reduce((s, ei) => s + ei, 0);
const p = e.map((ei) => ei / S);
const loss = -Math.log(p[label]);

export {}; // a module: its names are its own (the examples share one folder)
