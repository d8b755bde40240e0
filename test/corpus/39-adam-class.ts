// Corpus 39: an Adam optimiser class: readonly fields with initialisers overridden by
// Object.assign(this, params) in the constructor (a `Partial<Adam> = {}` default parameter),
// private counters with `++`, Math.pow bias correction; five steps on (w - 3)², target the final w.
// Source: sauber/etoro-copy-trading, src/optimize/adam.ts @ 2392afb109ae5516634b799a8dfa49ed3acae807
// Rewritten after the source (same algorithm and constructs, not verbatim). Adapted: the import
// of the Optimizer interface and `implements` dropped, `export` dropped; the training loop on
// (w - 3)², its inputs and the target appended.
class Adam {
  public readonly learningRate: number = 0.1;
  public readonly beta1: number = 0.9;
  public readonly beta2: number = 0.99;
  public readonly epsilon: number = 1e-8;
  private m = 0;
  private v = 0;
  private iteration = 0;

  constructor(params: Partial<Adam> = {}) {
    Object.assign(this, params);
  }

  /** By how much to increment value */
  update(grad: number): number {
    this.iteration++;
    // biased first and second moment estimates
    this.m = this.beta1 * this.m + (1 - this.beta1) * grad;
    this.v = this.beta2 * this.v + (1 - this.beta2) * grad * grad;
    // bias-corrected estimates
    const mHat = this.m / (1 - Math.pow(this.beta1, this.iteration));
    const vHat = this.v / (1 - Math.pow(this.beta2, this.iteration));
    const update = (this.learningRate * mHat) / (Math.sqrt(vHat) + this.epsilon);
    return -update;
  }
}

const w0 = 0.5;
const lr = 0.3;
const adam = new Adam({ learningRate: lr });
let w = w0;
for (let step = 0; step < 5; step++) {
  const grad = 2 * (w - 3);
  w += adam.update(grad);
}
const finalW = w;
