// Corpus 50: descriptive statistics after a StackOverflow answer: `asc` sorts the array in place
// with `arr.sort((a, b) => a - b)`, so every later quantile sees it sorted; quantiles by linear
// interpolation (`sorted[base + 1] !== undefined`), a sample standard deviation with `** 2` and
// reduce; the target mixes the interquartile range, the median and the deviation.
// Source: saracoutinho/saracoutinho.github.io, cacophony-index/js/descriptive-stats.js @ 45d005f184b37c15ed4f6d96581e9fb181e4ac62
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the data
// and the target appended.
const asc = (arr) => arr.sort((a, b) => a - b);
const sum = (arr) => arr.reduce((a, b) => a + b, 0);
const mean = (arr) => sum(arr) / arr.length;
// sample standard deviation
const std = (arr) => {
  const mu = mean(arr);
  const diffArr = arr.map((a) => (a - mu) ** 2);
  return Math.sqrt(sum(diffArr) / (arr.length - 1));
};
const quantile = (arr, q) => {
  const sorted = asc(arr);
  const pos = (sorted.length - 1) * q;
  const base = Math.floor(pos);
  const rest = pos - base;
  if (sorted[base + 1] !== undefined) {
    return sorted[base] + rest * (sorted[base + 1] - sorted[base]);
  } else {
    return sorted[base];
  }
};
const q25 = (arr) => quantile(arr, 0.25);
const q50 = (arr) => quantile(arr, 0.5);
const q75 = (arr) => quantile(arr, 0.75);
const median = (arr) => q50(arr);

const noise = [4.2, -1.5, 3.3, 0.7, 9.1, 2.6, -0.4, 5.8];
const summary = (q75(noise) - q25(noise)) / std(noise) + median(noise) * 0.5 + quantile(noise, 1);
