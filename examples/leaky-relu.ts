// A leaky ReLU layer: h = z > 0 ? z : 0.01·z, y = v·h.
// Show gradients on `y`: the edge z → h is diagonal with 1 where z > 0 and 0.01 elsewhere
// (a dead unit still passes a little gradient).

const W = [
  [0.5, -0.3],
  [-0.8, 0.2],
  [0.7, 0.9],
];
const x = [1.5, -0.5];
const v = [0.6, -1.1, 0.4];

const dot = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * b[i], 0);

const z = W.map((row) => dot(row, x));
const h = z.map((zi) => (zi > 0 ? zi : 0.01 * zi));
const y = dot(v, h);

export {}; // a module: its names are its own (the examples share one folder)
