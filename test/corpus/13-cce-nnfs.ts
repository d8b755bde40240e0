// Corpus 13: categorical cross-entropy written out term by term over literal indices.
// Source: Sentdex/NNfSiX, Javascript/p007-Categorical-Cross-Entropy-Loss.js @ 85141f978808c4831af4f31cdd1182885f3e38b5
// Rewritten after the source (same computation, not verbatim). Adapted: the source assigns
// undeclared globals and calls `math.log` (a math.js global); here `const` and Math.log; the
// console.log lines are dropped.
const softmax_output = [0.7, 0.1, 0.2];
const target_output = [1, 0, 0];

const loss = -(
  Math.log(softmax_output[0]) * target_output[0] +
  Math.log(softmax_output[1]) * target_output[1] +
  Math.log(softmax_output[2]) * target_output[2]
);
