// Corpus 57: Shannon entropy from a frequency Map: `counter` fills a `new Map()` with
// `m.get(x) == undefined ? m.set(x, 1) : m.set(x, m.get(x) + 1)` in a forEach, and `calc` loops
// `for (let [key, val] of data.entries())` with Math.log2; the target weighs the entropy of a
// label sequence and of a smoothed histogram (a Map from bin to weight).
// Source: saromanov/entropyjs, src/entropy.js @ 086ab0e414cdd3646ab383219a8ffd497ba47bbf
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the source
// splits a string into characters (`items.split('')`); here the items are an array already. The
// weighted histogram, the weights and the target appended.
const entropy = {
  calc: function (items) {
    let data = counter(items);
    let result = 0;
    let count = items.length;
    for (let [key, val] of data.entries()) {
      let probability = val / count;
      result += probability * Math.log2(probability);
    }
    return -result;
  },
};
var counter = function (items) {
  let m = new Map();
  items.forEach((x) => {
    if (m.get(x) == undefined) {
      m.set(x, 1);
    } else {
      m.set(x, m.get(x) + 1);
    }
  });
  return m;
};
// the same counting with a weight per item: a Map from bin to total weight
function weightedEntropy(bins, weights) {
  const mass = new Map();
  let total = 0;
  bins.forEach((b, i) => {
    mass.set(b, (mass.get(b) ?? 0) + weights[i]);
    total += weights[i];
  });
  let h = 0;
  for (const [, w] of mass) h -= (w / total) * Math.log2(w / total);
  return h;
}

const labels = ['a', 'b', 'a', 'c', 'a', 'b', 'd', 'a'];
const bins = [0, 2, 1, 0, 2, 2, 3, 0];
const weights = [0.5, 1.25, 0.75, 2, 0.4, 1.1, 0.9, 1.6];
const lambda = 0.7;
const bits = entropy.calc(labels) * lambda + weightedEntropy(bins, weights);
