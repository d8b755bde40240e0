// Corpus 08: option value with nested helper functions, comma declarations, chained ternaries,
// a parameter reassigned in the body, and a string compared with ==.
// Source: trj200/OptionVis, optionVisualizer.js @ cc43ebf5382fc0af26b884129b04e6738c85d983
// Rewritten after the source (same algorithm and constructs, including its d1 precedence, not
// verbatim). Adapted: document.write dropped; the undeclared d1/d2 get `var`; inputs and target
// appended.
function getOptionValue(CallOrPut: string, strike: number, time: number, spotPrice: number, volatility: number, riskFreeRate: number) {
  var value = 0;
  function fnER(e: number) {
    var t = e >= 0 ? 1 : -1;
    e = Math.abs(e);
    var n = 0.3275911,
      a = 0.254829592,
      r = -0.284496736,
      i = 1.421413741,
      l = -1.453152027,
      d = 1.061405429,
      u = 1 / (1 + n * e),
      m = 1 - ((((d * u + l) * u + i) * u + r) * u + a) * u * Math.exp(-e * e);
    return t * m;
  }
  function fn_CD(e: number, t: number, n: number) {
    return -1e5 > (e - t) / n ? 0 : (e - t) / n > 1e5 ? 1 : 0.5 * (1 + fnER((e - t) / Math.sqrt(2 * n)));
  }
  var d1 = ((Math.log(spotPrice / strike) + (riskFreeRate - 0 + (volatility * volatility) / 2) * time) / volatility) * Math.sqrt(time);
  var d2 = d1 - volatility * Math.sqrt(time);
  if (CallOrPut == 'call') {
    value = spotPrice * Math.exp(0) * fn_CD(d1, 0, 1) - strike * Math.exp(-riskFreeRate * time) * fn_CD(d2, 0, 1);
  } else {
    value = strike * Math.exp(-riskFreeRate * time) * fn_CD(-d2, 0, 1) - spotPrice * 1 * fn_CD(-d1, 0, 1);
  }
  return value;
}

var rfr = 0.01;
var vol = 0.12;
const callValue = getOptionValue('call', 100, 1, 110, vol, rfr);
