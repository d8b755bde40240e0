// Corpus 36: binary cross-entropy as a class method: clamping with Math.min(Math.max(...)),
// `loss -=` in a loop, guards that throw or return early.
// Source: AugustinMauroy/am-neuralnetwork, src/losses/binary_cross_entropy.ts @ fc30fb4770005931ed64cc3a1e5b0c9abc8b3b5e
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: doc comments
// and `export` dropped; inputs and target appended.
class BinaryCrossEntropyLoss {
  calculate(predictions: number[], targets: number[]): number {
    if (predictions.length !== targets.length) {
      throw new Error('Predictions and targets must have the same length.');
    }
    if (predictions.length === 0 || targets.length === 0) {
      return 0; // empty input
    }
    const epsilon = 1e-12; // keeps log away from 0
    let loss = 0;
    for (let i = 0; i < predictions.length; i++) {
      const yTrue = targets[i];
      const yPred = Math.min(Math.max(predictions[i], epsilon), 1 - epsilon);
      loss -= yTrue * Math.log(yPred) + (1 - yTrue) * Math.log(1 - yPred);
    }
    return loss / predictions.length;
  }
}

const predictions = [0.9, 0.2, 0.8];
const targets = [1, 0, 1];
const bce = new BinaryCrossEntropyLoss();
const loss = bce.calculate(predictions, targets);
