// Corpus 54: a seeded Mulberry32 generator (`seed | 0`, `(s + 0x6d2b79f5) | 0`, Math.imul, `^`,
// `>>>`) makes a noisy linear data set, and a line is fitted to it by gradient descent on the
// mean squared error; the target is the loss after training. The seed steers the data (gradient
// 0); the initial weights, learning rate and noise scale are differentiable.
// Source: coobeeyon/physarum, src/engine/prng.ts @ e81b5ce0f2a436a991d300043d6291dcb95611e1
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: `export` dropped; the data
// set, the training loop and the target appended (the source seeds a slime-mould simulation).
const createPrng = (seed: number) => {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const seed = 1234;
const noiseScale = 0.3;
const rand = createPrng(seed);
const xs: number[] = [];
const ys: number[] = [];
for (let i = 0; i < 12; i++) {
  const x = rand() * 4 - 2;
  xs.push(x);
  ys.push(1.5 * x - 0.5 + noiseScale * (rand() - 0.5));
}
let w = 0.1;
let b = 0;
const lr = 0.05;
for (let step = 0; step < 25; step++) {
  let gw = 0;
  let gb = 0;
  for (let i = 0; i < xs.length; i++) {
    const err = w * xs[i] + b - ys[i];
    gw += (2 * err * xs[i]) / xs.length;
    gb += (2 * err) / xs.length;
  }
  w -= lr * gw;
  b -= lr * gb;
}
let fitLoss = 0;
for (let i = 0; i < xs.length; i++) fitLoss += (w * xs[i] + b - ys[i]) ** 2 / xs.length;
