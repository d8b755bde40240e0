// Corpus 04: softmax that fills an array with push() in a loop (`i += 1`), then maps.
// Source: bokatajs/bokata, packages/utils/src/softmax.js @ 4a60e7f8b376afff62a477d3fd30b1135af943ca
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted:
// `module.exports` dropped; inputs and target appended.
function softMax(values: number[]) {
  const max = Math.max(...values);
  const exps: number[] = [];
  let expsSum = 0;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    const current = Math.exp(value - max);
    exps.push(current);
    expsSum += current;
  }
  return exps.map((e) => e / expsSum);
}

const scores = [0.3, -1.2, 2.4, 0.9];
const out = softMax(scores)[2];
