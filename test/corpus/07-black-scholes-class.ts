// Corpus 07: a class with a static pricing method, a default parameter, `**`, and a normal CDF
// helper that redeclares its parameter with `var` and flips the tail with an `if`.
// Source: Mspagnolo27248/FinStratSite, Utilities/options-price-model.js @ c336b636bd28335754da08640fa4b23b93434dce
// Rewritten after the source (same algorithm and constructs, not verbatim; the source's 0.2315419
// is kept). Adapted: the expiry date (new Date, a date difference) becomes a number of years given
// as a parameter; module.exports dropped; inputs and target appended.
function ncdf(x: number, mean: number, std: number) {
  var x = (x - mean) / std;
  var t = 1 / (1 + 0.2315419 * Math.abs(x));
  var d = 0.3989423 * Math.exp((-x * x) / 2);
  var prob = d * t * (0.3193815 + t * (-0.3565638 + t * (1.781478 + t * (-1.821256 + t * 1.330274))));
  if (x > 0) prob = 1 - prob;
  return prob;
}

class BlackScholes {
  static callPrice(stockPrice: number, impliedVol: number, exPrice: number, yearsToExpiration: number, rfRate = 0.006) {
    const pvExPrice = exPrice * Math.exp(-1 * rfRate * yearsToExpiration);
    const d0 = impliedVol * yearsToExpiration ** 0.5;
    const d1 =
      (Math.log(stockPrice / exPrice) + (rfRate + impliedVol ** 2 / 2) * yearsToExpiration) /
      (impliedVol * yearsToExpiration ** 0.5);
    const d2 = d1 - d0;
    const delta = ncdf(d1, 0, 1);
    const loan = ncdf(d2, 0, 1) * pvExPrice;
    const callPrice = delta * stockPrice - loan;
    return callPrice;
  }
}

const stock = 52;
const iv = 0.3;
const exercise = 55;
const yearsLeft = 0.75;
const call = BlackScholes.callPrice(stock, iv, exercise, yearsLeft);
