// A minibatch L2 loss: mse = (1/n) Σ_s (w·X[s] + b − T[s])², one loop iteration per sample.
// Show gradients on `mse`: d and loss become vectors over the 4 samples; the sample slider
// shows each sample's contribution to ∂mse/∂w and ∂mse/∂b, and that they sum to the total.

const X = [
  [0.5, 1.0],
  [-1.0, 2.0],
  [1.5, -0.5],
  [0.25, 0.75],
];
const T = [1.0, -0.5, 2.0, 0.3];
const w = [0.8, -0.3];
const b = 0.1;

const dot = (a: number[], c: number[]) => a.reduce((s, ai, i) => s + ai * c[i], 0);

let loss = 0;
for (let s = 0; s < X.length; s++) {
  const d = dot(w, X[s]) + b - T[s];
  loss += d * d;
}
const mse = loss / X.length;

export {}; // a module: its names are its own (the examples share one folder)
