// An ELU layer (α = 1): h = z > 0 ? z : exp(z) − 1, y = v·h.
// Show gradients on `y`: the edge z → h is diagonal with 1 where z > 0 and exp(z) elsewhere.

const W = [
  [0.5, -0.3],
  [-0.8, 0.2],
  [0.7, 0.9],
];
const x = [1.5, -0.5];
const v = [0.6, -1.1, 0.4];

const dot = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * b[i], 0);

const z = W.map((row) => dot(row, x));
const h = z.map((zi) => (zi > 0 ? zi : Math.exp(zi) - 1));
const y = dot(v, h);

export {}; // a module: its names are its own (the examples share one folder)
