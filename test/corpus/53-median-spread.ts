// Corpus 53: a median that copies its parameter with spread before sorting
// (`[...array].sort((a, b) => a - b)`), reassigns the parameter, and picks the middle with
// `Math.floor(length / 2)` and `length % 2 !== 0 ? … : …`; the target uses an odd and an even
// sample, so both branches run.
// Source: caseisbusy/Math, src/math/median.ts @ 1f3f470969080e33b508818b7d701ca45118e7b0
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: `export` dropped; the samples
// and the target appended.
function median(array) {
  array = [...array].sort((a, b) => a - b);
  let middle = Math.floor(array.length / 2);
  return array.length % 2 !== 0 ? array[middle] : (array[middle - 1] + array[middle]) / 2;
}

const odd = [7.5, -2.25, 3.125, 10.5, 0.75];
const even = [2.5, 9.75, -4.5, 6.25];
const spread = median(odd) * 3 - median(even) + odd[0] * 0.5;
