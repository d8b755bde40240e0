// A linear model y ≈ w[0]·x + w[1] fitted by mean squared error, written as a plain loop.
// Gradient Lens runs the loop itself (define-by-run): every array element is a named input
// (xs[0], ys[2], w[1], ...) with its own gradient, and `loss` shows its value after the last
// iteration (hover it for every iteration).
// Expected: mse = 19.085, ∂mse/∂w[0] = −23.75, ∂mse/∂w[1] = −7.8.
const xs = [1, 2, 3, 4];
const ys = [2, 4.5, 5.5, 9];
const w = [0.5, 0.1];

let loss = 0;
for (let i = 0; i < xs.length; i++) {
  const p = w[0] * xs[i] + w[1];
  loss += (p - ys[i]) ** 2;
}
const mse = loss / xs.length;

export {}; // a module: its names are its own (the examples share one folder)
