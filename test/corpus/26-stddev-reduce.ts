// Corpus 26: mean and sample standard deviation with helper arrows, reduce without an initial
// value, map, and top-level `let`s; the target is the `let` itself.
// Source: davidflanagan/jstdg7, ch08/stats2.js @ 71e431a7d4cad8fbacecb304bd2dc73dc6609cdc
// Rewritten after the source (same computation and constructs, not verbatim). Adapted: types added.
const sum = (x: number, y: number) => x + y;
const square = (x: number) => x * x;

let data = [1, 1, 3, 5, 5];
let mean = data.reduce(sum) / data.length;
let deviations = data.map((x) => x - mean);
let stddev = Math.sqrt(deviations.map(square).reduce(sum) / (data.length - 1));
stddev; // => 2
