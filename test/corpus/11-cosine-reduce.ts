// Corpus 11: cosine similarity with reduce callbacks that use the element index.
// Source: abhisheksharma226/VigilTrack, Backend/utils/similarity.js @ 93f42d940fc8a56345f5bc10c215c079f42c5ec1
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: `export`
// dropped, types added; inputs and target appended.
const cosineSimilarity = (a: number[], b: number[]) => {
  const dot = a.reduce((sum, x, i) => sum + x * b[i], 0);
  const magA = Math.sqrt(a.reduce((sum, x) => sum + x * x, 0));
  const magB = Math.sqrt(b.reduce((sum, x) => sum + x * x, 0));
  return dot / (magA * magB);
};

const query = [0.2, -0.4, 0.9, 0.1];
const doc = [0.3, 0.1, 0.7, -0.5];
const score = cosineSimilarity(query, doc);
