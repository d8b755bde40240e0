// Corpus 27: Welford's running variance in a reduce over an object accumulator (a.N++, +=),
// then an `if` that adds new properties to the result object.
// Source: Jay9005/React-management, es6/array04.js @ 5ceecdb56ae9434304260ab4dcbb3e3fe3ab1719
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: different
// data, types added; console.log dropped; target appended.
const data = [1, 2.5, 4, 3.25];

const stats: { N: number; mean: number; M2: number; variance?: number; stdev?: number } = data.reduce(
  (a, x) => {
    a.N++;
    let delta = x - a.mean;
    a.mean += delta / a.N;
    a.M2 += delta * (x - a.mean);
    return a;
  },
  { N: 0, mean: 0, M2: 0 } as { N: number; mean: number; M2: number; variance?: number; stdev?: number },
);

if (stats.N > 2) {
  stats.variance = stats.M2 / (stats.N - 1);
  stats.stdev = Math.sqrt(stats.variance);
}

const sd = stats.stdev!;
