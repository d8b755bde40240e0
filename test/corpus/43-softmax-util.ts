// Corpus 43: softmax and sigmoid utilities of a computer-vision app: `(logits: any)`,
// Math.max(...logits) for stability, map, reduce without an initial value, and sigmoid written
// as exp(x) / (exp(x) + 1); the target is a cross-entropy of the softmax plus a logistic term.
// Source: 2649/laurenzstrothmann, full_statck_data_science/cv-app/src/util/math.ts @ 181c244b2cf7a49665e584e23263c7a0d0753d83
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: `export`
// dropped; inputs and the loss appended.
const softmax = (logits: any) => {
  const maxLogit = Math.max(...logits);
  const scores = logits.map((l: number) => Math.exp(l - maxLogit));
  const denom = scores.reduce((a: number, b: number) => a + b);
  return scores.map((s: number) => s / denom);
};

const sigmoid = (x: any) => Math.exp(x) / (Math.exp(x) + 1);

const logits = [1.2, -0.4, 2.1, 0.3];
const z = -0.6;
const probs = softmax(logits);
const loss = -Math.log(probs[1]) - Math.log(1 - sigmoid(z));
