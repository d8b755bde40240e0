// Corpus 46: a TypeScript Neuron class: a field initialiser (`alpha: number = 1`), Array<number>
// fields, a weighted sum written as `reduce((a, b, index) => a + b * inputs[index])` WITHOUT an
// initial value (so the first weight is added unmultiplied: JavaScript semantics the snippet
// keeps), and a sigmoid activation; the target is the activation.
// Source: 1317n0d3/neural-network, app.ts @ 36e5448cc05442578da2fa34cb867490f2942830
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the
// literal arguments of `new Neuron` are top-level constants (inputs); console.log dropped; the
// target appended.
class Neuron {
  alpha: number = 1;
  inputs: Array<number>;
  weights: Array<number>;
  outputs: Array<number>;

  constructor(inputs: Array<number>, weights: Array<number>, outputs: Array<number>) {
    this.inputs = inputs;
    this.weights = weights;
    this.outputs = outputs;
  }

  getWeightSum(inputs: Array<number>): number {
    return this.weights.reduce((a, b, index) => a + b * inputs[index]);
  }

  activate(): number {
    return 1 / (1 + Math.exp(-this.alpha * this.getWeightSum(this.inputs)));
  }
}

const xs = [0.5, -1, 0.25, 2];
const ws = [0.3, 0.1, -0.4, 0.2];
const neuron: Neuron = new Neuron(xs, ws, [3]);
const activation = neuron.activate();
