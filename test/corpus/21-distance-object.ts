// Corpus 21: an object of distance functions (function expressions as properties) with `var`
// loops, Math.abs and a running Math.max.
// Source: myaooo/RNNVis, frontend/src/algorithm/statistics.js @ ea3806f11c25a9d24ddde7d921368060d377bd24
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: `export` and
// the Float32Array-based mean() dropped, types added; inputs and target appended.
const distance = {
  euclidean: function (v1: number[], v2: number[]) {
    var total = 0;
    for (var i = 0; i < v1.length; i++) {
      total += Math.pow(v2[i] - v1[i], 2);
    }
    return Math.sqrt(total);
  },
  manhattan: function (v1: number[], v2: number[]) {
    var total = 0;
    for (var i = 0; i < v1.length; i++) {
      total += Math.abs(v2[i] - v1[i]);
    }
    return total;
  },
  max: function (v1: number[], v2: number[]) {
    var max = 0;
    for (var i = 0; i < v1.length; i++) {
      max = Math.max(max, Math.abs(v2[i] - v1[i]));
    }
    return max;
  },
};

const u = [1, -2, 0.5];
const v = [2.5, 1, 0];
const d = distance.euclidean(u, v) + distance.manhattan(u, v) + distance.max(u, v);
