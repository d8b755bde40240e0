// Corpus 32: Simpson's rule with a function argument, an if/else chain inside the loop on
// `i === 0 || i === n` and `i % 2 === 0`, and `result +=`.
// Source: sehoon123/SICPJS, CHAP1/ex1.29.js @ 84d0c0b0cb5960b5a5f101b994c7577243cd3d99
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the source
// assigns undeclared globals (result, h, i): here `let`; console.log dropped; inputs and target
// appended.
function cube(x: number) {
  return x * x * x;
}

function simpson(f: (x: number) => number, a: number, b: number, n: number) {
  let result = 0;
  let h = (b - a) / n;
  for (let i = 0; i <= n; i++) {
    if (i === 0 || i === n) {
      result += (h / 3) * f(a + i * h);
    } else {
      if (i % 2 === 0) {
        result += 2 * (h / 3) * f(a + i * h);
      } else {
        result += 4 * (h / 3) * f(a + i * h);
      }
    }
  }
  return result;
}

const lower = 0.5;
const upper = 1.5;
const steps = 10;
const area = simpson(cube, lower, upper, steps);
