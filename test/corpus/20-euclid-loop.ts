// Corpus 20: Euclidean distance with `var` and a loop body without braces.
// Source: quantmind/d3-quant, src/distances.ts @ d6d9738d77bebcc630e25c0f1bbf498565bf97d1
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: `export`
// dropped, types added; inputs and target appended.
const euclidean = (v1: number[], v2: number[]) => {
  var total = 0;
  for (let i = 0; i < v1.length; i++) total += Math.pow(v2[i] - v1[i], 2);
  return Math.sqrt(total);
};

const p = [1, 2, 3];
const q = [4, 0, 3.5];
const dist = euclidean(p, q);
