// Corpus 05: softmax written as a map whose callback maps and reduces the whole array again.
// Source: visheratin/web-ai, src/image/utils.ts @ de440a41a05f6ef283c12cabd7c3038bdf9d82d5
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: `export`
// dropped; inputs and target appended.
const softmax = (arr: number[]) => {
  return arr.map((value, _) => {
    return (
      Math.exp(value) /
      arr
        .map((y) => {
          return Math.exp(y);
        })
        .reduce((a, b) => {
          return a + b;
        })
    );
  });
};

const logits = [1.5, -0.5, 0.25];
const p1 = softmax(logits)[1];
