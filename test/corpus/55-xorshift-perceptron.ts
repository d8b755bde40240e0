// Corpus 55: a xorshift32 generator (`seed | 0`, `x ^= x << 13; x ^= x >>> 17; x ^= x << 5;`,
// `(x >>> 0) / 0x100000000`) returned as a closure draws the samples of a logistic-regression
// training loop (sigmoid, log loss); the target is the final log loss over the samples.
// Source: daae02/snake-royale, src/game/prng.ts @ 59446519b1fe00e585470027c0d9ef10f85cd010
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: `export` dropped; the source
// drives a game; the data, the training loop and the target appended.
function xorshift32(seed: number) {
  let x = seed | 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const rng = xorshift32(2463534242);
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const samples: { x: number; y: number }[] = [];
for (let i = 0; i < 16; i++) {
  const x = rng() * 6 - 3;
  samples.push({ x, y: rng() < sigmoid(2 * x - 0.5) ? 1 : 0 });
}
let w1 = 0.2;
let w0 = -0.1;
const rate = 0.3;
for (let epoch = 0; epoch < 10; epoch++) {
  for (const s of samples) {
    const p = sigmoid(w1 * s.x + w0);
    w1 -= rate * (p - s.y) * s.x;
    w0 -= rate * (p - s.y);
  }
}
const logLoss =
  samples.reduce((acc, s) => {
    const p = sigmoid(w1 * s.x + w0);
    return acc - (s.y * Math.log(p) + (1 - s.y) * Math.log(1 - p));
  }, 0) / samples.length;
