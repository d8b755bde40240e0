// Corpus 30: square roots by Newton's method, once recursive with a defaulted-by-`if (!g)` guess
// and once with while (true) ... break; both stop when the guess stops changing (==).
// Source: joewickes/javascrip-practice, square-root.js @ 811d9ed4f276322a2a33aa46a45c29aed8385d3f
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the optional
// parameter is typed `g?: number`; console.log dropped; inputs and target appended.
function sroot(n: number, g?: number): number {
  if (!g) {
    g = n / 2.0;
  }
  let d = n / g;
  let ng = (d + g) / 2.0;
  if (g == ng) {
    return g;
  }
  return sroot(n, ng);
}

function sqroot(n: number) {
  let g = n / 2.0;
  let d = n / g;
  let ng = (d + g) / 2.0;
  while (true) {
    g = ng;
    d = n / g;
    ng = (d + g) / 2.0;
    if (g == ng) break;
  }
  return g;
}

const first = 7;
const second = 20.25;
const roots = sroot(first) + sqroot(second);
