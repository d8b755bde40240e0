// Corpus 14: a perceptron class: weights pushed in the constructor, predict with a loop and
// `this.weights.length - 1`, train with forEach((inputs, i) => ...) and compound updates of
// this.weights[n]; the target is a prediction after one training pass.
// Source: Igormandello/perceptron-js, js/Perceptron.js @ 90180890e37af381acd5770a1e6f792c191a9b85
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the random
// initial weights (Math.random() - 0.5) come from a second constructor argument; inputs and target
// appended.
class Perceptron {
  weights: number[];
  lr: number;
  constructor(numberOfWeights: number, initial: number[]) {
    this.weights = [];
    this.lr = 0.01;
    for (let n = 0; n < numberOfWeights + 1; n++) this.weights.push(initial[n]);
  }

  predict(inputs: number[]) {
    let sum = 0;
    for (let n = 0; n < this.weights.length - 1; n++) sum += inputs[n] * this.weights[n];
    sum += this.weights[this.weights.length - 1];
    return sum;
  }

  train(inputDatas: number[][], predictDatas: number[]) {
    inputDatas.forEach((inputs, i) => {
      let diff = predictDatas[i] - this.predict(inputs);
      for (let n = 0; n < this.weights.length - 1; n++) this.weights[n] += diff * inputs[n] * this.lr;
      this.weights[this.weights.length - 1] += diff * this.lr;
    });
  }
}

const initialWeights = [0.1, -0.2, 0.05];
const xs = [
  [1, 2],
  [2, 1],
  [0.5, -1],
];
const ys = [3, 1, -0.5];
const query = [0.5, 1.5];
const p = new Perceptron(2, initialWeights);
p.train(xs, ys);
const out = p.predict(query);
