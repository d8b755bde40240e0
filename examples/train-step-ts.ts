// The batch loss of train-step.js in TypeScript, debugged through a source map: Node runs the
// compiled JavaScript, VS Code's JavaScript debugger maps its frames back to these lines.
//   1. Compile with source maps: npx tsc --sourceMap --outDir out examples/train-step-ts.ts
//   2. Set a breakpoint inside `batchLoss` here, then Run and Debug out/train-step-ts.js
//      (a launch configuration with "outFiles": ["${workspaceFolder}/out/**/*.js"]).
//   3. When it stops, put the cursor on the `return` of `batchLoss` and run Show gradients: the
//      arrays come from the paused frame, the panel says so.

type Vec = number[];

/** Mean squared error of the linear model y = w[0]·x + w[1] over a batch. */
function batchLoss(w: Vec, xs: Vec, ts: Vec): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    const e: number = w[0] * xs[i] + w[1] - ts[i];
    s += e * e;
  }
  return s / xs.length;
}

/** One gradient-descent step (the gradient by hand); returns the new weights. */
function step(w: Vec, xs: Vec, ts: Vec, lr: number): Vec {
  let g0 = 0;
  let g1 = 0;
  for (let i = 0; i < xs.length; i++) {
    const e = w[0] * xs[i] + w[1] - ts[i];
    g0 += (2 * e * xs[i]) / xs.length;
    g1 += (2 * e) / xs.length;
  }
  return [w[0] - lr * g0, w[1] - lr * g1];
}

const xs: Vec = [0.5, -1.25, 2, 3.5];
const ts: Vec = [1.7, -0.9, 4.1, 6.8];
let w: Vec = [0.3, -0.2];
for (let k = 0; k < 3; k++) {
  const loss = batchLoss(w, xs, ts);
  w = step(w, xs, ts, 0.05);
  console.log(`step ${k}: loss ${loss.toFixed(6)}`);
}
