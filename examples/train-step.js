// A training step of a linear model y = w0·x + w1 with a squared-error loss, in plain JavaScript
// so Node runs it directly. Try Gradient Lens on the live numbers:
//   1. Set a breakpoint inside `loss` (or on the `const l = loss(...)` line in `step`).
//   2. Run and Debug → Node.js (or F5 with this file open).
//   3. When it stops, put the cursor on `return e * e` (or on `const l = ...`) and run
//      Show gradients: the inputs come from the paused program, and the panel says so.
//   4. Step or continue to the next breakpoint: the panel refreshes from the new frame.

/** Squared error of one example (scalar parameters). */
function loss(w0, w1, x, t) {
  const y = w0 * x + w1;
  const e = y - t;
  return e * e;
}

/**
 * The mean squared error over a batch, with arrays as parameters: paused in here, the debugger
 * gives Gradient Lens their elements by access path (`w[0]`, `xs[2]`, ...).
 */
function batchLoss(w, xs, ts) {
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    const e = w[0] * xs[i] + w[1] - ts[i];
    s += e * e;
  }
  return s / xs.length;
}

/** One gradient-descent step over the batch; returns the new weights and the mean loss. */
function step(w, xs, ts, lr) {
  const grad = [0, 0];
  let total = 0;
  for (let i = 0; i < xs.length; i++) {
    let w0 = w[0];
    let w1 = w[1];
    let x = xs[i];
    let t = ts[i];
    const l = loss(w0, w1, x, t);
    total += l;
    const e = w0 * x + w1 - t;
    grad[0] += (2 * e * x) / xs.length;
    grad[1] += (2 * e) / xs.length;
  }
  const mean = batchLoss(w, xs, ts);
  return { w: [w[0] - lr * grad[0], w[1] - lr * grad[1]], loss: mean, total };
}

const xs = [0.5, -1.25, 2, 3.5];
const ts = [1.7, -0.9, 4.1, 6.8];
let w = [0.3, -0.2];
for (let k = 0; k < 3; k++) {
  const r = step(w, xs, ts, 0.05);
  w = r.w;
  console.log(`step ${k}: loss ${r.loss.toFixed(6)}, w = [${w.map((v) => v.toFixed(6)).join(', ')}]`);
}
