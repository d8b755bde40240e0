// Corpus 41: a digit-recognition network's forward pass: `var` everywhere, a 3-D weight array
// `data` (layer → neuron → weights), nested loops over `.length`, push, a bias of 1 added inside
// the loop, and sigmoid written as Math.pow(2.71828182845904, -value); the target is the output.
// Source: MrHeadbang/DigitRecognitionNeuralNetwork, WebInterface/js/network.js @ 1febbf802ca5b0835558e62fe77f6f3531137652
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the trained
// weights (`data`, another file) are a small 3-2-1 network here; the input and target appended.
function sigmoid(value) {
  return 1 / (1 + Math.pow(2.71828182845904, -value));
}
function calcLayerNeurons(layerInput, layerWeights) {
  var outputNeurons = [];
  for (var i = 0; i < layerWeights.length; i++) {
    var currentWeights = layerWeights[i];
    //Bias value 1
    var outputNeuron = 1;
    for (var j = 0; j < currentWeights.length; j++) {
      outputNeuron += currentWeights[j] * layerInput[j];
    }
    outputNeurons.push(sigmoid(outputNeuron));
  }
  return outputNeurons;
}

function feedForward(input) {
  for (var i = 0; i < data.length; i++) {
    var currentWeights = data[i];
    input = calcLayerNeurons(input, currentWeights);
  }
  return input;
}

var data = [
  [
    [0.2, -0.5, 0.1],
    [-0.3, 0.4, -0.6],
  ],
  [[0.7, -1.1]],
];
var pixels = [0.9, 0.1, 0.5];
var out = feedForward(pixels)[0];
