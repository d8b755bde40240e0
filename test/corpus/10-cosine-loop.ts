// Corpus 10: cosine similarity with three accumulators in one loop, Math.pow, and `let`s
// reassigned after the loop.
// Source: kolbytn/mindcraft, src/utils/math.js @ 5bf147fc40d62c0ce362f7ba1722ce1b45618d53
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: `export`
// dropped, types added; inputs and target appended.
function cosineSimilarity(a: number[], b: number[]) {
  let dotProduct = 0;
  let magnitudeA = 0;
  let magnitudeB = 0;
  for (let i = 0; i < a.length; i++) {
    dotProduct += a[i] * b[i]; // dot product
    magnitudeA += Math.pow(a[i], 2); // squared magnitude of a
    magnitudeB += Math.pow(b[i], 2); // squared magnitude of b
  }
  magnitudeA = Math.sqrt(magnitudeA);
  magnitudeB = Math.sqrt(magnitudeB);
  return dotProduct / (magnitudeA * magnitudeB);
}

const a = [1, 2, 3];
const b = [0.5, -1, 2];
const sim = cosineSimilarity(a, b);
