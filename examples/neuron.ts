// A 2-input neuron with a sigmoid activation: f(w, x) = 1 / (1 + e^-(w0·x0 + w1·x1 + w2)).
// Expected: f = 0.7311, ∂f/∂w0 = -0.1966, ∂f/∂x0 = 0.3932, ∂f/∂w1 = -0.3932,
// ∂f/∂x1 = -0.5898, ∂f/∂w2 = 0.1966.
const w0 = 2;
const x0 = -1;
const w1 = -3;
const x1 = -2;
const w2 = -3;

const out = 1 / (1 + Math.exp(-(w0 * x0 + w1 * x1 + w2)));

// The same neuron with a helper: Gradient Lens folds sigmoid(...) into one σ gate,
// whose local gradient is σ(1 − σ).
function sigmoid(a: number): number {
  return 1 / (1 + Math.exp(-a));
}

const out2 = sigmoid(w0 * x0 + w1 * x1 + w2);

export {}; // a module: its names are its own (the examples share one folder)
