// A tiny ReLU layer, to see the max gate route its gradient (and a dead ReLU).
const x = 1.5;
const w1 = 0.8, w2 = -1.1;
const b = 0.2;

const relu = (a: number) => Math.max(0, a);

const y = relu(w1 * x + b) + relu(w2 * x + b);

export {}; // a module: its names are its own (the examples share one folder)
