// Corpus 49: an object of activation objects ({ activate, der } arrows), sigmoid.der calling
// `Activation.sigmoid.activate` through the object being defined, a softmax that reassigns its
// parameter (`x = x.map(...)`) and maps with a Math function passed as the callback
// (`x.map(Math.exp)`), and its Jacobian filled into `new Array(n * n).fill(0)` with i === j
// branches; the target mixes Jacobian entries, sigmoid' and leaky ReLU.
// Source: ssx86/nn, nn/Activation.js @ 5da0a7f32594384975d181961d23d98c72e6c975
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the demo
// call with console.log and `export default` dropped; inputs and target appended.
const Activation = {
  relu: {
    activate: (x) => {
      return x >= 0 ? x : 0;
    },
    der: (x) => {
      return x >= 0 ? 1 : 0;
    },
  },
  leakyRelu: {
    activate: (x) => {
      return x >= 0 ? x : x / 100;
    },
    der: (x) => {
      return x >= 0 ? 1 : 1 / 100;
    },
  },
  sigmoid: {
    activate: (x) => {
      return 1 / (1 + Math.exp(-x));
    },
    der: (x) => {
      const s = Activation.sigmoid.activate(x);
      return s * (1 - s);
    },
  },
  softmax: {
    activate: (x) => {
      const maxNum = Math.max(...x);
      x = x.map((a) => a - maxNum);
      const exps = x.map(Math.exp); // exponentials
      const sumExp = exps.reduce((sum, exp) => sum + exp); // their sum
      return exps.map((exp) => exp / sumExp); // normalised probabilities
    },
    der: (x) => {
      const s = Activation.softmax.activate(x);
      const n = s.length;
      const jacobian = new Array(n * n).fill(0); // the Jacobian, row-major
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (i === j) {
            jacobian[i * n + j] = s[i] * (1 - s[i]); // diagonal
          } else {
            jacobian[i * n + j] = -s[i] * s[j]; // off the diagonal
          }
        }
      }
      return jacobian;
    },
  },
};

const logits = [0.5, -1.25, 2];
const z = 0.8;
const neg = -3;
const J = Activation.softmax.der(logits);
const mixed = J[1] * 2 + J[4] - J[8] * J[2] + Activation.sigmoid.der(z) + Activation.leakyRelu.activate(neg);
