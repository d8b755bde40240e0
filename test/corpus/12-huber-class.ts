// Corpus 12: Huber loss as a class: readonly fields, a default constructor parameter, if/else on
// |error| inside a loop, early return and throw.
// Source: AugustinMauroy/am-neuralnetwork, src/losses/huber_loss.ts @ 8a4444b24cd70d6921c40f5d6b0c402002e39469
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: doc comments
// and getConfig dropped, `export` dropped; inputs and target appended.
class HuberLoss {
  public readonly name = 'HuberLoss';
  public readonly delta: number;

  constructor(delta = 1.0) {
    this.delta = delta;
  }

  calculate(predictions: number[], targets: number[]): number {
    if (predictions.length !== targets.length) {
      throw new Error('Predictions and targets must have the same length.');
    }
    if (predictions.length === 0) {
      return 0;
    }
    let totalLoss = 0;
    for (let i = 0; i < predictions.length; i++) {
      const error = predictions[i] - targets[i];
      const absError = Math.abs(error);
      if (absError <= this.delta) {
        totalLoss += 0.5 * error * error;
      } else {
        totalLoss += this.delta * (absError - 0.5 * this.delta);
      }
    }
    return totalLoss / predictions.length;
  }
}

const delta = 1.0;
const predictions = [1, 2, 3.5];
const targets = [1.5, 1.8, 2.0];
const huber = new HuberLoss(delta);
const loss = huber.calculate(predictions, targets);
