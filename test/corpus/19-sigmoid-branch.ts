// Corpus 19: numerically stable sigmoid with an if on the sign; the function itself is the target
// (its parameter is a free input given by value).
// Source: BayesWitnesses/m2cgen, m2cgen/interpreters/javascript/sigmoid.js @ 6cc52f214a0cfb24c0fd365b30bb39ca625d206d
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: a type added.
function sigmoid(x: number) {
  if (x < 0.0) {
    var z = Math.exp(x);
    return z / (1.0 + z);
  }
  return 1.0 / (1.0 + Math.exp(-x));
}
