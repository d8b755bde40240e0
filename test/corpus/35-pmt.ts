// Corpus 35: loan payment (PMT) with `var` declarations and a unary minus on a product.
// Source: petermoresi/amortize-js, amortize.js @ c9180efacfa2e3e0032d5e2766ca7d0961fd1e16
// Rewritten after the source (same formula and constructs, not verbatim). Adapted: the schedule
// builder (toFixed strings) dropped, types added; inputs and target appended.
function pmt(rate: number, nper: number, pv: number) {
  var pvif, pmt;
  pvif = Math.pow(1 + rate, nper);
  pmt = (rate / (pvif - 1)) * -(pv * pvif);
  return pmt;
}

const monthlyRate = 0.004;
const months = 360;
const principal = 250000;
const payment = pmt(monthlyRate, months, principal);
