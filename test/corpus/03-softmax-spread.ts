// Corpus 03: softmax with Math.max(...spread), .map and .reduce, then a cross-entropy term.
// Source: ArtemStanovov2000/temka-gpt1, src/data/attention/sotmax.ts @ 30041aa1f678ae4dfe0f3d639040b8fdded9f6ea
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: `export`
// dropped; inputs and target appended.
const softmax = (row: number[]) => {
  const max = Math.max(...row);
  const exps = row.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((x) => x / sum);
};

const logits = [2.0, 1.0, 0.1];
const probs = softmax(logits);
const loss = -Math.log(probs[0]);
