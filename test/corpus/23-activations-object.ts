// Corpus 23: objects of arrow functions (activations and their derivatives), called by property.
// Source: H3K27ac/Neural-network, activation-functions.js @ 0917f410885de7c9a47865d182917ccb5f198e42
// Rewritten after the source (same functions and constructs, not verbatim). Adapted: types added;
// inputs and target appended.
const activationFunctions = {
  sigmoid: (z: number) => 1 / (1 + Math.exp(-z)),
  relu: (z: number) => Math.max(0, z),
  tanh: (z: number) => Math.tanh(z),
};

const derivativeActivationFunctions = {
  sigmoidDerivative: (a: number) => a * (1 - a),
  reluDerivative: (z: number) => (z > 0 ? 1 : 0),
  tanhDerivative: (a: number) => 1 - Math.pow(a, 2),
};

const z = 0.4;
const act = activationFunctions.sigmoid(z);
const g =
  derivativeActivationFunctions.sigmoidDerivative(act) +
  derivativeActivationFunctions.tanhDerivative(activationFunctions.tanh(z)) +
  activationFunctions.relu(z) * derivativeActivationFunctions.reluDerivative(z);
