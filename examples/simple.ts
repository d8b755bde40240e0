// f(x, y, z) = (x + y) · z: the first example of every backprop lecture.
// Select the expression (or put the cursor on the line), right-click, "Show gradients".
// Expected: f = -12, ∂f/∂x = -4, ∂f/∂y = -4, ∂f/∂z = 3.
const x = -2;
const y = 5;
const z = -4;

const f = (x + y) * z;

export {}; // a module: its names are its own (the examples share one folder)
