// A 2-3-2 network with sigmoid activations and the L2 loss L = ½ Σ (y − t)².
// Inputs x1, x2; weights w (input → hidden) and u (hidden → output); targets t1, t2.
// Show gradients on `loss`: every weight's ∂L/∂w, and h1..h3, y1, y2 as named gates.

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

const x1 = 0.5;
const x2 = -1.2;

const w11 = 0.1, w12 = -0.4, w13 = 0.7;
const w21 = 0.3, w22 = 0.2, w23 = -0.6;
const b11 = 0.05, b12 = -0.1, b13 = 0.2;

const u11 = 0.5, u12 = -0.3;
const u21 = -0.8, u22 = 0.9;
const u31 = 0.4, u32 = 0.1;
const b21 = -0.2, b22 = 0.3;

const t1 = 1;
const t2 = 0;

// hidden layer: h = σ(x·w + b1)
const h1 = sigmoid(x1 * w11 + x2 * w21 + b11);
const h2 = sigmoid(x1 * w12 + x2 * w22 + b12);
const h3 = sigmoid(x1 * w13 + x2 * w23 + b13);

// output layer: y = σ(h·u + b2)
const y1 = sigmoid(h1 * u11 + h2 * u21 + h3 * u31 + b21);
const y2 = sigmoid(h1 * u12 + h2 * u22 + h3 * u32 + b22);

// L2 loss
const loss = 0.5 * ((y1 - t1) ** 2 + (y2 - t2) ** 2);

export {}; // a module: its names are its own (the examples share one folder)
