// Corpus 18: logistic regression by hand: `var` function expression, nested counted loops over a
// table, Math.pow(e, -z) with a long literal for e, and a top-level loop feeding theta back in.
// Source: lok0613/logical-regression, index.js @ e8d382c2f1236a68bb055c932ad96e963dc787ea
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the top-level
// `var a = ..., b = ...` list is split into declarations, console.log dropped; target appended.
var theta = [0, 0, 0];
var stepSize = 0.0005;
var trainingData = [
  [1, 55, 130, 0],
  [1, 58, 160, 1],
  [1, 62, 148, 0],
  [1, 67, 186, 1],
];
var numOfIteration = 3;

var iterations = function (theta: number[], stepSize: number, trainingData: number[][]) {
  var newTheta = [],
    trainingSize = trainingData.length,
    exp = 2.71828182845904523536028747135266249775724709369995;
  for (var thetaIterator = 0; thetaIterator < 3; thetaIterator++) {
    var submation = 0;
    for (var trainingIterator = 0; trainingIterator < trainingSize; trainingIterator++) {
      var trainingRow = trainingData[trainingIterator];
      var index = theta[0] + theta[1] * trainingRow[1] + theta[2] * trainingRow[2];
      var base = 1 + Math.pow(exp, -1 * index);
      var diff = Math.pow(base, -1) - trainingRow[3];
      submation += diff * trainingRow[thetaIterator];
    }
    newTheta[thetaIterator] = theta[thetaIterator] - stepSize * submation;
  }
  return newTheta;
};

var newTheta = theta;
for (var i = 0; i < numOfIteration; i++) {
  newTheta = iterations(newTheta, stepSize, trainingData);
}

const w2 = newTheta[2];
