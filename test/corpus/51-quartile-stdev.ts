// Corpus 51: quartiles and a population standard deviation: `data = Array_Sort_Numbers(data)`
// reassigns the parameter with an in-place sort whose comparator is a function expression, one
// `var i, j, total = 0, mean = 0, diffSqredArr = [];` declaring five names, index loops with
// `i += 1`, push, and a reduce without an initial value; the target mixes quartiles and the
// deviation.
// Source: TheAhmadOsman/HeatedWorld, static/js/stats.js @ 7fb2e0eaa024f321bf698b329f4eda5db26d6142
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the
// temperatures and the target appended.
function Median(data) {
  return Quartile_50(data);
}
function Quartile_25(data) {
  return Quartile(data, 0.25);
}
function Quartile_50(data) {
  return Quartile(data, 0.5);
}
function Quartile_75(data) {
  return Quartile(data, 0.75);
}
function Quartile(data, q) {
  data = Array_Sort_Numbers(data);
  var pos = (data.length - 1) * q;
  var base = Math.floor(pos);
  var rest = pos - base;
  if (data[base + 1] !== undefined) {
    return data[base] + rest * (data[base + 1] - data[base]);
  } else {
    return data[base];
  }
}
function Array_Sort_Numbers(inputarray) {
  return inputarray.sort(function (a, b) {
    return a - b;
  });
}
function Array_Sum(t) {
  return t.reduce(function (a, b) {
    return a + b;
  }, 0);
}
function Array_Average(data) {
  return Array_Sum(data) / data.length;
}
function Array_Stdev(tab) {
  var i,
    j,
    total = 0,
    mean = 0,
    diffSqredArr = [];
  for (i = 0; i < tab.length; i += 1) {
    total += tab[i];
  }
  mean = total / tab.length;
  for (j = 0; j < tab.length; j += 1) {
    diffSqredArr.push(Math.pow(tab[j] - mean, 2));
  }
  return Math.sqrt(
    diffSqredArr.reduce(function (firstEl, nextEl) {
      return firstEl + nextEl;
    }) / tab.length,
  );
}

const temps = [14.1, 15.3, 13.8, 16.9, 15.0, 17.4, 12.6];
const anomaly = Quartile_75(temps) - Median(temps) + Quartile_25(temps) * 0.1 + Array_Stdev(temps) * Array_Average(temps);
