// Corpus 24: an object with quoted keys holding objects of functions (activation, derivative,
// input, output) and a loss, called as Activation.sigmoid.activation(n).
// Source: mvelk/cerebellum, lib/activation.js @ dafc7d59cbc7a1df383ae3be907deab1142948cf
// Rewritten after the source (same functions and constructs, not verbatim). Adapted:
// module.exports dropped, types added; inputs and target appended.
const Activation = {
  sigmoid: {
    activation: (n: number) => {
      return 1 / (1 + Math.exp(-n));
    },
    derivative: (n: number) => {
      return n * (1 - n);
    },
    input: (n: number) => {
      return n;
    },
    output: (n: number) => {
      return n;
    },
  },
  tanh: {
    activation: (n: number) => {
      let e2 = Math.exp(2 * n);
      return (e2 - 1) / (e2 + 1);
    },
    derivative: (n: number) => {
      let e2 = Math.exp(2 * n);
      let tanh = (e2 - 1) / (e2 + 1);
      return 1 - tanh * tanh;
    },
    input: (n: number) => {
      return 2 * n - 1;
    },
    output: (n: number) => {
      return (n + 1) / 2;
    },
  },
  loss: (y: number, yHat: number) => {
    return -(y * Math.log(yHat) + (1 - y) * Math.log(1 - yHat));
  },
};

const n = 0.35;
const y = 1;
const yHat = Activation.sigmoid.activation(Activation.tanh.input(n));
const loss = Activation.loss(y, yHat) + Activation['tanh'].derivative(n);
