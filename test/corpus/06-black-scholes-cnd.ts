// Corpus 06: Black-Scholes with `var`, a string flag compared with ==, and a recursive normal CDF.
// Source: quantapprentice/quantapprentice.github.io, js/main.js @ 28f4e599986be933b1e224154e7aa05ce47f9fa5
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: types added
// to the parameters; inputs and target appended (a put, so that CND recurses on negative x).
function BlackScholes(PutCallFlag: string, S: number, X: number, T: number, r: number, v: number) {
  var d1, d2;
  d1 = (Math.log(S / X) + (r + (v * v) / 2.0) * T) / (v * Math.sqrt(T));
  d2 = d1 - v * Math.sqrt(T);
  if (PutCallFlag == 'c') return S * CND(d1) - X * Math.exp(-r * T) * CND(d2);
  else return X * Math.exp(-r * T) * CND(-d2) - S * CND(-d1);
}

/* The cumulative normal distribution function */
function CND(x: number): number {
  var a1, a2, a3, a4, a5, k;
  (a1 = 0.31938153), (a2 = -0.356563782), (a3 = 1.781477937), (a4 = -1.821255978), (a5 = 1.330274429);
  if (x < 0.0) return 1 - CND(-x);
  else k = 1.0 / (1.0 + 0.2316419 * x);
  return (
    1.0 -
    (Math.exp((-x * x) / 2.0) / Math.sqrt(2 * Math.PI)) *
      k *
      (a1 + k * (-0.356563782 + k * (1.781477937 + k * (-1.821255978 + k * 1.330274429))))
  );
}

const spot = 100;
const strike = 95;
const years = 0.5;
const rate = 0.03;
const vol = 0.25;
const put = BlackScholes('p', spot, strike, years, rate, vol);
